"""Amending a published document (supervisors and administrators; everyone else gets 404): add
or remove a task, a unit's responsibility or a target, change a deadline, each with a reason.
The document's page lists the amendments; reports already made stay readable."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tracker.forms.amendments import (
    AssignmentAddForm,
    DeadlineForm,
    ReasonForm,
    ResponsibilityAddForm,
    TargetAddForm,
)
from tracker.forms.documents import TargetForm
from tracker.http import parse_int
from tracker.models import Assignment, Document, DocumentAmendment, Responsibility, Target, User
from tracker.selectors.amendments import (
    amendable_assignments,
    amendment_change_text,
    document_amendments,
    removed_assignments,
    removed_rows,
)
from tracker.services.amendments import (
    AmendmentRefused,
    amendment_assignment_add,
    amendment_assignment_remove,
    amendment_deadline_change,
    amendment_responsibility_add,
    amendment_responsibility_remove,
    amendment_target_add,
    amendment_target_remove,
)
from tracker.views.common import document_for_reviewer, supervisor_required


def _published(request: HttpRequest, pk: int) -> tuple[User, Document]:
    user, document = document_for_reviewer(request, pk)
    if document.status != Document.Status.PUBLISHED:
        raise Http404
    return user, document


def _done(request: HttpRequest, amendment: DocumentAmendment) -> None:
    messages.success(
        request,
        _("已完成第%(n)s次修订：%(change)s。已通知相关单位。")
        % {"n": amendment.number, "change": amendment_change_text(amendment)},
    )


def _refused(form: Any, exc: AmendmentRefused) -> None:
    placed = False
    for name, message in exc.errors.items():
        if name in form.fields and message:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """The document's tasks with their amend links, a new task, and the amendments so far."""
    user, document = _published(request, pk)
    form = AssignmentAddForm(request.POST or None, prefix="new")
    target_form = TargetForm(request.POST or None, prefix="newt")
    if request.method == "POST" and form.is_valid():
        wants_target = bool((request.POST.get("newt-indicator") or "").strip())
        if not wants_target or target_form.is_valid():
            data = form.cleaned_data
            try:
                amendment = amendment_assignment_add(
                    document=document,
                    actor=user,
                    reason=data["reason"],
                    title=data["title"],
                    ref=data["ref"],
                    text=data["text"],
                    deadline=data["deadline"],
                    lead_units=list(data["lead_units"]),
                    co_units=list(data["co_units"]),
                    targets=[target_form.values()] if wants_target else [],
                )
            except AmendmentRefused as exc:
                _refused(form, exc)
            else:
                _done(request, amendment)
                return redirect(reverse("document-amend", args=[document.pk]) + "#amendments")
    return render(
        request,
        "tracker/amendments/document.html",
        {
            "document": document,
            "assignments": amendable_assignments(document),
            "removed": removed_assignments(document),
            "amendments": document_amendments(document),
            "form": form,
            "target_form": target_form,
        },
        status=400 if request.method == "POST" else 200,
    )


# The forms of one task's page, by the action that posts them.
_FORMS: dict[str, Any] = {
    "deadline": DeadlineForm,
    "add_unit": ResponsibilityAddForm,
    "remove_unit": ReasonForm,
    "add_target": TargetAddForm,
    "remove_target": ReasonForm,
    "remove_task": ReasonForm,
}


@supervisor_required
@require_http_methods(["GET", "POST"])
def assignment_amend(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    user, document = _published(request, pk)
    assignment = get_object_or_404(amendable_assignments(document), pk=assignment_pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in _FORMS:
        raise Http404
    forms = {
        "deadline": DeadlineForm(initial={"deadline": assignment.deadline}, prefix="deadline"),
        "add_unit": ResponsibilityAddForm(prefix="add_unit"),
        "add_target": TargetAddForm(prefix="add_target"),
        "remove_task": ReasonForm(prefix="remove_task"),
    }
    row_error, open_action, open_id = "", "", 0
    if request.method == "POST":
        row = request.POST.get("row", "")
        per_row = action in ("remove_unit", "remove_target")
        prefix = f"{action}-{row}" if per_row else action
        bound = _FORMS[action](request.POST, prefix=prefix)
        if per_row:
            open_action, open_id = action, parse_int(row) or 0
        else:
            forms[action] = bound
        if bound.is_valid():
            try:
                amendment = _apply(action, bound.cleaned_data, assignment, row, user)
            except AmendmentRefused as exc:
                _refused(bound, exc)
            else:
                _done(request, amendment)
                if action == "remove_task":
                    return redirect(reverse("document-amend", args=[document.pk]) + "#amendments")
                return redirect("assignment-amend", pk=document.pk, assignment_pk=assignment.pk)
        if per_row:
            # The row's small form shows no fields of its own: its errors go above the page.
            row_error = " ".join(str(e) for errors in bound.errors.values() for e in errors)
    aside_units, aside_targets = removed_rows(assignment)
    return render(
        request,
        "tracker/amendments/assignment.html",
        {
            "document": document,
            "assignment": assignment,
            "forms": forms,
            "row_error": row_error,
            "open_action": open_action,
            "open_id": open_id,
            "aside_units": aside_units,
            "aside_targets": aside_targets,
            "amendments": document_amendments(document, assignment=assignment),
        },
        status=400 if request.method == "POST" else 200,
    )


def _apply(
    action: str, data: dict[str, Any], assignment: Assignment, row: str, user: User
) -> DocumentAmendment:
    reason = data["reason"]
    if action == "deadline":
        return amendment_deadline_change(
            assignment=assignment, deadline=data["deadline"], actor=user, reason=reason
        )
    if action == "add_unit":
        return amendment_responsibility_add(
            assignment=assignment, unit=data["unit"], role=data["role"], actor=user, reason=reason
        )
    if action == "remove_unit":
        responsibility = get_object_or_404(Responsibility, pk=_int(row), assignment=assignment)
        return amendment_responsibility_remove(
            responsibility=responsibility, actor=user, reason=reason
        )
    if action == "add_target":
        values = {k: data[k] for k in TargetAddForm.base_fields if k not in ("id", "reason")}
        return amendment_target_add(assignment=assignment, values=values, actor=user, reason=reason)
    if action == "remove_target":
        target = get_object_or_404(Target, pk=_int(row), assignment=assignment)
        return amendment_target_remove(target=target, actor=user, reason=reason)
    return amendment_assignment_remove(assignment=assignment, actor=user, reason=reason)


def _int(text: str) -> int:
    number = parse_int(text)
    if number is None:
        raise Http404
    return number


urlpatterns = [
    path("documents/<int:pk>/amend/", document_amend, name="document-amend"),
    path(
        "documents/<int:pk>/assignments/<int:assignment_pk>/amend/",
        assignment_amend,
        name="assignment-amend",
    ),
]
