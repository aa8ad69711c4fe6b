"""What the next sweep would send, read without writing: the very SELECTs the sweep inserts
its claims from (tracker.services.reminders.sql), so the preview can never disagree with it.
Supervisors (and administrators) see it; anyone else gets an empty preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from tracker.access import AnyUser, can_supervise
from tracker.models import NoticeKind, Problem, ReportingPeriod, Responsibility
from tracker.services.problems import problems_due_for_escalation
from tracker.services.reminders.due import select_due
from tracker.services.reminders.sql import notices_sql, urges_sql


@dataclass(frozen=True)
class Notice:
    recipient: str
    item_key: str
    period_id: int
    kind: str
    day: date | None
    responsibility_id: int | None
    problem_id: int | None


def reminders_due(*, now: datetime) -> tuple[list[Notice], list[Notice], list[int]]:
    """(notices, urges, problems the ladder would move) the sweep at `now` would claim — the
    same SELECTs the sweep inserts from, run without writing. Problems the sweep would move up
    first are listed by id; their notices appear once they have moved."""
    selection = select_due(now)
    found: list[list[Notice]] = []
    for select in (notices_sql(selection), urges_sql(selection)):
        rows: list[Notice] = []
        if select is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT DISTINCT * FROM ({select.text}) s", select.params)  # noqa: S608
                for (
                    recipient,
                    key,
                    period_id,
                    kind,
                    day,
                    responsibility_id,
                    problem_id,
                ) in cursor.fetchall():
                    rows.append(
                        Notice(
                            recipient=recipient,
                            item_key=key,
                            period_id=period_id,
                            kind=kind,
                            day=_as_date(day),
                            responsibility_id=responsibility_id,
                            problem_id=problem_id,
                        )
                    )
        found.append(sorted(rows, key=lambda n: (n.recipient, n.kind, n.item_key, n.period_id)))
    return found[0], found[1], problems_due_for_escalation(now)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


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
    notices, urges, problems = reminders_due(now=now)
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
            parts.append(_("问题：%(text)s") % {"text": problem.description[:40]})
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
