"""Dates and period names in the reader's language.

tracker.formatting and tracker.schedule_text write them as a Chinese document does ("2026年12月6日",
"2026年三季度", "前三季度"); under English the same values read "6 December 2026", "Q3 2026",
"Q1–Q3". Pages (the cn_date, cn_datetime, quarter and period_label filters), e-mails, exports and
messages all go through here, so a date reads the same everywhere in either language. The
interface has two languages: anything that is not Chinese is English.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import chinese_calendar
from django.utils import translation

from tracker import formatting, schedule_text
from tracker.periods import SHANGHAI, DueRule, months_in

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_CUMULATIVE_QUARTERS = {1: "Q1", 2: "H1", 3: "Q1–Q3", 4: "full year"}


def chinese() -> bool:
    """Whether the active language is Chinese (also when none is active: the default)."""
    language = translation.get_language()
    return language is None or language.startswith("zh")


def english(msgid: str, context: str | None = None) -> str:
    """A catalogue string as English reads it, whatever the active language."""
    with translation.override("en"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def headings(columns: Iterable[str], context: str | None = None) -> dict[str, str]:
    """A file's column headings in either language (each Chinese heading and its English) →
    the Chinese heading: a sheet downloaded in English is read back like a Chinese one."""
    found = {english(column, context): column for column in columns}
    found.update({column: column for column in columns})
    return found


def date_text(value: date | datetime | None) -> str:
    """ "2026年12月6日" or "6 December 2026"; "" for None."""
    if value is None:
        return ""
    if chinese():
        return formatting.cn_date(value)
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def datetime_text(value: datetime | None) -> str:
    """ "2026年12月6日 14:30" or "6 December 2026, 14:30"; "" for None."""
    if value is None:
        return ""
    if chinese():
        return formatting.cn_datetime(value)
    local = value.astimezone(SHANGHAI)
    return f"{date_text(local.date())}, {local:%H:%M}"


def month_text(month: int) -> str:
    """A month of a year already named: "11月" or "November"."""
    return f"{month}月" if chinese() else MONTHS[month - 1]


def month_day_text(value: date) -> str:
    """A day within a year already named: "6月30日" or "30 June"."""
    if chinese():
        return f"{value.month}月{value.day}日"
    return f"{value.day} {MONTHS[value.month - 1]}"


def period_text(year: int, frequency: str, number: int) -> str:
    """A period by its name: "2026年3月", "2026年二季度", "2026年上半年", "2026年度", or
    "March 2026", "Q2 2026", "H1 2026", "2026"."""
    if chinese():
        return schedule_text.period_label(year, frequency, number)
    if frequency == "monthly":
        return f"{MONTHS[number - 1]} {year}"
    if frequency == "quarterly":
        return f"Q{number} {year}"
    if frequency == "half-yearly":
        return f"H{number} {year}"
    months_in(frequency)  # refuses an unknown frequency
    return str(year)


def quarter_text(year: int, quarter: int) -> str:
    """ "2026年三季度" or "Q3 2026"."""
    return period_text(year, "quarterly", quarter)


def cumulative_text(frequency: str, number: int) -> str:
    """What a period's cumulative figures cover: "前三季度" or "Q1–Q3", "1—3月" or
    "January–March", "全年" or "full year"."""
    if chinese():
        return schedule_text.cumulative_label(frequency, number)
    months = months_in(frequency) * number
    if months == 12:
        return "full year"
    if frequency == "quarterly":
        return _CUMULATIVE_QUARTERS[number]
    if frequency == "half-yearly":
        return "H1"
    return MONTHS[0] if months == 1 else f"{MONTHS[0]}–{MONTHS[months - 1]}"


def period_of(period: Any) -> str:
    """A ReportingPeriod (or a tracker.periods.PeriodSchedule not stored yet) by its name."""
    return period_text(period.year, period.frequency, period.number)


def list_separator() -> str:
    """Between names in a row: the enumeration comma 、 in Chinese, a comma in English."""
    return "、" if chinese() else ", "


def bracketed(text: str) -> str:
    """An aside after a name: "（牵头）" in Chinese, " (lead)" in English."""
    return f"（{text}）" if chinese() else f" ({text})"


def list_text(items: Iterable[str]) -> str:
    """Names in a row: separated by 、 in Chinese, by commas in English."""
    return ("、" if chinese() else ", ").join(items)


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


_PERIOD_WORDS = {"monthly": "month", "quarterly": "quarter", "half-yearly": "half-year"}


def rule_text(frequency: str, rule: DueRule, *, from_period: int | None = None) -> str:
    """A due rule in words: "每季度末月25日前" or "by the 25th of each quarter's last month"."""
    if chinese():
        return schedule_text.rule_text(frequency, rule, from_period=from_period)
    word = _PERIOD_WORDS.get(frequency, "year")
    length = months_in(frequency)
    if rule.working_days is not None:
        text = f"within {rule.working_days} working days after each {word}"
    elif rule.calendar_days is not None:
        text = f"within {rule.calendar_days} days after each {word}"
    elif rule.after_period:
        month, day = rule.month or 1, _ordinal(rule.day or 1)
        if frequency == "yearly":
            text = f"by {rule.day or 1} {MONTHS[month - 1]} of the following year"
        elif month == 1:
            text = f"by the {day} of the month after each {word}"
        else:
            text = f"by the {day} of the {_ordinal(month)} month after each {word}"
    elif frequency == "monthly":
        text = f"by the {_ordinal(rule.day or 1)} of each month"
    elif frequency == "yearly":
        text = f"by {rule.day} {MONTHS[(rule.month or 12) - 1]} each year"
    else:
        month_text = "last" if rule.month == length else _ordinal(rule.month or 1)
        text = f"by the {_ordinal(rule.day or 1)} of each {word}'s {month_text} month"
    if from_period and from_period > 1 and frequency != "yearly":
        text = f"from {_period_within(frequency, from_period)}, {text}"
    return text


def _period_within(frequency: str, number: int) -> str:
    if frequency == "monthly":
        return MONTHS[number - 1]
    if frequency == "half-yearly":
        return f"H{number}"
    return f"Q{number}"


@cache
def _festivals() -> dict[str, str]:
    return {holiday.chinese: holiday.value for holiday in chinese_calendar.Holiday}


def festival_text(name: str) -> str:
    """A public holiday's name ("春节" or "Spring Festival"); a name typed into a correction is
    shown as typed."""
    if chinese():
        return name
    return _festivals().get(name, name)


_SECTION_NUMERALS = "一二三四五六七八九十"


def section_number(number: int) -> str:
    """A numbered heading's number: "一、" in Chinese, "1. " in English."""
    if chinese() and 1 <= number <= len(_SECTION_NUMERALS):
        return f"{_SECTION_NUMERALS[number - 1]}、"
    return f"{number}. "


