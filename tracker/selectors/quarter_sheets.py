"""What a quarter's sheet holds (季度填报表): the responsibilities of one period a person may
see — one unit's, or every unit's for a supervisor — with their targets, this period's reports
and last period's figures. A fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from tracker import formatting, l10n
from tracker.access import AnyUser, visible_responsibilities
from tracker.models import (
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Target,
    TargetValue,
    unit_order,
)
from tracker.quarter_sheets import row_key
from tracker.selectors.aggregates import period_before


@dataclass(frozen=True)
class SheetItem:
    """One responsibility of the sheet: its targets in order and this period's report."""

    responsibility: Responsibility
    targets: list[Target]
    report: ProgressReport | None


def sheet_items(
    user: AnyUser, period: ReportingPeriod, *, unit_id: int | None = None
) -> list[SheetItem]:
    """The responsibilities reporting in `period` (its document, its rule, still tracked), in
    the units' official order and the document's; `unit_id` narrows to one unit."""
    responsibilities = (
        visible_responsibilities(user)
        .filter(assignment__document_id=period.document_id)
        .filter(
            Q(assignment__schedule_id=period.schedule_id) | Q(assignment__schedule__isnull=True)
        )
        .filter(
            Q(assignment__active_until__isnull=True)
            | Q(assignment__active_until__gte=period.starts_on)
        )
        .select_related("unit", "assignment")
        .prefetch_related(
            Prefetch("assignment__targets", queryset=Target.objects.order_by("position"))
        )
        .order_by(*unit_order("unit__"), "assignment__position", "pk")
    )
    if unit_id is not None:
        responsibilities = responsibilities.filter(unit_id=unit_id)
    rows = list(responsibilities)
    reports = {
        report.responsibility_id: report
        for report in ProgressReport.objects.filter(
            period=period, responsibility__in=[r.pk for r in rows]
        ).prefetch_related("values")
    }
    return [SheetItem(r, list(r.assignment.targets.all()), reports.get(r.pk)) for r in rows]


def previous_figures(
    items: list[SheetItem], period: ReportingPeriod
) -> dict[tuple[int, int], Decimal | None]:
    """Last period's cumulative figure per (responsibility, target), one query."""
    earlier = period_before(period)
    if earlier is None:
        return {}
    return {
        (responsibility_id, target_id): actual
        for responsibility_id, target_id, actual in TargetValue.objects.filter(
            report__period=earlier,
            report__responsibility__in=[item.responsibility.pk for item in items],
        ).values_list("report__responsibility_id", "target_id", "actual")
    }


def sheet_rows(items: list[SheetItem], period: ReportingPeriod) -> list[list[str]]:
    """The sheet's lines: one per responsibility × target (one for a task without targets),
    pre-filled with what the report already holds, the text columns on the task's first line."""
    previous = previous_figures(items, period)
    lines = []
    for item in items:
        responsibility, report = item.responsibility, item.report
        assignment = responsibility.assignment
        values = {v.target_id: v for v in report.values.all()} if report else {}
        version = str(report.version) if report else ""
        texts = (
            [report.narrative, report.problems_text, report.next_steps] if report else ["", "", ""]
        )
        for index, target in enumerate(item.targets or [None]):
            value = values.get(target.pk) if target is not None else None
            if target is None:
                figure, assessment, note = (
                    "",
                    report.get_assessment_display() if report and report.assessment else "",
                    "",
                )
            elif target.kind == Target.Kind.QUALITATIVE:
                figure = ""
                assessment = value.get_assessment_display() if value and value.assessment else ""
                note = value.note if value else ""
            else:
                figure = (
                    formatting.number(value.actual) if value and value.actual is not None else ""
                )
                assessment, note = "", value.note if value else ""
            before = previous.get((responsibility.pk, target.pk)) if target is not None else None
            lines.append(
                [
                    row_key(responsibility.pk, target.pk if target is not None else None),
                    version,
                    responsibility.unit.name,
                    assignment.ref or assignment.number,
                    assignment.title,
                    target.indicator if target is not None else "",
                    l10n.target_text(target) if target is not None else "",
                    target.measure_unit if target is not None else "",
                    formatting.number(before) if before is not None else "",
                    figure,
                    assessment,
                    note,
                    *(texts if index == 0 else ["", "", ""]),
                ]
            )
    return lines
