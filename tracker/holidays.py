"""The State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知), as the
maintained `chinesecalendar` package records them: the days off (法定节假日 and the days taken
off around them) and the 调休 working weekends, year by year.

The package is released after each year's arrangement is published (usually in November), so a
year it does not cover yet has no holidays here; the working-day calendar then falls back to
weekends (tracker.periods.WEEKENDS_ONLY) and the calendar page says so. Supervisors' own
corrections (tracker.models.CalendarDay) are laid over this in tracker.selectors.schedules.
No Django here: the package's data only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import chinese_calendar


@dataclass(frozen=True)
class OfficialDay:
    day: date
    is_working: bool
    # The festival in Chinese: 春节, 国庆节, …
    name: str


@cache
def _names() -> dict[str, str]:
    return {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def package_version() -> str:
    return str(chinese_calendar.__version__)


@cache
def covered_years() -> frozenset[int]:
    """The years whose arrangement the package holds."""
    return frozenset(day.year for day in chinese_calendar.holidays)


def official_days(year: int) -> list[OfficialDay]:
    """The year's days off and 调休 working days, in date order (empty for a year the package
    does not cover)."""
    names = _names()
    days = [
        OfficialDay(day, False, names.get(name, name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ]
    days += [
        OfficialDay(day, True, names.get(name, name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year
    ]
    return sorted(days, key=lambda official: official.day)
