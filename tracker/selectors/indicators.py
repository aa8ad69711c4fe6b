"""Headline indicators (主要预期目标) by name: the indicator table's entry for a target, and the
tracked headline indicators of a year's published documents a statistics row may mean.

Names are compared after `indicator_key`: NFKC, no spaces or punctuation, without a leading
place word (全市, 全区…, 地方) or a trailing rate word (增速, 增长, 增幅, 涨幅), so
"全市地区生产总值增速" and "地区生产总值" are one indicator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracker.models import Assignment, Document, IndicatorDepartment, Target

_NOISE = re.compile(r"[\s，,、。．.:：;；()（）\[\]【】“”\"'·—-]+")
_PLACE = re.compile(r"^(全市|全区|全县|全省|本市|本区|本县|地方|城乡)")
_RATE = re.compile(r"(增速|增长率|增长|增幅|涨幅|同比)$")


def indicator_key(name: str) -> str:
    """The form two spellings of one indicator share (see the module docstring)."""
    key = _NOISE.sub("", unicodedata.normalize("NFKC", name or "")).upper()
    key = _PLACE.sub("", key)
    previous = None
    while key != previous:
        previous = key
        key = _RATE.sub("", key)
    return key


def _names(entry: IndicatorDepartment) -> list[str]:
    return [entry.indicator, *[str(a) for a in entry.aliases or []]]


def department_entry(
    indicator: str, entries: list[IndicatorDepartment] | None = None
) -> IndicatorDepartment | None:
    """The table's entry for an indicator: the same name or alias; else the longest name or
    alias the indicator contains ("规模以上工业增加值增速" → 规上工业增加值 by its alias)."""
    key = indicator_key(indicator)
    if not key:
        return None
    table = entries if entries is not None else list(IndicatorDepartment.objects.all())
    best: tuple[int, IndicatorDepartment] | None = None
    for entry in table:
        for name in _names(entry):
            candidate = indicator_key(name)
            if not candidate:
                continue
            if candidate == key:
                return entry
            if candidate in key and (best is None or len(candidate) > best[0]):
                best = (len(candidate), entry)
    return best[1] if best else None


@dataclass(frozen=True)
class TrackedIndicator:
    """A headline indicator of a published document, with the names it is matched by."""

    target: Target
    assignment: Assignment
    document: Document
    keys: frozenset[str]


def tracked_indicators(year: int) -> list[TrackedIndicator]:
    """Every headline indicator of the year's published documents (the statistics sheet's
    rows are matched to these), with the table's aliases of its name."""
    entries = list(IndicatorDepartment.objects.all())
    targets = (
        Target.objects.filter(
            assignment__is_headline=True,
            assignment__removed_at__isnull=True,
            document__status=Document.Status.PUBLISHED,
            document__year=year,
        )
        .exclude(kind=Target.Kind.QUALITATIVE)
        .select_related("assignment", "document")
        .order_by("document__published_at", "document_id", "assignment__position", "position")
    )
    out = []
    for target in targets:
        assignment = target.assignment
        if assignment is None:  # filtered on above; narrows the type
            continue
        names = {target.indicator, assignment.title}
        entry = department_entry(target.indicator, entries)
        if entry is not None:
            names.update(_names(entry))
        keys = frozenset(k for k in map(indicator_key, names) if k)
        out.append(TrackedIndicator(target, assignment, target.document, keys))
    return out
