"""Dates: document dates, task deadlines and reporting rules.

All functions read the working copy (half-width digits and punctuation).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from extraction.types import Frequency, ReportingRule

_CN_DIGIT = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_number(text: str) -> int | None:
    """Chinese numerals up to 99 ("二十八" → 28); None when it is not one."""
    if not text:
        return None
    if all(ch.isdigit() for ch in text):
        return int(text)
    if "十" not in text:
        return _CN_DIGIT.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if (tens and tens not in _CN_DIGIT) or (units and units not in _CN_DIGIT):
        return None
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def _cn_year(text: str) -> int | None:
    digits = [_CN_DIGIT.get(ch) for ch in text]
    if len(digits) != 4 or any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def iso_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def month_end(year: int, month: int) -> str | None:
    if not 1 <= month <= 12:
        return None
    return iso_date(year, month, calendar.monthrange(year, month)[1])


_DATE_ARABIC = re.compile(r"(?<!\d)(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日")
_DATE_DASHED = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_CN = "〇○零一二三四五六七八九"
_DATE_CHINESE = re.compile(
    rf"([{_CN}]{{4}})年([一二三四五六七八九十]{{1,3}})月([一二三四五六七八九十]{{1,3}})日"
)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO date) for every full date written in `text`, in order."""
    found: list[tuple[int, int, str]] = []
    for pattern in (_DATE_ARABIC, _DATE_DASHED):
        for m in pattern.finditer(text):
            value = iso_date(int(m[1]), int(m[2]), int(m[3]))
            if value:
                found.append((m.start(), m.end(), value))
    for m in _DATE_CHINESE.finditer(text):
        year, month, day = _cn_year(m[1]), cn_number(m[2]), cn_number(m[3])
        if year and month and day:
            value = iso_date(year, month, day)
            if value:
                found.append((m.start(), m.end(), value))
    return sorted(found)


def parse_date(text: str) -> str | None:
    dates = find_dates(text)
    return dates[0][2] if dates else None


# --- deadlines --------------------------------------------------------------------------------

_BY_YEAR = re.compile(r"(?:到|至|截至|截止到?)\s?(\d{4})\s?年(?!\s?\d{1,2}\s?月)")
_YEAR_END = re.compile(r"(\d{4})\s?年\s?(?:底|末)")
_YEAR_MONTH = re.compile(
    r"(到|至|截至)?\s?(\d{4})\s?年\s?(\d{1,2})\s?月\s?(?:(\d{1,2})\s?日)?\s?(底|末|前|之前|以前)?"
)
_MONTH = re.compile(
    r"(?<![\d年])(\d{1,2})\s?月\s?(?:(\d{1,2})\s?日)?\s?(底前|末前|底|末|前|之前|以前|份)"
)
_THIS_YEAR = re.compile(
    r"(?<![\d年〇一二三四五六七八九十两])(?:年内|年底前|年底|年末前|年末|今年底|今年内)"
)
# "一季度", "第二季度末", "前三季度": the end of that quarter.  "每季度" has no number.
_QUARTER = re.compile(r"(?<![每各])(?:第|前)?([一二三四1-4])\s?季度")
_HALF = re.compile(r"(上|下)半年")


def find_deadline(text: str, year: int | None) -> str | None:
    """The latest completion date the text names ("到2025年", "6月底前", "年内"), if any."""
    found: list[str] = []
    for m in _BY_YEAR.finditer(text):
        found.append(f"{m[1]}-12-31")
    for m in _YEAR_END.finditer(text):
        found.append(f"{m[1]}-12-31")
    for m in _YEAR_MONTH.finditer(text):
        if not (m[1] or m[5]):
            continue
        y, month = int(m[2]), int(m[3])
        value = iso_date(y, month, int(m[4])) if m[4] else month_end(y, month)
        if value:
            found.append(value)
    if year is not None:
        for m in _MONTH.finditer(text):
            month = int(m[1])
            value = iso_date(year, month, int(m[2])) if m[2] else month_end(year, month)
            if value:
                found.append(value)
        if _THIS_YEAR.search(text):
            found.append(f"{year}-12-31")
        found.extend(period_ends(text, year))
    return max(found) if found else None


