"""The tallies read from the summary rows (tracker.models.SlotSummary) give what counting the
slots one by one gives (issue 19).

The oracle here is deliberately naive: Python walks every responsibility a person sees and every
period of the scope, applies the rules of a slot (its assignment's schedule, tracked when the
period starts, a published document, an active unit) and the light of a missing report (grey,
red once overdue), and counts. The demo's data (loaded through the services, which keep the
summary rows) is compared for every person of the demo and every scope a page asks for. The
year walk (tests/tracker/test_year_walk.py is its model) compares the rows the services kept
with a rebuild from scratch at each stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.conf import settings

from tests.factories import assert_rebuild_equal
from tracker import selectors
from tracker.access import AnyUser, visible_responsibilities
from tracker.models import (
    COUNTED_STATUSES,
    Colour,
    Document,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    SlotSummary,
    Unit,
    User,
)
from tracker.periods import SHANGHAI
from tracker.selectors import Scope
from tracker.selectors.aggregates import scope_periods
from tracker.services.amendments import (
    amendment_deadline_change,
    amendment_responsibility_add,
    amendment_responsibility_remove,
)
from tracker.services.demo_load import demo_load
from tracker.services.document_archive import document_archive
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish
from tracker.services.report_evaluation import reports_recompute
from tracker.services.report_review import report_approve, report_return
from tracker.services.report_withdrawal import report_withdraw
from tracker.services.reporting_periods import period_lock, period_reopen
from tracker.services.reports import ReportInput, TargetInput, report_save
from tracker.services.unit_merge import unit_merge

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Slot:
    responsibility_id: int
    unit_id: int
    level: str
    assignment_id: int
    submitted: bool
    late: bool
    due_on: date
    colour: str


def oracle_slots(user: AnyUser, scope: Scope, today: date) -> list[Slot]:
    periods = list(scope_periods(scope))
    reports = {
        (r.responsibility_id, r.period_id): r
        for r in ProgressReport.objects.filter(period__in=periods)
    }
    red_before = today - timedelta(days=settings.TRACKER_OVERDUE_RED_DAYS)
    found = []
    for responsibility in visible_responsibilities(user).select_related(
        "assignment__document", "unit"
    ):
        assignment, unit = responsibility.assignment, responsibility.unit
        if assignment.document.status != Document.Status.PUBLISHED or not unit.is_active:
            continue
        if scope.unit_id is not None and unit.pk != scope.unit_id:
            continue
        if scope.level and unit.level != scope.level:
            continue
        for period in periods:
            if period.schedule_id != assignment.schedule_id:
                continue
            if assignment.active_until is not None and assignment.active_until < period.starts_on:
                continue
            report = reports.get((responsibility.pk, period.pk))
            submitted = report is not None and report.status in COUNTED_STATUSES
            if submitted:
                colour = report.colour
            else:
                colour = Colour.RED if period.due_on < red_before else Colour.GREY
            found.append(
                Slot(
                    responsibility_id=responsibility.pk,
                    unit_id=unit.pk,
                    level=unit.level,
                    assignment_id=assignment.pk,
                    submitted=submitted,
                    late=submitted and bool(report and report.is_late),
                    due_on=period.due_on,
                    colour=str(colour),
                )
            )
    return found


def oracle_tally(slots: list[Slot], today: date) -> tuple[int, ...]:
    colours = [sum(1 for s in slots if s.colour == c.value) for c in Colour]
    return (
        len(slots),
        sum(s.submitted for s in slots),
        sum(s.submitted and not s.late for s in slots),
        sum(s.late for s in slots),
        sum(not s.submitted and s.due_on < today for s in slots),
        sum(s.due_on < today or s.submitted for s in slots),
        *colours,
    )


def figures(tally: selectors.Tally) -> tuple[int, ...]:
    return (
        tally.expected,
        tally.submitted,
        tally.on_time,
        tally.late,
        tally.overdue,
        tally.due,
        *(tally.colours[c.value] for c in Colour),
    )


def grouped(slots: list[Slot], key: str) -> dict[Any, list[Slot]]:
    groups: dict[Any, list[Slot]] = defaultdict(list)
    for slot in slots:
        groups[getattr(slot, key)].append(slot)
    return groups


def assert_agrees(user: AnyUser, scope: Scope, today: date) -> int:
    """Every tally and list of the scope for `user` equals the oracle's; returns the slots."""
    slots = oracle_slots(user, scope, today)
    assert figures(selectors.scope_tally(user, scope, today=today)) == oracle_tally(slots, today)
    by_unit = {
        t.unit_id: figures(t.tally) for t in selectors.tally_by_unit(user, scope, today=today)
    }
    assert by_unit == {k: oracle_tally(v, today) for k, v in grouped(slots, "unit_id").items()}
    by_level = {
        t.level: (t.units, figures(t.tally))
        for t in selectors.tally_by_level(user, scope, today=today)
    }
    assert by_level == {
        k: (len({s.unit_id for s in v}), oracle_tally(v, today))
        for k, v in grouped(slots, "level").items()
    }
    by_task = {
        t.assignment_id: figures(t.tally)
        for t in selectors.tally_by_assignment(user, scope, today=today)
    }
    assert by_task == {
        k: oracle_tally(v, today) for k, v in grouped(slots, "assignment_id").items()
    }
    lists = {
        "red": selectors.red_slots,
        "yellow": selectors.yellow_slots,
        "overdue": selectors.overdue_slots,
        "late": selectors.late_slots,
    }
    wanted = {
        "red": {s.responsibility_id for s in slots if s.colour == Colour.RED},
        "yellow": {s.responsibility_id for s in slots if s.colour == Colour.YELLOW},
        "overdue": {s.responsibility_id for s in slots if not s.submitted and s.due_on < today},
        "late": {s.responsibility_id for s in slots if s.late},
    }
    for name, listing in lists.items():
        assert {r.pk for r in listing(user, scope, today=today)} == wanted[name], name
    return len(slots)


