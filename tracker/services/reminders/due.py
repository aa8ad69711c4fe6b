"""What is due at an instant (DESIGN §4): the periods in play and the stage each has reached
(the pure rules), turned into the item queries of a `Selection` — slots before and after their
due date, checkpoints, escalations, problems on the ladder, returned reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from tracker.models import (
    SUBMITTED_STATUSES,
    Assignment,
    DeliveryStatus,
    Document,
    LeaderScope,
    NoticeKind,
    Problem,
    ProgressReport,
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Unit,
    User,
)
from tracker.periods import local_today
from tracker.services.reminders.rules import (
    CHECKPOINT_1,
    CHECKPOINT_2,
    Ladder,
    PeriodToday,
    day_notices_open,
    period_today,
)
from tracker.services.reminders.sql import (
    NO_ID,
    STALLED,
    SUPERVISORS,
    Selection,
    Sql,
    db_date,
    db_datetime,
    item_head,
    placeholders,
    stalled_params,
    table,
)


def ladder() -> Ladder:
    """The calendar's overdue settings, for the rules."""
    return Ladder(
        overdue_max_days=settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS,
        escalate_lead_days=settings.TRACKER_REMINDER_ESCALATE_LEAD_DAYS,
        escalate_supervisor_days=settings.TRACKER_REMINDER_ESCALATE_SUPERVISOR_DAYS,
        catch_up_days=settings.TRACKER_REMINDER_CATCH_UP_DAYS,
    )


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
    head = item_head(
        kind,
        today,
        key_params=key_params,
        audience=audience,
        key=key,
        period="p.id",
        responsibility="r.id",
        problem=NO_ID,
    )
    body = Sql(
        f"FROM {table(Responsibility)} r"
        f" JOIN {table(Assignment)} a ON a.id = r.assignment_id"
        f" JOIN {table(ReportingPeriod)} p ON p.schedule_id = a.schedule_id"
        f" AND p.id IN ({placeholders(period_ids)})"
        f" JOIN {table(Unit)} u ON u.id = r.unit_id",
        list(period_ids),
    )
    if lead_of_assignment:
        body += Sql(
            f"JOIN {table(Responsibility)} lr"
            " ON lr.assignment_id = r.assignment_id AND lr.role = %s AND lr.removed_at IS NULL",
            [Responsibility.Role.LEAD.value],
        )
    # A responsibility an amendment (or a merge) set aside owes nothing any more.
    where = Sql(
        "WHERE u.is_active AND r.removed_at IS NULL"
        " AND (a.active_until IS NULL OR a.active_until >= p.starts_on)"
    )
    if role:
        where += Sql("AND r.role = %s", [role])
    if missing:
        where += Sql(
            f"AND NOT EXISTS (SELECT 1 FROM {table(ProgressReport)} sr"  # noqa: S608
            " WHERE sr.responsibility_id = r.id AND sr.period_id = p.id"
            f" AND sr.status IN ({placeholders(SUBMITTED_STATUSES)}))",
            [s.value for s in SUBMITTED_STATUSES],
        )
    if extra is not None:
        where += extra
    return head + body + where


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
    # A 督办单 changed recently or past its deadline: the claim statement decides exactly.
    duban: bool = False


