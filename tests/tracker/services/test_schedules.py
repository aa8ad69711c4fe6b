"""A document's reporting schedules from the extractor's rules (every form, simplified and
traditional), kept through re-extraction as a reviewer left them, and the periods publishing
makes of them: from "从第N期起", from the first period chosen, and for assignments on a rule of
their own."""

from __future__ import annotations

from datetime import date

import pytest

import extraction
from tests.factories import make_assignment, make_document, make_responsibility, make_schedule
from tracker.models import Assignment, ReportingPeriod, ReportingSchedule
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish, document_publish_or_queue
from tracker.services.document_reextract import document_reextract
from tracker.services.reporting_periods import assignments_activate, periods_ensure
from tracker.services.schedules import (
    draft_assignment_schedule_set,
    draft_schedule_update,
    rule_values,
)

pytestmark = pytest.mark.django_db

BODY = """云江市2026年重点任务分工方案

一、主要任务

1.重点项目完成投资120亿元以上。(牵头单位:市发展改革委;责任单位:市财政局)

2.新开工重点项目30个。(牵头单位:市财政局)

二、工作要求

{rule}
"""

FIELDS = ("frequency", "after_period", "month", "day", "working_days", "calendar_days")


def _import(rule: str, actor, name: str = "rule.txt"):
    data = BODY.format(rule=rule).encode()
    return document_import(data=data, source_name=name, actor=actor).document


@pytest.mark.parametrize(
    ("sentence", "rule", "from_period"),
    [
        ("各单位于每季度末月25日前报送工作进展。", ("quarterly", False, 3, 25, None, None), None),
        (
            "各单位从第二季度起每个季度第1个月的20日前报送上季度情况。",
            ("quarterly", True, 1, 20, None, None),
            2,
        ),
        (
            "各单位每季度结束后5个工作日内报送进展情况。",
            ("quarterly", True, None, None, 5, None),
            None,
        ),
        ("各单位于每月25日前报送当月工作进展。", ("monthly", False, 1, 25, None, None), None),
        ("各单位于次月5日前报送上月工作情况。", ("monthly", True, 1, 5, None, None), None),
        ("各单位每半年报送一次工作进展。", ("half-yearly", False, None, None, None, None), None),
        ("各单位于年底前报送全年工作总结。", ("yearly", False, 12, 31, None, None), None),
        # Traditional script: the same rule, read from the simplified text it is stored as.
        (
            "各單位每季度結束後5個工作日內報送進展情況。",
            ("quarterly", True, None, None, 5, None),
            None,
        ),
        ("各單位於每月25日前報送當月工作進展。", ("monthly", False, 1, 25, None, None), None),
    ],
)
def test_each_rule_form_the_document_writes_becomes_its_schedule(
    units, supervisor, sentence, rule, from_period
):
    document = _import(sentence, supervisor)
    schedule = document.schedules.get(is_default=True)
    assert tuple(getattr(schedule, name) for name in FIELDS) == rule
    assert schedule.from_period == from_period
    # The sentence, as it stands in the stored text.
    stored = document.source_text[schedule.span_start : schedule.span_end]
    assert stored == schedule.text and "报送" in stored


def test_several_rules_the_first_quarterly_one_is_the_documents(units, supervisor):
    document = _import(
        "各单位每月25日前报送当月进度；牵头单位于每季度末月25日前报送季度分析报告。", supervisor
    )
    rows = list(document.schedules.order_by("position").values_list("frequency", "is_default"))
    assert rows == [("monthly", False), ("quarterly", True)]


def test_a_document_stating_no_rule_follows_the_settings_quarterly_rule(units, supervisor):
    document = _import("各单位要高度重视，确保各项任务落实到位。", supervisor)
    schedule = document.schedules.get()
    assert (schedule.is_default, schedule.frequency, schedule.month, schedule.text) == (
        True,
        "quarterly",
        None,
        "",
    )
    assignments_activate(document)
    periods_ensure(document)
    assert [p.due_on for p in document.periods.order_by("ends_on")] == [
        date(2026, 3, 25),
        date(2026, 6, 25),
        date(2026, 9, 25),
        date(2026, 12, 25),
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # A count out of range is dropped, leaving the frequency's default.
        (
            {"frequency": "quarterly", "after_period": True, "working_days": 0},
            (False, None, None, None),
        ),
        (
            {"frequency": "quarterly", "after_period": True, "working_days": 99},
            (False, None, None, None),
        ),
        # A day beyond any month is not a rule.
        ({"frequency": "monthly", "month_of_period": 1, "day": 40}, (False, None, None, None)),
        # A month the period does not have: its last month.
        ({"frequency": "quarterly", "month_of_period": 5, "day": 20}, (False, 3, 20, None)),
        # An older contract's month_of_quarter is read too.
        ({"frequency": "quarterly", "month_of_quarter": 1, "day": 10}, (False, 1, 10, None)),
        ({"frequency": "monthly", "after_period": True, "day": 5}, (True, 1, 5, None)),
    ],
)
def test_parts_out_of_range_are_dropped_not_stored(rule, expected):
    values = rule_values(rule)
    assert values is not None
    assert (
        values["after_period"],
        values["month"],
        values["day"],
        values["working_days"],
    ) == expected
    assert rule_values({"frequency": "weekly", "day": 5}) is None


