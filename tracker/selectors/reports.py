"""Reads about reports: 我的任务 and every quarter still owed, a lead unit's view of its
co-units, a unit's history, the review queue; whether a report can still be changed; and what
the progress arithmetic (tracker.progress) is fed — a target as a spec, the elapsed share of a
quarter, the thresholds and ranking weights in force. Each selector runs a fixed number of
queries, whatever the amount of data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from tracker import progress
from tracker.access import (
    AnyUser,
    led_assignments_for_user,
    visible_reports,
    visible_responsibilities,
)
from tracker.models import (
    Assignment,
    Document,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Target,
    TargetValue,
    Unit,
    User,
    unit_order,
)
from tracker.selectors.aggregates import period_before

# A document's whole text and the extractor's output: large, and never shown in a list row.
_DOCUMENT_TEXTS = (
    "responsibility__assignment__document__source_text",
    "responsibility__assignment__document__extraction",
)


def current_period(periods: list[ReportingPeriod], today: date) -> ReportingPeriod | None:
    """The period being reported: the latest whose reporting window has opened; before any
    has, the first (so a new document shows what is coming). `periods` are one schedule's."""
    ordered = sorted(periods, key=lambda p: (p.ends_on, p.pk))
    opened = [p for p in ordered if p.opens_on <= today]
    if opened:
        return opened[-1]
    return ordered[0] if ordered else None


@dataclass(frozen=True)
class TaskRow:
    responsibility: Responsibility
    period: ReportingPeriod | None
    report: ProgressReport | None
    # An earlier period whose report is still owed (missing, draft or returned, and the
    # period not locked against it): shown above the current period until it is done.
    overdue: bool = False


_OWED = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)


def _still_owed(report: ProgressReport | None, period: ReportingPeriod) -> bool:
    if report is not None and report.status not in _OWED:
        return False
    if report is not None and report.status == ProgressReport.Status.RETURNED:
        # Returned and then locked: the unit still owes the correction (the row says it waits
        # for a supervisor to reopen it), so it never silently disappears.
        return True
    return not period.is_locked or (report is not None and report.reopened_at is not None)


def tasks_for_user(user: AnyUser, *, today: date) -> list[TaskRow]:
    """我的任务: for each of the unit's responsibilities in published documents, every earlier
    period of its schedule whose report is still owed, then the period being reported now (the
    latest whose window has opened, or the first one before any has). Three queries."""
    if not isinstance(user, User) or user.unit_id is None or user.is_leader:
        return []
    responsibilities = list(
        visible_responsibilities(user)
        .filter(unit_id=user.unit_id, assignment__document__status=Document.Status.PUBLISHED)
        .select_related("assignment__document", "unit")
        .defer("assignment__document__source_text", "assignment__document__extraction")
        .order_by("assignment__document_id", "assignment__position")
    )
    document_ids = {r.assignment.document_id for r in responsibilities}
    schedule_ids = {r.assignment.schedule_id for r in responsibilities}
    periods_by_schedule: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(schedule_id__in=schedule_ids).order_by(
        "ends_on", "pk"
    ):
        periods_by_schedule.setdefault(period.schedule_id, []).append(period)
    opened = {
        schedule_id: [p for p in periods if p.opens_on <= today]
        for schedule_id, periods in periods_by_schedule.items()
    }
    reports = {
        (report.responsibility_id, report.period_id): report
        for report in ProgressReport.objects.filter(
            responsibility__in=[r.pk for r in responsibilities],
            period__document_id__in=document_ids,
        )
    }
    rows = []
    for responsibility in responsibilities:
        schedule_id = responsibility.assignment.schedule_id or 0
        active_until = responsibility.assignment.active_until
        periods = [
            p
            for p in opened.get(schedule_id, [])
            if active_until is None or p.starts_on <= active_until
        ]
        current = (
            periods[-1] if periods else next(iter(periods_by_schedule.get(schedule_id, [])), None)
        )
        for period in periods[:-1]:
            report = reports.get((responsibility.pk, period.pk))
            if _still_owed(report, period):
                rows.append(TaskRow(responsibility, period, report, overdue=True))
        report = reports.get((responsibility.pk, current.pk)) if current else None
        rows.append(TaskRow(responsibility=responsibility, period=current, report=report))
    return rows


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    """The period before `period` on its schedule (last quarter, last month, …)."""
    return period_before(period)


