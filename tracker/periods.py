"""Date arithmetic for the reporting calendar: periods of a month, a quarter, a half-year or a
year, due rules inside or after the period, working days. Standard library only.

Every function takes plain dates; the caller decides "today" in Asia/Shanghai (see `local_today`)
and which days are worked (a `WorkingCalendar` passed in).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


# How many months one period of each frequency spans (每月/每季度/每半年/每年).
MONTHS_IN = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
FREQUENCIES = tuple(MONTHS_IN)


def months_in(frequency: str) -> int:
    if frequency not in MONTHS_IN:
        raise ValueError(f"frequency must be one of {FREQUENCIES}, not {frequency!r}")
    return MONTHS_IN[frequency]


def periods_in_year(frequency: str) -> int:
    return 12 // months_in(frequency)


@dataclass(frozen=True)
class DueRule:
    """When a period's report is due, in one of the forms documents write:

    - in the period: day `day` of the period's `month`-th month ("于每季度末月25日前" → 3, 25;
      "每月25日前" → 1, 25);
    - after the period: day `day` of the `month`-th month after it ends ("次月5日前报送上月" → 1,
      5; "每个季度第1个月的20日前报送上季度" → 1, 20);
    - `calendar_days` days after it ends ("季度结束后10日内");
    - `working_days` working days after it ends ("季度结束后5个工作日内"): the n-th working day
      after the last day of the period, on the calendar passed in.
    """

    after_period: bool = False
    month: int | None = None
    day: int | None = None
    working_days: int | None = None
    calendar_days: int | None = None

    def __post_init__(self) -> None:
        counts = (self.working_days, self.calendar_days)
        if all(value is None for value in counts):
            if self.month is None or self.day is None:
                raise ValueError("a due rule needs a month and a day, or a number of days")
            if self.month < 1:
                raise ValueError(f"month must be positive, not {self.month}")
            if not 1 <= self.day <= 31:
                raise ValueError(f"day must be 1–31, not {self.day}")
            return
        if self.month is not None or self.day is not None:
            raise ValueError("a rule counting days after the period names no month or day")
        if not self.after_period:
            raise ValueError("days are counted after the period ends")
        if None not in counts:
            raise ValueError("count working days or calendar days, not both")
        count = self.working_days if self.working_days is not None else self.calendar_days
        if count is None or count < 1:
            raise ValueError(f"the number of days must be positive, not {count}")

    @property
    def form(self) -> str:
        """in_period, after_month, after_working_days or after_calendar_days."""
        if self.working_days is not None:
            return "after_working_days"
        if self.calendar_days is not None:
            return "after_calendar_days"
        return "after_month" if self.after_period else "in_period"


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are worked: Monday to Friday, except the `holidays` (法定节假日 and the days
    taken off around them), plus the `workdays` (调休: a Saturday or Sunday worked in exchange).
    The caller assembles both sets (tracker.holidays and the corrections supervisors make), so
    this module stays free of any package."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is worked, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_day_after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` ("5个工作日内" after 30 September)."""
        if count < 1:
            raise ValueError(f"count must be positive, not {count}")
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


# Saturdays and Sundays off, nothing else: the calendar of a year no holiday list covers.
WEEKENDS_ONLY = WorkingCalendar()


@dataclass(frozen=True)
class PeriodSchedule:
    """The reporting calendar of one period: the span its figures cover (`starts_on`–`ends_on`),
    when its window opens, when its report is due (which may lie after the span), and its
    dispatch checkpoints (一季两调度: two for a period of three months or more; a monthly period
    has one, on the due date, and no first checkpoint)."""

    year: int
    frequency: str
    number: int
    starts_on: date
    ends_on: date
    opens_on: date
    due_on: date
    first_checkpoint_on: date | None
    second_checkpoint_on: date

    @property
    def quarter(self) -> int:
        """The quarter holding the period's last day (a quarterly period's own quarter)."""
        return quarter_of(self.ends_on)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    _check_quarter(quarter)
    return period_bounds(year, "quarterly", quarter)


def period_bounds(year: int, frequency: str, number: int) -> tuple[date, date]:
    """First and last day of the `number`-th period of `frequency` in `year` (month 1–12,
    quarter 1–4, half 1–2, the year 1)."""
    length = months_in(frequency)
    _check_number(frequency, number)
    first_month = length * (number - 1) + 1
    last_month = first_month + length - 1
    return date(year, first_month, 1), date(year, last_month, _month_length(year, last_month))


def period_number(day: date, frequency: str) -> int:
    """Which period of its year `day` falls in."""
    return (day.month - 1) // months_in(frequency) + 1


def previous_period(year: int, frequency: str, number: int) -> tuple[int, int]:
    _check_number(frequency, number)
    return (year, number - 1) if number > 1 else (year - 1, periods_in_year(frequency))


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    """(year, month) `count` months after the given month."""
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def day_in_month(year: int, month: int, day: int) -> date:
    """The given day of a month, clamped to the month's length (31 → 30 June, 29 February in a
    leap year, else 28)."""
    if day < 1:
        raise ValueError(f"day must be positive, not {day}")
    return date(year, month, min(day, _month_length(year, month)))


