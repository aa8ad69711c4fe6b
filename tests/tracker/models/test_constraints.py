"""Invariants the database itself enforces, whatever code writes the rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.models import (
    Assignment,
    AuditEvent,
    Document,
    ProgressReport,
    ReminderLog,
    ReportingPeriod,
    ReportingSchedule,
    Responsibility,
    Target,
    Unit,
    UnitAlias,
    UnitGroup,
    User,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return Document.objects.create(
        title="测试文件", source_text="正文", source_sha256="x" * 64, year=2026
    )


@pytest.fixture
def assignment(document):
    return Assignment.objects.create(
        document=document, position=1, ref="一.1", number="1", title="任务"
    )


@pytest.fixture
def period(document):
    return ReportingPeriod.objects.create(
        document=document,
        year=2026,
        quarter=1,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 31),
        opens_on=date(2026, 3, 1),
        due_on=date(2026, 3, 25),
        first_checkpoint_on=date(2026, 2, 15),
        second_checkpoint_on=date(2026, 3, 25),
    )


def violates(**kwargs):
    """Assert that creating the row breaks a database constraint."""
    model = kwargs.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**kwargs)


def test_same_text_cannot_be_stored_twice(document):
    violates(model=Document, title="又一份", source_text="正文", source_sha256="x" * 64)


def test_a_published_document_has_a_year_and_a_time():
    violates(model=Document, title="t", source_text="s", source_sha256="y" * 64, status="published")


def test_year_and_reporting_rule_are_plausible(document):
    violates(model=Document, title="t", source_text="s", source_sha256="a" * 64, year=1800)
    # The reporting rule is a schedule's (more of its forms: test_schedule_constraints.py).
    violates(model=ReportingSchedule, document=document, frequency="quarterly", month=4, day=25)
    violates(model=ReportingSchedule, document=document, frequency="quarterly", month=3, day=32)


def test_assignment_positions_are_unique_within_a_document(assignment):
    violates(model=Assignment, document=assignment.document, position=1, title="重复")


def test_assignment_span_is_ordered(document):
    violates(model=Assignment, document=document, position=2, title="t", span_start=10, span_end=5)


def test_target_needs_a_value_unless_qualitative(assignment):
    violates(
        model=Target, document=assignment.document, assignment=assignment, position=1, kind="growth"
    )
    violates(
        model=Target,
        document=assignment.document,
        assignment=assignment,
        position=1,
        kind="qualitative",
        value=Decimal(1),
    )
    Target.objects.create(
        document=assignment.document, assignment=assignment, position=1, kind="qualitative"
    )


def test_target_range_is_ordered(assignment):
    violates(
        model=Target,
        document=assignment.document,
        assignment=assignment,
        position=1,
        value=Decimal(7),
        value_high=Decimal("6.5"),
    )


def test_target_positions_unique_per_assignment_and_per_document(assignment):
    doc = assignment.document
    Target.objects.create(document=doc, assignment=assignment, position=1, value=1)
    violates(model=Target, document=doc, assignment=assignment, position=1, value=2)
    # Headline targets (no assignment) number separately.
    Target.objects.create(document=doc, position=1, value=3)
    violates(model=Target, document=doc, position=1, value=4)


def test_one_responsibility_per_unit_and_assignment(assignment):
    unit = Unit.objects.create(name="市财政局")
    Responsibility.objects.create(assignment=assignment, unit=unit, role="lead")
    violates(model=Responsibility, assignment=assignment, unit=unit, role="co")


def test_period_rules(document, period):
    base = dict(
        document=document,
        year=2026,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 6, 30),
        opens_on=date(2026, 6, 1),
        due_on=date(2026, 6, 25),
    )
    cps = dict(first_checkpoint_on=date(2026, 5, 15), second_checkpoint_on=date(2026, 6, 25))
    violates(model=ReportingPeriod, quarter=1, **base, **cps)  # duplicate quarter
    violates(model=ReportingPeriod, quarter=5, **base, **cps)
    violates(
        model=ReportingPeriod,
        quarter=2,
        document=document,
        year=2026,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 6, 30),
        opens_on=date(2026, 6, 26),
        due_on=date(2026, 6, 25),
        **cps,
    )
    violates(model=ReportingPeriod, **{**base, "quarter": 2, "ends_on": date(2026, 3, 1)}, **cps)
    violates(
        model=ReportingPeriod,
        quarter=2,
        **base,
        first_checkpoint_on=date(2026, 6, 26),
        second_checkpoint_on=date(2026, 6, 25),
    )


def test_report_invariants(assignment, period):
    unit = Unit.objects.create(name="市财政局")
    responsibility = Responsibility.objects.create(assignment=assignment, unit=unit, role="lead")
    violates(model=ProgressReport, responsibility=responsibility, period=period, status="submitted")
    violates(
        model=ProgressReport,
        responsibility=responsibility,
        period=period,
        status="returned",
        submitted_at=timezone.now(),
    )
    ProgressReport.objects.create(responsibility=responsibility, period=period)
    violates(model=ProgressReport, responsibility=responsibility, period=period)


def test_reminder_claim_key_is_unique(period):
    fields = dict(
        recipient="a@example.cn", item_key="responsibility:1", period=period, kind="due_7"
    )
    ReminderLog.objects.create(claimed_at=timezone.now(), **fields)
    violates(model=ReminderLog, claimed_at=timezone.now(), **fields)


def test_alias_names_exactly_one_thing():
    unit = Unit.objects.create(name="云江市财政局")
    group = UnitGroup.objects.create(name="各县(区)人民政府")
    violates(model=UnitAlias, alias="两者")
    violates(model=UnitAlias, alias="两者", unit=unit, group=group)
    UnitAlias.objects.create(alias="市财政局", unit=unit)
    violates(model=UnitAlias, alias="市财政局", group=group)


def test_a_reporter_belongs_to_a_unit():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("nobody", role=User.Role.REPORTER)
    User.objects.create_user("sup", role=User.Role.SUPERVISOR)


def test_a_unit_is_not_its_own_parent():
    unit = Unit.objects.create(name="自指单位")
    unit.parent = unit
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_audit_events_are_append_only():
    event = AuditEvent.objects.create(actor_name="系统", action="test")
    event.action = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_sqlite_runs_in_wal_mode():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
