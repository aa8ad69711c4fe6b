"""Who may see what. Every page and API endpoint fetches through these helpers, so scoping lives
in one place (DESIGN §5):

- a supervisor or administrator sees everything;
- a reporter sees its own unit's responsibilities and reports, and, for the assignments its unit
  leads, its co-units' responsibilities and reports too;
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

from tracker.models import Document, ProgressReport, Responsibility, User

AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=models.Model)


def _is_supervisor(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_supervisor


def _unit_id(user: AnyUser) -> int | None:
    if isinstance(user, User) and user.is_active and user.unit_id is not None:
        return user.unit_id
    return None


def _led_by(unit_id: int) -> Exists:
    """True for rows whose assignment the unit leads."""
    return Exists(
        Responsibility.objects.filter(
            assignment=OuterRef("assignment"), unit_id=unit_id, role=Responsibility.Role.LEAD
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
    return queryset.filter(responsibility__in=visible_responsibilities(user))


def visible_documents(user: AnyUser) -> QuerySet[Document]:
    if _is_supervisor(user):
        return Document.objects.all()
    unit_id = _unit_id(user)
    if unit_id is None:
        return Document.objects.none()
    # Reporters see only published documents in which their unit holds a responsibility.
    return Document.objects.filter(
        status=Document.Status.PUBLISHED,
        assignments__responsibilities__unit_id=unit_id,
    ).distinct()


def can_edit_report(user: AnyUser, responsibility: Responsibility) -> bool:
    """Only the responsible unit's own people write its report (a lead unit reads, not writes)."""
    return _unit_id(user) == responsibility.unit_id


def can_import_documents(user: AnyUser) -> bool:
    return _is_supervisor(user)


def responsibility_for_user(user: AnyUser, pk: int) -> Responsibility:
    return _get_or_404(visible_responsibilities(user).select_related("unit", "assignment"), pk)


def report_for_user(user: AnyUser, pk: int) -> ProgressReport:
    return _get_or_404(visible_reports(user).select_related("responsibility__unit", "period"), pk)


def document_for_user(user: AnyUser, pk: int) -> Document:
    return _get_or_404(visible_documents(user), pk)


def _get_or_404(queryset: QuerySet[_M], pk: int) -> _M:
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
