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


_GARBLED = re.compile(r"^(\d{4})年?(\d{1,2})月?(\d{1,2})日$")


def garbled_date(text: str) -> str | None:
    """A signature date whose 年 or 月 was lost in conversion ("2022121日" for 2022年12月1日).

    The digits after the year are read with a two-digit month first when that gives a date
    (12-1 rather than 1-21); the only other reading is taken when it does not.
    """
    m = _GARBLED.match(text)
    if not m:
        return None
    year, rest = int(m[1]), m[2] + m[3]
    for cut in (2, 1):
        if 0 < cut < len(rest):
            value = iso_date(year, int(rest[:cut]), int(rest[cut:]))
            if value:
                return value
    return None


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

# A number as documents write days and months: "25", "二十五", "两".
_N = r"(\d{1,2}|[一二三四五六七八九十两]{1,3})"
_BEFORE_DAY = r"\s?[日号]\s?(?:前|之前|以前|止)"
_WITHIN = r"\s?(?:内|之内|以内|前)"
_MONTH_OF_QUARTER = {
    "末月": 3,
    "最后一个月": 3,
    "最后一月": 3,
    "末": 3,
    "底": 3,
    "首月": 1,
    "第一个月": 1,
    "第一月": 1,
    "第1个月": 1,
    "第1月": 1,
    "第二个月": 2,
    "第二月": 2,
    "第2个月": 2,
    "第2月": 2,
    "第三个月": 3,
    "第三月": 3,
    "第3个月": 3,
    "第3月": 3,
}
# What makes a date a reporting deadline rather than a task's: a verb of sending or reporting
# ("报送", "上报", "报县发改局") near it in the same sentence.
_REPORT_VERB = (
    r"(?:报送|上报|报告|提交|报至|送至|送达|呈报|汇报|报备|报给|反馈至|反馈给|"
    r"报(?:市|区|县|州|盟|旗|省|镇|乡)(?!场|民|级|内|外|直))"
)
_REPORT = re.compile(_REPORT_VERB)
_QUARTER_WORD = r"(?:每个?季度|每季)"
# In-period quarterly: "每季度末月25日前", "每个季度第1个月的20日前" (reporting the quarter
# before, when the text says so), "每季度最后一个月的20日前".
_QUARTERLY_DAY = re.compile(
    rf"{_QUARTER_WORD}的?(末月|最后一个?月|第[一二三123]个?月|首月|末|底)?的?\s?{_N}{_BEFORE_DAY}"
)
# After the quarter: "每季度结束后次月10日前", "季度终了后次月5日前", "下季度首月10日前".
_QUARTERLY_NEXT_MONTH = re.compile(
    rf"(?:季度(?:结束|终了|末)后的?次月|下一?个?季度(?:首月|第[一1]个?月))的?\s?{_N}{_BEFORE_DAY}"
)
# "每季度结束后5个工作日内", "季度终了后10日内", "每季度结束后15天内".
_AFTER_DAYS: dict[Frequency, re.Pattern[str]] = {
    "quarterly": re.compile(
        rf"(?:每个?)?季度(?:结束|终了|末|期满)后的?\s?{_N}\s?个?\s?(工作日|日|天){_WITHIN}"
    ),
    "monthly": re.compile(
        rf"(?:每个?)?月(?:度)?(?:结束|终了|末|期满)后的?\s?{_N}\s?个?\s?(工作日|日|天){_WITHIN}"
    ),
    "half-yearly": re.compile(
        rf"(?:每)?半年(?:度)?(?:结束|终了|末|期满)后的?\s?{_N}\s?个?\s?(工作日|日|天){_WITHIN}"
    ),
    "yearly": re.compile(
        rf"(?:每)?年(?:度)?(?:结束|终了|期满)后的?\s?{_N}\s?个?\s?(工作日|日|天){_WITHIN}"
    ),
}
_MONTHLY_DAY = re.compile(rf"每个?月(?:份)?的?\s?{_N}{_BEFORE_DAY}")
_MONTHLY_END = re.compile(r"每个?月(?:月底|月末|底|末)(?:前|之前|以前)")
# "次月5日前报送上月情况": the month after the one reported.
_MONTHLY_NEXT = re.compile(rf"(?<!季度)(?<!季度结束后)(?<!季度终了后)次月的?\s?{_N}{_BEFORE_DAY}")
_YEARLY_DAY = re.compile(rf"每年的?\s?{_N}\s?月\s?{_N}{_BEFORE_DAY}")
_YEARLY_NEXT = re.compile(rf"次年的?\s?{_N}\s?月\s?{_N}{_BEFORE_DAY}")
# "12月20日前报送全年工作总结", "年底前报送全年总结": yearly only when the year is what is sent.
_DATED = re.compile(rf"(?<![\d年])(\d{{1,2}})\s?月\s?{_N}{_BEFORE_DAY}")
_YEAR_CLOSE = re.compile(r"(?:每年|今年)?(?:年底|年末|年终)(?:前|之前|以前)")
_WHOLE_YEAR = re.compile(r"全年|年度|本年|当年|一年来")
_PLAIN = re.compile(
    rf"每(个?季度|季|个?月|半年|年)[^,;。,;\n]{{0,12}}?{_REPORT_VERB}(?!前|后|之前|之后)"
)
_PLAIN_FREQUENCY: dict[str, Frequency] = {
    "季度": "quarterly",
    "季": "quarterly",
    "月": "monthly",
    "半年": "half-yearly",
    "年": "yearly",
}
_PREVIOUS: dict[Frequency, re.Pattern[str]] = {
    "quarterly": re.compile(r"上一?个?季度|前一个?季度"),
    "monthly": re.compile(r"上一?个?月(?!底|末)|前一个?月"),
    "yearly": re.compile(r"上一?年度?|前一年"),
}
_FROM: dict[Frequency, re.Pattern[str]] = {
    "quarterly": re.compile(r"(?:从|自)第?([一二三四1-4])\s?季度(?:起|开始)"),
    "monthly": re.compile(rf"(?:从|自)(?:\d{{4}}\s?年)?\s?{_N}\s?月(?:份)?(?:起|开始)"),
}
_SENTENCE_STOP = re.compile(r"[。\n]")
# Where another rule may begin within a sentence: "…每月25日前报县项目办;项目办于次月5日前…".
_PART_END = re.compile(r"[;;]")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    m = _SENTENCE_STOP.search(text, end)
    return left, m.start() if m else len(text)


