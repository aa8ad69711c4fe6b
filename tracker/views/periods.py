"""A period of a document for supervisors: its calendar and every unit's report status, the
lock (报送截止锁定) and its release, and reopening one unit's report after the lock."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access, selectors
from tracker.forms.periods import ReasonForm
from tracker.http import int_param
from tracker.models import Document, unit_order
from tracker.selectors import Scope
from tracker.selectors.reporting_periods import period_list
from tracker.selectors.schedules import schedule_text
from tracker.services.reporting_periods import (
    PeriodRefused,
    period_lock,
    period_reopen,
    period_unlock,
)
from tracker.views.common import current_user, paginate, supervisor_required, today


@supervisor_required
def period_index(request: HttpRequest) -> HttpResponse:
    """报送周期: every period of the published documents, latest due first, with its lock and
    what waits for review; each opens its own page (lock, reopen)."""
    user = current_user(request)
    document_id = int_param(request, "document")
    locked_param = request.GET.get("locked", "")
    locked = {"yes": True, "no": False}.get(locked_param)
    return render(
        request,
        "tracker/periods/list.html",
        {
            "page": paginate(request, period_list(user, document_id=document_id, locked=locked)),
            "documents": Document.objects.filter(status=Document.Status.PUBLISHED)
            .only("pk", "title", "year")
            .order_by("-year", "title"),
            "document_id": document_id,
            "locked": locked_param if locked is not None else "",
            "today": today(),
        },
    )


@supervisor_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One period of a document: its calendar, the lock, and every unit's report status with
    the reopen button once locked."""
    user = current_user(request)
    period = access.period_for_user(user, pk)
    day = today()
    scope = Scope.of(period)
    tally = selectors.scope_tally(user, scope, today=day)
    slots = (
        selectors.slots(user, scope, today=day)
        .select_related("unit", "assignment")
        .order_by(*unit_order("unit__"), "assignment__position")
    )
    return render(
        request,
        "tracker/periods/detail.html",
        {
            "period": period,
            "page": paginate(request, slots),
            "tally": tally,
            "missing": tally.expected - tally.submitted,
            "schedule_text": schedule_text(period.schedule),
            "reason_form": ReasonForm(),
        },
    )


@supervisor_required
@require_POST
def period_lock_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    period = access.period_for_user(user, pk)
    try:
        if request.POST.get("action") == "unlock":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请填写解除锁定的原因。"))
                return redirect("period-detail", pk=period.pk)
            period_unlock(period=period, actor=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已解除锁定。"))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请填写锁定的原因。"))
                return redirect("period-detail", pk=period.pk)
            period_lock(period=period, actor=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("本期报送已锁定。"))
    except PeriodRefused as exc:
        messages.error(request, exc.message)
    return redirect("period-detail", pk=period.pk)


@supervisor_required
@require_POST
def period_reopen_view(
    request: HttpRequest, responsibility_id: int, period_id: int
) -> HttpResponse:
    user = current_user(request)
    responsibility = access.responsibility_for_user(user, responsibility_id)
    period = access.period_for_user(user, period_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写重新开放的原因。"))
    else:
        try:
            report = period_reopen(
                responsibility=responsibility,
                period=period,
                actor=user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("已为%(unit)s重新开放本期报告。") % {"unit": responsibility.unit},
            )
            return redirect("report-detail", pk=report.pk)
        except PeriodRefused as exc:
            messages.error(request, exc.message)
    return redirect("period-detail", pk=period.pk)


urlpatterns = [
    path("periods/", period_index, name="period-list"),
    path("periods/<int:pk>/", period_detail, name="period-detail"),
    path("periods/<int:pk>/lock/", period_lock_view, name="period-lock"),
    path(
        "work/<int:responsibility_id>/<int:period_id>/reopen/",
        period_reopen_view,
        name="report-reopen",
    ),
]