def previous_actuals(responsibility_id: int, period: ReportingPeriod) -> dict[int, Any]:
    """Last period's cumulative actual per target of one responsibility (two queries), shown as
    "上期累计" beside this period's figure."""
    earlier = previous_period(period)
    if earlier is None:
        return {}
    return dict(
        TargetValue.objects.filter(
            report__responsibility_id=responsibility_id, report__period=earlier
        ).values_list("target_id", "actual")
    )


def assignment_reports(
    user: AnyUser, assignment_id: int, period: ReportingPeriod
) -> list[Responsibility]:
    """Every visible responsibility of an assignment with its report for the period attached as
    `.report` (None when missing): what a lead unit compiles from. Two queries."""
    responsibilities = list(
        visible_responsibilities(user)
        .filter(assignment_id=assignment_id)
        .select_related("unit")
        .order_by("role", *unit_order("unit__"))
    )
    reports = {
        r.responsibility_id: r
        for r in ProgressReport.objects.filter(
            responsibility__in=[x.pk for x in responsibilities], period=period
        ).prefetch_related("values")
    }
    for responsibility in responsibilities:
        responsibility.report = reports.get(responsibility.pk)  # type: ignore[attr-defined]
    return responsibilities


# Co-units shown under each assignment of 牵头任务; the rest are a page of their own.
LEAD_UNITS_SHOWN = 10


@dataclass(frozen=True)
class LedAssignment:
    """One assignment of 牵头任务: the period being reported, the first of its units with their
    report for that period (the lead unit first), and how many units it has in all."""

    assignment: Assignment
    period: ReportingPeriod | None
    units: list[tuple[Responsibility, ProgressReport | None]]
    unit_count: int

    @property
    def more(self) -> int:
        return self.unit_count - len(self.units)


def led_assignments(user: AnyUser) -> QuerySet[Assignment]:
    """牵头任务: the assignments the user's unit leads in published documents, in the documents'
    order; paginate it and read a page's units with `led_rows`. Nothing of the documents' texts
    is loaded (each is hundreds of KB)."""
    return (
        led_assignments_for_user(user)
        .select_related("document")
        .only("pk", "ref", "title", "schedule_id", "position", "document__id", "document__title")
        .order_by("document_id", "position", "pk")
    )


def _current_periods(schedule_ids: set[int | None], today: date) -> dict[int, ReportingPeriod]:
    """Each schedule's period being reported (one query)."""
    by_schedule: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(schedule_id__in=schedule_ids - {None}):
        by_schedule.setdefault(period.schedule_id, []).append(period)
    return {
        schedule: found
        for schedule, periods in by_schedule.items()
        if (found := current_period(periods, today)) is not None
    }


def _lead_first() -> list[Any]:
    return [
        Case(When(role=Responsibility.Role.LEAD, then=Value(0)), default=Value(1)).asc(),
        *unit_order("unit__"),
        F("pk").asc(),
    ]


def _with_reports(
    responsibilities: Sequence[Responsibility], period_of: dict[int, ReportingPeriod | None]
) -> list[tuple[Responsibility, ProgressReport | None]]:
    """Each responsibility with its report for its assignment's period (one query)."""
    wanted = {
        (r.pk, period.pk)
        for r in responsibilities
        if (period := period_of.get(r.assignment_id)) is not None
    }
    reports = {
        (r.responsibility_id, r.period_id): r
        for r in ProgressReport.objects.filter(
            responsibility_id__in={pk for pk, _p in wanted},
            period_id__in={p for _r, p in wanted},
        ).only("pk", "status", "colour", "is_late", "responsibility_id", "period_id")
    }
    out = []
    for responsibility in responsibilities:
        period = period_of.get(responsibility.assignment_id)
        report = reports.get((responsibility.pk, period.pk)) if period is not None else None
        out.append((responsibility, report))
    return out


def led_rows(
    assignments: list[Assignment], *, today: date, shown: int = LEAD_UNITS_SHOWN
) -> list[LedAssignment]:
    """A page of `led_assignments` with the first `shown` units of each and their reports for
    the period being reported. Three queries, and at most `shown` units an assignment read,
    however many co-units each has."""
    current = _current_periods({a.schedule_id for a in assignments}, today)
    period_of = {a.pk: current.get(a.schedule_id or 0) for a in assignments}
    first: list[Responsibility] = list(
        Responsibility.objects.filter(assignment__in=[a.pk for a in assignments])
        .select_related("unit")
        .only("pk", "role", "assignment_id", "unit_id", "unit__name", "unit__position")
        .annotate(
            place=Window(RowNumber(), partition_by=[F("assignment_id")], order_by=_lead_first()),
            units_in_all=Window(Count("pk"), partition_by=[F("assignment_id")]),
        )
        .filter(place__lte=shown)
        .order_by("assignment_id", "place")
    )
    by_assignment: dict[int, list[tuple[Responsibility, ProgressReport | None]]] = {}
    counts: dict[int, int] = {}
    for responsibility, report in _with_reports(first, period_of):
        by_assignment.setdefault(responsibility.assignment_id, []).append((responsibility, report))
        counts[responsibility.assignment_id] = getattr(responsibility, "units_in_all", 0)
    return [
        LedAssignment(
            assignment=a,
            period=period_of[a.pk],
            units=by_assignment.get(a.pk, []),
            unit_count=counts.get(a.pk, 0),
        )
        for a in assignments
    ]


