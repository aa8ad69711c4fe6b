"""The calendar (DESIGN §4): what is due, claimed once, sent as one digest per recipient.

**What is due.** Every date is a Shanghai calendar day (`local_today`; a day starts at 16:00 UTC
the day before). A *slot* is a responsibility that owes a report in a period: the period belongs
to a published document and is not locked, the assignment is tracked in it (`active_until` empty
or on/after the quarter's first day), the unit is active, and its report is missing or still a
draft (submitted, returned and approved reports count as submitted).

- Before the due date, a missing slot gets the latest milestone it has reached, once per period:
  window open (`opens_on`), 7, 3 and 1 days before `due_on`, the due day. A milestone missed
  while the machine was off is sent late unless a later one has been reached since (nobody wants
  "7 days left" on the day before the deadline).
- Overdue (1 to TRACKER_REMINDER_OVERDUE_MAX_DAYS days past `due_on`): one chaser a day.
- TRACKER_REMINDER_ESCALATE_LEAD_DAYS (3) days overdue: a co-unit's missing report goes to the
  contacts of the assignment's lead unit(s); the lead unit's own missing report skips that rung,
  as on the problem ladder, and goes to the supervisors.
- TRACKER_REMINDER_ESCALATE_SUPERVISOR_DAYS (6) days overdue (a lead unit's: 3): to the
  supervisors, and one automatic 督办 SupervisionAction per (unit, period, responsibility).
- Dispatch checkpoints (一季两调度): on `first_checkpoint_on` (until the second), and on
  `second_checkpoint_on` (plus TRACKER_REMINDER_CATCH_UP_DAYS), each lead unit gets the
  assignments it leads with their indicators' colours, whatever its report's state.
- Problems: the sweep runs the ladder (`problems_escalate_due`) and tells the level a problem
  has reached: the lead unit's contacts (牵头部门) or the supervisors (分管领导, through 督查).
- A returned report: its submitter, or the unit's contacts when the submitter has no address.

Day-bound notices (all of the above but problems and returned reports) are claimed once a day:
by the first sweep at or after TRACKER_REMINDER_SEND_FROM (08:30, the daily digest), which
records a `ReminderDay`; a sweep that fails leaves none, so the next one catches up, and a
machine off at 08:30 sends the day's notices when it comes back. Nobody is mailed at midnight,
and a province's 200,000 slots are read once a day rather than every ten minutes. Problems and
returned reports go on the next sweep at any hour.

**Who.** A unit's recipients are its active `UnitContact` addresses and its active users with an
e-mail; supervisors are active users with the supervisor role and an e-mail. Window-open notices,
the reminders before the due date and the checkpoints can be turned off (`NoticeChoices`); the
rest are mandatory and have no switch.

**Claiming.** The claim key is (recipient, item_key, period, kind) — see `ReminderLog`. One SQL
statement selects every (recipient, item) due and not yet logged and inserts it with
`ON CONFLICT DO NOTHING`, tagged with the sweep's token; a second statement makes one
`ReminderDigest` per recipient of that token. So a sweep runs the same dozen queries whether
10 or 200,000 slots are due (DESIGN §8), and the preview (`notices_due`) runs the very SELECT the
sweep inserts from. Sweeps are serialised (a PostgreSQL advisory lock; SQLite's write lock), and
the unique key guards a race anyway: two beats at once claim each notice exactly once.

**Sending** (`tracker.services.reminders_send`): a digest is queued after the claim commits;
a digest unsent TRACKER_REMINDER_RECLAIM_SECONDS after it was due to start, and not held by a
live sender, is queued again by the next sweep.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence, Sized
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tracker.models import (
    SUBMITTED_STATUSES,
    Assignment,
    DeliveryStatus,
    Document,
    NoticeKind,
    NoticePreference,
    Problem,
    ProgressReport,
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    ReportingPeriod,
    Responsibility,
    Unit,
    UnitContact,
    User,
)
from tracker.periods import SHANGHAI, days_overdue, local_today
from tracker.services.problems import problems_due_for_escalation, problems_escalate_due
from tracker.services.supervision import ActionRefused, supervision_action_record

SUBMITTED = SUBMITTED_STATUSES

# Which switch of NoticeChoices turns a kind off; kinds not listed are mandatory.
OPTIONAL = {
    NoticeKind.WINDOW_OPEN: "window",
    NoticeKind.DUE_7: "reminders",
    NoticeKind.DUE_3: "reminders",
    NoticeKind.DUE_1: "reminders",
    NoticeKind.DUE_DAY: "reminders",
    NoticeKind.CHECKPOINT_1: "checkpoints",
    NoticeKind.CHECKPOINT_2: "checkpoints",
}
MANDATORY = "mandatory"
# Supervisors are one audience; a unit's recipients are audience unit_id; one person (a returned
# report's submitter) is audience -user_id.
SUPERVISORS = 0
# Reclaimed digests queued per sweep; the rest wait ten minutes for the next one.
RECLAIM_BATCH = 5000
# Any constant: the key of the PostgreSQL advisory lock that serialises sweeps.
_SWEEP_LOCK = 0x7472_6B72


# --- the calendar rules, pure ------------------------------------------------------------------


def countdown_kind(*, opens_on: date, due_on: date, today: date) -> NoticeKind | None:
    """The latest milestone before the deadline reached by `today` (ties: the later milestone)."""
    if today > due_on:
        return None
    milestones = [
        (opens_on, NoticeKind.WINDOW_OPEN),
        (due_on - timedelta(days=7), NoticeKind.DUE_7),
        (due_on - timedelta(days=3), NoticeKind.DUE_3),
        (due_on - timedelta(days=1), NoticeKind.DUE_1),
        (due_on, NoticeKind.DUE_DAY),
    ]
    reached = [(day, order, kind) for order, (day, kind) in enumerate(milestones) if day <= today]
    return max(reached)[2] if reached else None


def checkpoint_kind(*, first: date, second: date, today: date) -> NoticeKind | None:
    if second <= today <= second + timedelta(days=settings.TRACKER_REMINDER_CATCH_UP_DAYS):
        return NoticeKind.CHECKPOINT_2
    if first <= today < second:
        return NoticeKind.CHECKPOINT_1
    return None


@dataclass(frozen=True)
class PeriodToday:
    """What one period owes on one day."""

    period_id: int
    countdown: NoticeKind | None
    overdue_days: int
    checkpoint: NoticeKind | None

    @property
    def chased(self) -> bool:
        return 1 <= self.overdue_days <= settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS

    @property
    def lead_rung(self) -> bool:
        return self.chased and self.overdue_days >= settings.TRACKER_REMINDER_ESCALATE_LEAD_DAYS

    @property
    def supervisor_rung(self) -> bool:
        return (
            self.chased and self.overdue_days >= settings.TRACKER_REMINDER_ESCALATE_SUPERVISOR_DAYS
        )


def period_today(period: ReportingPeriod, today: date) -> PeriodToday:
    return PeriodToday(
        period_id=period.pk,
        countdown=countdown_kind(opens_on=period.opens_on, due_on=period.due_on, today=today),
        overdue_days=days_overdue(period.due_on, today),
        checkpoint=checkpoint_kind(
            first=period.first_checkpoint_on, second=period.second_checkpoint_on, today=today
        ),
    )


def day_notices_open(now: datetime) -> bool:
    """Whether day-bound notices may go out: from TRACKER_REMINDER_SEND_FROM, Shanghai time."""
    return now.astimezone(SHANGHAI).time() >= settings.TRACKER_REMINDER_SEND_FROM


def periods_in_play(today: date) -> list[ReportingPeriod]:
    """Unlocked periods of published documents with a milestone reached and not long past."""
    return list(
        ReportingPeriod.objects.filter(
            document__status=Document.Status.PUBLISHED, locked_at__isnull=True
        )
        .filter(
            Q(opens_on__lte=today)
            | Q(due_on__lte=today + timedelta(days=7))
            | Q(first_checkpoint_on__lte=today)
        )
        .filter(
            Q(due_on__gte=today - timedelta(days=settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS))
            | Q(
                second_checkpoint_on__gte=today
                - timedelta(days=settings.TRACKER_REMINDER_CATCH_UP_DAYS)
            )
        )
        .order_by("pk")
    )


# --- the selection, as SQL ---------------------------------------------------------------------
# Written out rather than built with the ORM: the statements are fixed, a sweep runs every few
# minutes (and a test runs thousands), and building them through the ORM cost ten times their
# execution. Tables come from the models' _meta; every value is a placeholder, so no text from
# users reaches the SQL (hence the S608 waivers). The SQL is the subset PostgreSQL and SQLite
# share; both are tested.


@dataclass
class Sql:
    text: str
    params: list[Any] = field(default_factory=list)

    def __add__(self, other: Sql) -> Sql:
        return Sql(f"{self.text} {other.text}", [*self.params, *other.params])


def _t(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _ids(ids: Sized) -> str:
    return ", ".join(["%s"] * len(ids))


def _day(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _moment(value: datetime) -> Any:
    """A datetime as the database stores it (SQLite: UTC text), for hand-written statements."""
    return connection.ops.adapt_datetimefield_value(value)


# Every item query yields these columns, in this order.
_ITEM = (
    "{audience} AS c_audience, {key} AS c_item_key, {period} AS c_period_id,"
    " %s AS c_kind, %s AS c_category, %s AS c_day,"
    " {responsibility} AS c_responsibility_id, {problem} AS c_problem_id"
)
_NO_ID = "CAST(NULL AS BIGINT)"


def _item_head(kind: str, today: date, *, key_params: Sequence[Any] = (), **columns: str) -> Sql:
    """SELECT of the item columns; `key_params` fill the placeholders of the key expression."""
    return Sql(
        "SELECT " + _ITEM.format(**columns),
        [*key_params, kind, OPTIONAL.get(NoticeKind(kind), MANDATORY), _day(today)],
    )


def _slot_items(
    kind: str,
    period_ids: Sequence[int],
    today: date,
    *,
    audience: str = "r.unit_id",
    role: str | None = None,
    missing: bool = True,
    lead_of_assignment: bool = False,
    extra: Sql | None = None,
) -> Sql:
    """Slots of the periods (see the module docstring), as items of `kind`. `audience` may use
    `lr`, the assignment's lead responsibility, when `lead_of_assignment` joins it."""
    key = "'responsibility:' || CAST(r.id AS TEXT)"
    key_params: list[Any] = []
    if kind == NoticeKind.OVERDUE:
        # The daily chaser is claimed once per item and day.
        key += " || %s"
        key_params.append(f"@{today.isoformat()}")
    head = _item_head(
        kind,
        today,
        key_params=key_params,
        audience=audience,
        key=key,
        period="p.id",
        responsibility="r.id",
        problem=_NO_ID,
    )
    body = Sql(
        f"FROM {_t(Responsibility)} r"
        f" JOIN {_t(Assignment)} a ON a.id = r.assignment_id"
        f" JOIN {_t(ReportingPeriod)} p ON p.document_id = a.document_id"
        f" AND p.id IN ({_ids(period_ids)})"
        f" JOIN {_t(Unit)} u ON u.id = r.unit_id",
        list(period_ids),
    )
    if lead_of_assignment:
        body += Sql(
            f"JOIN {_t(Responsibility)} lr ON lr.assignment_id = r.assignment_id AND lr.role = %s",
            [Responsibility.Role.LEAD.value],
        )
    where = Sql("WHERE u.is_active AND (a.active_until IS NULL OR a.active_until >= p.starts_on)")
    if role:
        where += Sql("AND r.role = %s", [role])
    if missing:
        where += Sql(
            f"AND NOT EXISTS (SELECT 1 FROM {_t(ProgressReport)} sr"  # noqa: S608
            " WHERE sr.responsibility_id = r.id AND sr.period_id = p.id"
            f" AND sr.status IN ({_ids(SUBMITTED)}))",
            [s.value for s in SUBMITTED],
        )
    if extra is not None:
        where += extra
    return head + body + where


