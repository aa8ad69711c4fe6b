"""What the supervisor's dashboard reads besides the aggregates: the quarter per document, the
traffic-light matrix (units × assignments), and the lists every figure drills down to.

Built on `slots` (tracker.selectors.aggregates), so a figure and the list behind it are counted
by the same conditions: the tile "逾期未报 12" and the list it links to always agree. Each function
runs a fixed number of queries, whatever the amount of data (DESIGN §8).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)

from tracker.access import AnyUser, visible_slot_summaries
from tracker.models import Colour, Problem, ProgressReport, ReportingPeriod, unit_order
from tracker.periods import quarter_bounds
from tracker.selectors.aggregates import (
    SUBMITTED,
    Scope,
    Tally,
    _counts,
    counted_q,
    narrow_to_units,
    problems_past_limit,
    scope_periods,
    slot_colour,
    slots,
    summary_slots,
)
from tracker.selectors.cached import ROSTER, figures_key, keeps, kept, quarter_key, stamps

# Columns a list row never shows and that can be large (a document's whole text and the
# extractor's output): left in the database rather than read and decoded for every row.
_DOCUMENT_BULK = ("source_text", "extraction")
_ASSIGNMENT_BULK = ("text", "section", "lead_units_text", "responsible_units_text")


def without_bulk(prefix: str, fields: tuple[str, ...]) -> list[str]:
    """`fields` under the relation path `prefix`, for QuerySet.defer()."""
    return [f"{prefix}__{name}" if prefix else name for name in fields]


# What a figure counts, by the name the dashboard's links carry (?show=…).
SHOW_CHOICES = ("expected", "submitted", "on_time", "late", "overdue", "missing")


def _show_q(show: str, today: date) -> Q:
    submitted = Q(slot__status__in=SUBMITTED)
    return {
        "expected": Q(),
        "submitted": submitted,
        "on_time": submitted & Q(slot__is_late=False),
        "late": submitted & Q(slot__is_late=True),
        "overdue": ~submitted & Q(slot__due_on__lt=today),
        "missing": ~submitted,
    }[show]


def slot_list(
    user: AnyUser,
    scope: Scope,
    *,
    today: date,
    show: str = "expected",
    colour: str | None = None,
) -> QuerySet[Any]:
    """The slots behind one figure of the dashboard: `show` is one of SHOW_CHOICES (what the
    tiles and the tables count), `colour` narrows to one light. Longest overdue first, then in
    the document's order. Paginate the result."""
    if show not in SHOW_CHOICES:
        raise ValueError(f"show must be one of {SHOW_CHOICES}, not {show!r}")
    queryset = slots(user, scope, today=today).filter(_show_q(show, today))
    if colour:
        queryset = queryset.filter(slot_colour=colour)
    return (
        queryset.select_related("unit", "assignment__document")
        .defer(
            *without_bulk("assignment", _ASSIGNMENT_BULK),
            *without_bulk("assignment__document", _DOCUMENT_BULK),
        )
        .order_by(
            "slot_due_on",
            "assignment__document__title",
            "assignment__position",
            *unit_order("unit__"),
            "pk",
        )
    )


# The counts of a group without slots.
_EMPTY_ROW: dict[str, int] = {
    "expected": 0,
    "submitted": 0,
    "on_time": 0,
    "late": 0,
    "overdue": 0,
    "due": 0,
    **{c.value: 0 for c in Colour},
}


# --- the year by quarter ----------------------------------------------------------------------


def _year_q(scope: Scope, prefix: str, quarters: Iterable[int] = (1, 2, 3, 4)) -> Q:
    """Summary rows of the periods ending `quarters` of the scope's year."""
    quarter_ends = [quarter_bounds(scope.year, quarter)[1] for quarter in quarters]
    q = Q(**{f"{prefix}year": scope.year, f"{prefix}ends_on__in": quarter_ends})
    if scope.document_id is not None:
        q &= Q(**{f"{prefix}document_id": scope.document_id})
    return q


