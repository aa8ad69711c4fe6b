"""The quarter in figures: colours, completion, reporting rates and the lists a supervisor acts
on (the units' ranking, built on these tallies: tracker.selectors.rankings).

Everything is counted in SQL. The unit of account is a *slot*: a responsibility that owes a report
for the quarter (its assignment is still tracked when the quarter starts), joined to that report
if there is one. A scope is one quarter (year, quarter) of one document or of every document, so
each responsibility meets at most one period and one report in it. Python only loops over rows
that are already aggregated (units, targets, colours), never over reports, so the number of
queries and the work in Python do not grow with the data (DESIGN §8).

The slots are read from tracker.models.SlotSummary, one row per slot kept by the services that
change them (tracker.services.summaries), not recounted from the province's responsibilities,
schedules, periods and reports on every request (issue 19). The tallies group those rows alone;
the lists join them to the responsibilities they show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, overload

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import NullIf

from tracker import progress
from tracker.access import (
    AnyUser,
    visible_problems,
    visible_responsibilities,
    visible_slot_summaries,
)
from tracker.models import (
    COUNTED_STATUSES,
    Colour,
    Document,
    Problem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    SlotSummary,
    Target,
    TargetValue,
    Unit,
    unit_order,
)
from tracker.periods import previous_period, previous_quarter, quarter_bounds

# Counted as 已报送: a returned report is not, until it is resubmitted (issue 13).
SUBMITTED = COUNTED_STATUSES
# Worst first: the order in which a supervisor reads a list.
COLOUR_ORDER = (Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.BLUE, Colour.GREY)


@dataclass(frozen=True)
class Scope:
    """One quarter, of one document or of all documents, optionally narrowed to units; or one
    period (`period_id`: a period page, a period's analysis).

    A quarter holds each schedule's period that ends with it: the quarter itself for quarterly
    schedules, its last month for monthly ones (cumulative figures to the quarter's end, so
    they compare with the quarters), the half-year in the second and fourth quarters, the year
    in the fourth. So every responsibility meets at most one period in a scope. A period scope's
    previous() is the period before it on the same schedule (`previous_period_id`, 0: none).
    """

    year: int
    quarter: int
    document_id: int | None = None
    unit_id: int | None = None
    level: str | None = None
    period_id: int | None = None
    previous_period_id: int | None = None

    @property
    def ends_on(self) -> date:
        return quarter_bounds(self.year, self.quarter)[1]

    def previous(self) -> Scope:
        if self.period_id is not None:
            return replace(self, period_id=self.previous_period_id or 0, previous_period_id=0)
        year, quarter = previous_quarter(self.year, self.quarter)
        return replace(self, year=year, quarter=quarter)

    @classmethod
    def of(cls, period: ReportingPeriod, **narrow: object) -> Scope:
        """The scope of one period (one query, for the period before it)."""
        before = period_before(period)
        return cls(
            period.year,
            period.quarter,
            period.document_id,
            period_id=period.pk,
            previous_period_id=before.pk if before else 0,
            **narrow,  # type: ignore[arg-type]
        )


def period_before(period: ReportingPeriod) -> ReportingPeriod | None:
    """The period before `period` on its schedule (last quarter, last month…), if reported."""
    year, number = previous_period(period.year, period.frequency, period.number)
    return ReportingPeriod.objects.filter(
        schedule_id=period.schedule_id, year=year, number=number
    ).first()


def scope_periods(scope: Scope) -> QuerySet[ReportingPeriod]:
    if scope.period_id is not None:
        return ReportingPeriod.objects.filter(pk=scope.period_id)
    periods = ReportingPeriod.objects.filter(year=scope.year, ends_on=scope.ends_on)
    if scope.document_id is not None:
        periods = periods.filter(document_id=scope.document_id)
    return periods


def slots(user: AnyUser, scope: Scope, *, today: date) -> QuerySet[Any]:
    """Responsibilities owing a report in the scope, annotated with their period and report:
    `slot_period_id`, `slot_due_on`, `slot_status`, `slot_colour` (with overdue reports red and
    missing ones grey), `slot_submitted`, `slot_on_time`, `slot_overdue`, `slot_report_id`.
    Each is joined to its summary row (`slot`) for the scope's period."""
    period_ids = list(scope_periods(scope).values_list("pk", flat=True))
    queryset = (
        visible_responsibilities(user)
        .annotate(
            slot=FilteredRelation("summaries", condition=Q(summaries__period_id__in=period_ids))
        )
        .filter(slot__isnull=False)
        .filter(counted_q("slot__"))
        .annotate(
            slot_period_id=F("slot__period_id"),
            slot_due_on=F("slot__due_on"),
            slot_report_id=F("slot__report_id"),
            # The row keeps "" for no report; the slots always said None.
            slot_status=NullIf(F("slot__status"), Value("")),
            slot_is_late=F("slot__is_late"),
            slot_submitted_at=F("slot__submitted_at"),
        )
        .annotate(slot_colour=slot_colour(today))
    )
    return narrow_to_units(queryset, scope)


def summary_slots(user: AnyUser, scope: Scope, *, today: date) -> QuerySet[SlotSummary]:
    """The scope's summary rows `user` sees, with `slot_colour` as in `slots`: what the tallies
    group (no join but to name what they group by)."""
    period_ids = list(scope_periods(scope).values_list("pk", flat=True))
    queryset = (
        visible_slot_summaries(user)
        .filter(period_id__in=period_ids)
        .filter(counted_q())
        .annotate(slot_colour=slot_colour(today, prefix=""))
    )
    return narrow_to_units(queryset, scope)


def counted_q(prefix: str = "") -> Q:
    """What the calendar chases is what is counted: published documents, active units."""
    return Q(
        **{
            f"{prefix}document__status": Document.Status.PUBLISHED,
            f"{prefix}unit__is_active": True,
        }
    )


def slot_colour(today: date, prefix: str = "slot__") -> Case:
    """A slot's light: its report's colour once submitted; a missing report is red when more
    than TRACKER_OVERDUE_RED_DAYS overdue, grey before that. `prefix` reaches the summary row
    ("" on SlotSummary itself)."""
    red_before = today - timedelta(days=settings.TRACKER_OVERDUE_RED_DAYS)
    return Case(
        When(**{f"{prefix}status__in": SUBMITTED}, then=F(f"{prefix}colour")),
        When(**{f"{prefix}due_on__lt": red_before}, then=Value(Colour.RED.value)),
        default=Value(Colour.GREY.value),
        output_field=CharField(),
    )


def narrow_to_units(queryset: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    if scope.unit_id is not None:
        queryset = queryset.filter(unit_id=scope.unit_id)
    if scope.level:
        queryset = queryset.filter(unit__level=scope.level)
    return queryset


def _submitted_q(prefix: str = "slot__") -> Q:
    return Q(**{f"{prefix}status__in": SUBMITTED})


def _counts(today: date, prefix: str = "slot__") -> dict[str, Count]:
    """The aggregates every breakdown shares (`prefix` as in slot_colour)."""
    submitted = _submitted_q(prefix)
    past_due = Q(**{f"{prefix}due_on__lt": today})
    late = Q(**{f"{prefix}is_late": True})
    counts = {
        "expected": Count("pk"),
        "submitted": Count("pk", filter=submitted),
        "on_time": Count("pk", filter=submitted & Q(**{f"{prefix}is_late": False})),
        "late": Count("pk", filter=submitted & late),
        "overdue": Count("pk", filter=~submitted & past_due),
        "due": Count("pk", filter=past_due | submitted),
    }
    for colour in Colour:
        counts[colour.value] = Count("pk", filter=Q(slot_colour=colour.value))
    return counts


# Tally's counts, in the order of its fields.
_TALLY_COUNTS = ("expected", "submitted", "on_time", "late", "overdue", "due")


@dataclass
class Tally:
    """Counts of one group of slots (a unit, a level, an assignment, the whole scope)."""

    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    due: int = 0
    colours: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Tally:
        return cls(
            expected=int(row["expected"] or 0),
            submitted=int(row["submitted"] or 0),
            on_time=int(row["on_time"] or 0),
            late=int(row["late"] or 0),
            overdue=int(row["overdue"] or 0),
            due=int(row["due"] or 0),
            colours={c.value: int(row[c.value] or 0) for c in Colour},
        )

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def reporting_rate(self) -> Decimal | None:
        """Submitted ÷ expected (DHIS2's reporting rate)."""
        return _share(self.submitted, self.expected)

    @property
    def timeliness(self) -> Decimal | None:
        """On time ÷ expected (DHIS2's reporting rate on time)."""
        return _share(self.on_time, self.expected)

    @property
    def good_share(self) -> Decimal | None:
        """Share of slots that are blue or green (on track or done)."""
        return _share(self.colours.get("blue", 0) + self.colours.get("green", 0), self.expected)

    @property
    def colour(self) -> Colour:
        """The worst colour present, grey only when nothing else is."""
        return Colour(progress.combine(progress.Colour(c) for c, n in self.colours.items() if n))


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def scope_tally(user: AnyUser, scope: Scope, *, today: date) -> Tally:
    """The whole scope in one row (the document's colour distribution and reporting rate)."""
    row = summary_slots(user, scope, today=today).aggregate(**_counts(today, prefix=""))
    return Tally.from_row(row)


@dataclass(frozen=True)
class UnitTally:
    unit_id: int
    unit_name: str
    level: str
    tally: Tally


def tally_by_unit(user: AnyUser, scope: Scope, *, today: date) -> list[UnitTally]:
    """Completeness, timeliness and colours per unit (one query), in the units' official
    order."""
    return [
        UnitTally(
            row[0],
            row[1],
            row[2],
            tally_of(list(row[3:])),
        )
        for row in unit_rows(user, scope, today=today)
    ]


# The colours in the order unit_rows gives their counts.
COLOUR_VALUES = tuple(colour.value for colour in Colour)


def unit_rows(user: AnyUser, scope: Scope, *, today: date) -> list[tuple[Any, ...]]:
    """tally_by_unit's rows as plain tuples, for 8,000 units read many times over: (unit id,
    name, level, then Tally's counts in the order of its fields, then one count per colour in
    COLOUR_VALUES' order), in the units' official order (排序号, then the name).

    The rows are counted per unit id first and only then joined to the units for their names
    and official order: grouping and sorting the province's 50,000 slots by the units' names
    took twice as long as sorting its 8,000 units (issue 19)."""
    counts = (
        summary_slots(user, scope, today=today)
        .values("unit_id")
        .annotate(**_counts(today, prefix=""))
        .order_by()
    )
    try:
        inner, params = counts.query.sql_with_params()
    except EmptyResultSet:  # a scope without periods: nothing to count, nothing to ask
        return []
    unit = connection.ops.quote_name(Unit._meta.db_table)
    columns = ", ".join(
        f"counted.{connection.ops.quote_name(name)}" for name in (*_TALLY_COUNTS, *COLOUR_VALUES)
    )
    # Only quoted names and Django's own compiled SQL are spliced in; the values travel as
    # parameters (hence the S608 waiver).
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT counted.unit_id, {unit}.name, {unit}.level, {columns} "  # noqa: S608
            f"FROM ({inner}) counted INNER JOIN {unit} ON {unit}.id = counted.unit_id "
            # unit_order(): 排序号 first, units without one last, then the name.
            f"ORDER BY {unit}.position ASC NULLS LAST, {unit}.name ASC",
            params,
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


@dataclass(frozen=True)
class LevelTally:
    level: str
    label: str
    units: int
    tally: Tally


_LEVELS = list(Unit.Level.values)


def level_order(level: str) -> int:
    """Province first, towns last (Unit.Level's order); an unknown level after them."""
    return _LEVELS.index(level) if level in _LEVELS else len(_LEVELS)


def tallies_of_rows(rows: Iterable[tuple[Any, ...]]) -> tuple[Tally, list[LevelTally]]:
    """The sum of unit_rows' `rows`, and their sums per unit level (with the number of units),
    province first: what grouping the same summary rows as a whole and by level would count,
    since every count is a sum over units."""
    total = [0] * (len(_TALLY_COUNTS) + len(COLOUR_VALUES))
    by_level: dict[str, list[int]] = {}
    units: dict[str, int] = {}
    for row in rows:
        level = row[2]
        sums = by_level.setdefault(level, [0] * len(total))
        units[level] = units.get(level, 0) + 1
        for index, n in enumerate(row[3:]):
            sums[index] += n
            total[index] += n
    labels = dict(Unit.Level.choices)
    return tally_of(total), [
        LevelTally(level, str(labels.get(level, level)), units[level], tally_of(sums))
        for level, sums in sorted(by_level.items(), key=lambda item: level_order(item[0]))
    ]


def tally_of(counts: list[int]) -> Tally:
    """A Tally of counts in unit_rows' order (Tally's counts, then one per colour)."""
    expected, submitted, on_time, late, overdue, due = counts[: len(_TALLY_COUNTS)]
    return Tally(
        expected=expected,
        submitted=submitted,
        on_time=on_time,
        late=late,
        overdue=overdue,
        due=due,
        colours=dict(zip(COLOUR_VALUES, counts[len(_TALLY_COUNTS) :], strict=True)),
    )


def tally_by_level(user: AnyUser, scope: Scope, *, today: date) -> list[LevelTally]:
    """The same by unit level (市级/县区级/镇街级), as DHIS2 rolls reporting rates up."""
    rows = (
        summary_slots(user, scope, today=today)
        .values("unit__level")
        .annotate(units=Count("unit_id", distinct=True), **_counts(today, prefix=""))
        .order_by("unit__level")
    )
    labels = dict(Unit.Level.choices)
    return [
        LevelTally(
            row["unit__level"],
            str(labels.get(row["unit__level"], row["unit__level"])),
            row["units"],
            Tally.from_row(row),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class AssignmentTally:
    assignment_id: int
    ref: str
    title: str
    tally: Tally


def tally_by_assignment(user: AnyUser, scope: Scope, *, today: date) -> list[AssignmentTally]:
    rows = (
        summary_slots(user, scope, today=today)
        .values("assignment_id", "assignment__ref", "assignment__title", "assignment__position")
        .annotate(**_counts(today, prefix=""))
        .order_by("document_id", "assignment__position")
    )
    return [
        AssignmentTally(
            row["assignment_id"],
            row["assignment__ref"],
            row["assignment__title"],
            Tally.from_row(row),
        )
        for row in rows
    ]


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """One indicator of a document with what its lead unit reported for the period (the compiled
    report's figure)."""

    target: Target
    unit_name: str | None
    actual: Decimal | None
    assessment: str
    completion: Decimal | None
    pace: Decimal | None
    gap_pp: Decimal | None
    elapsed: Decimal | None
    colour: Colour
    previous_actual: Decimal | None
    # The lead unit's report the figure comes from, for drilling down from the figure.
    report_id: int | None = None
    # 同比增长 beside an amount (a statistics sheet's), and the month the figures run to.
    growth: Decimal | None = None
    data_month: date | None = None


def document_targets(period: ReportingPeriod) -> QuerySet[Target]:
    """The targets of the period's document that belong to an assignment, in reading order (the
    primary key last: pages read by LIMIT/OFFSET need an order without ties)."""
    return (
        Target.objects.filter(document_id=period.document_id, assignment__isnull=False)
        .select_related("assignment")
        .order_by("assignment__position", "position", "pk")
    )


def target_rows(
    user: AnyUser, period: ReportingPeriod, targets: QuerySet[Target] | None = None
) -> list[TargetRow]:
    """Every target of the period's document (or those of `targets`, a part of
    document_targets, e.g. a page) with the lead unit's value for the period and for the period
    before (four queries). An assignment on a schedule of its own is read in that schedule's
    period ending with `period`."""
    return _target_table(user, period, colour=None, whole=True, targets=targets)[:]


# What a row shows of a value and of the report it belongs to, read as plain rows.
_VALUE_FIELDS = (
    "actual",
    "assessment",
    "completion",
    "pace",
    "gap_pp",
    "elapsed",
    "colour",
    "growth",
)


class TargetTable:
    """`target_rows` a page at a time: which value and report each target shows is settled up
    front from plain rows (four queries), and the rows themselves are built only for the slice
    asked for (one query more, for the targets). A 2,500-assignment document has 12,000 targets
    and 5,000 lead reports; building all of them as models to show fifty took seconds (issue
    19). Sliceable and sized, so a Paginator pages it."""

    def __init__(
        self,
        target_ids: list[int],
        assignment_of: dict[int, int | None],
        current: dict[int, dict[str, Any]],
        earlier: dict[int, dict[str, Any]],
        reports: dict[int, tuple[str, date | None]],
        current_report: dict[int, int],
        targets: dict[int, Target] | None = None,
    ) -> None:
        self.target_ids = target_ids
        self.assignment_of = assignment_of
        # target id → its value (the fields of _VALUE_FIELDS and report_id), this period's and
        # the one before's
        self.current = current
        self.earlier = earlier
        # report id → (its unit's name, its data month)
        self.reports = reports
        # assignment id → the first lead report of the period (named where a value is missing)
        self.current_report = current_report
        self.targets = targets

    def __len__(self) -> int:
        return len(self.target_ids)

    def __iter__(self) -> Iterator[TargetRow]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> TargetRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[TargetRow]: ...

    def __getitem__(self, index: int | slice) -> TargetRow | list[TargetRow]:
        if isinstance(index, int):
            return self._build([self.target_ids[index]])[0]
        return self._build(self.target_ids[index])

    def _build(self, ids: list[int]) -> list[TargetRow]:
        if not ids:
            return []
        targets = self.targets
        if targets is None:
            targets = Target.objects.select_related("assignment").in_bulk(ids)
        rows = []
        for target_id in ids:
            target = targets[target_id]
            found = self.current.get(target_id)
            before = self.earlier.get(target_id)
            report_id = (
                found["report_id"] if found else self.current_report.get(target.assignment_id or 0)
            )
            lead = self.reports.get(report_id) if report_id is not None else None
            rows.append(
                TargetRow(
                    target=target,
                    unit_name=lead[0] if lead else None,
                    actual=found["actual"] if found else None,
                    assessment=found["assessment"] if found else "",
                    completion=found["completion"] if found else None,
                    pace=found["pace"] if found else None,
                    gap_pp=found["gap_pp"] if found else None,
                    elapsed=found["elapsed"] if found else None,
                    colour=Colour(found["colour"]) if found else Colour.GREY,
                    previous_actual=before["actual"] if before else None,
                    report_id=report_id if lead else None,
                    growth=found["growth"] if found else None,
                    data_month=lead[1] if lead else None,
                )
            )
        return rows


def target_table(
    user: AnyUser, period: ReportingPeriod, *, colour: str | None = None
) -> TargetTable:
    """The rows of `target_rows`, in its order, built a page at a time; with `colour`, only
    the targets showing that light (grey: no value for the period)."""
    return _target_table(user, period, colour=colour, whole=False)


def _target_table(
    user: AnyUser,
    period: ReportingPeriod,
    *,
    colour: str | None,
    whole: bool,
    targets: QuerySet[Target] | None = None,
) -> TargetTable:
    """`whole`: every row will be built, so the targets are read whole at once. `targets`: only
    these (a page of document_targets), and only their assignments' reports are read — a whole
    document's values run to megabytes."""
    subset = targets is not None
    targets_qs = document_targets(period) if targets is None else targets
    loaded: dict[int, Target] | None = None
    if whole or subset:
        loaded = {t.pk: t for t in targets_qs}
        rows = [(pk, t.assignment_id) for pk, t in loaded.items()]
    else:
        rows = list(targets_qs.values_list("pk", "assignment_id"))
    # The document's periods up to this one, in one query (a document has a few dozen at most):
    # those ending with `period`, and on each schedule the one before.
    periods = list(
        ReportingPeriod.objects.filter(
            document_id=period.document_id, ends_on__lte=period.ends_on
        ).only("pk", "schedule_id", "year", "number", "frequency", "ends_on")
    )
    alongside = [p for p in periods if p.ends_on == period.ends_on]
    wanted = {
        (same_end.schedule_id, *previous_period(same_end.year, same_end.frequency, same_end.number))
        for same_end in alongside
    }
    current_ids = {p.pk for p in alongside}
    period_ids = [
        *current_ids,
        *(p.pk for p in periods if (p.schedule_id, p.year, p.number) in wanted),
    ]
    # The lead units' own reports, found whether or not they gave a figure for every target, so
    # a submitted lead report is named even where a value is missing (issue 13). Where several
    # lead units report one target, the first in the official order gives its figure.
    lead_reports = ProgressReport.objects.filter(
        period_id__in=period_ids,
        status__in=SUBMITTED,
        responsibility__role=Responsibility.Role.LEAD,
        responsibility__in=visible_responsibilities(user),
        responsibility__assignment__document_id=period.document_id,
    )
    if subset:
        lead_reports = lead_reports.filter(
            responsibility__assignment_id__in={assignment for _pk, assignment in rows}
        )
    order: dict[int, int] = {}
    in_current: dict[int, bool] = {}
    reports: dict[int, tuple[str, date | None]] = {}
    current_report: dict[int, int] = {}
    for index, (report_id, assignment_id, period_id, unit_name, data_month) in enumerate(
        lead_reports.order_by(*unit_order("responsibility__unit__"), "pk").values_list(
            "pk",
            "responsibility__assignment_id",
            "period_id",
            "responsibility__unit__name",
            "data_month",
        )
    ):
        order[report_id] = index
        reports[report_id] = (unit_name, data_month)
        in_current[report_id] = period_id in current_ids
        if in_current[report_id]:
            current_report.setdefault(assignment_id, report_id)
    values = sorted(
        TargetValue.objects.filter(report__in=lead_reports.values("pk")).values(
            "report_id", "target_id", *_VALUE_FIELDS
        ),
        # A report's values are one per target, so their order within it does not matter.
        key=lambda value: order.get(value["report_id"], len(order)),
    )
    current: dict[int, dict[str, Any]] = {}
    earlier: dict[int, dict[str, Any]] = {}
    for value in values:
        if value["report_id"] not in order:  # submitted between the two reads
            continue
        bucket = current if in_current[value["report_id"]] else earlier
        bucket.setdefault(value["target_id"], value)
    ids = [pk for pk, _assignment in rows]
    if colour:
        grey = Colour.GREY.value
        ids = [pk for pk in ids if (current[pk]["colour"] if pk in current else grey) == colour]
    return TargetTable(ids, dict(rows), current, earlier, reports, current_report, targets=loaded)


# --- lists a supervisor acts on ---------------------------------------------------------------


def red_slots(user: AnyUser, scope: Scope, *, today: date) -> QuerySet[Any]:
    """Responsibilities that are red (严重滞后) in the scope, worst first; paginate the result."""
    return (
        slots(user, scope, today=today)
        .filter(slot_colour=Colour.RED.value)
        .select_related("unit", "assignment")
        .order_by("slot_due_on", "assignment__position", *unit_order("unit__"))
    )


def yellow_slots(user: AnyUser, scope: Scope, *, today: date) -> QuerySet[Any]:
    return (
        slots(user, scope, today=today)
        .filter(slot_colour=Colour.YELLOW.value)
        .select_related("unit", "assignment")
        .order_by("assignment__position", *unit_order("unit__"))
    )


def overdue_slots(user: AnyUser, scope: Scope, *, today: date) -> QuerySet[Any]:
    """Reports past their due date and not submitted (逾期未报), longest overdue first."""
    return (
        slots(user, scope, today=today)
        .filter(~_submitted_q(), slot__due_on__lt=today)
        .select_related("unit", "assignment")
        .order_by("slot_due_on", *unit_order("unit__"), "assignment__position")
    )


def late_slots(user: AnyUser, scope: Scope, *, today: date) -> QuerySet[Any]:
    """Reports submitted after their due date (逾期报送)."""
    return (
        slots(user, scope, today=today)
        .filter(_submitted_q(), slot__is_late=True)
        .select_related("unit", "assignment")
        .order_by(*unit_order("unit__"), "assignment__position")
    )


def problems_past_limit(user: AnyUser, *, now: datetime) -> QuerySet[Problem]:
    """Open problems past the time limit of the level they are at (超期未办结)."""
    return (
        visible_problems(user)
        .filter(resolved_at__isnull=True, level_deadline__lt=now)
        .select_related("unit", "report__responsibility__assignment", "report__period")
        .order_by("level_deadline", "pk")
    )


def open_problems(user: AnyUser, scope: Scope | None = None) -> QuerySet[Problem]:
    problems = visible_problems(user).filter(resolved_at__isnull=True)
    if scope is not None:
        problems = problems.filter(report__period__in=scope_periods(scope))
    return problems.select_related(
        "unit", "report__responsibility__assignment", "report__period"
    ).order_by("level_deadline", "pk")


def sorted_colours(colours: Sequence[str]) -> list[str]:
    return sorted(colours, key=lambda c: COLOUR_ORDER.index(Colour(c)))