def test_reextraction_keeps_what_the_reviewer_changed_and_follows_the_rest(
    units, supervisor, monkeypatch
):
    document = _import("各单位于每月25日前报送当月工作进展。", supervisor)
    schedule = document.schedules.get()
    # A newer extractor reads the same sentence as due after the month.
    real = extraction.extract

    def newer(text):
        result = real(text)
        for rule in result["reporting"]:
            rule.update(after_period=True, month_of_period=1, day=5)
        return result

    monkeypatch.setattr("tracker.services.document_reextract.extraction.extract", newer)
    document_reextract(document=document, actor=supervisor)
    schedule.refresh_from_db()
    assert (schedule.after_period, schedule.day) == (True, 5)
    # Once corrected by hand it stays as the reviewer left it.
    draft_schedule_update(
        schedule=schedule,
        actor=supervisor,
        values={"frequency": "monthly", "month": 1, "day": 20},
    )
    document_reextract(document=document, actor=supervisor)
    schedule.refresh_from_db()
    assert (schedule.after_period, schedule.day, schedule.edited) == (False, 20, True)


def test_from_the_second_quarter_a_rule_due_after_the_quarter_reports_the_first(units):
    after = make_document(title="次季报送")
    make_schedule(after, after_period=True, month=1, day=20, from_period=2)
    inside = make_document(title="季内报送")
    make_schedule(inside, month=3, day=25, from_period=2)
    for document in (after, inside):
        make_responsibility(make_assignment(document), units["fgw"], "lead")
        assignments_activate(document)
        periods_ensure(document)
    # Reporting starts in the second quarter: by 20 April for the first quarter, or with the
    # second quarter's own report.
    assert list(after.periods.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert list(inside.periods.values_list("number", flat=True)) == [2, 3, 4]


def test_publishing_from_a_chosen_period_and_single_assignments_from_their_first_not_past_due(
    units, supervisor
):
    document = make_document(title="年中发布", published=False)
    make_schedule(document, month=3, day=25)
    monthly = ReportingSchedule.objects.create(
        document=document, position=2, frequency="monthly", month=1, day=25
    )
    first = make_assignment(document, title="按季度")
    second = make_assignment(document, title="按月")
    draft_assignment_schedule_set(assignment=second, schedule=monthly, actor=supervisor)
    first.lead_units_text = second.lead_units_text = ["市发展改革委"]
    Assignment.objects.bulk_update([first, second], ["lead_units_text"])
    outcome = document_publish(
        document=document,
        actor=supervisor,
        reporting_from=date(2026, 10, 1),
        today=date(2026, 12, 6),
    )
    # The fourth quarter; the monthly assignment from December (October and November are past
    # their due dates on 6 December).
    periods = list(
        document.periods.order_by("ends_on", "frequency").values_list("frequency", "number")
    )
    assert periods == [("monthly", 12), ("quarterly", 4)]
    assert outcome.periods_created == 2 and outcome.reporting_from == date(2026, 10, 1)
    monthly.refresh_from_db()
    assert monthly.reporting_from == date(2026, 12, 1)
    # Publishing again changes nothing.
    again = document_publish(document=document, actor=supervisor, today=date(2027, 3, 1))
    assert again.periods_created == 0


def test_a_background_publish_starts_from_the_period_chosen_on_the_page(
    units, supervisor, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TRACKER_PUBLISH_BACKGROUND_ABOVE = 1
    document = make_document(title="后台发布", published=False)
    for n in range(2):
        task = make_assignment(document, title=f"任务{n}")
        task.lead_units_text = ["市发展改革委"]
        task.save()
    queued = []
    # The broker is the edge: the task is recorded, then run here as the worker would.
    monkeypatch.setattr(
        "tracker.services.document_publish.queue", lambda name, *args: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = document_publish_or_queue(
            document=document, actor=supervisor, reporting_from=date(2026, 10, 1)
        )
    assert decision.queued and queued == [(document.pk, supervisor.pk)]
    # What the worker then runs.
    document_publish(document=document, actor=supervisor, today=date(2026, 12, 6))
    assert list(
        ReportingPeriod.objects.filter(document=document).values_list("number", flat=True)
    ) == [4]


def test_a_report_goes_to_a_period_of_its_own_schedule_only(units, reporter, client):
    from tracker.services.reports import ReportInput, ReportRefused, report_save

    document = make_document(title="两种规则")
    quarterly_task = make_assignment(document, title="按季度")
    monthly_task = make_assignment(document, title="按月")
    monthly_task.schedule = ReportingSchedule.objects.create(
        document=document, position=2, frequency="monthly", month=1, day=25
    )
    monthly_task.save()
    lead = make_responsibility(quarterly_task, units["fgw"], "lead")
    make_responsibility(monthly_task, units["fgw"], "lead")
    assignments_activate(document)
    periods_ensure(document)
    march = ReportingPeriod.objects.get(document=document, frequency="monthly", number=3)
    with pytest.raises(ReportRefused, match="不属于此任务的报送规则"):
        report_save(
            responsibility=lead,
            period=march,
            actor=reporter,
            report_input=ReportInput(narrative="误填", assessment="in_progress"),
            expected_version=None,
            submit=False,
        )
    client.force_login(reporter)
    from django.urls import reverse

    assert client.get(reverse("report-work", args=[lead.pk, march.pk])).status_code == 404


def test_with_the_setting_a_due_date_on_a_day_off_moves_to_the_next_working_day(units, settings):
    settings.TRACKER_DUE_ROLLS_TO_WORKING_DAY = True
    document = make_document(title="遇节假日顺延")
    make_schedule(document, month=3, day=25)
    make_responsibility(make_assignment(document), units["fgw"], "lead")
    assignments_activate(document)
    periods_ensure(document)
    # 25 September 2026 is 中秋 (off through Sunday 27th); 25 March and June are working days;
    # 25 December is a Friday.
    assert [p.due_on for p in document.periods.order_by("ends_on")] == [
        date(2026, 3, 25),
        date(2026, 6, 25),
        date(2026, 9, 28),
        date(2026, 12, 25),
    ]
