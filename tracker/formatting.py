"""Figures and dates as a Chinese civil servant expects to read them. Standard library only.

"2026年6月25日", "95.3%", "4.8万元", "增长6.1%", "下降0.8个百分点" — used by pages, e-mails and the
exported analysis alike, so the same figure reads the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tracker.periods import SHANGHAI

QUARTER_NAMES = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}
CUMULATIVE_NAMES = {1: "一季度", 2: "上半年", 3: "前三季度", 4: "全年"}


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年{QUARTER_NAMES[quarter]}"


def number(value: Decimal | float | int | None, places: int | None = None) -> str:
    """A figure without trailing zeros ("4.80" → "4.8"), grouped when large ("12,345.6")."""
    if value is None:
        return ""
    d = Decimal(str(value))
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    text = f"{d:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(share: Decimal | float | None, places: int = 1) -> str:
    """A share (0.953) as a percentage ("95.3%")."""
    if share is None:
        return "—"
    d = Decimal(str(share)) * 100
    return f"{d.quantize(Decimal(1).scaleb(-places)):f}%"


def signed_points(gap: Decimal | None) -> str:
    """A gap in percentage points: "高0.3个百分点" / "低1.2个百分点" / "持平"."""
    if gap is None:
        return "—"
    if gap == 0:
        return "持平"
    word = "高" if gap > 0 else "低"
    return f"{word}{number(abs(gap), 2)}个百分点"


_COMPARATOR_WORDS = {">=": "以上", ">": "以上（超过）", "~": "左右", "<=": "以内", "<": "以下"}
_CAP_WORDS = {"<=": "以内", "<": "以下", "~": "左右", "=": "", ">=": "", ">": ""}
_RATE_KINDS = ("growth", "share", "decrease")
# Indicators written as a gap that narrows ("城乡居民收入比缩小至2.1以内", "收入差距").
_NARROWING_ENDINGS = ("比", "差距", "差")


@dataclass(frozen=True)
class TargetWording:
    """How a target is worded, before the words: `form` says which phrase, `shown` is the figure
    with its unit ("6%", "4.8万元", "10位"), `comparator` the target's. tracker.l10n words it in
    the reader's language; target_text() below words it as a Chinese document does.

    Forms: "text" (no figure: `shown` is the target's text), "top" (前10位), "place" (第3位),
    "decrease" (下降3%), "cap" (控制在5.5%以内), "narrow" (缩小至2.1以内), "growth" (增长6%左右),
    "at_least" (达4.8万元以上), "more_than" (超过…), "about" (…左右), "reach" (达到…), "plain".
    """

    form: str
    shown: str
    comparator: str = ""


def target_wording(target: Any) -> TargetWording:
    """Which phrase states `target` (see TargetWording); anything with the Target model's fields
    (indicator, value, value_high, measure_unit, kind, comparator, direction, text)."""
    if target.value is None:
        return TargetWording("text", str((target.text or "")[:60] or target.indicator))
    shown = number(target.value)
    if target.value_high is not None:
        shown += "—" + number(target.value_high)
    shown += str(target.measure_unit)
    kind, comparator = target.kind, str(target.comparator or "")
    lower_is_better = getattr(target, "direction", "increase") == "decrease"
    if kind == "rank":
        form = "top" if comparator in ("<=", "<", "~") else "place"
        return TargetWording(form, shown, comparator)
    if kind == "decrease":
        return TargetWording("decrease", shown, comparator)
    if lower_is_better and comparator in ("<=", "<", "~", "="):
        indicator = str(target.indicator or "")
        if kind != "growth" and indicator.endswith(_NARROWING_ENDINGS):
            return TargetWording("narrow", shown, comparator)
        return TargetWording("cap", shown, comparator)
    if kind == "growth":
        return TargetWording("growth", shown, comparator)
    forms = {">=": "at_least", ">": "more_than", "~": "about", "=": "reach"}
    return TargetWording(forms.get(comparator, "plain"), shown, comparator)


def target_text(target: Any) -> str:
    """A target as the document states it: "增长6%左右", "达4.8万元以上", "控制在5.5%以内",
    "缩小至2.1以内", "下降3%", "前10位".

    Takes anything with the Target model's fields (indicator, value, value_high, measure_unit,
    kind, comparator, direction, text), so this module stays free of Django.
    """
    wording = target_wording(target)
    form, shown, comparator = wording.form, wording.shown, wording.comparator
    if form == "text":
        return shown
    if form == "top":
        return f"前{shown}位" if not shown.endswith("位") else f"前{shown}"
    if form == "place":
        return f"第{shown}" + ("" if shown.endswith("位") else "位")
    if form == "decrease":
        return "下降" + shown + _COMPARATOR_WORDS.get(comparator, "")
    if form == "narrow":
        return f"缩小至{shown}{_CAP_WORDS[comparator]}"
    if form == "cap":
        return f"控制在{shown}{_CAP_WORDS[comparator]}"
    if form == "growth":
        return "增长" + shown + _COMPARATOR_WORDS.get(comparator, "")
    if form == "at_least":
        return f"达{shown}以上"
    if form == "more_than":
        return f"超过{shown}"
    if form == "about":
        return f"{shown}左右"
    if form == "reach":
        return f"达到{shown}"
    return shown + _COMPARATOR_WORDS.get(comparator, "")


@dataclass(frozen=True)
class GapWording:
    """How a margin to the target is worded: `form` is "none" (no figure), "at_cap", "on_target",
    "below_cap", "over_cap", "above_target" or "below_target"; `amount` the figure without its
    sign ("0.2"); `points` whether it is in percentage points, else in `unit` (the target's)."""

    form: str
    amount: str = ""
    unit: str = ""
    points: bool = False


def gap_wording(target: Any, gap: Decimal | None) -> GapWording:
    """Which phrase states the margin `gap` to `target` (see GapWording)."""
    if gap is None:
        return GapWording("none")
    unit = str(target.measure_unit or "")
    points = target.kind in _RATE_KINDS or unit == "%"
    amount = number(abs(gap), 2)
    cap = target.kind == "rank" or (
        getattr(target, "direction", "increase") == "decrease" and target.kind != "decrease"
    )
    if gap == 0:
        form = "at_cap" if cap else "on_target"
    elif cap:
        form = "below_cap" if gap > 0 else "over_cap"
    else:
        form = "above_target" if gap > 0 else "below_target"
    return GapWording(form, amount, "" if points else unit, points)


_GAP_WORDS = {
    "at_cap": "等于上限",
    "on_target": "与目标持平",
    "below_cap": "低于上限",
    "over_cap": "超出上限",
    "above_target": "高于目标",
    "below_target": "低于目标",
}


def gap_text(target: Any, gap: Decimal | None) -> str:
    """The margin tracker.progress gives (`gap_pp`, + beats the target, − misses it) in words
    with the right sense: "高于目标0.3个百分点", "低于上限0.2个百分点", "超出上限0.1个百分点";
    in the target's own unit for a state level ("低于上限0.41"), "—" without a figure.
    """
    wording = gap_wording(target, gap)
    if wording.form == "none":
        return "—"
    words = _GAP_WORDS[wording.form]
    if wording.form in ("at_cap", "on_target"):
        return words
    return words + wording.amount + ("个百分点" if wording.points else wording.unit)


# Characters XML 1.0 cannot carry (C0 controls but tab and newlines, and U+FFFE/U+FFFF): text
# pasted from Word often brings a vertical tab along, which would break a .xlsx or .docx.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Typed text without the control characters that documents and spreadsheets refuse."""
    return _XML_ILLEGAL.sub(" ", text)
