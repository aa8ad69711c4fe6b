"""The reporting calendar's pages: the review page's 报送规则 section (the rule found with its
sentence, its calendar for the year, corrections in place, rules of single assignments), the
publish page's first period to report, and the holiday calendar — each refused to reporters and
outsiders with 404."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_assignment, make_document, make_responsibility, make_schedule
from tests.samples import MONTHLY, SMALL
from tracker.models import (
    Assignment,
    AuditEvent,
    CalendarDay,
    Document,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)
from tracker.periods import SHANGHAI
from tracker.services.document_import import document_import
from tracker.services.reporting_periods import assignments_activate, periods_ensure
from tracker.services.schedules import schedule_token

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
# Today, as the issue has it: mid-fourth quarter.
TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def monthly(units, supervisor):
    return document_import(
        data=MONTHLY.encode(), source_name="monthly.txt", actor=supervisor
    ).document


def _get(client, url: str, **extra) -> str:
    with time_machine.travel(TODAY, tick=False):
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _post(client, url: str, data: dict, **extra):
    with time_machine.travel(TODAY, tick=False):
        return client.post(url, data, **extra)


# --- the review page ----------------------------------------------------------------------------


def test_the_review_page_shows_the_rule_found_with_its_sentence_and_the_years_calendar(
    client, supervisor, monthly
):
    client.force_login(supervisor)
    page = _get(client, reverse("document-review", args=[monthly.pk]))
    section = page[page.index('<section id="schedules"') :]
    section = section[: section.index("</section>")]
    assert "文件报送规则" in section and "每月25日前" in section
    assert "各责任单位于每月25日前报送当月工作进展" in section  # the sentence, as written
    # Twelve months, each opening on the 1st and due on the 25th; one checkpoint a month.
    assert section.count('<th scope="row"') == 12
    assert "2026年1月" in section and "2026年12月" in section
    assert "1月1日—1月31日" in section and "2月1日—2月28日" in section
    assert "<strong>2月25日</strong>" in section
    assert "适用于其余 2 项任务" in section


def test_correcting_the_rule_in_place_recomputes_the_calendar_and_is_audited(
    client, supervisor, monthly
):
    client.force_login(supervisor)
    schedule = monthly.schedules.get(is_default=True)
    url = reverse("document-schedule-edit", args=[monthly.pk, schedule.pk])
    form = _get(client, url, **HX)
    assert f'name="s{schedule.pk}-form"' in form
    data = {
        f"s{schedule.pk}-frequency": "quarterly",
        f"s{schedule.pk}-form": "after_working_days",
        f"s{schedule.pk}-days": "",
        f"s{schedule.pk}-seen": schedule_token(schedule),
    }
    page = _post(client, url, data, **HX).content.decode()
    assert "请填写天数" in page  # the form comes back with the reviewer's input
    data[f"s{schedule.pk}-days"] = "5"
    page = _post(client, url, data, **HX).content.decode()
    assert "报送规则已保存" in page and "每季度结束后5个工作日内" in page
    # The third quarter across 国庆 2026, the fourth into January 2027 (not yet covered).
    assert "<strong>10月13日</strong>" in page and "<strong>2027年1月7日</strong>" in page
    assert "2027年的国务院节假日安排尚未收录" in page
    schedule.refresh_from_db()
    assert (schedule.frequency, schedule.after_period, schedule.working_days, schedule.edited) == (
        "quarterly",
        True,
        5,
        True,
    )
    event = AuditEvent.objects.get(action="schedule.review_update")
    assert event.after["schedule"]["working_days"] == 5
    # A form opened before that save is stale: refused, the reviewer's input kept.
    data.update({f"s{schedule.pk}-days": "10", f"s{schedule.pk}-form": "after_calendar_days"})
    data[f"s{schedule.pk}-seen"] = "0" * 16
    page = _post(client, url, data, **HX).content.decode()
    assert "报送规则已被他人修改" in page and 'value="10"' in page
    schedule.refresh_from_db()
    assert schedule.working_days == 5


def test_a_rule_of_its_own_for_some_assignments(client, supervisor, monthly):
    client.force_login(supervisor)
    second = monthly.assignments.get(position=2)
    new_url = reverse("document-schedule-new", args=[monthly.pk])
    page = _post(
        client,
        new_url,
        {"new-frequency": "quarterly", "new-form": "in_period", "new-month": "3", "new-day": "25"},
        **HX,
    ).content.decode()
    assert "已添加报送规则" in page and "每季度末月25日前" in page
    extra = monthly.schedules.get(is_default=False)
    pick = reverse("document-schedule-assignments", args=[monthly.pk, extra.pk])
    page = _post(client, pick, {f"as{extra.pk}-assignments": [str(second.pk)]}, **HX)
    assert "已更新 1 项任务的报送规则" in page.content.decode()
    second.refresh_from_db()
    assert second.schedule_id == extra.pk
    # Publishing makes each schedule's periods; the second assignment reports quarterly.
    with time_machine.travel(TODAY, tick=False):
        assignments_activate(monthly)
        periods_ensure(monthly)
    frequencies = sorted(
        ReportingPeriod.objects.filter(document=monthly).values_list("frequency", flat=True)
    )
    assert frequencies.count("monthly") == 12 and frequencies.count("quarterly") == 4


def test_making_another_rule_the_documents_and_deleting_one(client, supervisor, monthly):
    client.force_login(supervisor)
    extra = ReportingSchedule.objects.create(
        document=monthly, position=2, frequency="half-yearly", month=6, day=20
    )
    Assignment.objects.filter(document=monthly, position=2).update(schedule=extra)
    url = reverse("document-schedule-default", args=[monthly.pk, extra.pk])
    assert "已设为文件的报送规则" in _post(client, url, {}, **HX).content.decode()
    extra.refresh_from_db()
    assert extra.is_default
    # An assignment given that rule by hand now simply follows the document's.
    assert not Assignment.objects.filter(document=monthly, schedule__isnull=False).exists()
    old = monthly.schedules.get(is_default=False)
    refused = _post(
        client, reverse("document-schedule-delete", args=[monthly.pk, extra.pk]), {}, **HX
    )
    assert "文件的报送规则不能删除" in refused.content.decode()
    done = _post(client, reverse("document-schedule-delete", args=[monthly.pk, old.pk]), {}, **HX)
    assert "已删除报送规则" in done.content.decode()
    assert list(monthly.schedules.values_list("pk", flat=True)) == [extra.pk]


def test_without_javascript_the_rule_form_is_a_page_that_returns_to_the_review(
    client, supervisor, monthly
):
    client.force_login(supervisor)
    schedule = monthly.schedules.get(is_default=True)
    url = reverse("document-schedule-edit", args=[monthly.pk, schedule.pk])
    assert "保存规则" in _get(client, url)
    response = _post(
        client,
        url,
        {
            f"s{schedule.pk}-frequency": "monthly",
            f"s{schedule.pk}-form": "after_month",
            f"s{schedule.pk}-month": "1",
            f"s{schedule.pk}-day": "5",
        },
    )
    assert response.status_code == 302 and response.url.endswith("#schedules")
    schedule.refresh_from_db()
    assert (schedule.after_period, schedule.month, schedule.day) == (True, 1, 5)


def test_a_published_documents_rules_cannot_be_changed(client, supervisor, monthly):
    Document.objects.filter(pk=monthly.pk).update(status="published", published_at=TODAY)
    client.force_login(supervisor)
    schedule = monthly.schedules.get(is_default=True)
    page = _post(
        client,
        reverse("document-schedule-edit", args=[monthly.pk, schedule.pk]),
        {f"s{schedule.pk}-frequency": "yearly", f"s{schedule.pk}-form": "default"},
        **HX,
    ).content.decode()
    assert "文件已发布或已归档" in page
    schedule.refresh_from_db()
    assert schedule.frequency == "monthly"


# --- the publish page -----------------------------------------------------------------------------


def test_publishing_on_6_december_starts_with_the_current_period_and_makes_nothing_overdue(
    client, supervisor, draft
):
    client.force_login(supervisor)
    url = reverse("document-publish", args=[draft.pk])
    page = _get(client, url)
    # The quarterly document: the fourth quarter (due 25 December) is the current one.
    assert '<option value="2026-10-01" selected>' in page
    assert "2026年三季度（9月25日截止，已过期）" in page
    assert "将生成 1 个报送周期" in page and "涉及" in page
    assert "发布后不会产生逾期未报的报告" in page
    # Choosing the third quarter says what that means, without publishing (htmx).
    partial = _get(
        client,
        reverse("document-publish-periods", args=[draft.pk]) + "?first_period=2026-07-01",
        **HX,
    )
    assert (
        "将生成 2 个报送周期" in partial
        and "所选起始期中已过报送截止日的有：2026年三季度" in partial
    )
    response = _post(client, url, {"first_period": "2026-10-01"})
    assert response.status_code == 302
    periods = list(ReportingPeriod.objects.filter(document=draft))
    assert [(p.year, p.quarter) for p in periods] == [(2026, 4)]
    assert draft.schedules.get(is_default=True).reporting_from == date(2026, 10, 1)
    assert AuditEvent.objects.get(action="document.publish").after["reporting_from"] == "2026-10-01"
    # Nothing is overdue: the only period is due on 25 December.
    assert all(p.due_on >= TODAY.date() for p in periods)
    assert not ProgressReport.objects.exists()


def test_an_invalid_first_period_publishes_nothing(client, supervisor, draft):
    client.force_login(supervisor)
    page = _post(
        client, reverse("document-publish", args=[draft.pk]), {"first_period": "2026-02-30"}
    ).content.decode()
    assert "所选的首个报送期无效" in page
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT and not ReportingPeriod.objects.exists()


def test_a_monthly_document_published_in_december_reports_december_first(
    client, supervisor, monthly
):
    client.force_login(supervisor)
    url = reverse("document-publish", args=[monthly.pk])
    assert '<option value="2026-12-01" selected>' in _get(client, url)
    _post(client, url, {"first_period": "2026-12-01"})
    assert list(
        ReportingPeriod.objects.filter(document=monthly).values_list("frequency", "number")
    ) == [("monthly", 12)]


# --- the holiday calendar ---------------------------------------------------------------------


def test_the_calendar_shows_a_covered_year_and_says_when_a_year_is_not_covered(client, supervisor):
    client.force_login(supervisor)
    page = _get(client, reverse("holidays") + "?year=2026")
    assert "chinesecalendar 1.11.0" in page and "收录 2004—2026 年" in page
    assert "10月10日" in page and "国庆节" in page and "国务院安排" in page
    assert "尚未收录" not in page
    page = _get(client, reverse("holidays") + "?year=2027")
    assert "2027年的节假日安排尚未收录" in page and "按周六、周日休息计算" in page


def test_adding_a_holiday_recomputes_the_due_dates_it_moves(client, supervisor, units):
    with time_machine.travel(TODAY, tick=False):
        document = make_document(title="云江市2026年重点工作推进方案")
        make_schedule(document, after_period=True, working_days=5)
        task = make_assignment(document, title="重点工作")
        make_responsibility(task, units["fgw"], "lead")
        assignments_activate(document)
        periods_ensure(document)
    q4 = ReportingPeriod.objects.get(document=document, quarter=4)
    # 2027 is not covered yet: Friday 1 January counts as a working day.
    assert q4.due_on == date(2027, 1, 7)
    client.force_login(supervisor)
    response = _post(
        client,
        reverse("holidays"),
        {"day": "2027-01-01", "is_working": "0", "name": "元旦", "note": "2027年节假日安排"},
    )
    assert response.status_code == 302
    q4.refresh_from_db()
    assert q4.due_on == date(2027, 1, 8)
    page = _get(client, response.url)
    assert "已将2027年1月1日设为休息日" in page and "重新计算 1 个" in page
    assert "人工调整：2027年节假日安排" in page
    assert AuditEvent.objects.filter(action="period.reschedule").count() == 1
    # The past is not rewritten: a locked or past-due period stays.
    _post(client, reverse("holiday-clear", args=["2027-01-01"]), {})
    q4.refresh_from_db()
    assert q4.due_on == date(2027, 1, 7) and not CalendarDay.objects.exists()


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_reporters_and_outsiders_get_404_on_every_calendar_page(
    client, request, who, supervisor, monthly
):
    client.force_login(request.getfixturevalue(who))
    schedule = monthly.schedules.get(is_default=True)
    gets = [
        reverse("holidays"),
        reverse("document-schedules", args=[monthly.pk]),
        reverse("document-schedule-new", args=[monthly.pk]),
        reverse("document-schedule-edit", args=[monthly.pk, schedule.pk]),
        reverse("document-publish-periods", args=[monthly.pk]),
    ]
    posts = [
        reverse("holidays"),
        reverse("holiday-clear", args=["2027-01-01"]),
        reverse("document-schedule-default", args=[monthly.pk, schedule.pk]),
        reverse("document-schedule-delete", args=[monthly.pk, schedule.pk]),
        reverse("document-schedule-assignments", args=[monthly.pk, schedule.pk]),
    ]
    with time_machine.travel(TODAY, tick=False):
        for url in gets:
            assert client.get(url, **HX).status_code == 404, url
        for url in posts:
            assert client.post(url, {"day": "2027-01-01", "is_working": "0"}).status_code == 404, (
                url
            )
    assert ReportingSchedule.objects.filter(document=monthly).count() == 1
    assert not CalendarDay.objects.exists()


def test_the_small_sample_states_a_quarterly_rule(units, supervisor):
    document = document_import(data=SMALL.encode(), source_name="s.txt", actor=supervisor).document
    schedule = document.schedules.get()
    assert (schedule.frequency, schedule.month, schedule.day, schedule.is_default) == (
        "quarterly",
        3,
        25,
        True,
    )


# --- a monthly document's periods on the supervisor's pages and the API ----------------------


@pytest.fixture
def published_monthly(units, reporter):
    with time_machine.travel(TODAY, tick=False):
        document = make_document(title="云江市2026年重点项目月调度工作方案")
        make_schedule(document, frequency="monthly", month=1, day=25, text="每月25日前报送")
        task = make_assignment(document, title="重点项目")
        make_responsibility(task, units["fgw"], "lead")
        assignments_activate(document)
        periods_ensure(document)
    return document


def test_the_dashboard_links_a_monthly_documents_months_in_the_quarter(
    client, supervisor, published_monthly
):
    client.force_login(supervisor)
    page = _get(
        client, reverse("dashboard") + f"?document={published_monthly.pk}&year=2026&quarter=3"
    )
    links = page[page.index("本季度各期报送") :]
    links = links[: links.index("</section>")]
    months = list(
        ReportingPeriod.objects.filter(document=published_monthly, number__in=[7, 8, 9]).order_by(
            "number"
        )
    )
    for month in months:
        assert reverse("period-detail", args=[month.pk]) in links
    assert "2026年9月" in links and 'aria-current="true"' in links


def test_a_months_page_shows_its_rule_span_and_single_checkpoint(
    client, supervisor, published_monthly
):
    client.force_login(supervisor)
    february = ReportingPeriod.objects.get(document=published_monthly, number=2)
    page = _get(client, reverse("period-detail", args=[february.pk]))
    assert "2026年2月报送" in page and "每月25日前" in page
    assert "2026年2月1日—2026年2月28日" in page
    assert "<dd>2026年2月25日</dd>" in page  # 调度: the due date alone
    assert "锁定本期报送" in page


def test_the_api_names_each_period_and_its_span(client, reporter, published_monthly):
    client.force_login(reporter)
    with time_machine.travel(TODAY, tick=False):
        rows = client.get(reverse("api-periods")).json()["results"]
    march = next(row for row in rows if row["number"] == 3)
    assert (march["frequency"], march["name"], march["starts_on"], march["ends_on"]) == (
        "monthly",
        "2026年3月",
        "2026-03-01",
        "2026-03-31",
    )
    assert march["quarter"] == 1 and march["first_checkpoint_on"] is None
