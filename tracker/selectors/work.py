"""Reads. Each selector runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, QuerySet

from tracker.access import AnyUser, visible_documents, visible_responsibilities
from tracker.models import (
    Assignment,
    Document,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Unit,
    User,
)


def current_period(periods: list[ReportingPeriod], today: date) -> ReportingPeriod | None:
    """The quarter a reporter is working on: the first whose due date has not passed, else the
    last one (so after the year's last due date the Q4 report stays in view)."""
    ordered = sorted(periods, key=lambda p: (p.year, p.quarter))
    for period in ordered:
        if period.due_on >= today:
            return period
    return ordered[-1] if ordered else None


@dataclass(frozen=True)
class TaskRow:
    responsibility: Responsibility
    period: ReportingPeriod | None
    report: ProgressReport | None


def tasks_for_user(user: AnyUser, *, today: date) -> list[TaskRow]:
    """我的任务: the user's unit's responsibilities in published documents, each with the quarter
    being reported and that quarter's report, if any. Three queries."""
    if not isinstance(user, User) or user.unit_id is None:
        return []
    responsibilities = list(
        visible_responsibilities(user)
        .filter(unit_id=user.unit_id, assignment__document__status=Document.Status.PUBLISHED)
        .select_related("assignment__document", "unit")
        .order_by("assignment__document_id", "assignment__position")
    )
    document_ids = {r.assignment.document_id for r in responsibilities}
    periods_by_document: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(document_id__in=document_ids):
        periods_by_document.setdefault(period.document_id, []).append(period)
    current = {
        document_id: current_period(periods, today)
        for document_id, periods in periods_by_document.items()
    }
    period_ids = {p.pk for p in current.values() if p is not None}
    reports = {
        (report.responsibility_id, report.period_id): report
        for report in ProgressReport.objects.filter(
            responsibility__in=[r.pk for r in responsibilities], period_id__in=period_ids
        )
    }
    rows = []
    for responsibility in responsibilities:
        this_period = current.get(responsibility.assignment.document_id)
        report = reports.get((responsibility.pk, this_period.pk)) if this_period else None
        rows.append(TaskRow(responsibility=responsibility, period=this_period, report=report))
    return rows


def documents_for_user(user: AnyUser) -> QuerySet[Document]:
    return (
        visible_documents(user)
        .annotate(
            assignment_total=Count("assignments", distinct=True),
            responsibility_total=Count("assignments__responsibilities", distinct=True),
        )
        .order_by("-year", "-imported_at")
    )


def document_assignments(document: Document, user: AnyUser) -> QuerySet[Assignment]:
    """A document's assignments with targets and the responsibilities the user may see."""
    return (
        Assignment.objects.filter(document=document)
        .prefetch_related(
            "targets",
            Prefetch(
                "responsibilities",
                queryset=visible_responsibilities(user)
                .select_related("unit")
                .order_by("role", "unit__name"),
            ),
        )
        .order_by("position")
    )


def units_needing_review() -> QuerySet[Unit]:
    """Units created from unknown names while publishing, with how much work hangs on each."""
    return (
        Unit.objects.filter(needs_review=True)
        .annotate(responsibility_total=Count("responsibilities"))
        .order_by("name")
    )
