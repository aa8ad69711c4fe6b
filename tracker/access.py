"""Who may see what. Every page and API endpoint fetches through these helpers, so scoping lives
in one place (DESIGN §5):

- a supervisor or administrator sees everything;
- a reporter sees its own unit's responsibilities and reports, and, for the assignments its unit
  leads, its co-units' responsibilities and reports too;
- problems follow the reports they were raised in; supervision actions are seen by the unit they
  name;
- a leader in charge (分管领导) reads the work of the units and assignments in their LeaderScope,
  and the problems addressed to them, and writes no report;
- anything else does not exist for them: the fetch helpers raise Http404, never 403, so an outsider
  learns nothing about another unit's work.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tracker.models import (
    ApiToken,
    Assignment,
    Document,
    Evidence,
    ExportJob,
    LeaderScope,
    Problem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    SlotSummary,
    SupervisionAction,
    Unit,
    User,
)

AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=models.Model)
# Rows with a unit_id and an assignment: responsibilities and the summary rows copied from them.
_Row = TypeVar("_Row", Responsibility, SlotSummary)


def _is_supervisor(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_supervisor


def can_supervise(user: AnyUser) -> bool:
    """Supervisors and administrators: review, lock, reopen, record 督办, publish analyses."""
    return _is_supervisor(user)


def can_upload_statistics(user: AnyUser) -> bool:
    """统计局's figures (issue 13): supervisors, and the reporters of a statistics bureau."""
    if _is_supervisor(user):
        return True
    return (
        isinstance(user, User)
        and user.is_active
        and user.role in (User.Role.REPORTER, User.Role.REVIEWER)
        and user.unit is not None
        and "统计" in user.unit.name
    )


def can_manage_units(user: AnyUser) -> bool:
    """Units, groups, people and rosters are kept by supervisors and administrators."""
    return _is_supervisor(user)


def can_grant_role(user: AnyUser, role: str) -> bool:
    """Whether `user` may give (or take away, or change the account of someone holding) `role`:
    supervisors keep the units' people and leaders; supervisor and administrator accounts are the
    administrators' alone, so no supervisor can raise an account to their own rank or above."""
    if not _is_supervisor(user):
        return False
    if role in (User.Role.SUPERVISOR, User.Role.ADMINISTRATOR):
        return isinstance(user, User) and user.is_administrator
    return True


