"""Reporting schedules in words, as a Chinese document writes them: a period's name ("2026年3月",
"2026年二季度", "2026年上半年", "2026年度"), what its cumulative figures cover ("1—3月",
"前三季度"), and a due rule ("每季度结束后5个工作日内", "次月5日前报送上月"). Standard library
only, like tracker.formatting, so pages, e-mails and exports say it the same way.
"""

from __future__ import annotations

from tracker.formatting import CUMULATIVE_NAMES, QUARTER_NAMES
from tracker.periods import DueRule, months_in

HALF_NAMES = {1: "上半年", 2: "下半年"}
# What one period of each frequency is called in a rule: 每月, 每季度, 每半年, 每年.
UNIT_NAMES = {"monthly": "月", "quarterly": "季度", "half-yearly": "半年", "yearly": "年"}
_CN_DIGITS = "零一二三四五六七八九十"


def period_name(frequency: str, number: int) -> str:
    """The period within its year: "3月", "二季度", "上半年", "全年"."""
    if frequency == "monthly":
        return f"{number}月"
    if frequency == "quarterly":
        return QUARTER_NAMES[number]
    if frequency == "half-yearly":
        return HALF_NAMES[number]
    months_in(frequency)  # refuses an unknown frequency
    return "全年"


def period_label(year: int, frequency: str, number: int) -> str:
    """ "2026年3月", "2026年二季度", "2026年上半年", "2026年度"."""
    if frequency == "yearly":
        return f"{year}年度"
    return f"{year}年{period_name(frequency, number)}"


def cumulative_label(frequency: str, number: int) -> str:
    """What a period's cumulative figures cover from the start of the year: "1—3月", "上半年",
    "前三季度", "全年"."""
    months = months_in(frequency) * number
    if months == 12:
        return "全年"
    if frequency == "quarterly":
        return CUMULATIVE_NAMES[number]
    if frequency == "half-yearly":
        return "上半年"
    return "1月" if months == 1 else f"1—{months}月"


def _ordinal(number: int) -> str:
    return _CN_DIGITS[number] if 0 <= number <= 10 else str(number)


def from_period_text(frequency: str, number: int) -> str:
    """ "从第二季度起", "从3月起", "从下半年起"."""
    if frequency == "monthly":
        return f"从{number}月起"
    if frequency == "half-yearly":
        return f"从{HALF_NAMES[number]}起"
    if frequency == "yearly":
        return ""
    return f"从第{_ordinal(number)}季度起"


def rule_text(frequency: str, rule: DueRule, *, from_period: int | None = None) -> str:
    """The rule as a document would write it: "于每季度末月25日前报送" reads "每季度末月25日前";
    "每个季度第1个月的20日前报送上季度情况" reads "每季度结束后次月20日前报送上季度"."""
    unit = UNIT_NAMES[frequency]
    every = "每年" if frequency == "yearly" else f"每{unit}"
    length = months_in(frequency)
    if rule.working_days is not None:
        text = f"{every}结束后{rule.working_days}个工作日内"
    elif rule.calendar_days is not None:
        text = f"{every}结束后{rule.calendar_days}日内"
    elif rule.after_period:
        text = _after_month(frequency, rule.month or 1, rule.day or 1)
    elif frequency == "monthly":
        text = f"每月{rule.day}日前"
    elif frequency == "yearly":
        text = f"每年{rule.month}月{rule.day}日前"
    else:
        month = "末月" if rule.month == length else f"第{rule.month}个月"
        text = f"{every}{month}{rule.day}日前"
    if from_period and from_period > 1:
        prefix = from_period_text(frequency, from_period)
        if prefix:
            text = f"{prefix}，{text}"
    return text


def _after_month(frequency: str, month: int, day: int) -> str:
    if frequency == "monthly":
        if month == 1:
            return f"次月{day}日前报送上月"
        return f"每月结束后第{month}个月{day}日前"
    if frequency == "yearly":
        return f"次年{month}月{day}日前报送上年"
    unit = UNIT_NAMES[frequency]
    if month == 1:
        return f"每{unit}结束后次月{day}日前报送上{unit}"
    return f"每{unit}结束后第{month}个月{day}日前"
