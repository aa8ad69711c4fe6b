"""The calendar's rules (DESIGN §4), pure: which milestone a day has reached, the dispatch
checkpoint of the day, the overdue ladder's rungs, and whether the day's notices may go out.

Python only, under the purity contract, so the rules are tested without a database and read
without the SQL around them. Kinds are the values of tracker.models.NoticeKind (a test pins
them to it); the settings arrive as arguments (`Ladder`, `send_from`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tracker.periods import SHANGHAI, days_overdue

WINDOW_OPEN = "window_open"
DUE_7 = "due_7"
DUE_3 = "due_3"
DUE_1 = "due_1"
DUE_DAY = "due_day"
CHECKPOINT_1 = "checkpoint_1"
CHECKPOINT_2 = "checkpoint_2"

# Which switch of a recipient's choices turns a kind off; kinds not listed are mandatory.
OPTIONAL = {
    WINDOW_OPEN: "window",
    DUE_7: "reminders",
    DUE_3: "reminders",
    DUE_1: "reminders",
    DUE_DAY: "reminders",
    CHECKPOINT_1: "checkpoints",
    CHECKPOINT_2: "checkpoints",
}
MANDATORY = "mandatory"


@dataclass(frozen=True)
class Ladder:
    """The overdue side of the calendar, in days: how long the daily chaser runs past the due
    date, the rungs at which a missing report goes to the lead unit and to the supervisors, and
    how long after the second checkpoint its notice may still go out."""

    overdue_max_days: int
    escalate_lead_days: int
    escalate_supervisor_days: int
    catch_up_days: int


def countdown_kind(*, opens_on: date, due_on: date, today: date) -> str | None:
    """The latest milestone before the deadline reached by `today` (ties: the later milestone).

    Nothing before the window opens: a report due a few days after its period ends ("结束后5个
    工作日内") has its 7-day mark before the period is over, when it cannot be submitted yet;
    the window's opening is then its first notice."""
    if today > due_on or today < opens_on:
        return None
    milestones = [
        (opens_on, WINDOW_OPEN),
        (due_on - timedelta(days=7), DUE_7),
        (due_on - timedelta(days=3), DUE_3),
        (due_on - timedelta(days=1), DUE_1),
        (due_on, DUE_DAY),
    ]
    reached = [(day, order, kind) for order, (day, kind) in enumerate(milestones) if day <= today]
    return max(reached)[2] if reached else None


def checkpoint_kind(
    *, first: date | None, second: date, today: date, catch_up_days: int
) -> str | None:
    """The dispatch checkpoint `today` falls in: the second (on its day and a few days after),
    or the first (from its day until the second). A monthly period has no first."""
    if second <= today <= second + timedelta(days=catch_up_days):
        return CHECKPOINT_2
    if first is not None and first <= today < second:
        return CHECKPOINT_1
    return None


@dataclass(frozen=True)
class PeriodToday:
    """What one period owes on one day."""

    period_id: int
    countdown: str | None
    overdue_days: int
    checkpoint: str | None
    ladder: Ladder

    @property
    def chased(self) -> bool:
        return 1 <= self.overdue_days <= self.ladder.overdue_max_days

    @property
    def lead_rung(self) -> bool:
        return self.chased and self.overdue_days >= self.ladder.escalate_lead_days

    @property
    def supervisor_rung(self) -> bool:
        return self.chased and self.overdue_days >= self.ladder.escalate_supervisor_days


def period_today(
    *,
    period_id: int,
    opens_on: date,
    due_on: date,
    first_checkpoint_on: date | None,
    second_checkpoint_on: date,
    today: date,
    ladder: Ladder,
) -> PeriodToday:
    return PeriodToday(
        period_id=period_id,
        countdown=countdown_kind(opens_on=opens_on, due_on=due_on, today=today),
        overdue_days=days_overdue(due_on, today),
        checkpoint=checkpoint_kind(
            first=first_checkpoint_on,
            second=second_checkpoint_on,
            today=today,
            catch_up_days=ladder.catch_up_days,
        ),
        ladder=ladder,
    )


def day_notices_open(now: datetime, *, send_from: time) -> bool:
    """Whether day-bound notices may go out: from `send_from` (the daily digest), Shanghai time."""
    return now.astimezone(SHANGHAI).time() >= send_from
