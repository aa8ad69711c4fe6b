"""Reads about reporting periods for the supervisors' period list (报送周期): every period of
the published documents with its report counts, in one query per page."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tracker.access import AnyUser, visible_periods
from tracker.models import Document, ProgressReport, ReportingPeriod


def period_list(
    user: AnyUser, *, document_id: int | None = None, locked: bool | None = None
) -> QuerySet[ReportingPeriod]:
    """The periods of published documents, latest due first, each annotated with how many
    reports wait for review (`waiting`), were returned (`returned`) and were submitted at all
    (`reported`)."""
    periods = visible_periods(user).filter(document__status=Document.Status.PUBLISHED)
    if document_id is not None:
        periods = periods.filter(document_id=document_id)
    if locked is not None:
        periods = periods.filter(locked_at__isnull=not locked)
    status = ProgressReport.Status
    return (
        periods.select_related("document", "schedule", "locked_by")
        .defer("document__source_text", "document__extraction")
        .annotate(
            waiting=Count("reports", filter=Q(reports__status=status.SUBMITTED)),
            returned=Count("reports", filter=Q(reports__status=status.RETURNED)),
            reported=Count("reports", filter=~Q(reports__status=status.DRAFT)),
        )
        .order_by("-due_on", "document__title", "pk")
    )