def period_ends(text: str, year: int) -> list[str]:
    """Ends of the quarters and half-years `text` names ("一季度" → 03-31, "上半年" → 06-30)."""
    found: list[str] = []
    for m in _QUARTER.finditer(text):
        quarter = _CN_DIGIT.get(m[1]) or int(m[1])
        value = month_end(year, quarter * 3)
        if value:
            found.append(value)
    for m in _HALF.finditer(text):
        found.append(f"{year}-06-30" if m[1] == "上" else f"{year}-12-31")
    return found


# --- reporting rules --------------------------------------------------------------------------

_MONTH_OF_QUARTER = {
    "末月": 3,
    "最后一个月": 3,
    "第三个月": 3,
    "第三月": 3,
    "首月": 1,
    "第一个月": 1,
    "第一月": 1,
    "第二个月": 2,
    "第二月": 2,
}
_REPORT_VERB = r"(?:报送|上报|报告|提交|报至|报市|报区|报县|送至|送达)"
_QUARTERLY_DAY = re.compile(
    r"每个?季度的?(末月|最后一个月|第[一二三]个?月|首月)?的?(\d{1,2})\s?日\s?(?:前|之前|以前)"
)
_MONTHLY_DAY = re.compile(r"每个?月的?(\d{1,2})\s?日\s?(?:前|之前|以前)")
_YEARLY_DAY = re.compile(r"每年的?(\d{1,2})\s?月\s?(\d{1,2})\s?日\s?(?:前|之前|以前)")
_PLAIN = re.compile(rf"每(个?季度|个?月|年)[^,;。,;]{{0,12}}?{_REPORT_VERB}(?!前|后|之前|之后)")
_CLAUSE_END = re.compile(r"[,;。,;\n]")


def _clause_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in ",;。,;\n") + 1
    m = _CLAUSE_END.search(text, end)
    right = m.start() if m else len(text)
    return text[left:right].strip()


def _has_report_verb(text: str, end: int) -> bool:
    m = _CLAUSE_END.search(text, end)
    right = m.start() if m else len(text)
    return re.search(_REPORT_VERB, text[end : right + 1]) is not None


def find_reporting_rules(text: str) -> list[ReportingRule]:
    """Rules such as "于每季度末月25日前报送" → quarterly, month 3 of the quarter, day 25."""
    rules: list[ReportingRule] = []
    seen: set[tuple[str, int | None, int | None]] = set()

    def add(freq: Frequency, moq: int | None, day: int | None, start: int, end: int) -> None:
        if (freq, moq, day) in seen:
            return
        seen.add((freq, moq, day))
        clause = _clause_around(text, start, end)
        rules.append({"frequency": freq, "month_of_quarter": moq, "day": day, "text": clause})

    for m in _QUARTERLY_DAY.finditer(text):
        if _has_report_verb(text, m.end()):
            which = (m[1] or "").replace("个", "")
            moq = _MONTH_OF_QUARTER.get(which) or _MONTH_OF_QUARTER.get(m[1] or "")
            add("quarterly", moq, int(m[2]), m.start(), m.end())
    for m in _MONTHLY_DAY.finditer(text):
        if _has_report_verb(text, m.end()):
            add("monthly", None, int(m[1]), m.start(), m.end())
    for m in _YEARLY_DAY.finditer(text):
        if _has_report_verb(text, m.end()):
            add("yearly", None, int(m[2]), m.start(), m.end())
    for m in _PLAIN.finditer(text):
        unit = m[1].replace("个", "")
        freq: Frequency = "quarterly" if unit == "季度" else "monthly" if unit == "月" else "yearly"
        if not any(rule["frequency"] == freq for rule in rules):
            add(freq, None, None, m.start(), m.end())
    return rules


# --- time limits ------------------------------------------------------------------------------

# "限时3日内办结", "3个工作日内答复": how long a problem may stay open at one level before it
# goes up the ladder.
_TIME_LIMIT = re.compile(
    r"(限时|限期)?\s?(\d{1,2}|[一二三四五六七八九十两]{1,3})\s?个?\s?(?:工作日|日|天)\s?"
    r"(?:内|之内|以内)\s?(办结|解决|答复|反馈|处理|处置|整改|回复|化解)?"
)


def find_escalation_days(text: str) -> int | None:
    """Days in the document's first time limit for settling a problem ("限时3日内办结")."""
    for m in _TIME_LIMIT.finditer(text):
        # "3天内" alone may be any span; a limit says 限时 or names what must be settled.
        if m[1] or m[3]:
            days = cn_number(m[2])
            if days:
                return days
    return None
