"""The quarter as people live it, in a real browser: a reporter submits, a supervisor returns the
report, the reporter corrects and resubmits, the supervisor approves.

Each page visited is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from tests.e2e.pages import sign_in
from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import ProgressReport, User
from tracker.periods import SHANGHAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quarter(units):
    document = make_document(title="云江市2026年重点任务分工方案")
    task = make_assignment(document, title="城镇新增就业2.8万人")
    target = make_target(task, value="2.8", unit="万人", kind="count", indicator="城镇新增就业")
    make_responsibility(task, units["fgw"], "lead")
    periods = make_periods(document)
    User.objects.create_user(
        "fgw-reporter", password="pw-fgw-2026", role="reporter", unit=units["fgw"]
    )
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    return {"target": target, "q2": periods[1]}


def test_submit_return_resubmit_approve(live_server, browser, camera, quarter):
    base = live_server.url
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=True):
        reporter = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(reporter, base, "fgw-reporter", "pw-fgw-2026")
        camera.shoot(reporter, "my-tasks")
        reporter.click("tr:has-text('2026年二季度') a.button:has-text('填报')")
        # htmx listens once the page has loaded; typing before that would compute nothing.
        reporter.wait_for_load_state("load")
        field = reporter.locator(f"#id_target-{quarter['target'].pk}")
        field.fill("1.5")
        # htmx computes the completion as the figure is typed.
        reporter.wait_for_selector(f"#calc-{quarter['target'].pk}-completion:has-text('53.6%')")
        reporter.fill("#id_narrative", "上半年城镇新增就业1.5万人，完成年度目标的53.6%。")
        camera.shoot(reporter, "work-typed")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送，等待审核")
        camera.shoot(reporter, "work-submitted")

        supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(supervisor, base, "duchashi", "pw-dcs-2026")
        supervisor.goto(f"{base}/reviews/")
        camera.shoot(supervisor, "review-queue")
        supervisor.click("a.button:has-text('审核')")
        supervisor.fill("textarea[name=reason]", "请补充分县区数据")
        camera.shoot(supervisor, "report-returning")
        supervisor.click("button:has-text('退回修改')")
        supervisor.wait_for_selector("text=报告已退回")

        reporter.goto(reporter.url)
        reporter.wait_for_selector("text=请补充分县区数据")
        camera.shoot(reporter, "work-returned")
        reporter.fill("#id_narrative", "上半年新增就业1.5万人，江北区0.5万人、江南区0.4万人。")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送，等待审核")

        supervisor.reload()
        supervisor.click("button:has-text('审核通过')")
        supervisor.wait_for_selector("text=报告已审核通过")
        camera.shoot(supervisor, "report-approved")

    report = ProgressReport.objects.get()
    assert report.status == ProgressReport.Status.APPROVED
    assert report.colour == "green"  # 1.5 of 2.8 at half-year: pace 1.07
    assert not report.is_late
