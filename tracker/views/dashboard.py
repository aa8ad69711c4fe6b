"""The supervisor's dashboard: the quarter in figures for a document or for every document."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tracker import selectors
from tracker.models import ReportingPeriod
from tracker.periods import quarter_of
from tracker.selectors import Scope
from tracker.views.common import current_user, int_param, supervisor_required, today


@supervisor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    day = today()
    year = int_param(request, "year") or day.year
    quarter = int_param(request, "quarter") or quarter_of(day)
    scope = Scope(year, quarter if quarter in (1, 2, 3, 4) else quarter_of(day))
    periods = ReportingPeriod.objects.filter(year=scope.year, quarter=scope.quarter)
    return render(
        request,
        "tracker/dashboard/dashboard.html",
        {
            "scope": scope,
            "periods": periods.select_related("document").order_by("document__title"),
            "tally": selectors.scope_tally(user, scope, today=day),
        },
    )


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