def can_manage_api_tokens(user: AnyUser, person: User) -> bool:
    """Whether `user` may see and revoke `person`'s API tokens: their own, and, for supervisors
    and administrators, those of everyone whose account they keep (can_grant_role, as on the
    people pages)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.pk == person.pk or can_grant_role(user, person.role)


def _unit_id(user: AnyUser) -> int | None:
    """The unit a person acts for. A leader in charge may belong to a unit (the government
    office) but acts for none: what they see is their LeaderScope."""
    if (
        isinstance(user, User)
        and user.is_active
        and user.unit_id is not None
        and user.role != User.Role.LEADER
    ):
        return user.unit_id
    return None


def _leader_id(user: AnyUser) -> int | None:
    if isinstance(user, User) and user.is_leader:
        return user.pk
    return None


def _overseen(leader_id: int, prefix: str = "") -> Q:
    """Rows (reached through `prefix`, e.g. "responsibility__") whose unit or assignment the
    leader oversees."""
    scopes = LeaderScope.objects.filter(leader_id=leader_id)
    return Q(**{f"{prefix}unit_id__in": scopes.filter(unit__isnull=False).values("unit_id")}) | Q(
        **{
            f"{prefix}assignment_id__in": scopes.filter(assignment__isnull=False).values(
                "assignment_id"
            )
        }
    )


def _led_by(unit_id: int, assignment_ref: str = "assignment") -> Exists:
    """True for rows whose assignment the unit leads."""
    return Exists(
        Responsibility.objects.filter(
            assignment=OuterRef(assignment_ref), unit_id=unit_id, role=Responsibility.Role.LEAD
        )
    )


def _by_unit_and_assignment(user: AnyUser, queryset: QuerySet[_Row]) -> QuerySet[_Row]:
    """Rows carrying a unit and an assignment (responsibilities, the dashboard's summary rows)
    that `user` sees: all for supervisors, what a leader oversees, a unit's own and those of the
    assignments it leads."""
    if _is_supervisor(user):
        return queryset
    leader_id = _leader_id(user)
    if leader_id is not None:
        return queryset.filter(_overseen(leader_id))
    unit_id = _unit_id(user)
    if unit_id is None:
        return queryset.none()
    return queryset.filter(Q(unit_id=unit_id) | Q(_led_by(unit_id)))


def visible_responsibilities(user: AnyUser) -> QuerySet[Responsibility]:
    return _by_unit_and_assignment(user, Responsibility.objects.all())


def visible_slot_summaries(user: AnyUser) -> QuerySet[SlotSummary]:
    """The dashboard's summary rows of the responsibilities `user` sees (the same rule as
    visible_responsibilities, on the unit and assignment copied into each row)."""
    return _by_unit_and_assignment(user, SlotSummary.objects.all())


def led_assignments_for_user(user: AnyUser) -> QuerySet[Assignment]:
    """The assignments of published documents whose lead the user's unit is now (a lead
    responsibility removed by an amendment no longer counts: _led_by reads the current ones).
    Leaders and supervisors lead nothing themselves."""
    if not isinstance(user, User) or user.unit_id is None or user.is_leader:
        return Assignment.objects.none()
    return Assignment.objects.filter(
        _led_by(user.unit_id, "pk"), document__status=Document.Status.PUBLISHED
    )


def visible_reports(user: AnyUser) -> QuerySet[ProgressReport]:
    queryset = ProgressReport.objects.all()
    if _is_supervisor(user):
        return queryset
    leader_id = _leader_id(user)
    if leader_id is not None:
        return queryset.filter(_overseen(leader_id, "responsibility__"))
    unit_id = _unit_id(user)
    if unit_id is None:
        return queryset.none()
    return queryset.filter(
        Q(responsibility__unit_id=unit_id) | Q(_led_by(unit_id, "responsibility__assignment"))
    )


def filterable_units(user: AnyUser) -> QuerySet[Unit]:
    """The active units a person may filter a list by (the unit search): every unit for a
    supervisor; otherwise the units of the responsibilities they see (a reporter's own unit and,
    where it leads, its co-units; a leader's overseen units), so a name never leaks."""
    units = Unit.objects.filter(is_active=True, merged_into__isnull=True)
    if _is_supervisor(user):
        return units
    seen = Q(Exists(visible_responsibilities(user).filter(unit_id=OuterRef("pk"))))
    unit_id = _unit_id(user)
    return units.filter(seen | Q(pk=unit_id) if unit_id is not None else seen)


def visible_documents(user: AnyUser) -> QuerySet[Document]:
    if _is_supervisor(user):
        return Document.objects.all()
    leader_id = _leader_id(user)
    if leader_id is not None:
        return Document.objects.filter(
            Exists(
                Responsibility.objects.filter(assignment__document=OuterRef("pk")).filter(
                    _overseen(leader_id)
                )
            ),
            status=Document.Status.PUBLISHED,
        )
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
    leader_id = _leader_id(user)
    if leader_id is not None:
        return Problem.objects.filter(
            Q(leader_id=leader_id) | _overseen(leader_id, "report__responsibility__")
        )
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
    leader_id = _leader_id(user)
    if leader_id is not None:
        return SupervisionAction.objects.filter(
            unit_id__in=LeaderScope.objects.filter(leader_id=leader_id, unit__isnull=False).values(
                "unit_id"
            )
        )
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
    """Supervisors review every report; a lead unit reviews (returns) its co-units' input —
    through its 牵头审核员 when it has an active one, else through any of its people."""
    if _is_supervisor(user):
        return True
    responsibility = report.responsibility
    if responsibility.role != Responsibility.Role.CO or not leads(
        user, responsibility.assignment_id
    ):
        return False
    if isinstance(user, User) and user.role == User.Role.REVIEWER:
        return True
    return not User.objects.filter(
        unit_id=_unit_id(user) or 0, role=User.Role.REVIEWER, is_active=True
    ).exists()


def can_approve_report(user: AnyUser) -> bool:
    """Approval (审核通过) is the supervisor's; lead units can only return co-units' input."""
    return _is_supervisor(user)


def can_resolve_problem(user: AnyUser, problem: Problem) -> bool:
    """Who may close a problem depends on the rung it has reached: the raising unit while it is
    still at the unit, the assignment's lead unit up to the department rung, supervisors always
    (a problem before the leader in charge is theirs to settle)."""
    if _is_supervisor(user):
        return True
    leader_id = _leader_id(user)
    if leader_id is not None:
        # The leader settles what reached their rung: addressed to them, or in their scope.
        return problem.level == Problem.Level.LEADER and (
            problem.leader_id == leader_id or visible_problems(user).filter(pk=problem.pk).exists()
        )
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
    # The document without its text and extraction (hundreds of KB, read by the document's
    # own pages only): the 填报 page and every save and submission fetch it.
    return _get_or_404(
        visible_responsibilities(user)
        .select_related("unit", "assignment__document")
        .defer("assignment__document__source_text", "assignment__document__extraction"),
        pk,
    )


def removed_responsibility_for_user(user: AnyUser, pk: int) -> Responsibility | None:
    """The user's own unit's responsibility `pk` if an amendment (or a merge) set it aside since
    they opened it, so the page can say so rather than answer 404; None otherwise."""
    unit_id = _unit_id(user)
    if unit_id is None:
        return None
    return (
        Responsibility.all_objects.filter(pk=pk, unit_id=unit_id, removed_at__isnull=False)
        .select_related("assignment__document")
        .first()
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
    return _get_or_404(
        visible_periods(user)
        .select_related("document", "schedule")
        .defer("document__source_text", "document__extraction"),
        pk,
    )


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


def export_job_for_user(user: AnyUser, pk: UUID) -> ExportJob:
    """A person's own export jobs only: the file holds what they could read when they asked."""
    if not isinstance(user, User) or not user.is_active:
        raise Http404
    return _get_or_404(ExportJob.objects.filter(requested_by=user), pk)


def api_token_for_user(user: AnyUser, pk: int) -> ApiToken:
    """A token `user` may manage (can_manage_api_tokens); anyone else's is 404."""
    token = _get_or_404(ApiToken.objects.select_related("user", "revoked_by"), pk)
    if not can_manage_api_tokens(user, token.user):
        raise Http404
    return token


def api_token_owner_for_user(user: AnyUser, pk: int) -> User:
    """The person whose tokens a supervisor opens; 404 for anyone else, and for an account
    they do not keep."""
    person = _get_or_404(User.objects.select_related("unit"), pk)
    if not _is_supervisor(user) or not can_manage_api_tokens(user, person):
        raise Http404
    return person


def _get_or_404(queryset: QuerySet[_M], pk: object) -> _M:
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
