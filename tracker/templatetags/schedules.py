"""Template filters for reporting periods by name, whatever their frequency."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from tracker.schedule_text import period_label as label_of

register = template.Library()


@register.filter
def period_label(period: Any) -> str:
    """A period (a ReportingPeriod, or a tracker.periods.PeriodSchedule not yet stored) by its
    name: "2026年3月", "2026年二季度", "2026年上半年", "2026年度"."""
    if not period:
        return "—"
    return label_of(period.year, period.frequency, period.number)


@register.filter
def period_names(periods: Iterable[Any]) -> str:
    """Several periods' names, separated by 、."""
    return "、".join(period_label(period) for period in periods)