def led_assignment_units(assignment: Assignment) -> QuerySet[Responsibility]:
    """Every unit of one led assignment, the lead first: paginate it, then `led_units`."""
    return (
        Responsibility.objects.filter(assignment=assignment)
        .select_related("unit")
        .only("pk", "role", "assignment_id", "unit_id", "unit__name", "unit__position")
        .order_by(*_lead_first())
    )


def led_units(
    assignment: Assignment, responsibilities: list[Responsibility], *, today: date
) -> tuple[ReportingPeriod | None, list[tuple[Responsibility, ProgressReport | None]]]:
    """The period being reported and a page of the assignment's units with their reports."""
    period = _current_periods({assignment.schedule_id}, today).get(assignment.schedule_id or 0)
    return period, _with_reports(responsibilities, {assignment.pk: period})


def unit_reports(user: AnyUser) -> QuerySet[ProgressReport]:
    """The user's unit's reports, newest period first (历史填报); paginate the result."""
    if not isinstance(user, User) or user.unit_id is None or user.is_leader:
        return ProgressReport.objects.none()
    return (
        ProgressReport.objects.filter(responsibility__unit_id=user.unit_id)
        .select_related("responsibility__assignment__document", "period")
        .defer(*_DOCUMENT_TEXTS)
        .order_by("-period__ends_on", "responsibility__assignment__position", "pk")
    )


@dataclass(frozen=True)
class QueueFilters:
    """What the review queue is narrowed to and how it is sorted (None: any)."""

    status: str = ProgressReport.Status.SUBMITTED
    document_id: int | None = None
    unit_id: int | None = None
    level: str = ""
    period_id: int | None = None
    year: int | None = None
    quarter: int | None = None
    colour: str = ""
    text: str = ""
    sort: str = "oldest"


# Sort keys of the queue; ties always fall back to the oldest submission, then the id.
_QUEUE_ORDER: dict[str, tuple[Any, ...]] = {
    "oldest": ("submitted_at", "pk"),
    "newest": ("-submitted_at", "-pk"),
    "unit": (*unit_order("responsibility__unit__"), "submitted_at", "pk"),
    "task": (
        "responsibility__assignment__document_id",
        "responsibility__assignment__position",
        "submitted_at",
        "pk",
    ),
    "due": ("period__due_on", "submitted_at", "pk"),
}


def review_queue(
    user: AnyUser,
    *,
    status: str | None = None,
    document_id: int | None = None,
    filters: QueueFilters | None = None,
) -> QuerySet[ProgressReport]:
    """Reports in one review state (报送待审 by default), narrowed by document, unit, unit level,
    period (or year and quarter), light and a text (task number, title or text, unit name),
    oldest submission first unless another sort is asked for."""
    filters = filters or QueueFilters(
        status=status or ProgressReport.Status.SUBMITTED, document_id=document_id
    )
    reports = visible_reports(user).filter(status=filters.status)
    if filters.document_id is not None:
        reports = reports.filter(period__document_id=filters.document_id)
    if filters.unit_id is not None:
        reports = reports.filter(responsibility__unit_id=filters.unit_id)
    if filters.level:
        reports = reports.filter(responsibility__unit__level=filters.level)
    if filters.period_id is not None:
        reports = reports.filter(period_id=filters.period_id)
    if filters.year is not None:
        reports = reports.filter(period__year=filters.year)
    if filters.quarter is not None:
        reports = reports.filter(period__quarter=filters.quarter)
    if filters.colour:
        reports = reports.filter(colour=filters.colour)
    if filters.text:
        # Through a subquery: a unit's several short names would otherwise repeat a report.
        reports = reports.filter(
            responsibility__in=Responsibility.objects.filter(
                _task_text_matches(filters.text)
            ).values("pk")
        )
    return (
        reports.select_related(
            "responsibility__unit", "responsibility__assignment__document", "period"
        )
        .defer(*_DOCUMENT_TEXTS)
        .order_by(*_QUEUE_ORDER.get(filters.sort, _QUEUE_ORDER["oldest"]))
    )


