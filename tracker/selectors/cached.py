"""The supervisors' province-wide figures kept in the cache until what they count changes
(issue 19).

A supervisor's dashboard, analysis and /api/quarter/ rank every unit of the province for the
quarter and the quarter before and count the year quarter by quarter: hundreds of milliseconds
of SQL and Python over 200,000 summary rows, the same on every reload while nothing changed.
They are counted once and kept under a key that names everything they depend on: the scope,
the day (a missing report turns red with time), the interface language, the settings that
weigh them, and the *stamps* of what they are counted from — the quarters concerned and the
roster (tracker.models.SummaryChange, marked by every transaction that changes them, in that
transaction). A change commits with its mark, so the next reader's stamp differs and the
figures are counted again; a reader who counted before the commit stored them under the old
stamp, which nobody asks for any more. Entries also expire after TRACKER_FIGURES_CACHE_SECONDS,
which bounds what a change made around the marks (a raw SQL edit) could leave stale.

Only supervisors' figures are kept: they see every row (tracker.access), so one entry serves
them all; a leader's or a unit's figures are a small part of the province and counted each time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, Min
from django.utils.translation import get_language

from tracker.access import AnyUser, can_supervise
from tracker.models import ReportingPeriod, SummaryChange
from tracker.periods import previous_quarter
from tracker.selectors.aggregates import Scope

T = TypeVar("T")

# Part of every key: raised when what is kept changes shape (QuarterUnits' fields, a Ranking's
# tuples), so that during a deploy the new code never reads what the old one kept in Redis.
FIGURES_VERSION = "1"

# The SummaryChange key of units and documents (tracker.services.summaries marks it).
ROSTER = "roster"


def quarter_key(year: int, quarter: int) -> str:
    """The SummaryChange key of a quarter's summary rows and problems."""
    return f"{year}-{quarter}"


def stamps(keys: Iterable[str]) -> dict[str, str]:
    """What the marks of `keys` say now: each key's count, oldest and newest id (one indexed
    query). Between prunes marks only accumulate and the count alone would do; the oldest id
    covers the prune, after which no state can come back (the ids it deleted never return)."""
    wanted = set(keys)
    found = {
        row["key"]: f"{row['n']}.{row['oldest']}.{row['newest']}"
        for row in SummaryChange.objects.filter(key__in=wanted)
        .values("key")
        .annotate(n=Count("id"), oldest=Min("id"), newest=Max("id"))
        .order_by()
    }
    return {key: found.get(key, "0") for key in wanted}


def previous_quarters(scope: Scope) -> set[str]:
    """The key of the quarter the scope's previous() is counted from (the rankings' arrows):
    the quarter before, or for one period the quarter of the period before it."""
    if scope.period_id is None:
        return {quarter_key(*previous_quarter(scope.year, scope.quarter))}
    if not scope.previous_period_id:
        return set()
    before = (
        ReportingPeriod.objects.filter(pk=scope.previous_period_id)
        .values_list("year", "quarter")
        .first()
    )
    return set() if before is None else {quarter_key(*before)}


def keeps(user: AnyUser) -> bool:
    """Whether `user`'s figures are kept in the cache (a supervisor's, unless switched off)."""
    return bool(settings.TRACKER_FIGURES_CACHE_SECONDS) and can_supervise(user)


def figures_key(
    name: str, scope: Scope, *, today: date, marks: dict[str, str], extra: object = None
) -> str:
    """The cache key of figures `name` of `scope` on `today`, counted from what `marks` (the
    stamps of the quarters concerned and of the roster) say."""
    parts = (
        FIGURES_VERSION,
        name,
        repr(scope),
        today.isoformat(),
        get_language() or "",
        repr(settings.TRACKER_RANKING_WEIGHTS),
        str(settings.TRACKER_OVERDUE_RED_DAYS),
        repr(extra),
        ";".join(f"{key}={stamp}" for key, stamp in sorted(marks.items())),
    )
    return "figures:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def kept(
    name: str,
    user: AnyUser,
    scope: Scope,
    *,
    today: date,
    quarters: Iterable[str],
    compute: Callable[[], T],
    extra: object = None,
) -> T:
    """`compute()`, from the cache when a supervisor asked for the same figures since the last
    change to `quarters` or the roster. `extra`: anything else the figures depend on (its repr
    goes into the key)."""
    if not keeps(user):
        return compute()
    marks = stamps([ROSTER, *quarters])
    key = figures_key(name, scope, today=today, marks=marks, extra=extra)
    found: T | None = caches["figures"].get(key)
    if found is not None:
        return found
    value = compute()
    caches["figures"].set(key, value, settings.TRACKER_FIGURES_CACHE_SECONDS)
    return value