def quarter_trend(
    user: AnyUser,
    scope: Scope,
    *,
    today: date,
    quarters: Iterable[int] = (1, 2, 3, 4),
    known: Mapping[int, Tally] | None = None,
) -> list[tuple[int, Tally]]:
    """One Tally per quarter of the scope's year (what scope_tally gives for each), in one
    query over the summary rows. A supervisor's are kept in the cache quarter by quarter
    (tracker.selectors.cached): after a report of the third quarter only that quarter's rows
    are counted again, not the year's. `known`: quarters whose Tally the caller has already
    (the dashboard's own quarter, the sum of its units')."""
    known = known or {}
    quarters = tuple(quarters)
    wanted = tuple(q for q in quarters if q not in known)
    if not keeps(user):
        counted = dict(_quarter_trend(user, scope, today=today, quarters=wanted)) if wanted else {}
        return [(q, known[q] if q in known else counted[q]) for q in quarters]
    marks = stamps([ROSTER, *(quarter_key(scope.year, q) for q in wanted)])
    keys = {
        q: figures_key(
            "quarter_tally",
            replace(scope, quarter=q),
            today=today,
            marks={ROSTER: marks[ROSTER], "quarter": marks[quarter_key(scope.year, q)]},
        )
        for q in wanted
    }
    found = caches["figures"].get_many(list(keys.values()))
    missing = tuple(q for q in wanted if keys[q] not in found)
    counted = dict(_quarter_trend(user, scope, today=today, quarters=missing)) if missing else {}
    if counted:
        caches["figures"].set_many(
            {keys[q]: counted[q] for q in missing}, settings.TRACKER_FIGURES_CACHE_SECONDS
        )
    return [
        (q, known[q] if q in known else counted[q] if q in counted else found[keys[q]])
        for q in quarters
    ]


def _quarter_trend(
    user: AnyUser, scope: Scope, *, today: date, quarters: tuple[int, ...]
) -> list[tuple[int, Tally]]:
    summaries = narrow_to_units(
        visible_slot_summaries(user).filter(_year_q(scope, "", quarters)).filter(counted_q()),
        scope,
    )
    rows = {
        row["quarter"]: Tally.from_row(row)
        for row in summaries.annotate(slot_colour=slot_colour(today, prefix=""))
        .values("quarter")
        .annotate(**_counts(today, prefix=""))
        .order_by()
    }
    return [(q, rows.get(q) or _empty()) for q in quarters]


# --- the quarter per document and per level ---------------------------------------------------


@dataclass(frozen=True)
class DocumentTally:
    """One document's quarter: its reporting period (None when it has none in the quarter) and
    the counts of its slots."""

    document_id: int
    title: str
    period: ReportingPeriod
    tally: Tally


def quarter_documents(user: AnyUser, scope: Scope, *, today: date) -> list[DocumentTally]:
    """Every document with a period in the scope's quarter, with or without slots, and its
    counts: one query grouped by document, plus the periods. (Per unit level the same counts
    are the sums of the units', rankings.QuarterUnits.) A supervisor's are kept in the cache
    until the quarter or the roster change."""
    return kept(
        "quarter_documents",
        user,
        scope,
        today=today,
        quarters=[quarter_key(scope.year, scope.quarter)],
        compute=lambda: _quarter_documents(user, scope, today=today),
    )


def _quarter_documents(user: AnyUser, scope: Scope, *, today: date) -> list[DocumentTally]:
    periods = one_per_document(
        scope_periods(scope)
        .select_related("document", "schedule")
        .defer(*without_bulk("document", _DOCUMENT_BULK))
        .order_by("document__title", "document_id", "-schedule__is_default", "schedule_id")
    )
    by_document = {
        row["document_id"]: Tally.from_row(row)
        for row in summary_slots(user, scope, today=today)
        .values("document_id")
        .annotate(**_counts(today, prefix=""))
        .order_by()
    }
    return [
        DocumentTally(
            document_id=period.document_id,
            title=period.document.title,
            period=period,
            tally=by_document.get(period.document_id) or _empty(),
        )
        for period in periods
    ]


def one_per_document(periods: Iterable[ReportingPeriod]) -> list[ReportingPeriod]:
    """The first period of each document in `periods` (ordered with the default schedule's
    first): the one a document's row and links stand for when single assignments follow rules
    of their own."""
    seen: set[int] = set()
    chosen = []
    for period in periods:
        if period.document_id not in seen:
            seen.add(period.document_id)
            chosen.append(period)
    return chosen


def document_period(scope: Scope) -> ReportingPeriod | None:
    """The scope's document's period: its default schedule's (one query)."""
    if scope.document_id is None:
        return None
    return (
        scope_periods(scope)
        .select_related("document", "schedule")
        .defer(*without_bulk("document", _DOCUMENT_BULK))
        .order_by("-schedule__is_default", "schedule_id")
        .first()
    )


def quarter_periods(scope: Scope) -> list[ReportingPeriod]:
    """Every period of the scope's document that ends within the quarter, in date order: a
    monthly schedule's three months, say, of which the quarter view shows the last (one
    query)."""
    if scope.document_id is None:
        return []
    first, last = quarter_bounds(scope.year, scope.quarter)
    return list(
        ReportingPeriod.objects.filter(
            document_id=scope.document_id, ends_on__gte=first, ends_on__lte=last
        )
        .select_related("schedule")
        .order_by("ends_on", "-schedule__is_default", "schedule_id")
    )


def _empty() -> Tally:
    return Tally.from_row(_EMPTY_ROW)


# --- the traffic-light matrix -----------------------------------------------------------------


@dataclass(frozen=True)
class MatrixColumn:
    assignment_id: int
    ref: str
    title: str


