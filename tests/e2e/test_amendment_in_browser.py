"""Amending a published document in a real browser: a reporter has the report form open; the
supervisor withdraws one of the task's targets with a reason; the reporter's submission is
refused as stale with the typed text kept, the refreshed form asks only for what remains, and
the document's page lists the amendment.

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
from tracker.models import DocumentAmendment, ProgressReport, User
from tracker.periods import SHANGHAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"width": 1280, "height": 900}


def test_a_withdrawn_target_makes_an_open_form_stale(live_server, browser, camera, units):
    document = make_document(title="云江市2026年重点任务分工方案")
    task = make_assignment(document, title="稳投资扩内需")
    investment = make_target(task, value="6.5", indicator="固定资产投资")
    projects = make_target(task, value="40", unit="个", kind="count", indicator="重点项目开工")
    lead = make_responsibility(task, units["fgw"], "lead")
    make_responsibility(task, units["czj"], "co")
    q2 = make_periods(document)[1]
    User.objects.create_user("fgw-tb", password="pw-fgw-2026", role="reporter", unit=units["fgw"])
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    base = live_server.url
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=True):
        reporter = browser.new_page(viewport=DESK)
        sign_in(reporter, base, "fgw-tb", "pw-fgw-2026")
        reporter.goto(f"{base}/work/{lead.pk}/{q2.pk}/")
        reporter.wait_for_load_state("load")
        reporter.fill(f"#id_target-{investment.pk}", "6.8")
        reporter.fill(f"#id_target-{projects.pk}", "18")
        reporter.fill("#id_narrative", "上半年固定资产投资增长6.8%，重点项目开工18个。")
        camera.shoot(reporter, "form-open")

        supervisor = browser.new_page(viewport=DESK)
        sign_in(supervisor, base, "duchashi", "pw-dcs-2026")
        supervisor.goto(f"{base}/documents/{document.pk}/")
        supervisor.click("a:has-text('修订')")
        supervisor.wait_for_selector("text=修订已发布的文件")
        camera.shoot(supervisor, "amend-document")
        supervisor.click("a:has-text('修订…')")
        supervisor.wait_for_selector("text=撤销该指标")
        supervisor.locator(f"details:has(#rt-{projects.pk}) summary").click()
        supervisor.fill(f"#rt-{projects.pk}", "重点项目改由专项考核，不再列入本方案")
        camera.shoot(supervisor, "amend-task")
        supervisor.locator(f"details:has(#rt-{projects.pk}) button:has-text('撤销')").click()
        supervisor.wait_for_selector("text=已完成第1次修订")
        camera.shoot(supervisor, "amended")

        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=该任务在您打开填报页面后已调整")
        assert "上半年固定资产投资增长6.8%" in reporter.input_value("#id_narrative")
        camera.shoot(reporter, "stale")
        reporter.goto(f"{base}/work/{lead.pk}/{q2.pk}/")
        reporter.wait_for_load_state("load")
        assert reporter.locator(f"#id_target-{projects.pk}").count() == 0
        reporter.fill(f"#id_target-{investment.pk}", "6.8")
        reporter.fill("#id_narrative", "上半年固定资产投资增长6.8%。")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送，等待审核")

        supervisor.goto(f"{base}/documents/{document.pk}/")
        supervisor.wait_for_selector("text=修订记录")
        camera.shoot(supervisor, "document-history")
    assert DocumentAmendment.objects.get().reason == "重点项目改由专项考核，不再列入本方案"
    assert ProgressReport.objects.get().status == "submitted"
