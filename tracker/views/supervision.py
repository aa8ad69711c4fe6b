"""督办、通报、面商、约谈: the records a unit sees about itself, and recording one (supervisors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tracker import access
from tracker.forms.supervision import ActionForm
from tracker.http import int_param
from tracker.models import ReportingPeriod
from tracker.services.supervision import ActionRefused, supervision_action_record
from tracker.views.common import current_user, paginate, supervisor_required


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    """督办、通报、面商、约谈: a unit sees those addressed to it; supervisors see all."""
    actions = (
        access.visible_actions(current_user(request))
        .select_related("unit", "period__document", "author", "responsibility__assignment")
        .defer("period__document__source_text", "period__document__extraction")
        .order_by("-created_at", "-pk")
    )
    return render(request, "tracker/actions/list.html", {"page": paginate(request, actions)})


@supervisor_required
def action_new(request: HttpRequest) -> HttpResponse:
    """记录督办: the form is pre-filled from a dashboard link (?unit=&period=&responsibility=)."""
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    period_id = int_param(request, "period", data=source)
    period = ReportingPeriod.objects.filter(pk=period_id).first() if period_id is not None else None
    if request.method != "POST":
        initial = {k: request.GET.get(k) for k in ("unit", "period", "responsibility", "kind")}
        form = ActionForm(initial={k: v for k, v in initial.items() if v}, period=period)
        return render(request, "tracker/actions/new.html", {"form": form})
    form = ActionForm(request.POST, period=period)
    if form.is_valid():
        data = form.cleaned_data
        try:
            supervision_action_record(
                kind=data["kind"],
                unit=data["unit"],
                period=data["period"],
                reason=data["reason"],
                actor=user,
                responsibility=data.get("responsibility"),
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录。"))
            return redirect("action-list")
    return render(request, "tracker/actions/new.html", {"form": form}, status=400)


urlpatterns = [
    path("actions/", action_list, name="action-list"),
    path("actions/new/", action_new, name="action-new"),
]
