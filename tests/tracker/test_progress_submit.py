"""Saving and submitting a report: only the unit itself, not after the lock, never over someone
else's newer save."""

from __future__ import annotations

from datetime import datetime
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
from tracker.models import AuditEvent, Problem, ProgressReport
from tracker.periods import SHANGHAI
from tracker.services.progress_submit import (
    ReportRefused,
    StaleReport,
    TargetInput,
    progress_report_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(units, reporter):
    document = make_document()
    periods = make_periods(document)
    task = make_assignment(document, title="固定资产投资增长14%")
    target = make_target(task, value="14")
    responsibility = make_responsibility(task, units["fgw"])
    return {"resp": responsibility, "period": periods[0], "target": target}


def save(setup, actor, *, version=None, submit=True, at=None, problems="", value="3.5"):
    return progress_report_save(
        responsibility=setup["resp"],
        period=setup["period"],
        actor=actor,
        values={setup["target"].pk: TargetInput(actual=Decimal(value))},
        narrative="一季度完成投资增长3.5%",
        problems_text=problems,
        next_steps="加快项目开工",
        expected_version=version,
        submit=submit,
        now=at,
    )


def test_submit_on_time_stores_values_and_audits(setup, reporter):
    report = save(setup, reporter, at=datetime(2026, 3, 25, 23, 59, tzinfo=SHANGHAI))
    assert report.status == ProgressReport.Status.SUBMITTED
    assert not report.is_late
    assert report.values.get().actual == Decimal("3.5")
    assert AuditEvent.objects.filter(action="report.submit", object_id=str(report.pk)).exists()


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


def test_a_target_of_another_assignment_is_refused(setup, reporter):
    stranger = make_target(make_assignment(setup["resp"].assignment.document, title="别的任务"))
    with pytest.raises(ReportRefused, match="不属于此任务"):
        progress_report_save(
            responsibility=setup["resp"],
            period=setup["period"],
            actor=reporter,
            values={stranger.pk: TargetInput(actual=Decimal(1))},
            narrative="",
            problems_text="",
            next_steps="",
            expected_version=None,
            submit=True,
        )


def test_a_problem_in_a_submitted_report_starts_at_the_unit_with_three_days(setup, reporter):
    at = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
    save(setup, reporter, at=at, problems="项目用地指标不足")
    problem = Problem.objects.get()
    assert problem.level == Problem.Level.UNIT
    assert problem.level_deadline == datetime(2026, 3, 23, 10, 0, tzinfo=SHANGHAI)
    assert AuditEvent.objects.filter(action="problem.raise").exists()