def _clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in ",;。,;\n") + 1
    m = _CLAUSE_END.search(text, end)
    right = m.start() if m else len(text)
    while left < right and text[left].isspace():
        left += 1
    numbered = _ITEM_NUMBER.match(text, left, right)
    if numbered:
        left = numbered.end()  # "(二)各责任单位应在…": the clause, not its item number
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


_CLAUSE_END = re.compile(r"[,;。,;\n]")
_ITEM_NUMBER = re.compile(
    r"\s*(?:\(\s*[一二三四五六七八九十\d]{1,3}\s*\)|[一二三四五六七八九十]{1,3}\s*[、.]|"
    r"\d{1,3}\s*[.、](?!\d))\s*"
)


def _reports(text: str, start: int, end: int) -> bool:
    """A reporting verb in the same sentence, shortly after the deadline or just before it."""
    left, right = _sentence(text, start, end)
    if _REPORT.search(text, end, min(right, end + 40)):
        return True
    return _REPORT.search(text, max(left, start - 16), start) is not None


def _reporting_sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _REPORT.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        spans.append(_sentence(text, m.start(), m.end()))
    return spans


def _number(text: str | None) -> int | None:
    return cn_number(text) if text else None


def find_reporting_rules(text: str, raw: str | None = None) -> list[ReportingRule]:
    """Reporting rules as documents write them, each with the clause it came from.

    `text` is the working copy; `raw` the prepared text at the same offsets (the rule's `text`
    is sliced from it, as written).  In-period rules name a month of the period
    ("于每季度末月25日前报送" → quarterly, month 3, day 25); after-period rules count from the
    period's end ("次月5日前报送上月情况" → monthly, after, month 1, day 5; "每季度结束后5个工作
    日内" → quarterly, after, 5 working days).  A rule that reports the period before
    ("每个季度第1个月的20日前报送上季度情况") is an after-period rule in its first month.
    """
    source = text if raw is None else raw
    rules: list[ReportingRule] = []
    seen: set[tuple[object, ...]] = set()
    taken: list[tuple[int, int]] = []

    def add(
        freq: Frequency,
        start: int,
        end: int,
        *,
        month: int | None = None,
        day: int | None = None,
        after: bool = False,
        working: int | None = None,
        calendar_days: int | None = None,
    ) -> None:
        if any(a < end and start < b for a, b in taken):
            return  # a longer form already read these words
        s_left, s_right = _sentence(text, start, end)
        sentence = text[s_left:s_right]
        previous = _PREVIOUS.get(freq)
        stop = _PART_END.search(text, end, s_right)
        if not after and previous and previous.search(text, end, stop.start() if stop else s_right):
            # "每月5日前报送上月情况", "每个季度第1个月的20日前报送上季度情况".
            if freq == "monthly" or month == 1:
                after, month = True, 1
        if freq == "monthly" and not after and month is None:
            month = 1  # a month-long period holds its due day in its only month
        from_period = None
        pattern = _FROM.get(freq)
        found = pattern.search(sentence) if pattern else None
        if found:
            from_period = _number(found[1])
        key = (freq, after, month, day, working, calendar_days)
        taken.append((start, end))
        if key in seen:
            return
        seen.add(key)
        left, right = _clause_span(text, start, end)
        rules.append(
            {
                "frequency": freq,
                "after_period": after,
                "month_of_period": month,
                "month_of_quarter": month if freq == "quarterly" else None,
                "day": day,
                "working_days": working,
                "calendar_days": calendar_days,
                "from_period": from_period,
                "text": source[left:right],
                "span": [left, right],
            }
        )

    # Every rule names a reporting verb in its sentence: only those sentences are read.
    for where in _reporting_sentences(text):
        for m in _QUARTERLY_NEXT_MONTH.finditer(text, *where):
            if _reports(text, m.start(), m.end()):
                add("quarterly", m.start(), m.end(), month=1, day=_number(m[1]), after=True)
        for freq, pattern in _AFTER_DAYS.items():
            for m in pattern.finditer(text, *where):
                if not _reports(text, m.start(), m.end()):
                    continue
                count = _number(m[1])
                working = count if m[2] == "工作日" else None
                days = None if m[2] == "工作日" else count
                add(freq, m.start(), m.end(), after=True, working=working, calendar_days=days)
        for m in _QUARTERLY_DAY.finditer(text, *where):
            if _reports(text, m.start(), m.end()):
                month = _MONTH_OF_QUARTER.get(m[1] or "")
                add("quarterly", m.start(), m.end(), month=month, day=_number(m[2]))
        for m in _MONTHLY_NEXT.finditer(text, *where):
            if _reports(text, m.start(), m.end()):
                add("monthly", m.start(), m.end(), month=1, day=_number(m[1]), after=True)
        for m in _MONTHLY_DAY.finditer(text, *where):
            if _reports(text, m.start(), m.end()):
                add("monthly", m.start(), m.end(), day=_number(m[1]))
        for m in _MONTHLY_END.finditer(text, *where):
            if _reports(text, m.start(), m.end()):
                # The month's last day; the calendar clamps 31 to the month's length.
                add("monthly", m.start(), m.end(), day=31)
        for m in _YEARLY_NEXT.finditer(text, *where):
            if _reports(text, m.start(), m.end()):
                add(
                    "yearly", m.start(), m.end(), month=_number(m[1]), day=_number(m[2]), after=True
                )
        for m in _YEARLY_DAY.finditer(text, *where):
            if _reports(text, m.start(), m.end()):
                add("yearly", m.start(), m.end(), month=_number(m[1]), day=_number(m[2]))
        for pattern in (_DATED, _YEAR_CLOSE):
            for m in pattern.finditer(text, *where):
                _, right = _sentence(text, m.start(), m.end())
                window = text[m.end() : min(right, m.end() + 30)]
                verb = _REPORT.search(window)
                if not verb or not _WHOLE_YEAR.search(window, verb.end()):
                    continue
                if pattern is _DATED:
                    month, day = _number(m[1]), _number(m[2])
                    if month is None or not 1 <= month <= 12:
                        continue
                else:
                    month, day = 12, 31
                add("yearly", m.start(), m.end(), month=month, day=day)
    # A frequency without a due day ("每半年报送一次") only where no rule of it gave one.
    for where in _reporting_sentences(text):
        for m in _PLAIN.finditer(text, *where):
            plain = _PLAIN_FREQUENCY[m[1].replace("个", "")]
            if not any(rule["frequency"] == plain for rule in rules):
                add(plain, m.start(), m.start() + 1 + len(m[1]))
    rules.sort(key=lambda rule: rule["span"][0])
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