def _task_text_matches(text: str) -> Q:
    """A task found by its number ("3", "二.(一).3"), its title or text, or its unit's name or
    short name, for the queue and the search.

    The tasks and the units matching a word are found on their own (10,000 tasks, 8,000 units
    and their short names at province scale) and the responsibilities by their keys: one OR
    across the joins of every responsibility to its task, unit and short names made the
    province's queue search take 300-460 ms, this 40-90."""
    condition = Q()
    for word in text.split()[:5]:
        tasks = Assignment.all_objects.filter(
            Q(ref__icontains=word)
            | Q(number=word)
            | Q(title__icontains=word)
            | Q(text__icontains=word)
        ).values("pk")
        units = Unit.objects.filter(
            Q(name__icontains=word) | Q(aliases__alias__icontains=word)
        ).values("pk")
        condition &= Q(assignment_id__in=tasks) | Q(unit_id__in=units)
    return condition


def task_search(user: AnyUser, text: str) -> QuerySet[Responsibility]:
    """搜索: the responsibilities the person may see whose task number, title, text or unit
    matches every word, in published documents; scoped by tracker.access like every page."""
    text = text.strip()
    if not text:
        return Responsibility.objects.none()
    matches = (
        visible_responsibilities(user)
        .filter(assignment__document__status=Document.Status.PUBLISHED)
        .filter(_task_text_matches(text))
        .values("pk")
    )
    # The alias join can repeat a row; the outer query stays one row per responsibility.
    return (
        Responsibility.objects.filter(pk__in=matches)
        .select_related("unit", "assignment__document")
        .defer("assignment__document__source_text", "assignment__document__extraction")
        .order_by("assignment__document_id", "assignment__position", *unit_order("unit__"))
    )


EDITABLE_STATUSES = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)


def report_is_editable(report: ProgressReport | None, period: ReportingPeriod) -> bool:
    """Whether the unit may save: a draft or a returned report, while the period is open or
    after a supervisor reopened this report. A submitted report waits for its review."""
    if report is not None and report.status not in EDITABLE_STATUSES:
        return False
    if not period.is_locked:
        return True
    return report is not None and report.reopened_at is not None


# --- what the progress arithmetic is fed ------------------------------------------------------


def thresholds() -> progress.Thresholds:
    return progress.Thresholds(
        yellow_pace=settings.TRACKER_YELLOW_PACE,
        growth_yellow_gap_pp=settings.TRACKER_GROWTH_YELLOW_GAP_PP,
        about_tolerance_pp=settings.TRACKER_ABOUT_TOLERANCE_PP,
        about_tolerance_ratio=settings.TRACKER_ABOUT_TOLERANCE_RATIO,
        rank_yellow_places=settings.TRACKER_RANK_YELLOW_PLACES,
        qualitative_not_started_red_after=settings.TRACKER_NOT_STARTED_RED_AFTER,
        overdue_red_days=settings.TRACKER_OVERDUE_RED_DAYS,
    )


def ranking_weights() -> progress.RankingWeights:
    green, on_time, problems = settings.TRACKER_RANKING_WEIGHTS
    return progress.RankingWeights(
        green_share=green, on_time_rate=on_time, problems_closed_rate=problems
    )


def target_spec(target: Target) -> progress.TargetSpec:
    return progress.TargetSpec(
        kind=target.kind,
        comparator=target.comparator,
        direction=target.direction,
        value=target.value,
        value_high=target.value_high,
        measure=target.measure,
    )


def assignment_span(assignment: Assignment, year: int) -> tuple[date, date]:
    """From the start of the document's year to the assignment's last tracked day."""
    return date(year, 1, 1), assignment.active_until or date(year, 12, 31)


def elapsed_for(
    assignment: Assignment, period: ReportingPeriod, year: int, data_month: date | None = None
) -> Decimal:
    """序时进度 at the end of the month the figures run to (数据截至), else at the period's end."""
    start, end = assignment_span(assignment, year)
    through = progress.month_end(data_month) if data_month else period.ends_on
    return progress.elapsed_share(period_end=through, span_start=start, span_end=end)


def proposed_data_month(period: ReportingPeriod) -> date:
    """The 数据截至 a report form proposes: the last month whose figures are out by the due
    date (Q4 due on 25 December: November)."""
    return progress.data_month(
        period_starts_on=period.starts_on, period_ends_on=period.ends_on, due_on=period.due_on
    )
