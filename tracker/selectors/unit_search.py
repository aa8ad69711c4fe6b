"""The unit filter's search (issue 19): a few units matching what was typed, among those the
person may filter by, instead of a <select> of a province's 8,000 units on every page.

A filter value is a unit's id (links) or its name (what the field shows and what a person types
without JavaScript); `unit_for_filter` reads either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from tracker.access import AnyUser, filterable_units
from tracker.http import parse_int
from tracker.models import Unit, UnitAlias, unit_order

# What the search offers at most: a person narrows by typing more, not by scrolling.
SEARCH_LIMIT = 20
# Longer input is not a unit name; it is cut rather than sent to the database whole.
MAX_QUERY = 100


@dataclass(frozen=True)
class UnitOption:
    pk: int
    name: str
    level: str
    level_label: str


def units_matching(user: AnyUser, text: str, *, limit: int = SEARCH_LIMIT) -> list[UnitOption]:
    """Up to `limit` units whose name or short name contains `text`, the exact name first, then
    names starting with it, each group in the official order (one query)."""
    text = text.strip()[:MAX_QUERY]
    if not text:
        return []
    by_alias = UnitAlias.objects.filter(unit_id=OuterRef("pk"), alias__icontains=text)
    rows = (
        filterable_units(user)
        .filter(Q(name__icontains=text) | Exists(by_alias))
        .annotate(
            rank=Case(
                When(name=text, then=Value(0)),
                When(name__startswith=text, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", *unit_order())
        .values_list("pk", "name", "level")[:limit]
    )
    labels = dict(Unit.Level.choices)
    return [UnitOption(pk, name, level, str(labels.get(level, level))) for pk, name, level in rows]


def unit_for_filter(user: AnyUser, value: str | None) -> Unit | None:
    """The unit a filter value names: an id, an exact name, or a text only one unit's name or
    short name contains. None when it names no unit the person may filter by, or several."""
    text = (value or "").strip()[:MAX_QUERY]
    if not text:
        return None
    units = filterable_units(user).only("pk", "name", "level")
    pk = parse_int(text)
    if pk is not None:
        return units.filter(pk=pk).first()
    exact = units.filter(name=text).first()
    if exact is not None:
        return exact
    found = units_matching(user, text, limit=2)
    if len(found) != 1:
        return None
    return units.filter(pk=found[0].pk).first()
