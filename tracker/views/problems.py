"""Problems raised in reports (存在问题) as their readers see them, and settling one (办结)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tracker import access
from tracker.forms.problems import ResolveForm
from tracker.services.problems import ProblemRefused, problem_resolve
from tracker.views.common import current_user, now, paginate

_PROBLEM_FILTERS = {
    "open": gettext_lazy("未办结"),
    "overdue": gettext_lazy("超期未办结"),
    "resolved": gettext_lazy("已办结"),
    "all": gettext_lazy("全部"),
}


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    show = request.GET.get("show", "open")
    if show not in _PROBLEM_FILTERS:
        show = "open"
    problems = access.visible_problems(user)
    if show == "open":
        problems = problems.filter(resolved_at__isnull=True)
    elif show == "overdue":
        problems = problems.filter(resolved_at__isnull=True, level_deadline__lt=now())
    elif show == "resolved":
        problems = problems.filter(resolved_at__isnull=False)
    problems = problems.select_related(
        "unit", "report__responsibility__assignment", "report__period"
    ).order_by("resolved_at", "level_deadline", "pk")
    return render(
        request,
        "tracker/problems/list.html",
        {
            "page": paginate(request, problems),
            "show": show,
            "filters": _PROBLEM_FILTERS,
            "now": now(),
        },
    )


def _problem_page(
    request: HttpRequest, problem: Any, form: ResolveForm | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "tracker/problems/detail.html",
        {
            "problem": problem,
            "steps": problem.steps.select_related("actor").order_by("at", "pk"),
            "can_resolve": problem.resolved_at is None
            and access.can_resolve_problem(user, problem),
            "form": form or ResolveForm(),
            "now": now(),
        },
        status=status,
    )


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _problem_page(request, access.problem_for_user(current_user(request), pk))


@login_required
@require_POST
def problem_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    problem = access.problem_for_user(user, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _problem_page(request, problem, form, status=400)
    try:
        problem_resolve(problem=problem, actor=user, resolution=form.cleaned_data["resolution"])
    except ProblemRefused as exc:
        form.add_error(None, exc.message)
        return _problem_page(request, problem, form, status=400)
    messages.success(request, _("问题已办结。"))
    return redirect("problem-detail", pk=problem.pk)


urlpatterns = [
    path("problems/", problem_list, name="problem-list"),
    path("problems/<int:pk>/", problem_detail, name="problem-detail"),
    path("problems/<int:pk>/resolve/", problem_resolve_view, name="problem-resolve"),
]
