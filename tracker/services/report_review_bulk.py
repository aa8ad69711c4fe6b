"""Approving many reports at once from the review queue (批量审核通过): each through
report_approve, so each is checked, versioned and audited exactly as one approved by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_approve_report
from tracker.models import ProgressReport, User
from tracker.services.report_review import ReviewRefused, report_approve


@dataclass
class BulkOutcome:
    approved: list[ProgressReport] = field(default_factory=list)
    # (report, why) for each report left as it was: reviewed by someone else meanwhile, changed
    # since the queue was shown, or no longer submitted.
    refused: list[tuple[ProgressReport, str]] = field(default_factory=list)


def reports_approve(
    *,
    reports: Iterable[tuple[ProgressReport, int | None]],
    actor: User,
    now: datetime | None = None,
) -> BulkOutcome:
    """Approve each (report, version the reviewer saw). A report that cannot be approved is
    named in the outcome and the others are still approved: each approval is its own
    transaction, as if clicked one by one, so a colleague's concurrent return wins cleanly."""
    if not can_approve_report(actor):
        raise ReviewRefused(_("只有督查人员可以审核通过报告。"))
    now = now or timezone.now()
    outcome = BulkOutcome()
    for report, version in reports:
        try:
            outcome.approved.append(
                report_approve(report=report, actor=actor, expected_version=version, now=now)
            )
        except ReviewRefused as exc:
            outcome.refused.append((report, exc.message))
    return outcome
