"""Small builders for rows the tests need, without going through extraction."""

from __future__ import annotations

import hashlib
import itertools
from decimal import Decimal

from django.utils import timezone

from tracker.models import Assignment, Document, ReportingPeriod, Responsibility, Target, Unit
from tracker.periods import quarter_schedule

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
    assignment: Assignment, *, value: str = "10", unit: str = "%", kind: str = "growth"
) -> Target:
    return Target.objects.create(
        document=assignment.document,
        assignment=assignment,
        position=assignment.targets.count() + 1,
        indicator=assignment.title,
        value=Decimal(value),
        measure_unit=unit,
        kind=kind,
    )


def make_responsibility(assignment: Assignment, unit: Unit, role: str = "lead") -> Responsibility:
    return Responsibility.objects.create(assignment=assignment, unit=unit, role=role)


def make_periods(document: Document) -> list[ReportingPeriod]:
    periods = []
    for quarter in (1, 2, 3, 4):
        s = quarter_schedule(document.year, quarter)
        periods.append(
            ReportingPeriod.objects.create(
                document=document,
                year=s.year,
                quarter=quarter,
                opens_on=s.opens_on,
                due_on=s.due_on,
                first_checkpoint_on=s.first_checkpoint_on,
                second_checkpoint_on=s.second_checkpoint_on,
            )
        )
    return periods
