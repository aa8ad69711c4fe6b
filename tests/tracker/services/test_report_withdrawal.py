"""Withdrawing a submitted report before its review: back to a draft, audited, its first
submission's lateness kept; refused once reviewed, after the lock, or for another unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from tests.samples import at, pages_world, submit_co
from tracker.models import AuditEvent, ProgressReport
from tracker.services.report_review import report_approve
from tracker.services.report_withdrawal import WithdrawRefused, report_withdraw
from tracker.services.reporting_periods import period_lock
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def test_a_withdrawn_report_is_a_draft_again_and_keeps_its_lateness(world, outsider):
    with time_machine.travel(at(6, 28)):  # three days after the 25 June due date
        report = submit_co(world, outsider)
    assert report.is_late and report.colour
    first_submitted = report.submitted_at

    withdrawn = report_withdraw(report=report, actor=outsider, expected_version=report.version)

    assert withdrawn.status == ProgressReport.Status.DRAFT
    assert withdrawn.version == report.version + 1
    assert withdrawn.colour == ""  # a draft carries no light
    event = AuditEvent.objects.get(action="report.withdraw")
    assert event.actor == outsider and event.after["is_late"] is True

    # Submitting again, now "on time" by the clock of a test, does not clear the lateness.
    with time_machine.travel(at(6, 29)):
        again = report_save(
            responsibility=world["co"],
            period=world["q2"],
            actor=outsider,
            report_input=ReportInput(
                values={world["target"].pk: TargetInput(actual=Decimal("5.5"))},
                narrative="更正后的财政局上半年投资情况",
            ),
            expected_version=withdrawn.version,
            submit=True,
        )
    assert again.status == ProgressReport.Status.SUBMITTED and again.is_late
    assert again.submitted_at is not None and again.submitted_at > first_submitted


def test_a_reviewed_report_cannot_be_withdrawn(world, outsider, supervisor):
    report = submit_co(world, outsider)
    report_approve(report=report, actor=supervisor)
    with pytest.raises(WithdrawRefused):
        report_withdraw(report=report, actor=outsider)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.APPROVED


def test_a_draft_cannot_be_withdrawn(world, outsider):
    report = report_save(
        responsibility=world["co"],
        period=world["q2"],
        actor=outsider,
        report_input=ReportInput(narrative="草稿"),
        expected_version=None,
        submit=False,
    )
    with pytest.raises(WithdrawRefused):
        report_withdraw(report=report, actor=outsider)


def test_another_unit_cannot_withdraw(world, outsider, reporter, supervisor):
    report = submit_co(world, outsider)
    for person in (reporter, supervisor):
        with pytest.raises(WithdrawRefused):
            report_withdraw(report=report, actor=person)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="report.withdraw").exists()


def test_after_the_lock_a_report_is_not_withdrawn(world, outsider, supervisor):
    report = submit_co(world, outsider)
    period_lock(period=world["q2"], actor=supervisor)
    with pytest.raises(WithdrawRefused):
        report_withdraw(report=report, actor=outsider)


def test_a_stale_version_is_refused(world, outsider):
    report = submit_co(world, outsider)
    with pytest.raises(WithdrawRefused):
        report_withdraw(report=report, actor=outsider, expected_version=report.version - 1)
