"""The quarter in one sheet (季度填报表): a unit downloads its period as .xlsx, fills it offline
and uploads it back; every row is previewed with the form's rules, then the reports are saved
as drafts or submitted together — or, when some rows are refused, only the tasks without
errors, if the person chooses so. Supervisors download any unit's sheet, or every unit's.

A unit's sheet is built in the request: on bench/province.py's province the busiest unit has
51 tasks in one document's period, a 16 KB sheet in 0.17 s and 6 queries. Every unit's sheet is
the province's rows (2.4 MB; 25 s and 360 MB of memory on the loaded 2-core machine), so the
worker builds it as an export job (views/exports.py shows its progress and offers the
download); so does any unit's sheet on request (POST …/sheet/export/).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access
from tracker.forms.quarter_sheets import SheetCheck, SheetUploadForm, sheet_check
from tracker.http import int_param
from tracker.models import ExportJob, ReportingPeriod, Unit, User
from tracker.quarter_sheets import QuarterSheetError, SheetRow, read_sheet
from tracker.selectors.quarter_sheets import sheet_items
from tracker.services.export_jobs import export_request, quarter_sheet_build
from tracker.services.quarter_sheets import SheetEntry, sheet_save
from tracker.services.reports import ReportRefused
from tracker.views.common import current_user

# Large enough for a department's quarter; a bigger file is not a sheet this page made.
MAX_SHEET_BYTES = 5 * 1024 * 1024


def _session_key(period: ReportingPeriod) -> str:
    return f"quarter-sheet-{period.pk}"


def _context(request: HttpRequest, period_id: int) -> tuple[User, ReportingPeriod, bool]:
    """The person, the period and whether they fill sheets (a unit's people) or only read
    them (supervisors). Anyone else, or a unit with nothing to report in it, gets 404."""
    user = current_user(request)
    period = access.period_for_user(user, period_id)
    if access.can_supervise(user):
        return user, period, False
    if user.unit_id is None or user.is_leader:
        raise Http404
    return user, period, True


@login_required
def sheet_page(request: HttpRequest, period_id: int) -> HttpResponse:
    user, period, fills = _context(request, period_id)
    items = sheet_items(user, period, unit_id=user.unit_id if fills else None)
    if fills and not items:
        raise Http404
    units = (
        Unit.objects.filter(pk__in={item.responsibility.unit_id for item in items})
        if not fills
        else Unit.objects.none()
    )
    return render(
        request,
        "tracker/sheets/page.html",
        {
            "period": period,
            "fills": fills,
            "tasks": len(items),
            "rows": sum(max(len(item.targets), 1) for item in items),
            "units": units.order_by("position", "name"),
            "form": SheetUploadForm(),
        },
    )


@login_required
def sheet_download(request: HttpRequest, period_id: int) -> HttpResponse:
    """One unit's sheet as .xlsx, built now: the person's own unit, or for a supervisor the
    unit of ?unit= (every unit's is an export job: sheet_export)."""
    user, period, fills = _context(request, period_id)
    unit_id = user.unit_id if fills else int_param(request, "unit")
    if unit_id is None:
        return redirect("quarter-sheet", period_id=period.pk)
    built = quarter_sheet_build(user, period, unit_id=unit_id)
    if built is None:
        raise Http404
    response = HttpResponse(built.data, content_type=built.content_type)
    response["Content-Disposition"] = _attachment(built.filename)
    return response


@login_required
@require_POST
def sheet_export(request: HttpRequest, period_id: int) -> HttpResponse:
    """Ask the worker for a sheet: a unit's own, or for a supervisor one unit's (unit=) or
    every unit's; its page shows the progress, then the download."""
    user, period, fills = _context(request, period_id)
    unit_id = user.unit_id if fills else int_param(request, "unit", data=request.POST)
    job = export_request(
        actor=user,
        kind=ExportJob.Kind.QUARTER_SHEET,
        params={"period": period.pk, "unit": unit_id},
        language=request.LANGUAGE_CODE,
    )
    return redirect("export-job", job_id=job.pk)


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"quarter-sheet.xlsx\"; filename*=UTF-8''{quote(filename)}"


def _rows_from_session(data: Any) -> list[SheetRow]:
    return [SheetRow(**row) for row in data]


def _preview(
    request: HttpRequest,
    period: ReportingPeriod,
    check: SheetCheck,
    *,
    submit: bool,
    filename: str,
) -> HttpResponse:
    return render(
        request,
        "tracker/sheets/preview.html",
        {
            "period": period,
            "check": check,
            "submit": submit,
            "filename": filename,
            "valid": check.valid,
            "errors": check.errors,
        },
        status=400 if check.errors else 200,
    )


@login_required
@require_POST
def sheet_upload(request: HttpRequest, period_id: int) -> HttpResponse:
    """Read the uploaded sheet and preview every row; nothing is saved yet."""
    user, period, fills = _context(request, period_id)
    if not fills:
        raise Http404
    form = SheetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择填好的季度填报表（.xlsx 或 .csv），并选择保存方式。"))
        return redirect("quarter-sheet", period_id=period.pk)
    upload = form.cleaned_data["file"]
    if upload.size is not None and upload.size > MAX_SHEET_BYTES:
        messages.error(request, _("文件过大，季度填报表不超过 5 MB。"))
        return redirect("quarter-sheet", period_id=period.pk)
    try:
        rows = read_sheet(upload.read(), upload.name or "")
    except QuarterSheetError as exc:
        messages.error(request, str(exc))
        return redirect("quarter-sheet", period_id=period.pk)
    submit = bool(form.cleaned_data["submit"])
    check = sheet_check(user=user, period=period, rows=rows, submit=submit, now=timezone.now())
    request.session[_session_key(period)] = {
        "rows": [asdict(row) for row in rows],
        "submit": submit,
        "filename": upload.name or "",
    }
    return _preview(request, period, check, submit=submit, filename=upload.name or "")


@login_required
@require_POST
def sheet_confirm(request: HttpRequest, period_id: int) -> HttpResponse:
    """Save the previewed upload: every task, or with `only_valid` the tasks without errors.
    The rows are judged again, so a change made meanwhile is not saved unseen."""
    user, period, fills = _context(request, period_id)
    if not fills:
        raise Http404
    stored = request.session.get(_session_key(period))
    if not stored:
        messages.error(request, _("没有待确认的上传，请重新上传季度填报表。"))
        return redirect("quarter-sheet", period_id=period.pk)
    submit = bool(stored["submit"])
    now = timezone.now()
    check = sheet_check(
        user=user, period=period, rows=_rows_from_session(stored["rows"]), submit=submit, now=now
    )
    only_valid = request.POST.get("only_valid") == "1"
    if check.errors and not only_valid:
        return _preview(request, period, check, submit=submit, filename=stored["filename"])
    entries = [
        SheetEntry(r.item.responsibility, r.report_input, r.version)
        for r in check.valid
        if r.report_input is not None
    ]
    if not entries:
        messages.error(request, _("没有可以保存的任务：请填写后重新上传。"))
        return redirect("quarter-sheet", period_id=period.pk)
    try:
        sheet_save(period=period, actor=user, entries=entries, submit=submit, now=now)
    except ReportRefused as exc:
        messages.error(request, _("未保存任何内容：%(why)s") % {"why": exc.message})
        return redirect("quarter-sheet", period_id=period.pk)
    del request.session[_session_key(period)]
    messages.success(
        request,
        (_("已提交报送 %(n)s 项任务的报告。") if submit else _("已保存 %(n)s 项任务的报告草稿。"))
        % {"n": len(entries)},
    )
    return redirect("my-tasks")


urlpatterns = [
    path("periods/<int:period_id>/sheet/", sheet_page, name="quarter-sheet"),
    path("periods/<int:period_id>/sheet.xlsx", sheet_download, name="quarter-sheet-download"),
    path("periods/<int:period_id>/sheet/export/", sheet_export, name="quarter-sheet-export"),
    path("periods/<int:period_id>/sheet/upload/", sheet_upload, name="quarter-sheet-upload"),
    path("periods/<int:period_id>/sheet/confirm/", sheet_confirm, name="quarter-sheet-confirm"),
]
