"""A draft's reporting rules on the review page (the 报送规则 section: each rule with the sentence
it came from, its calendar for the year, the assignments on a rule of their own), and the
publish page's first period to report.

The section edits in place with htmx: every POST returns the whole section again (its calendars
follow the rule just saved), with the error or the confirmation where the reviewer is. Without
JavaScript each URL is a page that redirects back to the review.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.forms.schedules import AssignmentSchedulesForm, FirstPeriodForm, ScheduleForm
from tracker.http import is_htmx
from tracker.models import Document, ReportingSchedule
from tracker.selectors.documents import document_publish_preview
from tracker.selectors.schedules import (
    default_schedule,
    first_period_choices,
    review_schedules,
    schedule_plans,
)
from tracker.services.document_drafts import DraftRefused, StaleDraft
from tracker.services.schedules import (
    draft_schedule_assignments_set,
    draft_schedule_create,
    draft_schedule_delete,
    draft_schedule_make_default,
    draft_schedule_update,
)
from tracker.views.common import document_for_reviewer, supervisor_required, today


def schedules_context(document: Document) -> dict[str, Any]:
    """What the review page's 报送规则 section needs (the review view adds it to its own)."""
    return {"schedules": review_schedules(document)}


def _section(
    request: HttpRequest,
    document: Document,
    *,
    editing: int | str | None = None,
    form: ScheduleForm | None = None,
    error: str = "",
    saved: str = "",
) -> HttpResponse:
    """The section (htmx), or, without JavaScript, the review page with a message."""
    if not is_htmx(request) and editing is None:
        if error:
            messages.error(request, error)
        elif saved:
            messages.success(request, saved)
        return redirect(reverse("document-review", args=[document.pk]) + "#schedules")
    context = {
        "document": document,
        **schedules_context(document),
        "editing": editing,
        "schedule_form": form,
        "error": error,
        "saved": saved,
        "publishing": document.publish_requested_at is not None,
    }
    template = (
        "tracker/documents/_schedules.html"
        if is_htmx(request)
        else "tracker/documents/schedule_edit.html"
    )
    return render(request, template, context)


def _schedule(document: Document, schedule_pk: int) -> ReportingSchedule:
    return get_object_or_404(ReportingSchedule, pk=schedule_pk, document=document)


