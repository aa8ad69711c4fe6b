"""What the calendar sent and failed to send — for the supervisors' pages. (What it will send
next is the sweep's own SELECT: tracker.services.reminders.preview.)

Supervisors (and administrators) see everything; anyone else gets nothing. The lists are
querysets, so pages paginate them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tracker.access import AnyUser, can_supervise
from tracker.models import (
    DeliveryStatus,
    NoticeKind,
    ReminderLog,
)
from tracker.selectors.aggregates import Scope, scope_periods

UNSENT = (DeliveryStatus.RETRYING, DeliveryStatus.FAILED)


def reminders_sent(
    user: AnyUser,
    *,
    period_ids: Iterable[int] | None = None,
    scope: Scope | None = None,
    status: str | None = None,
    kind: str | None = None,
    recipient: str | None = None,
) -> QuerySet[ReminderLog]:
    """Every notice claimed (newest first): recipient, kind, item, claimed and sent times,
    attempts and the last error. The automatic 督办 claims are left out (they are the
    SupervisionActions themselves)."""
    if not can_supervise(user):
        return ReminderLog.objects.none()
    logs = ReminderLog.objects.exclude(kind=NoticeKind.URGE)
    if period_ids is not None:
        logs = logs.filter(period_id__in=list(period_ids))
    if scope is not None:
        logs = logs.filter(period__in=scope_periods(scope))
    if status:
        logs = logs.filter(status=status)
    if kind:
        logs = logs.filter(kind=kind)
    if recipient:
        logs = logs.filter(recipient__iexact=recipient)
    return (
        logs.select_related(
            "period__document",
            "responsibility__unit",
            "responsibility__assignment",
            "problem",
        )
        # A document's whole text and extraction are hundreds of KB: never read for a log row.
        .defer("period__document__source_text", "period__document__extraction")
        .order_by("-claimed_at", "-pk")
    )


def reminders_failed(
    user: AnyUser,
    *,
    period_ids: Iterable[int] | None = None,
    scope: Scope | None = None,
) -> QuerySet[ReminderLog]:
    """Notices not delivered: still retrying (with the last error) or given up."""
    return reminders_sent(user, period_ids=period_ids, scope=scope).filter(status__in=UNSENT)
