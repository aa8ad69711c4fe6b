"""Issue 13's pages: the indicator table (指标责任单位), turning a draft's headline targets into
tracked indicators, and the statistics sheet (download to fill, upload, preview, confirm)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.access import can_upload_statistics
from tracker.formatting import target_text
from tracker.forms.indicators import (
    IndicatorDepartmentForm,
    StatisticsUploadForm,
    statistics_from_token,
    statistics_token,
)
from tracker.models import IndicatorDepartment
from tracker.selectors.indicators import tracked_indicators
from tracker.selectors.reports import proposed_data_month
from tracker.selectors.statistics import AMBIGUOUS, INVALID, MATCHED, UNKNOWN, statistics_plan
from tracker.services.errors import Refused
from tracker.services.headline_indicators import (
    headline_indicators_track,
    indicator_department_delete,
    indicator_department_save,
)
from tracker.services.statistics import statistics_apply
from tracker.statistics_files import statistics_xlsx
from tracker.views.common import current_user, document_for_reviewer, supervisor_required, today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@supervisor_required
@require_http_methods(["GET", "POST"])
def indicator_departments(request: HttpRequest) -> HttpResponse:
    """The table, each row editable in place, and a row to add."""
    user = current_user(request)
    form = IndicatorDepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator_department_save(actor=user, **form.values())
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("已添加指标“%(n)s”。") % {"n": form.cleaned_data["indicator"]}
            )
            return redirect("indicator-departments")
    entries = list(IndicatorDepartment.objects.all())
    rows = [
        (entry, IndicatorDepartmentForm(initial=IndicatorDepartmentForm.initial_for(entry),
                                        prefix=f"e{entry.pk}"))
        for entry in entries
    ]  # fmt: skip
    return render(
        request,
        "tracker/indicators/departments.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@supervisor_required
@require_POST
def indicator_department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    entry = get_object_or_404(IndicatorDepartment, pk=pk)
    if request.POST.get("action") == "delete":
        indicator_department_delete(actor=user, entry=entry)
        messages.success(request, _("已删除指标“%(n)s”。") % {"n": entry.indicator})
        return redirect("indicator-departments")
    form = IndicatorDepartmentForm(request.POST, prefix=f"e{entry.pk}")
    if not form.is_valid():
        messages.error(request, _("请填写指标名称和责任单位。"))
        return redirect("indicator-departments")
    try:
        indicator_department_save(actor=user, entry=entry, **form.values())
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存指标“%(n)s”。") % {"n": entry.indicator})
    return redirect("indicator-departments")


@login_required
@require_POST
def document_headline_track(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page's 「作为主要指标跟踪」: the draft's remaining headline targets."""
    user, document = document_for_reviewer(request, pk)
    try:
        created = headline_indicators_track(document=document, actor=user)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已将 %(n)s 项主要预期目标列为跟踪指标。") % {"n": len(created)}
        )
    return redirect("document-review", pk=document.pk)


def _statistics_user(request: HttpRequest) -> object:
    user = current_user(request)
    if not can_upload_statistics(user):
        raise Http404
    return user


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or today().year)
    except ValueError:
        year = today().year
    return year if 2000 <= year <= 2100 else today().year


@login_required
@require_http_methods(["GET", "POST"])
def statistics_upload(request: HttpRequest) -> HttpResponse:
    """Upload → preview: matched, ambiguous, unknown and invalid rows, nothing saved yet."""
    _statistics_user(request)
    year = _year(request)
    form = StatisticsUploadForm(request.POST or None, request.FILES or None, initial={"year": year})
    context: dict[str, object] = {"form": form, "year": year}
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        plan = statistics_plan(form.rows, year=year)
        context.update(
            year=year,
            plan=plan,
            token=statistics_token(form.rows, year) if plan.savable else "",
            counts={s: plan.count(s) for s in (MATCHED, AMBIGUOUS, UNKNOWN, INVALID)},
            filename=form.cleaned_data["file"].name,
        )
    context["indicators"] = tracked_indicators(year)
    return render(request, "tracker/indicators/statistics.html", context)


@login_required
@require_POST
def statistics_confirm(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_upload_statistics(user):
        raise Http404
    found = statistics_from_token(request.POST.get("rows", ""))
    if found is None:
        messages.error(request, _("预览已过期或内容被改动，请重新上传统计数据表。"))
        return redirect("statistics-upload")
    rows, year = found
    try:
        outcome = statistics_apply(rows=rows, year=year, actor=user)
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("statistics-upload")
    messages.success(
        request,
        _("已保存 %(v)s 个指标值，更新 %(r)s 份报告。")
        % {"v": outcome.values, "r": len(outcome.reports)},
    )
    for skipped in outcome.skipped:
        messages.warning(request, skipped)
    return redirect(f"{reverse('statistics-upload')}?year={year}")


@login_required
def statistics_template(request: HttpRequest) -> HttpResponse:
    """The sheet pre-filled with the year's tracked headline indicators to fill."""
    _statistics_user(request)
    year = _year(request)
    rows = []
    seen: set[str] = set()
    month = ""
    for item in tracked_indicators(year):
        name = item.target.indicator or item.assignment.title
        if name in seen:
            continue
        seen.add(name)
        rows.append((name, item.target.measure_unit, target_text(item.target)))
        if not month and item.assignment.schedule_id:
            period = (
                item.assignment.schedule.periods.filter(due_on__gte=today())  # type: ignore[union-attr]
                .order_by("due_on")
                .first()
            )
            if period is not None:
                found = proposed_data_month(period)
                month = f"{found.year}-{found.month:02d}"
    data = statistics_xlsx(rows, month=month)
    response = HttpResponse(data, content_type=XLSX)
    filename = _("%(year)s年主要指标统计数据表.xlsx") % {"year": year}
    response["Content-Disposition"] = (
        f"attachment; filename=\"statistics-{year}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("indicators/", indicator_departments, name="indicator-departments"),
    path("indicators/<int:pk>/", indicator_department_edit, name="indicator-department-edit"),
    path("documents/<int:pk>/headline/", document_headline_track, name="document-headline-track"),
    path("statistics/", statistics_upload, name="statistics-upload"),
    path("statistics/confirm/", statistics_confirm, name="statistics-confirm"),
    path("statistics/template.xlsx", statistics_template, name="statistics-template"),
]
