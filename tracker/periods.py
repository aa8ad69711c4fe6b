"""Quarter arithmetic for the reporting calendar (季度调度). Standard library only.

Every function takes plain dates; the caller decides "today" in Asia/Shanghai (see `local_today`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class QuarterSchedule:
    year: int
    quarter: int
    starts_on: date
    ends_on: date
    opens_on: date
    due_on: date
    first_checkpoint_on: date
    second_checkpoint_on: date


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    _check_quarter(quarter)
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(year, last_month, _month_length(year, last_month))


def day_in_quarter(year: int, quarter: int, month_of_quarter: int, day: int) -> date:
    """The given day of the quarter's n-th month, clamped to the month's length (31 → 30 June)."""
    _check_quarter(quarter)
    if not 1 <= month_of_quarter <= 3:
        raise ValueError(f"month_of_quarter must be 1, 2 or 3, not {month_of_quarter}")
    if day < 1:
        raise ValueError(f"day must be positive, not {day}")
    month = 3 * (quarter - 1) + month_of_quarter
    return date(year, month, min(day, _month_length(year, month)))


def quarter_schedule(
    year: int,
    quarter: int,
    *,
    due_month_of_quarter: int = 3,
    due_day: int = 25,
    window_open_day: int = 1,
    first_checkpoint_day: int = 15,
) -> QuarterSchedule:
    """The reporting calendar of one quarter.

    Reports are due on `due_day` of the quarter's `due_month_of_quarter`-th month
    ("每季度末月25日前"); the window opens on `window_open_day` of the due month; the first
    dispatch checkpoint (一季两调度) falls mid-quarter, on `first_checkpoint_day` of the second
    month, and the second one on the due date. A first checkpoint that would fall after the due
    date moves to it.
    """
    due_on = day_in_quarter(year, quarter, due_month_of_quarter, due_day)
    opens_on = min(day_in_quarter(year, quarter, due_month_of_quarter, window_open_day), due_on)
    first_checkpoint = min(day_in_quarter(year, quarter, 2, first_checkpoint_day), due_on)
    starts_on, ends_on = quarter_bounds(year, quarter)
    return QuarterSchedule(
        year=year,
        quarter=quarter,
        starts_on=starts_on,
        ends_on=ends_on,
        opens_on=opens_on,
        due_on=due_on,
        first_checkpoint_on=first_checkpoint,
        second_checkpoint_on=due_on,
    )


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    _check_quarter(quarter)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def days_overdue(due_on: date, today: date) -> int:
    """Whole days past the due date (0 on the due date itself and before it)."""
    return max(0, (today - due_on).days)


def reporting_quarter(
    today: date, *, due_month_of_quarter: int = 3, window_open_day: int = 1
) -> tuple[int, int]:
    """The quarter a supervisor looks at on `today`: the latest whose reporting window has
    opened. Early in a quarter nothing is reported for it yet, so the previous one is shown."""
    year, quarter = today.year, quarter_of(today)
    opens = day_in_quarter(year, quarter, due_month_of_quarter, window_open_day)
    return (year, quarter) if today >= opens else previous_quarter(year, quarter)


def local_today(now: datetime) -> date:
    """The Shanghai calendar day of an aware instant: a day starts at 16:00 UTC the day before."""
    if now.tzinfo is None:
        raise ValueError("local_today needs an aware datetime")
    return now.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """The last instant of a Shanghai calendar day, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI) - timedelta(
        microseconds=1
    )


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _check_quarter(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter}")