_EN_COMPARATORS = {
    ">=": "at least ",
    ">": "more than ",
    "~": "about ",
    "<=": "at most ",
    "<": "below ",
}


def target_text(target: Any) -> str:
    """A target in the reader's language: "增长6%左右" or "growth of about 6%", "控制在5.5%以内"
    or "at most 5.5%", "前10位" or "top 10". A target without a figure shows its text as typed,
    and a unit the document gives ("万元") stays as the document wrote it."""
    if chinese():
        return formatting.target_text(target)
    wording = formatting.target_wording(target)
    form, shown = wording.form, wording.shown
    words = _EN_COMPARATORS.get(wording.comparator, "")
    if form == "text":
        return shown
    if form in ("top", "place"):
        rank = shown.removesuffix("位")
        return f"top {rank}" if form == "top" else f"rank {rank}"
    if form == "decrease":
        return f"a decrease of {words}{shown}"
    if form == "narrow":
        return f"narrowed to {words}{shown}"
    if form == "growth":
        return f"growth of {words}{shown}"
    if form == "more_than":
        return f"more than {shown}"
    if form == "reach":
        return shown
    return f"{words}{shown}"


_EN_GAPS = {
    "below_cap": "below the cap",
    "over_cap": "over the cap",
    "above_target": "above the target",
    "below_target": "below the target",
}


def gap_text(target: Any, gap: Decimal | None) -> str:
    """A margin to the target in the reader's language: "低于上限0.2个百分点" or "0.2 percentage
    points below the cap", "高于目标0.3个百分点" or "0.3 percentage points above the target"."""
    if chinese():
        return formatting.gap_text(target, gap)
    wording = formatting.gap_wording(target, gap)
    if wording.form == "none":
        return "—"
    if wording.form == "at_cap":
        return "at the cap"
    if wording.form == "on_target":
        return "on target"
    if wording.points:
        amount = f"{wording.amount} percentage point{'' if wording.amount == '1' else 's'}"
    else:
        amount = wording.amount + wording.unit
    return f"{amount} {_EN_GAPS[wording.form]}"


def signed_points(gap: Decimal | None) -> str:
    """A gap in percentage points: "高0.3个百分点" or "0.3 percentage points higher", "持平" or
    "level"."""
    if chinese() or gap is None:
        return formatting.signed_points(gap)
    if gap == 0:
        return "level"
    amount = formatting.number(abs(gap), 2)
    unit = "percentage point" if amount == "1" else "percentage points"
    return f"{amount} {unit} {'higher' if gap > 0 else 'lower'}"
