"""The 主要经济指标 panel (issue 13) the dashboard and the quarter's analysis open with, as
governments publish it: 指标 · 年度目标 · 本期累计 · 增速 · 序时进度 · 状态, per document and across
the documents of the year. Figures are the lead units' submitted reports for the period of each
indicator's schedule that ends with the quarter (two queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker import progress
from tracker.access import AnyUser, visible_documents, visible_responsibilities
from tracker.l10n import gap_text, target_text
from tracker.models import (
    COUNTED_STATUSES,
    Colour,
    Document,
    Responsibility,
    Target,
    TargetValue,
)
from tracker.periods import quarter_bounds
from tracker.selectors.reports import target_spec


@dataclass(frozen=True)
class HeadlineRow:
    document_id: int
    document_title: str
    assignment_id: int
    indicator: str
    target: str
    measure_unit: str
    actual: Decimal | None
    growth: Decimal | None
    # 序时进度 for a cumulative indicator; None for a state (judged without pacing).
    elapsed: Decimal | None
    is_state: bool
    colour: Colour
    gap: str
    data_month: date | None
    unit_name: str
    report_id: int | None


@dataclass(frozen=True)
class HeadlineGroup:
    document_id: int
    title: str
    rows: list[HeadlineRow]


def headline_rows(
    user: AnyUser, *, year: int, quarter: int, document_id: int | None = None
) -> list[HeadlineRow]:
    quarter_end = quarter_bounds(year, quarter)[1]
    targets = (
        Target.objects.filter(
            assignment__is_headline=True,
            assignment__removed_at__isnull=True,
            document__status=Document.Status.PUBLISHED,
            document__year=year,
            document__in=visible_documents(user),
        )
        .select_related("assignment", "document")
        .order_by("document__published_at", "document_id", "assignment__position", "position")
    )
    if document_id is not None:
        targets = targets.filter(document_id=document_id)
    target_list = list(targets)
    if not target_list:
        return []  # a document without headline indicators costs one query
    values = (
        TargetValue.objects.filter(
            target__in=[t.pk for t in target_list],
            report__status__in=COUNTED_STATUSES,
            report__responsibility__role=Responsibility.Role.LEAD,
            report__responsibility__in=visible_responsibilities(user),
            report__period__ends_on=quarter_end,
        )
        .select_related("report__responsibility__unit")
        .order_by("report__responsibility__unit__position", "pk")
    )
    found: dict[int, TargetValue] = {}
    for stored in values:
        found.setdefault(stored.target_id, stored)
    rows = []
    for target in target_list:
        value = found.get(target.pk)
        spec = target_spec(target) if target.kind != Target.Kind.QUALITATIVE else None
        is_state = spec.is_state if spec is not None else True
        growth = None
        if value is not None:
            growth = value.actual if target.kind == Target.Kind.GROWTH else value.growth
        rows.append(
            HeadlineRow(
                document_id=target.document_id,
                document_title=target.document.title,
                assignment_id=target.assignment_id or 0,
                indicator=target.indicator
                or (target.assignment.title if target.assignment else ""),
                target=target_text(target),
                measure_unit=target.measure_unit,
                actual=value.actual if value and target.kind != Target.Kind.GROWTH else None,
                growth=growth,
                elapsed=None if is_state or value is None else value.elapsed,
                is_state=is_state,
                colour=Colour(value.colour) if value else Colour.GREY,
                gap=gap_text(target, value.gap_pp) if value and value.gap_pp is not None else "",
                data_month=value.report.data_month if value else None,
                unit_name=value.report.responsibility.unit.name if value else "",
                report_id=value.report_id if value else None,
            )
        )
    return rows


def headline_panel(
    user: AnyUser, *, year: int, quarter: int, document_id: int | None = None
) -> list[HeadlineGroup]:
    """The rows grouped by document, in the order documents were published."""
    groups: dict[int, HeadlineGroup] = {}
    for row in headline_rows(user, year=year, quarter=quarter, document_id=document_id):
        group = groups.get(row.document_id)
        if group is None:
            group = groups[row.document_id] = HeadlineGroup(row.document_id, row.document_title, [])
        group.rows.append(row)
    return list(groups.values())


def headline_colours(rows: list[HeadlineRow]) -> progress.Colour:
    """The panel's overall light: the worst of its indicators, ignoring unreported ones."""
    return progress.combine(progress.Colour(r.colour.value) for r in rows)
