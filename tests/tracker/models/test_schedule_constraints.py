"""The invariants of reporting schedules and their periods, enforced by the database itself:
one due-rule form at a time, months a period has, one default schedule per document, periods
numbered within their year."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tracker.models import Document, ReportingPeriod, ReportingSchedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(db):
    return Document.objects.create(
        title="测试文件", source_text="正文", source_sha256="s" * 64, year=2026
    )


def violates(model, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**kwargs)


@pytest.mark.parametrize(
    "rule",
    [
        {"frequency": "quarterly"},  # the frequency's default
        {"frequency": "monthly", "month": 1, "day": 25},
        {"frequency": "half-yearly", "month": 6, "day": 20},
        {"frequency": "yearly", "month": 12, "day": 31},
        {"frequency": "monthly", "after_period": True, "month": 1, "day": 5},
        {"frequency": "quarterly", "after_period": True, "working_days": 5},
        {"frequency": "quarterly", "after_period": True, "calendar_days": 10, "from_period": 2},
    ],
)
def test_every_due_rule_form_is_stored(document, rule):
    ReportingSchedule.objects.create(document=document, **rule)


@pytest.mark.parametrize(
    "rule",
    [
        {"frequency": "weekly"},
        {"frequency": "monthly", "month": 2, "day": 25},  # a month has one month
        {"frequency": "half-yearly", "month": 7, "day": 25},
        {"frequency": "quarterly", "month": 3},  # a month without a day
        {"frequency": "quarterly", "working_days": 5},  # counted after the period only
        {"frequency": "quarterly", "after_period": True, "month": 1, "day": 5, "working_days": 5},
        {"frequency": "quarterly", "after_period": True, "working_days": 5, "calendar_days": 5},
        {"frequency": "quarterly", "after_period": True, "working_days": 61},
        {"frequency": "quarterly", "after_period": True},  # after, but when?
        {"frequency": "yearly", "from_period": 2},
        {"frequency": "quarterly", "from_period": 5},
    ],
)
def test_an_impossible_rule_is_refused(document, rule):
    violates(ReportingSchedule, document=document, **rule)


def test_a_document_has_one_default_schedule(document):
    ReportingSchedule.objects.create(document=document, is_default=True)
    violates(ReportingSchedule, document=document, is_default=True)
    ReportingSchedule.objects.create(document=document, frequency="monthly", month=1, day=25)


def test_periods_are_numbered_within_their_year_once_per_schedule(document):
    monthly = ReportingSchedule.objects.create(
        document=document, is_default=True, frequency="monthly", month=1, day=25
    )
    fields = {
        "document": document,
        "schedule": monthly,
        "frequency": "monthly",
        "year": 2026,
        "quarter": 1,
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 1, 31),
        "opens_on": date(2026, 1, 1),
        "due_on": date(2026, 1, 25),
        "first_checkpoint_on": None,
        "second_checkpoint_on": date(2026, 1, 25),
    }
    ReportingPeriod.objects.create(number=1, **fields)
    violates(ReportingPeriod, number=1, **fields)
    violates(ReportingPeriod, number=13, **fields)
    violates(ReportingPeriod, **{**fields, "number": 2, "frequency": "yearly"})
    violates(ReportingPeriod, **{**fields, "number": 3, "first_checkpoint_on": date(2026, 1, 26)})