def day_in_quarter(year: int, quarter: int, month_of_quarter: int, day: int) -> date:
    """The given day of the quarter's n-th month, clamped to the month's length (31 → 30 June)."""
    _check_quarter(quarter)
    if not 1 <= month_of_quarter <= 3:
        raise ValueError(f"month_of_quarter must be 1, 2 or 3, not {month_of_quarter}")
    return day_in_month(year, 3 * (quarter - 1) + month_of_quarter, day)


def nominal_due_date(
    year: int,
    frequency: str,
    number: int,
    rule: DueRule,
    *,
    calendar: WorkingCalendar = WEEKENDS_ONLY,
) -> date:
    """The due date the rule names, before any move off a holiday."""
    starts_on, ends_on = period_bounds(year, frequency, number)
    if rule.working_days is not None:
        return calendar.working_day_after(ends_on, rule.working_days)
    if rule.calendar_days is not None:
        return ends_on + timedelta(days=rule.calendar_days)
    assert rule.month is not None and rule.day is not None  # noqa: S101 - DueRule checked it
    if rule.after_period:
        due_year, due_month = add_months(ends_on.year, ends_on.month, rule.month)
    else:
        if rule.month > months_in(frequency):
            raise ValueError(
                f"a {frequency} period has no month {rule.month} (it has {months_in(frequency)})"
            )
        due_year, due_month = add_months(starts_on.year, starts_on.month, rule.month - 1)
    return day_in_month(due_year, due_month, rule.day)


def due_date(
    year: int,
    frequency: str,
    number: int,
    rule: DueRule,
    *,
    calendar: WorkingCalendar = WEEKENDS_ONLY,
    roll_to_working_day: bool = False,
) -> date:
    """The period's due date; with `roll_to_working_day`, a due date on a day off (a weekend or
    a holiday on `calendar`) moves to the next working day (遇节假日顺延)."""
    due = nominal_due_date(year, frequency, number, rule, calendar=calendar)
    return calendar.next_working_day(due) if roll_to_working_day else due


def period_schedule(
    year: int,
    frequency: str,
    number: int,
    rule: DueRule,
    *,
    window_open_day: int = 1,
    first_checkpoint_day: int = 15,
    calendar: WorkingCalendar = WEEKENDS_ONLY,
    roll_to_working_day: bool = False,
) -> PeriodSchedule:
    """The reporting calendar of one period.

    The window opens on `window_open_day` of the due month when the report is due inside the
    period ("每季度末月25日前": 1 June for the second quarter), and the day after the period
    ends when it is due after it (its figures are complete only then); never after the due
    date. The first dispatch checkpoint falls mid-period, on `first_checkpoint_day` of the
    period's middle month (a quarter's second month, a half-year's fourth, a year's seventh),
    never after the due date; the second is the due date. A monthly period has only that one.
    """
    starts_on, ends_on = period_bounds(year, frequency, number)
    nominal = nominal_due_date(year, frequency, number, rule, calendar=calendar)
    due_on = calendar.next_working_day(nominal) if roll_to_working_day else nominal
    if rule.after_period:
        opens_on = min(ends_on + timedelta(days=1), due_on)
    else:
        opens_on = min(day_in_month(nominal.year, nominal.month, window_open_day), due_on)
    first_checkpoint: date | None = None
    length = months_in(frequency)
    if length > 1:
        mid_year, mid_month = add_months(starts_on.year, starts_on.month, length // 2)
        first_checkpoint = min(day_in_month(mid_year, mid_month, first_checkpoint_day), due_on)
    return PeriodSchedule(
        year=year,
        frequency=frequency,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        opens_on=opens_on,
        due_on=due_on,
        first_checkpoint_on=first_checkpoint,
        second_checkpoint_on=due_on,
    )


def quarter_schedule(
    year: int,
    quarter: int,
    *,
    due_month_of_quarter: int = 3,
    due_day: int = 25,
    window_open_day: int = 1,
    first_checkpoint_day: int = 15,
) -> PeriodSchedule:
    """The reporting calendar of one quarter with an in-quarter rule.

    Reports are due on `due_day` of the quarter's `due_month_of_quarter`-th month
    ("每季度末月25日前"); the window opens on `window_open_day` of the due month; the first
    dispatch checkpoint (一季两调度) falls mid-quarter, on `first_checkpoint_day` of the second
    month, and the second one on the due date. A first checkpoint that would fall after the due
    date moves to it.
    """
    _check_quarter(quarter)
    if not 1 <= due_month_of_quarter <= 3:
        raise ValueError(f"month_of_quarter must be 1, 2 or 3, not {due_month_of_quarter}")
    return period_schedule(
        year,
        "quarterly",
        quarter,
        DueRule(month=due_month_of_quarter, day=due_day),
        window_open_day=window_open_day,
        first_checkpoint_day=first_checkpoint_day,
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


def _check_number(frequency: str, number: int) -> None:
    count = periods_in_year(frequency)
    if not 1 <= number <= count:
        raise ValueError(f"a {frequency} period is numbered 1–{count}, not {number}")
