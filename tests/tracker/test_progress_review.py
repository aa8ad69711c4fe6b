"""Review: a supervisor approves or returns with a reason; a lead unit returns its co-units'
input; the reporter resubmits; locks and reopening; every change audited."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import AuditEvent, ProgressReport, User
from tracker.periods import SHANGHAI
from tracker.services.report_review import (
    ReviewRefused,
    report_approve,
    report_return,
)
from tracker.services.reporting_periods import (
    PeriodRefused,
    period_lock,
    period_reopen,
    period_unlock,
)
from tracker.services.reports import (
    ReportInput,
    ReportRefused,
    TargetInput,
    report_save,
)

pytestmark = pytest.mark.django_db
AT = datetime(2026, 6, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world(units, reporter, outsider):
    document = make_document()
    task = make_assignment(document, title="地方一般公共预算收入增长5%")
    target = make_target(task, value="5")
    lead = make_responsibility(task, units["fgw"], role="lead")
    co = make_responsibility(task, units["czj"], role="co")
    periods = make_periods(document)
    return {"task": task, "target": target, "lead": lead, "co": co, "period": periods[1]}


def submit(world, actor, responsibility, *, value="4.6", version=None, at=AT):
    return report_save(
        responsibility=responsibility,
        period=world["period"],
        actor=actor,
        report_input=ReportInput(
            values={world["target"].pk: TargetInput(actual=Decimal(value))},
            narrative="上半年收入增长",
        ),
        expected_version=version,
        submit=True,
        now=at,
    )


def test_approve_sets_review_fields_and_audits(world, reporter, supervisor):
    report = submit(world, reporter, world["lead"])
    report = report_approve(report=report, actor=supervisor, expected_version=report.version)
    assert report.status == ProgressReport.Status.APPROVED
    assert report.reviewed_by == supervisor
    assert report.colour == "yellow"  # 0.4 points short of 5%
    event = AuditEvent.objects.get(action="report.approve")
    assert event.before["status"] == "submitted" and event.after["status"] == "approved"


def test_return_needs_a_reason_and_the_reporter_resubmits(world, reporter, supervisor):
    report = submit(world, reporter, world["lead"])
    with pytest.raises(ReviewRefused, match="原因"):
        report_return(report=report, actor=supervisor, reason=" ")
    returned = report_return(report=report, actor=supervisor, reason="收入口径有误，请按全口径填报")
    assert returned.status == ProgressReport.Status.RETURNED
    later = datetime(2026, 6, 28, 9, 0, tzinfo=SHANGHAI)
    again = submit(world, reporter, world["lead"], value="5.2", version=returned.version, at=later)
    assert again.status == ProgressReport.Status.SUBMITTED
    # The first submission was on time; a resubmission after a return does not make it late.
    assert not again.is_late
    assert again.colour == "green"
    approved = report_approve(report=again, actor=supervisor)
    assert approved.status == ProgressReport.Status.APPROVED


def test_approval_is_the_supervisors_and_only_of_submitted_reports(world, reporter, supervisor):
    report = submit(world, reporter, world["lead"])
    with pytest.raises(ReviewRefused, match="督查人员"):
        report_approve(report=report, actor=reporter)
    report_approve(report=report, actor=supervisor)
    with pytest.raises(ReviewRefused, match="已报送"):
        report_approve(report=report, actor=supervisor)


def test_a_lead_unit_returns_its_co_units_input_but_not_its_own_or_others(
    world, reporter, outsider
):
    co_report = submit(world, outsider, world["co"])
    lead_report = submit(world, reporter, world["lead"])
    returned = report_return(report=co_report, actor=reporter, reason="请补充佐证材料")
    assert returned.status == ProgressReport.Status.RETURNED
    with pytest.raises(ReviewRefused, match="无权"):
        report_return(report=lead_report, actor=outsider, reason="越权")
    with pytest.raises(ReviewRefused, match="无权"):
        report_return(report=lead_report, actor=reporter, reason="自己退自己")


def test_a_stale_review_is_refused(world, reporter, supervisor):
    report = submit(world, reporter, world["lead"])
    with pytest.raises(ReviewRefused, match="已被修改"):
        report_approve(report=report, actor=supervisor, expected_version=99)
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.SUBMITTED


def test_judgement_overrides_a_qualitative_colour(units, reporter, supervisor):
    document = make_document()
    task = make_assignment(document, title="推进营商环境改革")
    target = make_target(task, value=None, kind="qualitative")
    responsibility = make_responsibility(task, units["fgw"])
    period = make_periods(document)[0]
    report = report_save(
        responsibility=responsibility,
        period=period,
        actor=reporter,
        report_input=ReportInput(
            values={target.pk: TargetInput(assessment="in_progress")}, narrative="推进中"
        ),
        expected_version=None,
        submit=True,
    )
    assert report.colour == "green"
    approved = report_approve(report=report, actor=supervisor, judgements={target.pk: "lagging"})
    assert approved.colour == "yellow"
    assert approved.values.get().judgement == "lagging"


def test_lock_refuses_late_saves_until_reopened_with_a_reason(world, reporter, supervisor):
    period = world["period"]
    with pytest.raises(PeriodRefused):
        period_lock(period=period, actor=reporter)
    period_lock(period=period, actor=supervisor)
    with pytest.raises(ReportRefused, match="已锁定"):
        submit(world, reporter, world["lead"])
    with pytest.raises(PeriodRefused, match="原因"):
        period_reopen(responsibility=world["lead"], period=period, actor=supervisor, reason="")
    report = period_reopen(
        responsibility=world["lead"], period=period, actor=supervisor, reason="系统故障补报"
    )
    after_lock = datetime(2026, 7, 2, 9, 0, tzinfo=SHANGHAI)
    late = submit(world, reporter, world["lead"], version=report.version, at=after_lock)
    assert late.status == ProgressReport.Status.SUBMITTED and late.is_late
    # Only the reopened report: the co-unit is still locked out.
    other = User.objects.get(username="charlie")
    with pytest.raises(ReportRefused, match="已锁定"):
        submit(world, other, world["co"])
    assert AuditEvent.objects.filter(action="report.reopen").get().after["reason"] == "系统故障补报"


def test_returning_after_the_lock_reopens_the_report(world, reporter, supervisor):
    report = submit(world, reporter, world["lead"])
    period_lock(period=world["period"], actor=supervisor)
    returned = report_return(report=report, actor=supervisor, reason="数据需更正")
    assert returned.reopened_at is not None
    again = submit(world, reporter, world["lead"], version=returned.version, value="5")
    assert again.status == ProgressReport.Status.SUBMITTED


def test_unlock_needs_a_reason_and_is_audited(world, supervisor):
    period = world["period"]
    period_lock(period=period, actor=supervisor)
    with pytest.raises(PeriodRefused, match="原因"):
        period_unlock(period=period, actor=supervisor, reason="")
    period_unlock(period=period, actor=supervisor, reason="误锁")
    period.refresh_from_db()
    assert not period.is_locked
    actions = list(
        AuditEvent.objects.filter(object_id=str(period.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["period.lock", "period.unlock"]


def test_after_the_lock_only_a_supervisor_returns_and_so_reopens(
    world, reporter, outsider, supervisor
):
    co_report = submit(world, outsider, world["co"])
    period_lock(period=world["period"], actor=supervisor)
    with pytest.raises(ReviewRefused, match="督查人员"):
        report_return(report=co_report, actor=reporter, reason="数据有误")
    co_report.refresh_from_db()
    assert co_report.status == ProgressReport.Status.SUBMITTED and co_report.reopened_at is None
    returned = report_return(report=co_report, actor=supervisor, reason="数据有误")
    assert returned.reopened_by == supervisor