def people_of_the_demo() -> list[User]:
    """Every kind of person: supervisors, each unit's reporters (leads see their co-units),
    leaders in charge, and someone of a unit holding nothing."""
    people = list(User.objects.filter(is_active=True).order_by("pk"))
    idle = Unit.objects.create(name="无任务单位", level=Unit.Level.CITY)
    people.append(User.objects.create_user("idle-reporter", role=User.Role.REPORTER, unit=idle))
    assert {p.role for p in people} >= {
        User.Role.SUPERVISOR,
        User.Role.REPORTER,
        User.Role.LEADER,
    }
    return people


def test_the_summary_tallies_agree_with_counting_slots_on_the_demo_for_everyone():
    demo_load()
    today = date(2026, 10, 20)
    documents = list(Document.objects.filter(status=Document.Status.PUBLISHED))
    q3 = ReportingPeriod.objects.filter(year=2026, quarter=3).order_by("pk").first()
    assert q3 is not None
    some_unit = Responsibility.objects.order_by("pk").first().unit  # type: ignore[union-attr]
    scopes = [
        Scope(2026, 3),
        Scope(2026, 2),
        *(Scope(2026, 3, d.pk) for d in documents),
        Scope.of(q3),
        Scope.of(q3).previous(),
        Scope(2026, 3, unit_id=some_unit.pk),
        Scope(2026, 3, level=Unit.Level.COUNTY),
    ]
    counted_for: dict[str, int] = {}
    for person in people_of_the_demo():
        for scope in scopes:
            counted = assert_agrees(person, scope, today)
            counted_for[person.role] = counted_for.get(person.role, 0) + counted
        # The year's trend, quarter by quarter.
        trend = selectors.quarter_trend(person, Scope(2026, 3), today=today)
        assert [(q, figures(t)) for q, t in trend] == [
            (q, oracle_tally(oracle_slots(person, Scope(2026, q), today), today))
            for q in (1, 2, 3, 4)
        ]
    # Not vacuous: supervisors, reporters and leaders each see slots.
    assert all(counted_for[role] > 0 for role in ("supervisor", "reporter", "leader"))


def test_rebuilding_the_demo_summary_changes_nothing():
    demo_load()
    assert SlotSummary.objects.count() > 100
    assert_rebuild_equal()


# --- a year of the Lincang plan -----------------------------------------------------------------


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2023, month, day, hour, tzinfo=SHANGHAI)


FGW, GXJ, CZJ, SCJ, SWJ = "市发展改革委", "市工业和信息化局", "市财政局", "市市场监管局", "市商务局"


