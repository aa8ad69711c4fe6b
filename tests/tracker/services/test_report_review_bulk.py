"""Bulk approval: each report through report_approve (versioned, audited), the refused ones
named while the others are approved; only supervisors approve."""

from __future__ import annotations

import pytest

from tests.samples import queue_world
from tracker.models import AuditEvent, ProgressReport
from tracker.services.report_review import ReviewRefused, report_return
from tracker.services.report_review_bulk import reports_approve

pytestmark = pytest.mark.django_db


def test_each_report_is_approved_and_a_returned_one_is_left(units, supervisor):
    world = queue_world(units, tasks=4)
    reports = world["reports"]
    report_return(report=reports[1], actor=supervisor, reason="请补充数据")
    outcome = reports_approve(reports=[(r, None) for r in reports], actor=supervisor)
    assert [r.pk for r in outcome.approved] == [reports[0].pk, reports[2].pk, reports[3].pk]
    assert [(r.pk, "不能" in why or "只有" in why) for r, why in outcome.refused] == [
        (reports[1].pk, True)
    ]
    assert AuditEvent.objects.filter(action="report.approve").count() == 3
    assert ProgressReport.objects.get(pk=reports[1].pk).status == "returned"


def test_a_reporter_cannot_approve_in_bulk(units):
    world = queue_world(units, tasks=2)
    with pytest.raises(ReviewRefused):
        reports_approve(
            reports=[(r, r.version) for r in world["reports"]], actor=world["people"]["fgw"]
        )
    assert not ProgressReport.objects.filter(status="approved").exists()
