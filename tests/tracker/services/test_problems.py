"""Problems climb the ladder every three days: the unit, the lead department, the leader in
charge; each move recorded once, however many sweeps run."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tests.samples import PROBLEM_RAISED as RAISED
from tests.samples import raise_problem
from tracker.models import AuditEvent, LeaderScope, Problem, ProblemStep, User
from tracker.services.problems import (
    ProblemRefused,
    problem_escalate,
    problem_resolve,
    problems_escalate_due,
)
from tracker.services.reports import ReportInput, report_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider):
    document = make_document()
    task = make_assignment(document, title="重点项目开工")
    target = make_target(task, value="10")
    lead = make_responsibility(task, units["fgw"], role="lead")
    co = make_responsibility(task, units["czj"], role="co")
    period = make_periods(document)[1]
    return {"target": target, "lead": lead, "co": co, "period": period}


def test_a_co_unit_problem_climbs_unit_lead_leader_every_three_days(world, outsider):
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    assert problems_escalate_due(now=RAISED + timedelta(days=2, hours=23)) == []
    day3 = RAISED + timedelta(days=3, minutes=1)
    assert problems_escalate_due(now=day3) == [problem.pk]
    problem.refresh_from_db()
    assert problem.level == Problem.Level.LEAD
    assert problem.level_deadline == day3 + timedelta(days=3)
    day6 = day3 + timedelta(days=3, minutes=1)
    assert problems_escalate_due(now=day6) == [problem.pk]
    problem.refresh_from_db()
    assert problem.level == Problem.Level.LEADER
    # The top of the ladder: it stays there, past its limit, for the supervisor's list.
    assert problems_escalate_due(now=day6 + timedelta(days=10)) == []
    steps = list(problem.steps.values_list("action", "level"))
    assert steps == [("raise", "unit"), ("escalate", "lead"), ("escalate", "leader")]
    assert AuditEvent.objects.filter(action="problem.escalate").count() == 2


def test_a_lead_units_own_problem_skips_the_department_rung(world, reporter):
    problem = raise_problem(world["lead"], world["target"], world["period"], reporter)
    problems_escalate_due(now=RAISED + timedelta(days=4))
    problem.refresh_from_db()
    assert problem.level == Problem.Level.LEADER


def test_repeated_and_concurrent_sweeps_move_a_problem_once(world, outsider):
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    later = RAISED + timedelta(days=4)
    assert problem_escalate(problem_id=problem.pk, now=later)
    assert not problem_escalate(problem_id=problem.pk, now=later)
    assert ProblemStep.objects.filter(problem=problem, action="escalate").count() == 1


def test_resolution_needs_a_note_and_counts_in_time(world, outsider, reporter, units):
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    with pytest.raises(ProblemRefused, match="解决情况"):
        problem_resolve(problem=problem, actor=outsider, resolution="")
    resolved = problem_resolve(
        problem=problem,
        actor=reporter,
        resolution="已协调自然资源部门调剂指标",
        now=RAISED + timedelta(days=1),
    )
    assert resolved.resolved_in_time
    assert resolved.steps.last().action == "resolve"
    with pytest.raises(ProblemRefused, match="已办结"):
        problem_resolve(problem=resolved, actor=reporter, resolution="再次")
    assert problems_escalate_due(now=RAISED + timedelta(days=30)) == []


def test_a_late_resolution_is_not_in_time(world, outsider):
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    resolved = problem_resolve(
        problem=problem,
        actor=outsider,
        resolution="已解决",
        now=RAISED + timedelta(days=3, hours=1),
    )
    assert not resolved.resolved_in_time


def test_an_outsider_cannot_resolve(world, outsider, reporter, units):
    from tracker.models import Unit, User

    stranger_unit = Unit.objects.create(name="云江市审计局")
    stranger = User.objects.create_user("dan", password="x", role="reporter", unit=stranger_unit)
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    with pytest.raises(ProblemRefused, match="无权"):
        problem_resolve(problem=problem, actor=stranger, resolution="不是我的")
    problem.refresh_from_db()
    assert problem.resolved_at is None


def test_resubmitting_the_same_problem_text_does_not_raise_it_twice(world, outsider, supervisor):
    from tracker.services.report_review import report_return

    raise_problem(world["co"], world["target"], world["period"], outsider)
    report = world["co"].reports.get()
    returned = report_return(report=report, actor=supervisor, reason="补充材料")
    report_save(
        responsibility=world["co"],
        period=world["period"],
        actor=outsider,
        report_input=ReportInput(
            narrative="已补充", problems_text="用地指标不足", assessment="in_progress"
        ),
        expected_version=returned.version,
        submit=True,
        now=RAISED + timedelta(days=1),
    )
    assert Problem.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_once_on_postgresql(units, reporter, outsider):
    document = make_document()
    task = make_assignment(document, title="重点项目开工")
    target = make_target(task, value="10")
    make_responsibility(task, units["fgw"], role="lead")
    co = make_responsibility(task, units["czj"], role="co")
    period = make_periods(document)[1]
    problem = raise_problem(co, target, period, outsider)
    later = RAISED + timedelta(days=4)
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def sweep() -> None:
        barrier.wait()
        try:
            results.append(problem_escalate(problem_id=problem.pk, now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert ProblemStep.objects.filter(problem=problem, action="escalate").count() == 1


def test_who_may_resolve_depends_on_the_rung(world, outsider, reporter, supervisor):
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    problems_escalate_due(now=RAISED + timedelta(days=4))
    problem.refresh_from_db()
    assert problem.level == Problem.Level.LEAD
    with pytest.raises(ProblemRefused, match="无权"):
        problem_resolve(problem=problem, actor=outsider, resolution="自行处理")
    problems_escalate_due(now=RAISED + timedelta(days=8))
    problem.refresh_from_db()
    assert problem.level == Problem.Level.LEADER
    with pytest.raises(ProblemRefused, match="无权"):
        problem_resolve(problem=problem, actor=reporter, resolution="牵头单位处理")
    resolved = problem_resolve(problem=problem, actor=supervisor, resolution="分管领导协调解决")
    assert resolved.resolved_by == supervisor


# --- the leader in charge (分管领导) -----------------------------------------------------------


def test_the_top_rung_names_the_leader_in_charge_who_settles_it(
    world, outsider, reporter, supervisor, units
):
    leader = User.objects.create_user("wfz", role=User.Role.LEADER)
    of_the_unit = User.objects.create_user("lfz", role=User.Role.LEADER)
    of_the_city = User.objects.create_user("sz", role=User.Role.LEADER)
    LeaderScope.objects.create(leader=leader, assignment=world["co"].assignment)
    LeaderScope.objects.create(leader=of_the_unit, unit=world["co"].unit)
    LeaderScope.objects.create(leader=of_the_city, unit=units["city"])
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    problems_escalate_due(now=RAISED + timedelta(days=4))
    problems_escalate_due(now=RAISED + timedelta(days=8))
    problem.refresh_from_db()
    # The assignment's leader comes before the unit's (and the parent unit's).
    assert (problem.level, problem.leader) == (Problem.Level.LEADER, leader)
    step = problem.steps.get(level=Problem.Level.LEADER)
    assert "分管领导：wfz" in step.note
    # A leader who oversees neither the unit nor the task cannot settle it.
    with pytest.raises(ProblemRefused, match="无权"):
        problem_resolve(problem=problem, actor=of_the_city, resolution="市领导")
    resolved = problem_resolve(problem=problem, actor=leader, resolution="协调解决")
    assert resolved.resolved_by == leader


def test_without_a_leader_the_top_rung_stays_with_the_supervisors(world, outsider, supervisor):
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    problems_escalate_due(now=RAISED + timedelta(days=4))
    problems_escalate_due(now=RAISED + timedelta(days=8))
    problem.refresh_from_db()
    assert problem.level == Problem.Level.LEADER and problem.leader is None
    assert "由督查人员跟进" in problem.steps.get(level=Problem.Level.LEADER).note
