"""Small builders for rows the tests need, without going through extraction."""

from __future__ import annotations

import hashlib
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tracker.models import (
    Assignment,
    Document,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
    Responsibility,
    SlotSummary,
    Target,
    Unit,
)
from tracker.services.reporting_periods import assignments_activate, periods_ensure
from tracker.services.summaries import summaries_refresh, summaries_refresh_report

_counter = itertools.count(1)


def make_document(*, title: str = "测试方案", year: int = 2026, published: bool = True) -> Document:
    n = next(_counter)
    return Document.objects.create(
        title=f"{title}{n}",
        source_text=f"{title}{n}",
        source_sha256=hashlib.sha256(f"{title}{n}".encode()).hexdigest(),
        year=year,
        status=Document.Status.PUBLISHED if published else Document.Status.DRAFT,
        published_at=timezone.now() if published else None,
    )


def make_assignment(
    document: Document, *, title: str = "任务", position: int | None = None
) -> Assignment:
    position = position or document.assignments.count() + 1
    return Assignment.objects.create(
        document=document,
        position=position,
        ref=f"一.{position}",
        number=str(position),
        title=title,
    )


def make_target(
    assignment: Assignment,
    *,
    value: str | None = "10",
    unit: str = "%",
    kind: str = "growth",
    comparator: str = "=",
    direction: str = "increase",
    indicator: str | None = None,
) -> Target:
    return Target.objects.create(
        document=assignment.document,
        assignment=assignment,
        position=assignment.targets.count() + 1,
        indicator=indicator or assignment.title,
        value=Decimal(value) if value is not None else None,
        measure_unit=unit,
        kind=kind,
        comparator=comparator,
        direction=direction,
    )


def make_responsibility(assignment: Assignment, unit: Unit, role: str = "lead") -> Responsibility:
    """A responsibility with its summary rows, as publishing or an amendment would leave it."""
    responsibility = Responsibility.objects.create(assignment=assignment, unit=unit, role=role)
    summaries_refresh(responsibility_ids=[responsibility.pk])
    return responsibility


def make_report(**fields: Any) -> ProgressReport:
    """A report written straight into its table (its state given, not reached through the
    services), with its slot's summary row as the services would leave it."""
    report = ProgressReport.objects.create(**fields)
    summaries_refresh_report(report)
    return report


def make_periods(document: Document) -> list[ReportingPeriod]:
    """The document's periods (its quarters, unless its schedule says otherwise), as publishing
    creates them, in date order."""
    assignments_activate(document)
    periods_ensure(document)
    return list(ReportingPeriod.objects.filter(document=document).order_by("ends_on", "pk"))


def make_schedule(
    document: Document, *, frequency: str = "quarterly", default: bool = True, **rule: object
) -> ReportingSchedule:
    """A reporting rule of the document (tracker.models.ReportingSchedule's fields: after_period,
    month, day, working_days, calendar_days, from_period, text): by default the document's own,
    replacing the settings' quarterly rule."""
    fields = {"frequency": frequency, **rule}
    if default:
        schedule, _created = ReportingSchedule.objects.update_or_create(
            document=document, is_default=True, defaults=fields
        )
        return schedule
    position = document.schedules.count() + 1
    return ReportingSchedule.objects.create(document=document, position=position, **fields)


def summary_rows() -> list[tuple[Any, ...]]:
    """Every summary row, without its id, in order: what two states are compared by."""
    fields = [f.attname for f in SlotSummary._meta.concrete_fields if f.attname != "id"]
    return sorted(SlotSummary.objects.values_list(*fields))


def assert_rebuild_equal() -> None:
    """The rows the services kept are those `manage.py rebuild_summaries` would write (the
    rebuild is rolled back: the rows are left as they were)."""
    from django.db import transaction

    kept = summary_rows()
    with transaction.atomic():
        summaries_refresh()
        rebuilt = summary_rows()
        transaction.set_rollback(True)
    assert kept == rebuilt
    assert summary_rows() == kept
