"""搜索: finding a task by its number, its words or a unit's name, for every role; what is found
is what tracker.access lets the person see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tracker import access
from tracker.models import ProgressReport, ReportingPeriod
from tracker.selectors.reports import current_period, task_search
from tracker.views.common import current_user, paginate, today


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Each responsibility found, with its report of the period being reported now: the unit's
    own opens its work page, anyone else's its report."""
    user = current_user(request)
    text = request.GET.get("q", "").strip()[:100]
    page = paginate(request, task_search(user, text))
    rows = list(page.object_list)
    document_ids = {r.assignment.document_id for r in rows}
    # A task follows its own reporting rule, else its document's default one.
    by_rule: dict[tuple[int, int | None], list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(document_id__in=document_ids).select_related(
        "schedule"
    ):
        by_rule.setdefault((period.document_id, period.schedule_id), []).append(period)
        if period.schedule.is_default:
            by_rule.setdefault((period.document_id, None), []).append(period)
    day = today()
    current = {key: current_period(periods, day) for key, periods in by_rule.items()}
    reports = {
        (report.responsibility_id, report.period_id): report
        for report in access.visible_reports(user).filter(
            responsibility__in=[r.pk for r in rows],
            period__in=[p.pk for p in current.values() if p is not None],
        )
    }
    found = []
    for responsibility in rows:
        assignment = responsibility.assignment
        reporting = current.get((assignment.document_id, assignment.schedule_id))
        report: ProgressReport | None = (
            reports.get((responsibility.pk, reporting.pk)) if reporting else None
        )
        found.append(
            {
                "responsibility": responsibility,
                "period": reporting,
                "report": report,
                "own": access.can_edit_report(user, responsibility),
            }
        )
    return render(request, "tracker/search.html", {"q": text, "page": page, "found": found})


urlpatterns = [path("search/", search, name="search")]
