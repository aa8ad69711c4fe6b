"""HTML pages. Views stay thin: fetch through tracker.access, read through tracker.selectors,
write through tracker.services. One module per area, each with its own `urlpatterns`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tracker.access import can_supervise


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Supervisors start at the dashboard, everyone else at their unit's tasks."""
    return redirect("dashboard" if can_supervise(request.user) else "my-tasks")
