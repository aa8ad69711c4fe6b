"""HTML pages. Views stay thin: fetch through tracker.access, read through tracker.selectors,
write through tracker.services. One module per area, each with its own `urlpatterns`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tracker.access import can_supervise
from tracker.models import User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Supervisors start at the dashboard, a leader in charge at the problems that reach them,
    everyone else at their unit's tasks."""
    if can_supervise(request.user):
        return redirect("dashboard")
    if isinstance(request.user, User) and request.user.is_leader:
        return redirect("problem-list")
    return redirect("my-tasks")