@dataclass
class Selection:
    """The item queries due at one instant, and the urge (督办) queries."""

    today: date
    day_bound: bool = False
    items: list[Sql] = field(default_factory=list)
    urges: list[Sql] = field(default_factory=list)


@dataclass(frozen=True)
class Pending:
    """What a sweep at some instant has to do, read in one query so that an idle sweep (most of
    them: every ten minutes, the day's notices claimed at 08:30) costs three round trips.
    `problems` and `returned` err towards "maybe": the claim statement decides exactly."""

    day_bound: bool
    problems: bool
    returned: bool
    stalled: bool
    urges: bool


def pending(now: datetime) -> Pending:
    since = _moment(now - timedelta(days=settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS))
    log = _t(ReminderLog)
    statement = (
        f"SELECT EXISTS (SELECT 1 FROM {_t(ReminderDay)} WHERE day = %s),"  # noqa: S608
        # An open problem at the lead or leader rung without a notice of that rung.
        f" EXISTS (SELECT 1 FROM {_t(Problem)} pb"
        " WHERE pb.resolved_at IS NULL AND pb.level IN (%s, %s)"
        f" AND NOT EXISTS (SELECT 1 FROM {log} l WHERE l.problem_id = pb.id"
        " AND l.kind = CASE pb.level WHEN %s THEN %s ELSE %s END)),"
        # A recent return not followed by a claim about that report.
        f" EXISTS (SELECT 1 FROM {_t(ProgressReport)} sr"
        " WHERE sr.status = %s AND (sr.reviewed_at >= %s OR sr.reopened_at >= %s)"
        f" AND NOT EXISTS (SELECT 1 FROM {log} l WHERE l.kind = %s"
        " AND l.responsibility_id = sr.responsibility_id AND l.period_id = sr.period_id"
        f" AND l.claimed_at >= {_RETURNED_AT})),"
        f" EXISTS (SELECT 1 FROM {_t(ReminderDigest)} WHERE {_STALLED}),"
        f" EXISTS (SELECT 1 FROM {log} WHERE kind = %s AND status = %s)"
    )
    params = [
        _day(local_today(now)),
        Problem.Level.LEAD.value,
        Problem.Level.LEADER.value,
        Problem.Level.LEAD.value,
        NoticeKind.PROBLEM_LEAD.value,
        NoticeKind.PROBLEM_LEADER.value,
        ProgressReport.Status.RETURNED.value,
        since,
        since,
        NoticeKind.RETURNED.value,
        *_stalled_params(now),
        NoticeKind.URGE.value,
        DeliveryStatus.CLAIMED.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        day_claimed, problems, returned, stalled, urges = cursor.fetchone()
    return Pending(
        day_bound=day_notices_open(now) and not day_claimed,
        problems=bool(problems),
        returned=bool(returned),
        stalled=bool(stalled),
        urges=bool(urges),
    )


# A digest due to start a reclaim period ago, unsent, and held by no live sender.
_STALLED = (
    "status IN (%s, %s) AND next_attempt_at < %s AND (lease_until IS NULL OR lease_until < %s)"
)


def _stalled_params(now: datetime) -> list[Any]:
    reclaim = timedelta(seconds=settings.TRACKER_REMINDER_RECLAIM_SECONDS)
    return [
        DeliveryStatus.CLAIMED.value,
        DeliveryStatus.RETRYING.value,
        _moment(now - reclaim),
        _moment(now),
    ]


def select_due(now: datetime, todo: Pending | None = None) -> Selection:
    """Every item query due at `now` (nothing is written)."""
    todo = todo or pending(now)
    today = local_today(now)
    selection = Selection(today=today, day_bound=todo.day_bound)
    if selection.day_bound:
        _select_slot_notices(selection, [period_today(p, today) for p in periods_in_play(today)])
    if todo.problems:
        _select_problems(selection)
    if todo.returned:
        _select_returned(selection, now)
    return selection


def _select_slot_notices(selection: Selection, stages: list[PeriodToday]) -> None:
    today = selection.today
    by_kind: dict[NoticeKind, list[int]] = {}
    for stage in stages:
        if stage.countdown:
            by_kind.setdefault(stage.countdown, []).append(stage.period_id)
        if stage.chased:
            by_kind.setdefault(NoticeKind.OVERDUE, []).append(stage.period_id)
        if stage.checkpoint:
            by_kind.setdefault(stage.checkpoint, []).append(stage.period_id)
    for kind, ids in by_kind.items():
        checkpoint = kind in (NoticeKind.CHECKPOINT_1, NoticeKind.CHECKPOINT_2)
        selection.items.append(
            _slot_items(
                kind,
                ids,
                today,
                # A checkpoint goes to the lead unit whatever its report's state.
                role=Responsibility.Role.LEAD.value if checkpoint else None,
                missing=not checkpoint,
            )
        )
    lead_rung = [s.period_id for s in stages if s.lead_rung]
    supervisor_rung = [s.period_id for s in stages if s.supervisor_rung]
    if lead_rung:
        selection.items.append(
            _slot_items(
                NoticeKind.ESCALATE_LEAD,
                lead_rung,
                today,
                audience="lr.unit_id",
                role=Responsibility.Role.CO.value,
                lead_of_assignment=True,
            )
        )
    escalated = sorted(set(lead_rung) | set(supervisor_rung))
    if escalated:
        # A co-unit reaches the supervisors a rung later; the lead unit skips its own rung.
        rung = Sql("AND r.role = %s", [Responsibility.Role.LEAD.value])
        if supervisor_rung:
            rung = Sql(
                f"AND (r.role = %s OR p.id IN ({_ids(supervisor_rung)}))",
                [Responsibility.Role.LEAD.value, *supervisor_rung],
            )
        for kind, target in (
            (NoticeKind.ESCALATE_SUPERVISOR, selection.items),
            (NoticeKind.URGE, selection.urges),
        ):
            target.append(
                _slot_items(kind, escalated, today, audience=str(SUPERVISORS), extra=rung)
            )


def _select_problems(selection: Selection) -> None:
    """Open problems at the lead or leader rung: tell that rung once per problem and level."""
    columns = {
        "key": "'problem:' || CAST(pb.id AS TEXT)",
        "period": "sr.period_id",
        "responsibility": "sr.responsibility_id",
        "problem": "pb.id",
    }
    source = f"FROM {_t(Problem)} pb JOIN {_t(ProgressReport)} sr ON sr.id = pb.report_id"
    lead = Sql(
        source + f" JOIN {_t(Responsibility)} rr ON rr.id = sr.responsibility_id"
        f" JOIN {_t(Responsibility)} lr ON lr.assignment_id = rr.assignment_id AND lr.role = %s"
        " WHERE pb.resolved_at IS NULL AND pb.level = %s",
        [Responsibility.Role.LEAD.value, Problem.Level.LEAD.value],
    )
    leader = Sql(
        source + " WHERE pb.resolved_at IS NULL AND pb.level = %s", [Problem.Level.LEADER.value]
    )
    selection.items.append(
        _item_head(NoticeKind.PROBLEM_LEAD, selection.today, audience="lr.unit_id", **columns)
        + lead
    )
    selection.items.append(
        _item_head(NoticeKind.PROBLEM_LEADER, selection.today, audience=str(SUPERVISORS), **columns)
        + leader
    )


# When a returned report was returned: by its review, or by its reopening after the lock.
_RETURNED_AT = (
    "CASE WHEN COALESCE(sr.reopened_at, sr.submitted_at)"
    " > COALESCE(sr.reviewed_at, sr.submitted_at)"
    " THEN COALESCE(sr.reopened_at, sr.submitted_at)"
    " ELSE COALESCE(sr.reviewed_at, sr.submitted_at) END"
)


def _select_returned(selection: Selection, now: datetime) -> None:
    """Returned reports, to the submitter (or the unit when the submitter has no address):
    once per return. The key carries the moment of the return (the review, or the reopening
    after the lock), so a report returned again is notified again."""
    head = _item_head(
        NoticeKind.RETURNED,
        selection.today,
        audience=(
            "CASE WHEN su.id IS NOT NULL AND su.is_active AND su.email <> ''"
            " THEN 0 - su.id ELSE r.unit_id END"
        ),
        key=f"'report:' || CAST(sr.id AS TEXT) || '@' || CAST({_RETURNED_AT} AS TEXT)",
        period="sr.period_id",
        responsibility="sr.responsibility_id",
        problem=_NO_ID,
    )
    since = _moment(now - timedelta(days=settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS))
    body = Sql(
        f"FROM {_t(ProgressReport)} sr JOIN {_t(Responsibility)} r ON r.id = sr.responsibility_id"
        f" LEFT JOIN {_t(User)} su ON su.id = sr.submitted_by_id"
        " WHERE sr.status = %s AND (sr.reviewed_at >= %s OR sr.reopened_at >= %s)",
        [ProgressReport.Status.RETURNED.value, since, since],
    )
    selection.items.append(head + body)


def _recipients() -> Sql:
    """Every address by audience, with its switches for the optional kinds. Addresses are
    compared in lower case, so one mailbox entered twice gets one e-mail."""
    switches = (
        "COALESCE(np.notify_window_open, TRUE), COALESCE(np.notify_reminders, TRUE),"
        " COALESCE(np.notify_checkpoints, TRUE)"
    )
    people = (
        f"FROM {_t(User)} us LEFT JOIN {_t(NoticePreference)} np ON np.user_id = us.id"
        " WHERE us.is_active AND us.email <> ''"
    )
    return Sql(
        "SELECT c.unit_id AS c_audience, LOWER(c.email) AS c_email,"  # noqa: S608
        " c.notify_window_open AS c_window, c.notify_reminders AS c_reminders,"
        " c.notify_checkpoints AS c_checkpoints"
        f" FROM {_t(UnitContact)} c JOIN {_t(Unit)} u ON u.id = c.unit_id"
        " WHERE c.is_active AND u.is_active"
        f" UNION ALL SELECT us.unit_id, LOWER(us.email), {switches} {people}"
        f" AND us.unit_id IN (SELECT id FROM {_t(Unit)} WHERE is_active)"
        f" UNION ALL SELECT {SUPERVISORS}, LOWER(us.email), {switches} {people} AND us.role = %s"
        f" UNION ALL SELECT 0 - us.id, LOWER(us.email), {switches} {people}",
        [User.Role.SUPERVISOR.value],
    )


def _union(parts: Sequence[Sql]) -> Sql:
    return Sql(
        " UNION ALL ".join(part.text for part in parts), [p for part in parts for p in part.params]
    )


def _not_logged(recipient: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM {_t(ReminderLog)} l WHERE l.recipient = {recipient}"  # noqa: S608
        " AND l.item_key = q.c_item_key AND l.period_id = q.c_period_id AND l.kind = q.c_kind)"
    )


def notices_sql(selection: Selection) -> Sql | None:
    """SELECT (recipient, item_key, period_id, kind, day, responsibility_id, problem_id) of every
    notice due and not yet logged. The sweep inserts exactly these rows; the preview reads them."""
    if not selection.items:
        return None
    items = _union(selection.items)
    recipients = _recipients()
    wanted = (
        f"(q.c_category = '{MANDATORY}'"
        " OR (q.c_category = 'window' AND r.c_window)"
        " OR (q.c_category = 'reminders' AND r.c_reminders)"
        " OR (q.c_category = 'checkpoints' AND r.c_checkpoints))"
    )
    return Sql(
        "SELECT r.c_email, q.c_item_key, q.c_period_id, q.c_kind, q.c_day,"  # noqa: S608
        " q.c_responsibility_id, q.c_problem_id"
        f" FROM ({items.text}) q INNER JOIN ({recipients.text}) r ON r.c_audience = q.c_audience"
        f" WHERE {wanted} AND {_not_logged('r.c_email')}",
        [*items.params, *recipients.params],
    )


def urges_sql(selection: Selection) -> Sql | None:
    """The same for the automatic 督办 claims (recipient empty)."""
    if not selection.urges:
        return None
    items = _union(selection.urges)
    nobody = "''"
    return Sql(
        "SELECT '', q.c_item_key, q.c_period_id, q.c_kind, q.c_day,"  # noqa: S608
        " q.c_responsibility_id, q.c_problem_id"
        f" FROM ({items.text}) q WHERE {_not_logged(nobody)}",
        items.params,
    )


_CLAIM_COLUMNS = (
    "recipient",
    "item_key",
    "period_id",
    "kind",
    "day",
    "responsibility_id",
    "problem_id",
    "sweep",
    "status",
    "claimed_at",
    "attempts",
    "error",
    "message_id",
)


def _insert_claims(select: Sql, *, token: str, now: datetime) -> int:
    columns = ", ".join(_CLAIM_COLUMNS)
    # The constant columns ride on the outer SELECT; WHERE is required by SQLite's parser
    # before ON CONFLICT.
    statement = (
        f"INSERT INTO {_t(ReminderLog)} ({columns})"  # noqa: S608
        f" SELECT s.*, %s, %s, %s, 0, '', '' FROM ({select.text}) s WHERE 1 = 1"
        " ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement, (token, DeliveryStatus.CLAIMED.value, _moment(now), *select.params)
        )
        return max(cursor.rowcount, 0)


def _insert_digests(*, token: str, now: datetime) -> None:
    statement = (
        f"INSERT INTO {_t(ReminderDigest)} (recipient, sweep, item_count, status, language,"  # noqa: S608
        " claimed_at, next_attempt_at, attempts, error, message_id)"
        " SELECT recipient, %s, COUNT(*), %s, '', %s, %s, 0, '', ''"
        f" FROM {_t(ReminderLog)} WHERE sweep = %s AND recipient <> '' GROUP BY recipient"
    )
    moment = _moment(now)
    with connection.cursor() as cursor:
        cursor.execute(statement, (token, DeliveryStatus.CLAIMED.value, moment, moment, token))


def _serialise_sweeps() -> None:
    """One sweep claims at a time. SQLite's IMMEDIATE transactions already hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK])


# --- the sweep ---------------------------------------------------------------------------------


@dataclass
class SweepResult:
    token: str
    claimed: int = 0
    urges_claimed: int = 0
    digest_ids: list[int] = field(default_factory=list)
    requeued_ids: list[int] = field(default_factory=list)
    problems_escalated: list[int] = field(default_factory=list)
    urges_recorded: int = 0


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
            result.claimed = _insert_claims(notices, token=result.token, now=now)
        urges = urges_sql(selection)
        if urges is not None:
            result.urges_claimed = _insert_claims(urges, token=result.token, now=now)
        if selection.day_bound:
            ReminderDay.objects.create(
                day=selection.today, sweep=result.token, claimed_at=now, notices=result.claimed
            )
        if result.claimed:
            _insert_digests(token=result.token, now=now)
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
    table = _t(ReminderDigest)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE {_STALLED} ORDER BY next_attempt_at, id"  # noqa: S608
            f" LIMIT {RECLAIM_BATCH}",
            _stalled_params(now),
        )
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            cursor.execute(
                f"UPDATE {table} SET next_attempt_at = %s"  # noqa: S608
                f" WHERE id IN ({_ids(ids)}) AND {_STALLED}",
                [_moment(now), *ids, *_stalled_params(now)],
            )
    return ids


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
                raise ActionRefused("没有对应的责任分工。")
            overdue = days_overdue(log.period.due_on, local_today(now))
            supervision_action_record(
                kind="urge",
                unit=responsibility.unit,
                period=log.period,
                reason=(
                    f"{log.period}《{responsibility.assignment.title}》进展报告逾期{overdue}日"
                    "未报送，系统自动督办。"
                ),
                actor=None,
                responsibility=responsibility,
            )
    except ActionRefused as refused:
        # Refused now is refused next time too: recorded as failed, so it does not come back
        # in every sweep, and visible to supervisors with the reason.
        ReminderLog.objects.filter(pk=log_id, status=DeliveryStatus.CLAIMED).update(
            status=DeliveryStatus.FAILED, attempts=1, error=refused.message
        )
        return False
    return True


# --- what the next sweep would send ------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    recipient: str
    item_key: str
    period_id: int
    kind: str
    day: date | None
    responsibility_id: int | None
    problem_id: int | None


def notices_due(*, now: datetime) -> tuple[list[Notice], list[Notice], list[int]]:
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