@dataclass(frozen=True)
class MatrixCell:
    responsibility_id: int
    assignment_id: int
    ref: str
    role: str
    colour: str
    status: str | None
    report_id: int | None
    period_id: int


@dataclass(frozen=True)
class MatrixRow:
    unit_id: int
    unit_name: str
    level: str
    # One entry per column, None where the unit holds no responsibility.
    cells: list[MatrixCell | None]
    colours: dict[str, int]


def matrix_units(
    user: AnyUser, scope: Scope, *, today: date, colour: str | None = None
) -> QuerySet[Any]:
    """The units of the matrix (those owing a report in the scope; with `colour`, those with at
    least one slot of that colour), as value rows in the official order. Paginate it."""
    queryset = slots(user, scope, today=today)
    if colour:
        queryset = queryset.filter(slot_colour=colour)
    return (
        queryset.values("unit_id", "unit__name", "unit__level", "unit__position")
        .distinct()
        .order_by(*unit_order("unit__"))
    )


def matrix_columns(
    user: AnyUser, scope: Scope, *, today: date, colour: str | None = None
) -> list[MatrixColumn]:
    """The assignments of the matrix, in the document's order (one query)."""
    queryset = slots(user, scope, today=today)
    if colour:
        queryset = queryset.filter(slot_colour=colour)
    rows = (
        queryset.values(
            "assignment_id",
            "assignment__ref",
            "assignment__title",
            "assignment__document_id",
            "assignment__position",
        )
        .distinct()
        .order_by("assignment__document_id", "assignment__position")
    )
    return [
        MatrixColumn(row["assignment_id"], row["assignment__ref"], row["assignment__title"])
        for row in rows
    ]


def matrix_rows(
    user: AnyUser,
    scope: Scope,
    *,
    today: date,
    units: list[dict[str, Any]],
    columns: list[MatrixColumn],
    shown: list[MatrixColumn] | None = None,
) -> list[MatrixRow]:
    """The cells of the given units (one page of `matrix_units`) under the `shown` columns (one
    page of them; all of `columns` by default), each row's colours counted over all `columns`:
    one query over the slots of those units."""
    unit_ids = [u["unit_id"] for u in units]
    cells: dict[tuple[int, int], MatrixCell] = {}
    for row in (
        slots(user, scope, today=today)
        .filter(unit_id__in=unit_ids)
        .values(
            "pk",
            "unit_id",
            "assignment_id",
            "assignment__ref",
            "role",
            "slot_colour",
            "slot_status",
            "slot_report_id",
            "slot_period_id",
        )
    ):
        cells[(row["unit_id"], row["assignment_id"])] = MatrixCell(
            responsibility_id=row["pk"],
            assignment_id=row["assignment_id"],
            ref=row["assignment__ref"],
            role=row["role"],
            colour=row["slot_colour"],
            status=row["slot_status"],
            report_id=row["slot_report_id"],
            period_id=row["slot_period_id"],
        )
    out = []
    for unit in units:
        colours = {c.value: 0 for c in Colour}
        for column in columns:
            cell = cells.get((unit["unit_id"], column.assignment_id))
            if cell is not None:
                colours[cell.colour] += 1
        row_cells = [cells.get((unit["unit_id"], c.assignment_id)) for c in shown or columns]
        out.append(
            MatrixRow(
                unit_id=unit["unit_id"],
                unit_name=unit["unit__name"],
                level=unit["unit__level"],
                cells=row_cells,
                colours=colours,
            )
        )
    return out


# --- problems ---------------------------------------------------------------------------------


def problems_past_limit_in(
    user: AnyUser,
    *,
    now: datetime,
    document_id: int | None = None,
    unit_id: int | None = None,
    level: str | None = None,
) -> QuerySet[Problem]:
    """Open problems past their level's time limit (whatever quarter raised them), narrowed to a
    document, a unit or a unit level. Paginate the result.

    The reports, with their tasks and periods, are fetched for the page's problems afterwards
    (one query): joined into the list's own query, PostgreSQL hashed the province's 200,000
    reports before sorting and cutting the page (50 ms where the page's ten take 1)."""
    reports = ProgressReport.objects.select_related(
        "responsibility__assignment", "period__document"
    ).defer(
        "narrative",
        "problems_text",
        "next_steps",
        *without_bulk("responsibility__assignment", _ASSIGNMENT_BULK),
        *without_bulk("period__document", _DOCUMENT_BULK),
    )
    problems = (
        problems_past_limit(user, now=now)
        .select_related(None)
        .select_related("unit")
        .prefetch_related(Prefetch("report", queryset=reports))
    )
    if document_id is not None:
        problems = problems.filter(report__period__document_id=document_id)
    if unit_id is not None:
        problems = problems.filter(unit_id=unit_id)
    if level:
        problems = problems.filter(unit__level=level)
    return problems
