"""Problems raised in reports and the escalation ladder (限时3日内办结，逐级上报).

A problem starts at the unit that raised it with a time limit of TRACKER_ESCALATION_DAYS; left
unresolved it moves to the assignment's lead department, then to the leader in charge, each rung
with a new limit counted from the moment it arrives there. A problem raised by the lead
department itself skips the rung it already stands on. The top rung is addressed to the leader
in charge of the assignment or the raising unit (tracker.selectors.people.leaders_for), named on
the problem; where none is set it stays with the supervisors, as before leaders existed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_resolve_problem
from tracker.models import Problem, ProblemStep, ProgressReport, Responsibility, User
from tracker.selectors.people import leaders_for
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.summaries import problem_changed

_LADDER = (Problem.Level.UNIT, Problem.Level.LEAD, Problem.Level.LEADER)


class ProblemRefused(Refused):
    """The problem cannot be resolved (no note, not the actor's, already closed)."""


def _limit() -> timedelta:
    return timedelta(days=settings.TRACKER_ESCALATION_DAYS)


def problem_raise(
    *, report: ProgressReport, description: str, actor: User | None, now: datetime
) -> Problem | None:
    """Open a problem for a submitted report; None when the same text is already open for it
    (a resubmission repeats its 存在问题 without raising it twice)."""
    description = description.strip()
    if not description:
        return None
    if report.problems.filter(description=description, resolved_at__isnull=True).exists():
        return None
    problem = Problem.objects.create(
        report=report,
        unit_id=report.responsibility.unit_id,
        description=description,
        level=Problem.Level.UNIT,
        raised_at=now,
        level_deadline=now + _limit(),
    )
    ProblemStep.objects.create(
        problem=problem,
        action=ProblemStep.Action.RAISE,
        level=problem.level,
        at=now,
        deadline=problem.level_deadline,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="problem.raise",
        obj=problem,
        after={"level": problem.level, "deadline": problem.level_deadline},
    )
    return problem


def next_level(problem: Problem) -> str | None:
    """The rung above the problem's current one, or None at the top of the ladder."""
    index = _LADDER.index(Problem.Level(problem.level))
    if index + 1 >= len(_LADDER):
        return None
    following = _LADDER[index + 1]
    if following == Problem.Level.LEAD and problem.report.responsibility.role == (
        Responsibility.Role.LEAD
    ):
        # The lead department raised it: it is already the department level.
        return Problem.Level.LEADER
    return following


def problems_due_for_escalation(now: datetime) -> list[int]:
    """Ids of open problems past their level's limit that still have a rung to climb."""
    return list(
        Problem.objects.filter(resolved_at__isnull=True, level_deadline__lt=now)
        .exclude(level=Problem.Level.LEADER)
        .order_by("level_deadline", "pk")
        .values_list("pk", flat=True)
    )


def problem_escalate(*, problem_id: int, now: datetime) -> bool:
    """Move one overdue problem up a rung; False when there was nothing to do (already moved by
    another worker, resolved meanwhile, or not yet due). Safe to repeat and to run concurrently:
    the move is an UPDATE conditional on the rung it read, so of two sweeps only one moves it
    (and the step's unique key would refuse a second record of the same rung)."""
    with transaction.atomic():
        problem = (
            Problem.objects.select_related("report__responsibility__assignment", "unit")
            .filter(pk=problem_id, resolved_at__isnull=True, level_deadline__lt=now)
            .first()
        )
        if problem is None:
            return False
        target = next_level(problem)
        if target is None:
            return False
        deadline = now + _limit()
        leader: User | None = None
        note = _("超过%(days)s日未办结，自动上报。") % {"days": settings.TRACKER_ESCALATION_DAYS}
        if target == Problem.Level.LEADER:
            responsibility = problem.report.responsibility
            leaders = leaders_for(unit=problem.unit, assignment=responsibility.assignment)
            leader = leaders[0] if leaders else None
            note += (
                _("分管领导：%(names)s。") % {"names": "、".join(str(p) for p in leaders)}
                if leaders
                else _("未设分管领导，由督查人员跟进。")
            )
        moved = Problem.objects.filter(
            pk=problem.pk, level=problem.level, resolved_at__isnull=True
        ).update(level=target, level_deadline=deadline, leader=leader)
        if not moved:
            return False
        # An UPDATE sends no post_save: the level moved changes the quarter's problem rates.
        problem_changed(problem)
        ProblemStep.objects.create(
            problem=problem,
            action=ProblemStep.Action.ESCALATE,
            level=target,
            at=now,
            deadline=deadline,
            note=note,
        )
        audit_record(
            actor=None,
            action="problem.escalate",
            obj=problem,
            before={"level": problem.level, "deadline": problem.level_deadline},
            after={
                "level": target,
                "deadline": deadline,
                "leader": leader.pk if leader else None,
            },
        )
    return True


def problems_escalate_due(*, now: datetime | None = None) -> list[int]:
    """Escalate every problem past its limit; the ids of those moved."""
    now = now or timezone.now()
    return [
        pk for pk in problems_due_for_escalation(now) if problem_escalate(problem_id=pk, now=now)
    ]


def problem_resolve(
    *, problem: Problem, actor: User, resolution: str, now: datetime | None = None
) -> Problem:
    resolution = resolution.strip()
    if not resolution:
        raise ProblemRefused(_("请填写问题的解决情况。"))
    if not can_resolve_problem(actor, problem):
        raise ProblemRefused(_("您无权办结此问题。"))
    now = now or timezone.now()
    with transaction.atomic():
        problem = Problem.objects.select_for_update().get(pk=problem.pk)
        if problem.resolved_at is not None:
            raise ProblemRefused(_("该问题已办结。"))
        problem.resolved_at = now
        problem.resolved_by = actor
        problem.resolution = resolution
        # In time means settled within the first rung's limit, before anyone had to escalate.
        problem.resolved_in_time = now <= problem.raised_at + _limit()
        problem.save(update_fields=["resolved_at", "resolved_by", "resolution", "resolved_in_time"])
        ProblemStep.objects.create(
            problem=problem,
            action=ProblemStep.Action.RESOLVE,
            level=problem.level,
            at=now,
            actor=actor,
            note=resolution,
        )
        audit_record(
            actor=actor,
            action="problem.resolve",
            obj=problem,
            before={"level": problem.level, "resolved_at": None},
            after={"resolved_at": now, "in_time": problem.resolved_in_time},
        )
    return problem
