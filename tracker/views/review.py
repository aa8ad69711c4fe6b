"""Reading and reviewing reports, problems and supervision actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tracker import access
from tracker.models import AuditEvent, ProgressReport, ReportingPeriod
from tracker.views.common import current_user


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report as its readers see it: the unit, its lead unit and supervisors."""
    user = current_user(request)
    report = access.report_for_user(user, pk)
    values = report.values.select_related("target").order_by("target__position")
    previous = _previous_values(report)
    return render(
        request,
        "tracker/reports/detail.html",
        {
            "report": report,
            "assignment": report.responsibility.assignment,
            "rows": [(value, previous.get(value.target_id)) for value in values],
            "evidence": report.evidence.order_by("uploaded_at"),
            "problems": report.problems.prefetch_related("steps").order_by("raised_at"),
            "trail": AuditEvent.objects.filter(
                content_type__model="progressreport", object_id=str(report.pk)
            ).order_by("created_at", "pk"),
        },
    )


def _previous_values(report: ProgressReport) -> dict[int, object]:
    """Last quarter's cumulative actual per target, for "上季度累计" beside this one."""
    year, quarter = report.period.year, report.period.quarter
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    previous = ReportingPeriod.objects.filter(
        document_id=report.period.document_id, year=year, quarter=quarter
    ).first()
    if previous is None:
        return {}
    earlier = ProgressReport.objects.filter(
        responsibility_id=report.responsibility_id, period=previous
    ).first()
    if earlier is None:
        return {}
    return {v.target_id: v.actual for v in earlier.values.all()}


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access.problem_for_user(current_user(request), pk)
    return render(
        request,
        "tracker/problems/detail.html",
        {"problem": problem, "steps": problem.steps.select_related("actor").order_by("at", "pk")},
    )


urlpatterns = [
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("problems/<int:pk>/", problem_detail, name="problem-detail"),
]