@supervisor_required
def schedules_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The section as it stands (what a form's "取消" swaps back in)."""
    _user, document = document_for_reviewer(request, pk)
    return _section(request, document)


@supervisor_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    schedule = ReportingSchedule.objects.filter(pk=schedule_pk, document=document).first()
    if schedule is None:
        return _section(request, document, error=_("该报送规则已被他人删除，未作更改。"))
    prefix = f"s{schedule.pk}"
    if request.method == "GET":
        form = ScheduleForm(initial=ScheduleForm.initial_for(schedule), prefix=prefix)
        return _section(request, document, editing=schedule.pk, form=form)
    form = ScheduleForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _section(request, document, editing=schedule.pk, form=form)
    try:
        draft_schedule_update(
            schedule=schedule,
            actor=user,
            values=form.values(),
            seen=form.cleaned_data["seen"] or None,
        )
    except StaleDraft as exc:
        # The conflict is shown; saving again now deliberately overwrites the other edit.
        data = request.POST.copy()
        schedule.refresh_from_db()
        data[f"{prefix}-seen"] = ScheduleForm.initial_for(schedule)["seen"]
        form = ScheduleForm(data, prefix=prefix)
        form.is_valid()
        return _section(request, document, editing=schedule.pk, form=form, error=exc.message)
    except DraftRefused as exc:
        return _section(request, document, editing=schedule.pk, form=form, error=exc.message)
    return _section(request, document, saved=_("报送规则已保存，下方日程已按新规则计算。"))


@supervisor_required
@require_http_methods(["GET", "POST"])
def schedule_new(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    if request.method == "GET":
        form = ScheduleForm(initial=ScheduleForm.initial_for(None), prefix="new")
        return _section(request, document, editing="new", form=form)
    form = ScheduleForm(request.POST, prefix="new")
    if not form.is_valid():
        return _section(request, document, editing="new", form=form)
    try:
        draft_schedule_create(document=document, actor=user, values=form.values())
    except DraftRefused as exc:
        return _section(request, document, editing="new", form=form, error=exc.message)
    return _section(request, document, saved=_("已添加报送规则；可在下方选择适用此规则的任务。"))


@supervisor_required
@require_POST
def schedule_make_default(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    try:
        draft_schedule_make_default(schedule=_schedule(document, schedule_pk), actor=user)
    except DraftRefused as exc:
        return _section(request, document, error=exc.message)
    return _section(request, document, saved=_("已设为文件的报送规则。"))


@supervisor_required
@require_POST
def schedule_delete(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    schedule = ReportingSchedule.objects.filter(pk=schedule_pk, document=document).first()
    if schedule is None:
        return _section(request, document, saved=_("该报送规则已删除。"))
    try:
        draft_schedule_delete(schedule=schedule, actor=user)
    except DraftRefused as exc:
        return _section(request, document, error=exc.message)
    return _section(request, document, saved=_("已删除报送规则，相关任务改按文件规则报送。"))


@supervisor_required
@require_POST
def schedule_assignments(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    schedule = _schedule(document, schedule_pk)
    choices = review_schedules(document).choices
    form = AssignmentSchedulesForm(request.POST, choices=choices, prefix=f"as{schedule.pk}")
    if not form.is_valid():
        return _section(request, document, error=_("所选任务已被删除或不属于此文件，未作更改。"))
    try:
        changed = draft_schedule_assignments_set(
            schedule=schedule, assignment_ids=form.chosen(), actor=user
        )
    except DraftRefused as exc:
        return _section(request, document, error=exc.message)
    return _section(
        request,
        document,
        saved=_("已更新 %(count)d 项任务的报送规则。") % {"count": changed},
    )


# --- the publish page ---------------------------------------------------------------------------


def publish_schedule(request: HttpRequest, document: Document) -> dict[str, Any]:
    """The publish page's first period to report: the form (the current reporting period by
    default, or what `?first_period=` or the posted form asks for), what publishing from it
    creates per schedule, and what a POST publishes from (`publish_from`)."""
    # Every document has its default schedule (the importer and the migration make it); an
    # unsaved one stands in rather than writing on a GET.
    schedule = default_schedule(document) or ReportingSchedule(document=document, is_default=True)
    day = today()
    choices, default = first_period_choices(document, schedule, today=day)
    data = request.POST if request.method == "POST" else request.GET
    form = FirstPeriodForm(
        data if "first_period" in data else None,
        choices=choices,
        initial={"first_period": default.isoformat() if default else ""},
    )
    chosen: date | None = default
    error = ""
    if form.is_bound:
        if form.is_valid():
            chosen = form.first_day()
        else:
            error = _("所选的首个报送期无效，请重新选择。")
    plans = schedule_plans(document, reporting_from=chosen, today=day)
    return {
        "first_period_form": form,
        "first_period_error": error,
        # What a POST publishes from: the page always sends its choice; a request without one
        # (a script) publishes every period of the year, as before the choice existed.
        "publish_from": chosen if form.is_bound else None,
        "first_period_choices": choices,
        "reporting_from": chosen,
        "schedule_plans": plans,
        "periods_to_create": sum(len(plan.periods) for plan in plans),
        "past_due": [p for plan in plans for p in plan.past_due],
    }


@supervisor_required
def publish_preview_periods(request: HttpRequest, pk: int) -> HttpResponse:
    """The publish page's periods block for another first period (htmx, as the choice
    changes); without JavaScript, the publish page with that choice."""
    _user, document = document_for_reviewer(request, pk)
    if not is_htmx(request):
        query = request.GET.urlencode()
        return redirect(reverse("document-publish", args=[document.pk]) + f"?{query}")
    return render(
        request,
        "tracker/documents/_publish_periods.html",
        {
            "document": document,
            "preview": document_publish_preview(document),
            **publish_schedule(request, document),
        },
    )


urlpatterns = [
    path("documents/<int:pk>/schedules/", schedules_section, name="document-schedules"),
    path("documents/<int:pk>/schedules/new/", schedule_new, name="document-schedule-new"),
    path(
        "documents/<int:pk>/schedules/<int:schedule_pk>/edit/",
        schedule_edit,
        name="document-schedule-edit",
    ),
    path(
        "documents/<int:pk>/schedules/<int:schedule_pk>/default/",
        schedule_make_default,
        name="document-schedule-default",
    ),
    path(
        "documents/<int:pk>/schedules/<int:schedule_pk>/delete/",
        schedule_delete,
        name="document-schedule-delete",
    ),
    path(
        "documents/<int:pk>/schedules/<int:schedule_pk>/assignments/",
        schedule_assignments,
        name="document-schedule-assignments",
    ),
    path(
        "documents/<int:pk>/publish/periods/",
        publish_preview_periods,
        name="document-publish-periods",
    ),
]