@pytest.mark.corpus
def test_a_year_of_the_lincang_plan_keeps_the_summary_equal_to_a_rebuild(corpus):
    path = corpus / "lincang-2023-county-development-plan.txt"
    supervisor = User.objects.create_user("duchashi", password="x", role=User.Role.SUPERVISOR)
    with time_machine.travel(at(1, 10), tick=False):
        imported = document_import(data=path.read_bytes(), source_name=path.name, actor=supervisor)
        document_publish(document=imported.document, actor=supervisor)
    document = Document.objects.get(pk=imported.document.pk)
    periods = {p.quarter: p for p in document.periods.all()}
    assert_rebuild_equal()
    assert SlotSummary.objects.filter(document=document).count() >= 331 * 4 - 50
    people: dict[str, User] = {}

    def holder(name: str, index: int = 0) -> Responsibility:
        found = list(
            Responsibility.objects.filter(assignment__document=document, unit__name=name)
            .select_related("unit", "assignment")
            .order_by("assignment__position")
        )
        responsibility = found[index]
        if name not in people:
            people[name] = User.objects.create_user(
                f"user-{responsibility.unit_id}", role=User.Role.REPORTER, unit=responsibility.unit
            )
        return responsibility

    def submit(
        resp: Responsibility, quarter: int, when: datetime, share: str, version: int | None = None
    ) -> ProgressReport:
        targets = list(resp.assignment.targets.order_by("position"))
        values = {
            t.pk: TargetInput(actual=(t.value or Decimal(1)) * Decimal(share)) for t in targets
        }
        with time_machine.travel(when, tick=False):
            return report_save(
                responsibility=resp,
                period=periods[quarter],
                actor=people[resp.unit.name],
                report_input=ReportInput(values=values, narrative="进展", next_steps="继续推进"),
                expected_version=version,
                submit=True,
            )

    r1, r2, r4, rc = holder(FGW), holder(FGW, 1), holder(GXJ), holder(CZJ)
    # Q1: on time, late (after the due date), approved, returned and resubmitted, withdrawn.
    first = submit(r1, 1, at(4, 3), "0.3")
    late = submit(r2, 1, at(4, 20), "0.1")
    submit(r4, 1, at(4, 5), "0.25")
    withdrawn = submit(rc, 1, at(4, 6), "0.2")
    with time_machine.travel(at(4, 8), tick=False):
        report_approve(report=first, actor=supervisor)
        returned = report_return(report=late, actor=supervisor, reason="数据有误")
        report_withdraw(report=withdrawn, actor=people[CZJ])
    assert_rebuild_equal()
    submit(r2, 1, at(4, 22), "0.15", version=returned.version)
    assert SlotSummary.objects.get(report=returned).status == ProgressReport.Status.SUBMITTED
    assert SlotSummary.objects.get(report=returned).is_late is True
    assert_rebuild_equal()
    # Q2: the lock, a reopening, amendments (a unit added, one set aside, a deadline moved).
    submit(r1, 2, at(7, 3), "0.5")
    with time_machine.travel(at(7, 20), tick=False):
        period_lock(period=periods[2], actor=supervisor)
        period_reopen(responsibility=r1, period=periods[2], actor=supervisor, reason="更正")
    assert_rebuild_equal()
    newcomer = Unit.objects.create(name="市新设局", level=Unit.Level.CITY)
    with time_machine.travel(at(7, 21), tick=False):
        amendment_responsibility_add(
            assignment=r4.assignment, unit=newcomer, role="co", actor=supervisor, reason="调整"
        )
        amendment_responsibility_remove(responsibility=rc, actor=supervisor, reason="调整")
        amendment_deadline_change(
            assignment=r2.assignment, deadline=date(2023, 6, 30), actor=supervisor, reason="提前"
        )
    assert SlotSummary.objects.filter(responsibility=rc).count() == 0
    assert SlotSummary.objects.filter(unit=newcomer).count() == 4
    # Tracked to the end of June: no third or fourth quarter for that assignment any more.
    assert {s.quarter for s in SlotSummary.objects.filter(assignment=r2.assignment)} == {1, 2}
    assert_rebuild_equal()
    # Q3: a unit merged into another (its responsibilities and reports move), thresholds
    # recomputed.
    submit(holder(SWJ), 3, at(10, 5), "0.7")
    with time_machine.travel(at(10, 10), tick=False):
        unit_merge(
            unit=Unit.objects.get(name=SWJ), into=Unit.objects.get(name=SCJ), actor=supervisor
        )
    assert not SlotSummary.objects.filter(unit__name=SWJ).exists()
    assert_rebuild_equal()
    reports_recompute()
    assert_rebuild_equal()
    # The reads agree with counting the slots one by one through the year.
    for quarter in (1, 2, 3, 4):
        today = periods[quarter].due_on + timedelta(days=10)
        assert assert_agrees(supervisor, Scope.of(periods[quarter]), today) > 300
        assert_agrees(people[FGW], Scope.of(periods[quarter]), today)
    # Archiving changes no row; the document is no longer counted when read.
    document_archive(document=document, actor=supervisor, reason="年度结束")
    assert_rebuild_equal()
    assert selectors.scope_tally(supervisor, Scope(2023, 1), today=date(2024, 1, 10)).expected == 0
