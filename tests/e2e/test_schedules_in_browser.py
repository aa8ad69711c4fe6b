"""A monthly plan from its text to the reporters' desks, in a real browser, on 6 December 2026:
the supervisor pastes a document saying "于每月25日前报送", the review page shows the rule with
the sentence it came from and the year's calendar of months, the publish page offers the current
month as the first to report (choosing an earlier one says what becomes overdue), and the
reporters see monthly periods; the holiday page says 2027 is not covered yet.

Each page visited is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from tests.e2e.pages import sign_in
from tests.samples import MONTHLY
from tracker.models import Document, ReportingPeriod, User
from tracker.periods import SHANGHAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_monthly_plan_is_reviewed_published_from_a_chosen_month_and_reported_monthly(
    live_server, browser, camera, units
):
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    User.objects.create_user("fgw-r", password="pw-fgw-2026", role="reporter", unit=units["fgw"])
    base = live_server.url
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=SHANGHAI), tick=True):
        supervisor = browser.new_page(viewport={"width": 1400, "height": 1000})
        sign_in(supervisor, base, "duchashi", "pw-dcs-2026")
        supervisor.goto(f"{base}/documents/import/")
        supervisor.fill("#id_text", MONTHLY)
        supervisor.click("button:has-text('导入并识别')")
        supervisor.wait_for_selector("h1:has-text('审核草稿')")

        # The rule found, the sentence it came from, and the calendar of the year's months.
        section = supervisor.locator("#schedules")
        section.locator("text=每月25日前").first.wait_for()
        assert "各责任单位于每月25日前报送当月工作进展" in section.inner_text()
        rows = section.locator("table.calendar tbody tr")
        assert rows.count() == 12
        assert "2026年2月" in rows.nth(1).inner_text() and "2月25日" in rows.nth(1).inner_text()
        section.scroll_into_view_if_needed()
        camera.shoot(supervisor, "review-rule-and-calendar")

        # Correcting it in place: "次月5日前报送上月", and back.
        section.locator("a:has-text('修改规则')").click()
        supervisor.wait_for_selector("#schedules form.schedule-form")
        form = supervisor.locator("#schedules form.schedule-form")
        form.locator("select[name$='-form']").select_option("after_month")
        form.locator("input[name$='-month']").fill("1")
        form.locator("input[name$='-day']").fill("5")
        camera.shoot(supervisor, "review-rule-editing")
        form.locator("button:has-text('保存规则')").click()
        supervisor.wait_for_selector("#schedules >> text=报送规则已保存")
        assert "次月5日前报送上月" in supervisor.locator("#schedules").inner_text()
        assert "2027年1月5日" in supervisor.locator("#schedules table.calendar").inner_text()
        camera.shoot(supervisor, "review-rule-saved")
        supervisor.locator("#schedules a:has-text('修改规则')").click()
        supervisor.wait_for_selector("#schedules form.schedule-form")
        form = supervisor.locator("#schedules form.schedule-form")
        form.locator("select[name$='-form']").select_option("in_period")
        form.locator("input[name$='-day']").fill("25")
        form.locator("button:has-text('保存规则')").click()
        supervisor.wait_for_selector("#schedules >> text=报送规则已保存")

        # Publishing: the current month first; choosing November says it is already overdue.
        supervisor.click("a:has-text('发布…')")
        supervisor.wait_for_selector("h1:has-text('发布文件')")
        select = supervisor.locator("#id_first_period")
        assert select.input_value() == "2026-12-01"
        assert "将生成 1 个报送周期" in supervisor.locator("#publish-periods").inner_text()
        camera.shoot(supervisor, "publish-current-month")
        select.select_option("2026-11-01")
        supervisor.wait_for_selector("#publish-periods >> text=将生成 2 个报送周期")
        assert "2026年11月" in supervisor.locator("#publish-periods .alert").inner_text()
        camera.shoot(supervisor, "publish-from-november")
        supervisor.click("button:has-text('确认发布')")
        supervisor.wait_for_selector("text=已发布")
        camera.shoot(supervisor, "published")

        reporter = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(reporter, base, "fgw-r", "pw-fgw-2026")
        reporter.goto(f"{base}/tasks/")
        table = reporter.locator("table.grid")
        table.locator("text=2026年12月").first.wait_for()
        text = table.inner_text()
        assert "2026年11月" in text and "逾期未报" in text
        assert "2026年12月25日" in text
        camera.shoot(reporter, "my-tasks-monthly")
        reporter.click("tr:has-text('2026年12月') a.button:has-text('填报')")
        reporter.wait_for_load_state("load")
        assert "2026年12月" in reporter.locator("dl.meta").inner_text()
        assert reporter.locator("th:has-text('本期累计')").count() == 1
        camera.shoot(reporter, "report-form-monthly")

        supervisor.goto(f"{base}/calendar/?year=2026")
        supervisor.wait_for_selector("td:has-text('国庆节')")
        camera.shoot(supervisor, "holidays-2026")
        supervisor.goto(f"{base}/calendar/?year=2027")
        supervisor.wait_for_selector("text=2027年的节假日安排尚未收录")
        camera.shoot(supervisor, "holidays-2027")

    document = Document.objects.get()
    assert document.status == Document.Status.PUBLISHED
    assert list(
        ReportingPeriod.objects.filter(document=document).values_list("frequency", "number")
    ) == [("monthly", 11), ("monthly", 12)]
