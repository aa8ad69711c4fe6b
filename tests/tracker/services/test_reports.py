"""Saving and submitting a report: only the unit itself, not after the lock, never over someone
else's newer save, and never a number that makes no sense for its target."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import AuditEvent, Problem, ProblemStep, ProgressReport, TargetValue
from tracker.periods import SHANGHAI
from tracker.services.reports import (
    ReportInput,
    ReportRefused,
    StaleReport,
    TargetInput,
    report_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(units, reporter):
    document = make_document()
    task = make_assignment(document, title="固定资产投资增长14%")
    target = make_target(task, value="14")
    responsibility = make_responsibility(task, units["fgw"])
    periods = make_periods(document)
    return {"resp": responsibility, "period": periods[0], "target": target, "periods": periods}


def save(setup, actor, *, version=None, submit=True, at=None, problems="", value="3.5", **kw):
    if "values" in kw:
        values = kw.pop("values")
    else:
        values = {setup["target"].pk: TargetInput(actual=Decimal(value))}
    return report_save(
        responsibility=setup["resp"],
        period=kw.pop("period", setup["period"]),
        actor=actor,
        report_input=ReportInput(
            values=values,
            narrative=kw.pop("narrative", "一季度完成投资增长3.5%"),
            problems_text=problems,
            next_steps="加快项目开工",
            **kw,
        ),
        expected_version=version,
        submit=submit,
        now=at,
    )


def test_submit_on_time_stores_values_colour_and_audits(setup, reporter):
    report = save(setup, reporter, at=datetime(2026, 3, 25, 23, 59, tzinfo=SHANGHAI))
    assert report.status == ProgressReport.Status.SUBMITTED
    assert not report.is_late
    value = report.values.get()
    assert value.actual == Decimal("3.5")
    # Growth 3.5% against 14%: 10.5 points short, whatever the quarter: red.
    assert (value.colour, value.gap_pp, value.elapsed) == (
        "red",
        Decimal("-10.50"),
        Decimal("0.25"),
    )
    assert report.colour == "red"
    assert AuditEvent.objects.filter(action="report.submit", object_id=str(report.pk)).exists()


def test_a_draft_has_no_colour_until_submitted(setup, reporter):
    report = save(setup, reporter, submit=False, value="14")
    assert report.status == ProgressReport.Status.DRAFT
    assert report.colour == ""
    assert report.values.get().colour == "green"


def test_a_submission_after_the_due_day_in_shanghai_is_late(setup, reporter):
    # 00:00 on 26 March in Shanghai is still 25 March in UTC.
    report = save(setup, reporter, at=datetime(2026, 3, 26, 0, 0, tzinfo=SHANGHAI))
    assert report.is_late


def test_a_stale_save_is_refused_and_loses_nothing(setup, reporter):
    first = save(setup, reporter, submit=False)
    save(setup, reporter, version=first.version, submit=False, value="4")
    with pytest.raises(StaleReport, match="已被他人修改"):
        save(setup, reporter, version=first.version, value="9")
    report = ProgressReport.objects.get()
    assert report.values.get().actual == Decimal("4")
    assert report.version == 2
    assert report.status == ProgressReport.Status.DRAFT


def test_a_second_first_save_is_stale_too(setup, reporter):
    save(setup, reporter, submit=False)
    with pytest.raises(StaleReport):
        save(setup, reporter, version=None, submit=False, value="5")
    assert ProgressReport.objects.get().values.get().actual == Decimal("3.5")


def test_another_unit_cannot_write_the_report(setup, outsider, supervisor):
    for actor in (outsider, supervisor):
        with pytest.raises(ReportRefused, match="只能填报本单位"):
            save(setup, actor)
    assert not ProgressReport.objects.exists()


def test_a_locked_period_refuses_submissions(setup, reporter):
    setup["period"].locked_at = timezone.now()
    setup["period"].save()
    with pytest.raises(ReportRefused, match="已锁定"):
        save(setup, reporter)
    assert not ProgressReport.objects.exists()


def test_a_submitted_report_waits_for_review(setup, reporter):
    report = save(setup, reporter)
    with pytest.raises(ReportRefused, match="已报送"):
        save(setup, reporter, version=report.version, value="5")
    assert ProgressReport.objects.get().values.get().actual == Decimal("3.5")


def test_a_target_of_another_assignment_is_refused(setup, reporter):
    stranger = make_target(make_assignment(setup["resp"].assignment.document, title="别的任务"))
    with pytest.raises(ReportRefused, match="不属于此任务"):
        save(setup, reporter, values={stranger.pk: TargetInput(actual=Decimal(1))})
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("kind", "unit", "value", "message"),
    [
        ("share", "%", "101", "0 到 100"),
        ("share", "%", "-1", "0 到 100"),
        ("rank", "名", "0", "正整数"),
        ("rank", "名", "2.5", "正整数"),
        ("level", "万元", "-3", "不能为负数"),
        ("count", "户", "-1", "不能为负数"),
    ],
)
def test_a_number_that_makes_no_sense_for_its_target_is_refused(
    setup, reporter, kind, unit, value, message
):
    target = make_target(setup["resp"].assignment, value="50", unit=unit, kind=kind)
    with pytest.raises(ReportRefused) as refused:
        save(setup, reporter, values={target.pk: TargetInput(actual=Decimal(value))})
    assert message in refused.value.errors[f"target-{target.pk}"]
    assert not ProgressReport.objects.exists()
    assert not TargetValue.objects.exists()


def test_growth_may_be_negative(setup, reporter):
    report = save(setup, reporter, value="-2.3")
    assert report.values.get().actual == Decimal("-2.3")


def test_submitting_needs_a_narrative(setup, reporter):
    with pytest.raises(ReportRefused) as refused:
        save(setup, reporter, narrative="  ")
    assert "进展情况" in refused.value.errors["narrative"]
    save(setup, reporter, narrative="", submit=False)  # a draft may be empty


def test_a_task_without_targets_needs_a_self_assessment(units, reporter):
    document = make_document()
    task = make_assignment(document, title="深化“放管服”改革")
    responsibility = make_responsibility(task, units["fgw"])
    period = make_periods(document)[1]
    setup = {"resp": responsibility, "period": period, "target": None}
    with pytest.raises(ReportRefused) as refused:
        save(setup, reporter, values={})
    assert "自评" in refused.value.errors["assessment"]
    report = save(setup, reporter, values={}, assessment="in_progress")
    assert report.colour == "green"


def test_a_qualitative_target_takes_an_assessment_not_a_number(setup, reporter):
    target = make_target(setup["resp"].assignment, value=None, kind="qualitative")
    with pytest.raises(ReportRefused):
        save(setup, reporter, values={target.pk: TargetInput(actual=Decimal(1))})
    report = save(setup, reporter, values={target.pk: TargetInput(assessment="done")})
    assert report.values.get().colour == "blue"


def test_an_overlong_text_is_refused(setup, reporter):
    with pytest.raises(ReportRefused) as refused:
        save(setup, reporter, narrative="进" * 5001)
    assert "narrative" in refused.value.errors


def test_a_problem_in_a_submitted_report_starts_at_the_unit_with_three_days(setup, reporter):
    at = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
    save(setup, reporter, at=at, problems="项目用地指标不足")
    problem = Problem.objects.get()
    assert problem.level == Problem.Level.UNIT
    assert problem.level_deadline == datetime(2026, 3, 23, 10, 0, tzinfo=SHANGHAI)
    assert ProblemStep.objects.get().action == "raise"
    assert AuditEvent.objects.filter(action="problem.raise").exists()


def test_a_period_after_the_assignment_ended_needs_no_report(units, reporter):
    document = make_document()
    task = make_assignment(document, title="一季度开门红")
    task.deadline = date(2026, 3, 31)
    task.save()
    target = make_target(task, value="8")
    responsibility = make_responsibility(task, units["fgw"])
    periods = make_periods(document)
    setup = {"resp": responsibility, "period": periods[1], "target": target}
    with pytest.raises(ReportRefused, match="无需报送"):
        save(setup, reporter)


def test_a_report_without_figures_is_judged_on_its_overall_assessment(setup, reporter):
    with pytest.raises(ReportRefused) as refused:
        save(setup, reporter, values={})
    assert "总体自评" in refused.value.errors["assessment"]
    report = save(setup, reporter, values={}, assessment="in_progress")
    assert report.colour == "green"
    assert not report.values.exists()


def test_a_runaway_figure_is_refused_or_kept_within_the_columns(setup, reporter):
    with pytest.raises(ReportRefused) as refused:
        save(setup, reporter, value="12345678901234")
    assert "±1000" in refused.value.errors[f"target-{setup['target'].pk}"]
    tiny = make_target(setup["resp"].assignment, value="0.01", unit="亿元", kind="level")
    report = save(setup, reporter, values={tiny.pk: TargetInput(actual=Decimal("9" * 13))})
    value = ProgressReport.objects.get(pk=report.pk).values.get()
    assert value.completion == Decimal("99999999") and value.colour == "blue"


def test_submitting_waits_for_the_reporting_window(setup, reporter):
    before = datetime(2026, 2, 27, 10, tzinfo=SHANGHAI)  # Q1's window opens on 1 March
    with pytest.raises(ReportRefused, match="3月1日开始"):
        save(setup, reporter, at=before)
    assert not ProgressReport.objects.exists()
    draft = save(setup, reporter, at=before, submit=False)
    assert draft.status == ProgressReport.Status.DRAFT


def test_recomputing_applies_changed_thresholds(setup, reporter, settings):
    from io import StringIO

    from django.core.management import call_command

    report = save(setup, reporter, value="13.2")  # 0.8 points short of 14: yellow
    assert report.colour == "yellow"
    settings.TRACKER_GROWTH_YELLOW_GAP_PP = Decimal("0.5")
    out = StringIO()
    call_command("recompute_progress", stdout=out)
    assert "1 份" in out.getvalue()
    report.refresh_from_db()
    assert report.colour == "red" and report.values.get().colour == "red"


def test_a_submission_takes_a_fixed_number_of_statements(
    setup, reporter, django_assert_num_queries
):
    """The deadline's hot path (issue 19's load test). Read afresh: the task with the unit's
    part (one query), its targets; under the report's lock: the report, its period, its values;
    written: the values (one UPDATE for the rows it had), the report, its summary row (read
    before and after, deleted and inserted, no savepoint of their own) and, since the row
    changed, the quarter's change mark for the figures kept in the cache; the audit event; and
    the transaction (a savepoint and its release inside the test's). Sixteen before the load
    test was profiled."""
    at = datetime(2026, 3, 25, 10, tzinfo=SHANGHAI)
    draft = save(setup, reporter, submit=False, at=at)
    with django_assert_num_queries(15):
        report = save(setup, reporter, version=draft.version, at=at)
    assert report.status == ProgressReport.Status.SUBMITTED
