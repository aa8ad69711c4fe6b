"""Who may see what. Every page and API endpoint fetches through these helpers, so scoping lives
in one place (DESIGN §5):

- a supervisor or administrator sees everything;
- a reporter sees its own unit's responsibilities and reports, and, for the assignments its unit
  leads, its co-units' responsibilities and reports too;
- problems follow the reports they were raised in; supervision actions are seen by the unit they
  name;
- anything else does not exist for them: the fetch helpers raise Http404, never 403, so an outsider
  learns nothing about another unit's work.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tracker.models import (
    Document,
    Evidence,
    Problem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    User,
)

AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=models.Model)


def _is_supervisor(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_supervisor


def can_supervise(user: AnyUser) -> bool:
    """Supervisors and administrators: review, lock, reopen, record 督办, publish analyses."""
    return _is_supervisor(user)


def _unit_id(user: AnyUser) -> int | None:
    if isinstance(user, User) and user.is_active and user.unit_id is not None:
        return user.unit_id
    return None


def _led_by(unit_id: int, assignment_ref: str = "assignment") -> Exists:
    """True for rows whose assignment the unit leads."""
    return Exists(
        Responsibility.objects.filter(
            assignment=OuterRef(assignment_ref), unit_id=unit_id, role=Responsibility.Role.LEAD
        )
    )


def visible_responsibilities(user: AnyUser) -> QuerySet[Responsibility]:
    queryset = Responsibility.objects.all()
    if _is_supervisor(user):
        return queryset
    unit_id = _unit_id(user)
    if unit_id is None:
        return queryset.none()
    return queryset.filter(Q(unit_id=unit_id) | Q(_led_by(unit_id)))


def visible_reports(user: AnyUser) -> QuerySet[ProgressReport]:
    queryset = ProgressReport.objects.all()
    if _is_supervisor(user):
        return queryset
    unit_id = _unit_id(user)
    if unit_id is None:
        return queryset.none()
    return queryset.filter(
        Q(responsibility__unit_id=unit_id) | Q(_led_by(unit_id, "responsibility__assignment"))
    )


def visible_documents(user: AnyUser) -> QuerySet[Document]:
    if _is_supervisor(user):
        return Document.objects.all()
    unit_id = _unit_id(user)
    if unit_id is None:
        return Document.objects.none()
    # Reporters see only published documents in which their unit holds a responsibility.
    return Document.objects.filter(
        Exists(Responsibility.objects.filter(assignment__document=OuterRef("pk"), unit_id=unit_id)),
        status=Document.Status.PUBLISHED,
    )


def visible_periods(user: AnyUser) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(document__in=visible_documents(user))


def visible_problems(user: AnyUser) -> QuerySet[Problem]:
    """A problem is seen by whoever sees the report it was raised in."""
    if _is_supervisor(user):
        return Problem.objects.all()
    unit_id = _unit_id(user)
    if unit_id is None:
        return Problem.objects.none()
    return Problem.objects.filter(
        Q(report__responsibility__unit_id=unit_id)
        | Q(_led_by(unit_id, "report__responsibility__assignment"))
    )


def visible_actions(user: AnyUser) -> QuerySet[SupervisionAction]:
    """督办/通报 are addressed to a unit: it sees its own, supervisors see all."""
    if _is_supervisor(user):
        return SupervisionAction.objects.all()
    unit_id = _unit_id(user)
    if unit_id is None:
        return SupervisionAction.objects.none()
    return SupervisionAction.objects.filter(unit_id=unit_id)


def leads(user: AnyUser, assignment_id: int) -> bool:
    unit_id = _unit_id(user)
    return (
        unit_id is not None
        and Responsibility.objects.filter(
            assignment_id=assignment_id, unit_id=unit_id, role=Responsibility.Role.LEAD
        ).exists()
    )


def can_edit_report(user: AnyUser, responsibility: Responsibility) -> bool:
    """Only the responsible unit's own people write its report (a lead unit reads, not writes)."""
    return _unit_id(user) == responsibility.unit_id


def can_review_report(user: AnyUser, report: ProgressReport) -> bool:
    """Supervisors review every report; a lead unit reviews (returns) its co-units' input."""
    if _is_supervisor(user):
        return True
    responsibility = report.responsibility
    return responsibility.role == Responsibility.Role.CO and leads(
        user, responsibility.assignment_id
    )


def can_approve_report(user: AnyUser) -> bool:
    """Approval (审核通过) is the supervisor's; lead units can only return co-units' input."""
    return _is_supervisor(user)


def can_resolve_problem(user: AnyUser, problem: Problem) -> bool:
    """Who may close a problem depends on the rung it has reached: the raising unit while it is
    still at the unit, the assignment's lead unit up to the department rung, supervisors always
    (a problem before the leader in charge is theirs to settle)."""
    if _is_supervisor(user):
        return True
    unit_id = _unit_id(user)
    if unit_id is None or problem.level == Problem.Level.LEADER:
        return False
    responsibility = problem.report.responsibility
    if leads(user, responsibility.assignment_id):
        return True
    return unit_id == responsibility.unit_id and problem.level == Problem.Level.UNIT


def can_import_documents(user: AnyUser) -> bool:
    return _is_supervisor(user)


def responsibility_for_user(user: AnyUser, pk: int) -> Responsibility:
    return _get_or_404(
        visible_responsibilities(user).select_related("unit", "assignment__document"), pk
    )


def report_for_user(user: AnyUser, pk: int) -> ProgressReport:
    return _get_or_404(
        visible_reports(user).select_related(
            "responsibility__unit", "responsibility__assignment__document", "period"
        ),
        pk,
    )


def document_for_user(user: AnyUser, pk: int) -> Document:
    return _get_or_404(visible_documents(user), pk)


def period_for_user(user: AnyUser, pk: int) -> ReportingPeriod:
    return _get_or_404(visible_periods(user).select_related("document"), pk)


def problem_for_user(user: AnyUser, pk: int) -> Problem:
    return _get_or_404(
        visible_problems(user).select_related(
            "unit", "report__responsibility__assignment", "report__period"
        ),
        pk,
    )


def action_for_user(user: AnyUser, pk: int) -> SupervisionAction:
    return _get_or_404(visible_actions(user).select_related("unit", "period"), pk)


def evidence_for_user(user: AnyUser, pk: int) -> Evidence:
    return _get_or_404(
        Evidence.objects.filter(report__in=visible_reports(user)).select_related("report"), pk
    )


def _get_or_404(queryset: QuerySet[_M], pk: int) -> _M:
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
