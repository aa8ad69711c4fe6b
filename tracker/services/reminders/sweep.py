"""One run of the calendar: move problems up the ladder, claim every notice due, make one digest
per recipient, queue the digests after commit, requeue stalled ones, and record the automatic
督办 (a loop step a call, so a test runs each with a frozen clock)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tracker.models import (
    DeliveryStatus,
    Notice,
    NoticeKind,
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    SupervisionAction,
)
from tracker.periods import days_overdue, local_today
from tracker.services.duban import DubanRefused, duban_issue
from tracker.services.problems import problems_escalate_due
from tracker.services.reminders.due import pending, select_due
from tracker.services.reminders.sql import (
    RECLAIM_BATCH,
    STALLED,
    db_datetime,
    insert_claims,
    insert_digests,
    insert_inbox,
    notices_sql,
    placeholders,
    stalled_params,
    table,
    urges_sql,
)

# Any constant: the key of the PostgreSQL advisory lock that serialises sweeps.
_SWEEP_LOCK = 0x7472_6B72


def _serialise_sweeps() -> None:
    """One sweep claims at a time. SQLite's IMMEDIATE transactions already hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK])


@dataclass
class SweepResult:
    token: str
    claimed: int = 0
    urges_claimed: int = 0
    digest_ids: list[int] = field(default_factory=list)
    requeued_ids: list[int] = field(default_factory=list)
    problems_escalated: list[int] = field(default_factory=list)
    urges_recorded: int = 0
    inbox: int = 0


Enqueue = Callable[[list[int]], None]


def reminders_sweep(*, now: datetime | None = None, enqueue: Enqueue | None = None) -> SweepResult:
    """One run of the calendar: move problems up the ladder, claim every notice due, make one
    digest per recipient, queue the digests (and stalled ones) after commit, record the
    automatic 督办. Safe to repeat and to run concurrently."""
    now = now or timezone.now()
    result = SweepResult(token=uuid.uuid4().hex, problems_escalated=problems_escalate_due(now=now))
    with transaction.atomic():
        _serialise_sweeps()
        todo = pending(now)
        selection = select_due(now, todo)
        notices = notices_sql(selection)
        if notices is not None:
            result.claimed = insert_claims(notices, token=result.token, now=now)
        result.inbox = insert_inbox(selection, token=result.token, now=now)
        if result.inbox:
            _link_inbox_actions(result.token)
        urges = urges_sql(selection)
        if urges is not None:
            result.urges_claimed = insert_claims(urges, token=result.token, now=now)
        if selection.day_bound:
            ReminderDay.objects.create(
                day=selection.today, sweep=result.token, claimed_at=now, notices=result.claimed
            )
        if result.claimed:
            insert_digests(token=result.token, now=now)
            result.digest_ids = list(
                ReminderDigest.objects.filter(sweep=result.token)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        if todo.stalled:
            result.requeued_ids = digests_requeue_stalled(now=now)
        queued = result.digest_ids + result.requeued_ids
        if enqueue is not None and queued:
            transaction.on_commit(lambda: enqueue(queued))
    if todo.urges or result.urges_claimed:
        result.urges_recorded = urges_record_pending(now=now)
    return result


def digests_requeue_stalled(*, now: datetime) -> list[int]:
    """Digests that should have been sent a while ago and that nobody is sending: their task was
    lost or their worker died (perhaps after the SMTP server accepted the message; the resend
    then repeats it with the same Message-ID). Marked as just queued, so the next sweep waits
    another reclaim period before queuing them again."""
    digests = table(ReminderDigest)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {digests} WHERE {STALLED} ORDER BY next_attempt_at, id"  # noqa: S608
            f" LIMIT {RECLAIM_BATCH}",
            stalled_params(now),
        )
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            cursor.execute(
                f"UPDATE {digests} SET next_attempt_at = %s"  # noqa: S608
                f" WHERE id IN ({placeholders(ids)}) AND {STALLED}",
                [db_datetime(now), *ids, *stalled_params(now)],
            )
    return ids


def _link_inbox_actions(token: str) -> None:
    """A 督办单's inbox notices point at it (their key is "duban:<id>@…")."""
    for notice in Notice.objects.filter(sweep=token, item_key__startswith="duban:").only(
        "pk", "item_key"
    ):
        action_id = int(notice.item_key.split(":", 1)[1].split("@", 1)[0].split("#", 1)[0])
        Notice.objects.filter(pk=notice.pk).update(action_id=action_id)


# --- the automatic 督办 ------------------------------------------------------------------------


def urges_record_pending(*, now: datetime, limit: int | None = None) -> int:
    """Record the 督办 of every claimed urge, a batch per sweep; how many were recorded."""
    limit = limit or settings.TRACKER_REMINDER_URGE_BATCH
    ids = list(
        ReminderLog.objects.filter(kind=NoticeKind.URGE, status=DeliveryStatus.CLAIMED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(urge_record_one(log_id=pk, now=now) for pk in ids)


def urge_record_one(*, log_id: int, now: datetime) -> bool:
    """Turn one urge claim into its SupervisionAction; False when another sweep did it first.
    The claim flips to sent and the action is written in one transaction, so a crash leaves
    both undone and the next sweep does both."""
    try:
        with transaction.atomic():
            done = ReminderLog.objects.filter(
                pk=log_id, kind=NoticeKind.URGE, status=DeliveryStatus.CLAIMED
            ).update(status=DeliveryStatus.SENT, sent_at=now, attempts=1)
            if not done:
                return False
            log = ReminderLog.objects.select_related(
                "period", "responsibility__unit", "responsibility__assignment"
            ).get(pk=log_id)
            responsibility = log.responsibility
            if responsibility is None:  # urges are claimed for responsibilities only
                raise DubanRefused("没有对应的责任分工。")
            today = local_today(now)
            overdue = days_overdue(log.period.due_on, today)
            # A 督办单 of its own (issue 17): yellow, answered within TRACKER_DUBAN_AUTO_DAYS.
            duban_issue(
                actor=None,
                units=[responsibility.unit],
                period=log.period,
                urgency=SupervisionAction.Urgency.YELLOW,
                requirement=(
                    f"{log.period}《{responsibility.assignment.title}》进展报告逾期{overdue}日"
                    "未报送，系统自动督办。请立即报送，并书面反馈逾期原因。"
                ),
                deadline=today + timedelta(days=settings.TRACKER_DUBAN_AUTO_DAYS),
                responsibility=responsibility,
                now=now,
            )
    except DubanRefused as refused:
        # Refused now is refused next time too: recorded as failed, so it does not come back
        # in every sweep, and visible to supervisors with the reason.
        ReminderLog.objects.filter(pk=log_id, status=DeliveryStatus.CLAIMED).update(
            status=DeliveryStatus.FAILED, attempts=1, error=refused.message
        )
        return False
    return True
