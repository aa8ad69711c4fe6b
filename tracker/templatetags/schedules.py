"""Template filters for reporting periods by name, whatever their frequency."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from tracker import l10n

register = template.Library()


@register.filter
def period_label(period: Any) -> str:
    """A period (a ReportingPeriod, or a tracker.periods.PeriodSchedule not yet stored) by its
    name in the reader's language: "2026年二季度" or "Q2 2026"."""
    if not period:
        return "—"
    return l10n.period_of(period)


@register.filter
def period_names(periods: Iterable[Any]) -> str:
    """Several periods' names, separated by 、 (by commas in English)."""
    return l10n.list_text(period_label(period) for period in periods)
