"""What the calendar sent, failed to send, and will send next — for the supervisors' pages.

Supervisors (and administrators) see everything; anyone else gets nothing. The lists are
querysets, so pages paginate them; the preview runs the sweep's own SELECT (see
tracker.services.reminders.notices_due), so it can never disagree with what the sweep claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from tracker.access import AnyUser, can_supervise
from tracker.models import (
    DeliveryStatus,
    NoticeKind,
    Problem,
    ReminderLog,
    ReportingPeriod,
    Responsibility,
)
from tracker.selectors.aggregates import Scope, scope_periods
from tracker.services.reminders import Notice, notices_due

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
    return logs.select_related(
        "period__document",
        "responsibility__unit",
        "responsibility__assignment",
        "problem",
    ).order_by("-claimed_at", "-pk")


def reminders_failed(
    user: AnyUser,
    *,
    period_ids: Iterable[int] | None = None,
    scope: Scope | None = None,
) -> QuerySet[ReminderLog]:
    """Notices not delivered: still retrying (with the last error) or given up."""
    return reminders_sent(user, period_ids=period_ids, scope=scope).filter(status__in=UNSENT)


@dataclass(frozen=True)
class PreviewNotice:
    recipient: str
    kind: str
    kind_label: str
    item_key: str
    period_id: int
    responsibility_id: int | None
    problem_id: int | None
    # "单位 · 一.3 任务标题 · 2026年二季度" — what a person reads.
    label: str


@dataclass(frozen=True)
class PreviewDigest:
    recipient: str
    notices: list[PreviewNotice]


@dataclass(frozen=True)
class ReminderPreview:
    now: datetime
    digests: list[PreviewDigest]
    urges: list[PreviewNotice]
    problems_to_escalate: list[int]

    @property
    def notice_count(self) -> int:
        return sum(len(d.notices) for d in self.digests)


def reminders_preview(
    user: AnyUser | None = None, *, now: datetime, limit: int | None = None
) -> ReminderPreview:
    """What the sweep at `now` would send, one digest per recipient, without writing anything.
    `user` None is the system (the management command); a non-supervisor gets an empty
    preview. `limit` caps the number of digests described (a province's preview is long)."""
    if user is not None and not can_supervise(user):
        return ReminderPreview(now=now, digests=[], urges=[], problems_to_escalate=[])
    notices, urges, problems = notices_due(now=now)
    by_recipient: dict[str, list[Notice]] = {}
    for notice in notices:
        by_recipient.setdefault(notice.recipient, []).append(notice)
    recipients = sorted(by_recipient)[:limit] if limit is not None else sorted(by_recipient)
    shown = [n for r in recipients for n in by_recipient[r]] + urges
    labels = _labels(shown)
    return ReminderPreview(
        now=now,
        digests=[
            PreviewDigest(
                recipient=r, notices=[_preview_notice(n, labels) for n in by_recipient[r]]
            )
            for r in recipients
        ],
        urges=[_preview_notice(n, labels) for n in urges],
        problems_to_escalate=problems,
    )


def _labels(notices: list[Notice]) -> dict[tuple[int | None, int | None, int], str]:
    responsibilities = {
        r.pk: r
        for r in Responsibility.objects.filter(
            pk__in={n.responsibility_id for n in notices if n.responsibility_id}
        ).select_related("unit", "assignment")
    }
    problems = {
        p.pk: p
        for p in Problem.objects.filter(pk__in={n.problem_id for n in notices if n.problem_id})
    }
    periods = {
        p.pk: str(p) for p in ReportingPeriod.objects.filter(pk__in={n.period_id for n in notices})
    }
    labels = {}
    for n in notices:
        parts = []
        responsibility = responsibilities.get(n.responsibility_id or 0)
        if responsibility is not None:
            parts += [
                responsibility.unit.name,
                f"{responsibility.assignment.ref} {responsibility.assignment.title}".strip(),
            ]
        problem = problems.get(n.problem_id or 0)
        if problem is not None:
            parts.append(f"问题：{problem.description[:40]}")
        parts.append(periods.get(n.period_id, ""))
        labels[(n.responsibility_id, n.problem_id, n.period_id)] = " · ".join(p for p in parts if p)
    return labels


def _preview_notice(
    notice: Notice, labels: dict[tuple[int | None, int | None, int], str]
) -> PreviewNotice:
    return PreviewNotice(
        recipient=notice.recipient,
        kind=notice.kind,
        kind_label=str(NoticeKind(notice.kind).label),
        item_key=notice.item_key,
        period_id=notice.period_id,
        responsibility_id=notice.responsibility_id,
        problem_id=notice.problem_id,
        label=labels.get((notice.responsibility_id, notice.problem_id, notice.period_id), ""),
    )
