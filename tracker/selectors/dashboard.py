"""What the supervisor's dashboard reads besides the aggregates: the quarter per document, the
traffic-light matrix (units × assignments), and the lists every figure drills down to.

Built on `slots` (tracker.selectors.aggregates), so a figure and the list behind it are counted
by the same conditions: the tile "逾期未报 12" and the list it links to always agree. Each function
runs a fixed number of queries, whatever the amount of data (DESIGN §8).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)

from tracker.access import AnyUser, visible_slot_summaries
from tracker.models import Colour, Problem, ReportingPeriod, Unit, unit_order
from tracker.periods import quarter_bounds
from tracker.selectors.aggregates import (
    SUBMITTED,
    LevelTally,
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


def _year_q(scope: Scope, prefix: str) -> Q:
    """Summary rows of the periods ending a quarter of the scope's year."""
    quarter_ends = [quarter_bounds(scope.year, quarter)[1] for quarter in (1, 2, 3, 4)]
    q = Q(**{f"{prefix}year": scope.year, f"{prefix}ends_on__in": quarter_ends})
    if scope.document_id is not None:
        q &= Q(**{f"{prefix}document_id": scope.document_id})
    return q


def quarter_trend(
    user: AnyUser, scope: Scope, *, today: date, quarters: Iterable[int] = (1, 2, 3, 4)
) -> list[tuple[int, Tally]]:
    """One Tally per quarter of the scope's year (what scope_tally gives for each), in one
    query over the summary rows."""
    summaries = narrow_to_units(
        visible_slot_summaries(user).filter(_year_q(scope, "")).filter(counted_q()), scope
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


@dataclass(frozen=True)
class QuarterBreakdown:
    """The scope's quarter per document and per unit level, from one grouped query."""

    documents: list[DocumentTally]
    levels: list[LevelTally]


def quarter_breakdown(
    user: AnyUser, scope: Scope, *, today: date, units_by_level: dict[str, int]
) -> QuarterBreakdown:
    """What `tally_by_level` gives, and the same per document (every document with a period in
    the quarter, with or without slots): one query grouped by document and level, plus the
    periods. `units_by_level` is the number of units per level (the rankings have it)."""
    periods = one_per_document(
        scope_periods(scope)
        .select_related("document", "schedule")
        .defer(*without_bulk("document", _DOCUMENT_BULK))
        .order_by("document__title", "document_id", "-schedule__is_default", "schedule_id")
    )
    by_document: dict[int, Tally] = {}
    by_level: dict[str, Tally] = {}
    for row in (
        summary_slots(user, scope, today=today)
        .values("document_id", "unit__level")
        .annotate(**_counts(today, prefix=""))
        .order_by()
    ):
        tally = Tally.from_row(row)
        _add(by_document.setdefault(row["document_id"], _empty()), tally)
        _add(by_level.setdefault(row["unit__level"], _empty()), tally)
    labels = dict(Unit.Level.choices)
    return QuarterBreakdown(
        documents=[
            DocumentTally(
                document_id=period.document_id,
                title=period.document.title,
                period=period,
                tally=by_document.get(period.document_id) or _empty(),
            )
            for period in periods
        ],
        levels=[
            LevelTally(level, str(labels.get(level, level)), units_by_level.get(level, 0), tally)
            for level, tally in sorted(by_level.items(), key=lambda item: _level_order(item[0]))
        ],
    )


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


_LEVELS = list(Unit.Level.values)


def _level_order(level: str) -> int:
    return _LEVELS.index(level) if level in _LEVELS else len(_LEVELS)


def _empty() -> Tally:
    return Tally.from_row(_EMPTY_ROW)


def _add(total: Tally, part: Tally) -> None:
    for name in ("expected", "submitted", "on_time", "late", "overdue", "due"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for colour, n in part.colours.items():
        total.colours[colour] = total.colours.get(colour, 0) + n


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
    document, a unit or a unit level. Paginate the result."""
    problems = (
        problems_past_limit(user, now=now)
        .select_related("report__period__document")
        .defer(
            "report__narrative",
            "report__problems_text",
            "report__next_steps",
            *without_bulk("report__responsibility__assignment", _ASSIGNMENT_BULK),
            *without_bulk("report__period__document", _DOCUMENT_BULK),
        )
    )
    if document_id is not None:
        problems = problems.filter(report__period__document_id=document_id)
    if unit_id is not None:
        problems = problems.filter(unit_id=unit_id)
    if level:
        problems = problems.filter(unit__level=level)
    return problems
