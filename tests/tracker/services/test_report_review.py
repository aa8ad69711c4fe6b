"""Review: a supervisor approves or returns with a reason; a lead unit returns its co-units'
input; the reporter resubmits; a judgement overrides a qualitative colour; every change audited."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tests.samples import review_submit, review_world
from tracker.models import AuditEvent, ProgressReport
from tracker.periods import SHANGHAI
from tracker.services.report_review import (
    ReviewRefused,
    report_approve,
    report_return,
)
from tracker.services.reports import (
    ReportInput,
    TargetInput,
    report_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider):
    return review_world(units)


def test_approve_sets_review_fields_and_audits(world, reporter, supervisor):
    report = review_submit(world, reporter, world["lead"])
    report = report_approve(report=report, actor=supervisor, expected_version=report.version)
    assert report.status == ProgressReport.Status.APPROVED
    assert report.reviewed_by == supervisor
    assert report.colour == "yellow"  # 0.4 points short of 5%
    event = AuditEvent.objects.get(action="report.approve")
    assert event.before["status"] == "submitted" and event.after["status"] == "approved"


def test_return_needs_a_reason_and_the_reporter_resubmits(world, reporter, supervisor):
    report = review_submit(world, reporter, world["lead"])
    with pytest.raises(ReviewRefused, match="原因"):
        report_return(report=report, actor=supervisor, reason=" ")
    returned = report_return(report=report, actor=supervisor, reason="收入口径有误，请按全口径填报")
    assert returned.status == ProgressReport.Status.RETURNED
    later = datetime(2026, 6, 28, 9, 0, tzinfo=SHANGHAI)
    again = review_submit(
        world, reporter, world["lead"], value="5.2", version=returned.version, at=later
    )
    assert again.status == ProgressReport.Status.SUBMITTED
    # The first submission was on time; a resubmission after a return does not make it late.
    assert not again.is_late
    assert again.colour == "green"
    approved = report_approve(report=again, actor=supervisor)
    assert approved.status == ProgressReport.Status.APPROVED


def test_approval_is_the_supervisors_and_only_of_submitted_reports(world, reporter, supervisor):
    report = review_submit(world, reporter, world["lead"])
    with pytest.raises(ReviewRefused, match="督查人员"):
        report_approve(report=report, actor=reporter)
    report_approve(report=report, actor=supervisor)
    with pytest.raises(ReviewRefused, match="已报送"):
        report_approve(report=report, actor=supervisor)


def test_a_lead_unit_returns_its_co_units_input_but_not_its_own_or_others(
    world, reporter, outsider
):
    co_report = review_submit(world, outsider, world["co"])
    lead_report = review_submit(world, reporter, world["lead"])
    returned = report_return(report=co_report, actor=reporter, reason="请补充佐证材料")
    assert returned.status == ProgressReport.Status.RETURNED
    with pytest.raises(ReviewRefused, match="无权"):
        report_return(report=lead_report, actor=outsider, reason="越权")
    with pytest.raises(ReviewRefused, match="无权"):
        report_return(report=lead_report, actor=reporter, reason="自己退自己")


def test_a_stale_review_is_refused(world, reporter, supervisor):
    report = review_submit(world, reporter, world["lead"])
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