def pending(now: datetime) -> Pending:
    since = db_datetime(now - timedelta(days=settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS))
    log = table(ReminderLog)
    statement = (
        f"SELECT EXISTS (SELECT 1 FROM {table(ReminderDay)} WHERE day = %s),"  # noqa: S608
        # An open problem at the lead or leader rung without a notice of that rung.
        f" EXISTS (SELECT 1 FROM {table(Problem)} pb"
        " WHERE pb.resolved_at IS NULL AND pb.level IN (%s, %s)"
        f" AND NOT EXISTS (SELECT 1 FROM {log} l WHERE l.problem_id = pb.id"
        " AND l.kind = CASE pb.level WHEN %s THEN %s ELSE %s END)),"
        # A recent return not followed by a claim about that report.
        f" EXISTS (SELECT 1 FROM {table(ProgressReport)} sr"
        " WHERE sr.status = %s AND (sr.reviewed_at >= %s OR sr.reopened_at >= %s)"
        f" AND NOT EXISTS (SELECT 1 FROM {log} l WHERE l.kind = %s"
        " AND l.responsibility_id = sr.responsibility_id AND l.period_id = sr.period_id"
        f" AND l.claimed_at >= {_RETURNED_AT})),"
        f" EXISTS (SELECT 1 FROM {table(ReminderDigest)} WHERE {STALLED}),"
        f" EXISTS (SELECT 1 FROM {log} WHERE kind = %s AND status = %s),"
        f" EXISTS (SELECT 1 FROM {table(SupervisionAction)} da WHERE da.status <> ''"
        " AND (da.changed_at >= %s OR (da.status IN (%s, %s) AND da.deadline < %s"
        " AND da.author_id IS NOT NULL)))"
    )
    params = [
        db_date(local_today(now)),
        Problem.Level.LEAD.value,
        Problem.Level.LEADER.value,
        Problem.Level.LEAD.value,
        NoticeKind.PROBLEM_LEAD.value,
        NoticeKind.PROBLEM_LEADER.value,
        ProgressReport.Status.RETURNED.value,
        since,
        since,
        NoticeKind.RETURNED.value,
        *stalled_params(now),
        NoticeKind.URGE.value,
        DeliveryStatus.CLAIMED.value,
        since,
        SupervisionAction.Status.OPEN.value,
        SupervisionAction.Status.RETURNED.value,
        db_date(local_today(now)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        day_claimed, problems, returned, stalled, urges, duban = cursor.fetchone()
    return Pending(
        day_bound=day_notices_open(now, send_from=settings.TRACKER_REMINDER_SEND_FROM)
        and not day_claimed,
        problems=bool(problems),
        returned=bool(returned),
        stalled=bool(stalled),
        urges=bool(urges),
        duban=bool(duban),
    )


def select_due(now: datetime, todo: Pending | None = None) -> Selection:
    """Every item query due at `now` (nothing is written)."""
    todo = todo or pending(now)
    today = local_today(now)
    selection = Selection(today=today, day_bound=todo.day_bound)
    if selection.day_bound:
        rungs = ladder()
        stages = [
            period_today(
                period_id=p.pk,
                opens_on=p.opens_on,
                due_on=p.due_on,
                first_checkpoint_on=p.first_checkpoint_on,
                second_checkpoint_on=p.second_checkpoint_on,
                today=today,
                ladder=rungs,
            )
            for p in periods_in_play(today)
        ]
        _select_slot_notices(selection, stages)
    if todo.problems:
        _select_problems(selection)
    if todo.returned:
        _select_returned(selection, now)
    if todo.duban:
        _select_duban(selection, now)
    return selection


def _select_slot_notices(selection: Selection, stages: list[PeriodToday]) -> None:
    today = selection.today
    by_kind: dict[str, list[int]] = {}
    for stage in stages:
        if stage.countdown:
            by_kind.setdefault(stage.countdown, []).append(stage.period_id)
        if stage.chased:
            by_kind.setdefault(NoticeKind.OVERDUE, []).append(stage.period_id)
        if stage.checkpoint:
            by_kind.setdefault(stage.checkpoint, []).append(stage.period_id)
    for kind, ids in by_kind.items():
        checkpoint = kind in (CHECKPOINT_1, CHECKPOINT_2)
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
                f"AND (r.role = %s OR p.id IN ({placeholders(supervisor_rung)}))",
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
    source = f"FROM {table(Problem)} pb JOIN {table(ProgressReport)} sr ON sr.id = pb.report_id"
    lead = Sql(
        source + f" JOIN {table(Responsibility)} rr ON rr.id = sr.responsibility_id"
        f" JOIN {table(Responsibility)} lr ON lr.assignment_id = rr.assignment_id AND lr.role = %s"
        " AND lr.removed_at IS NULL"
        " WHERE pb.resolved_at IS NULL AND pb.level = %s",
        [Responsibility.Role.LEAD.value, Problem.Level.LEAD.value],
    )
    leader = Sql(
        source + " WHERE pb.resolved_at IS NULL AND pb.level = %s", [Problem.Level.LEADER.value]
    )
    # The leader in charge named on the problem (tracker.selectors.people.leaders_for, chosen
    # when it climbed) is told too; the supervisors follow it up as before.
    named_leader = Sql(
        source + " WHERE pb.resolved_at IS NULL AND pb.level = %s AND pb.leader_id IS NOT NULL",
        [Problem.Level.LEADER.value],
    )
    selection.items.append(
        item_head(NoticeKind.PROBLEM_LEAD, selection.today, audience="lr.unit_id", **columns) + lead
    )
    selection.items.append(
        item_head(NoticeKind.PROBLEM_LEADER, selection.today, audience=str(SUPERVISORS), **columns)
        + leader
    )
    selection.items.append(
        item_head(
            NoticeKind.PROBLEM_LEADER, selection.today, audience="0 - pb.leader_id", **columns
        )
        + named_leader
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
    head = item_head(
        NoticeKind.RETURNED,
        selection.today,
        audience=(
            "CASE WHEN su.id IS NOT NULL AND su.is_active AND su.email <> ''"
            " THEN 0 - su.id ELSE r.unit_id END"
        ),
        key=f"'report:' || CAST(sr.id AS TEXT) || '@' || CAST({_RETURNED_AT} AS TEXT)",
        period="sr.period_id",
        responsibility="sr.responsibility_id",
        problem=NO_ID,
    )
    since = db_datetime(now - timedelta(days=settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS))
    body = Sql(
        f"FROM {table(ProgressReport)} sr"
        f" JOIN {table(Responsibility)} r ON r.id = sr.responsibility_id"
        f" LEFT JOIN {table(User)} su ON su.id = sr.submitted_by_id"
        " WHERE sr.status = %s AND (sr.reviewed_at >= %s OR sr.reopened_at >= %s)"
        " AND r.removed_at IS NULL",
        [ProgressReport.Status.RETURNED.value, since, since],
    )
    selection.items.append(head + body)


def _select_duban(selection: Selection, now: datetime) -> None:
    """督办单 events, each told once: issued (to the unit), answered (to its author, or the
    supervisors for the calendar's own), returned and closed (to the unit), and overdue — to the
    unit and, as an escalation, to the leaders in charge of the unit (LeaderScope), or the
    supervisors when it has none."""
    since = db_datetime(now - timedelta(days=settings.TRACKER_REMINDER_OVERDUE_MAX_DAYS))
    today = selection.today
    actions = table(SupervisionAction)
    key = "'duban:' || CAST(da.id AS TEXT)"
    rounds = key + " || '@' || CAST(da.round AS TEXT)"
    columns = {
        "period": "da.period_id",
        "responsibility": "da.responsibility_id",
        "problem": "da.problem_id",
    }
    open_ = SupervisionAction.Status.OPEN.value
    answered = SupervisionAction.Status.ANSWERED.value
    returned = SupervisionAction.Status.RETURNED.value
    closed = SupervisionAction.Status.CLOSED.value
    recent = Sql(f"FROM {actions} da WHERE da.changed_at >= %s", [since])
    leaders = (
        f"SELECT ls.unit_id, ls.leader_id FROM {table(LeaderScope)} ls"  # noqa: S608
        f" JOIN {table(User)} lu ON lu.id = ls.leader_id"
        " WHERE ls.unit_id IS NOT NULL AND lu.is_active AND lu.role = %s"
    )
    overdue = Sql(
        f"FROM {actions} da WHERE da.status IN (%s, %s) AND da.deadline < %s"
        " AND da.deadline >= %s AND da.author_id IS NOT NULL",
        [open_, returned, db_date(today), db_date(today - timedelta(days=30))],
    )
    # The calendar's own 督办单 (no author) is announced by its escalation notice and the daily
    # chasers; it is told again only when someone acts on it.
    kinds: list[tuple[str, str, str, Sql]] = [
        (
            NoticeKind.DUBAN_ISSUED,
            "da.unit_id",
            key + " || '@0'",
            recent + Sql("AND da.author_id IS NOT NULL"),
        ),
        (
            NoticeKind.DUBAN_ANSWERED,
            f"CASE WHEN da.author_id IS NULL THEN {SUPERVISORS} ELSE 0 - da.author_id END",
            rounds,
            recent
            + Sql("AND da.round > 0 AND da.status IN (%s, %s, %s)", [answered, returned, closed]),
        ),
        (
            NoticeKind.DUBAN_RETURNED,
            "da.unit_id",
            rounds,
            recent + Sql("AND da.status = %s", [returned]),
        ),
        (NoticeKind.DUBAN_CLOSED, "da.unit_id", key, recent + Sql("AND da.status = %s", [closed])),
        (NoticeKind.DUBAN_OVERDUE, "da.unit_id", key, overdue),
        (
            NoticeKind.DUBAN_OVERDUE,
            "lead.leader_id * -1",
            key,
            Sql(
                f"FROM {actions} da JOIN ({leaders}) lead ON lead.unit_id = da.unit_id"
                " WHERE da.status IN (%s, %s) AND da.deadline < %s AND da.deadline >= %s"
                " AND da.author_id IS NOT NULL",
                [User.Role.LEADER.value, *overdue.params],
            ),
        ),
        (
            NoticeKind.DUBAN_OVERDUE,
            str(SUPERVISORS),
            key,
            overdue
            + Sql(
                f"AND NOT EXISTS ({leaders} AND ls.unit_id = da.unit_id)",
                [User.Role.LEADER.value],
            ),
        ),
    ]
    for kind, audience, item_key, body in kinds:
        selection.items.append(
            item_head(kind, today, audience=audience, key=item_key, **columns) + body
        )
