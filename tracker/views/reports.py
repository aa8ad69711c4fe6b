"""The reporter's side of reports: 我的任务, the quarterly report form (填报) with its live
preview and evidence files, the unit's history, and the lead unit's view of its co-units.
(Reading and reviewing a report: tracker.views.report_review.)"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access, progress, selectors
from tracker.forms.reports import ReportForm, initial_for, parse_month, value_field
from tracker.http import is_htmx
from tracker.models import ProgressReport, ReportingPeriod, Responsibility, Target, User
from tracker.number_errors import number_error_text
from tracker.numbers import NumberError, parse_actual
from tracker.selectors.reports import (
    elapsed_for,
    led_assignment_units,
    led_assignments,
    led_rows,
    led_units,
    proposed_data_month,
    report_is_editable,
    target_spec,
    thresholds,
)
from tracker.services.evidence import (
    ACCEPTED_EXTENSIONS,
    EvidenceRefused,
    evidence_attach,
    evidence_remove,
    human_size,
)
from tracker.services.reports import (
    ReportInput,
    ReportRefused,
    StaleReport,
    report_save,
)
from tracker.views.common import current_user, paginate, today

# Assignments a page of 牵头任务, and units a page of one led assignment's own page.
LEAD_PAGE_SIZE = 20
LEAD_UNITS_PAGE_SIZE = 50


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    rows = selectors.tasks_for_user(current_user(request), today=today())
    # Each period listed can also be filled as one Excel sheet (tracker.views.quarter_sheets).
    sheet_periods = list({row.period.pk: row.period for row in rows if row.period}.values())
    # The links name the period's document, which the rows' tasks already hold (without its
    # text and extraction): read through the period, each would fetch the whole document again.
    documents = {
        row.responsibility.assignment.document_id: row.responsibility.assignment.document
        for row in rows
    }
    for period in sheet_periods:
        if period.document_id in documents:
            period.document = documents[period.document_id]
    return render(
        request,
        "tracker/reports/my_tasks.html",
        {"rows": rows, "today": today(), "sheet_periods": sheet_periods},
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.unit_reports(current_user(request)))
    return render(request, "tracker/reports/history.html", {"page": page})


@login_required
def lead_tasks(request: HttpRequest) -> HttpResponse:
    """牵头任务, a page of assignments at a time with the first units of each: a department
    leading a hundred assignments of 31 co-units each was 1.2 MB and 600 MB of a worker."""
    page = paginate(request, led_assignments(current_user(request)), per_page=LEAD_PAGE_SIZE)
    rows = led_rows(list(page.object_list), today=today())
    return render(request, "tracker/reports/lead_tasks.html", {"rows": rows, "page": page})


@login_required
def lead_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """Every unit of one assignment the person's unit leads, a page at a time; 404 for any
    other assignment."""
    assignment = led_assignments(current_user(request)).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    page = paginate(request, led_assignment_units(assignment), per_page=LEAD_UNITS_PAGE_SIZE)
    period, units = led_units(assignment, list(page.object_list), today=today())
    return render(
        request,
        "tracker/reports/lead_assignment.html",
        {"assignment": assignment, "period": period, "units": units, "page": page},
    )


def _work_context(
    user: User, responsibility_id: int, period_id: int, *, with_report: bool = True
) -> tuple[Responsibility, ReportingPeriod, ProgressReport | None]:
    """The responsibility and period of a work page, for the unit's own people only: a lead
    unit or a supervisor reads the report page instead. The stored report with its values
    too, unless `with_report` is False (a save reads it under its lock; _stored_report)."""
    responsibility = access.responsibility_for_user(user, responsibility_id)
    if not access.can_edit_report(user, responsibility):
        raise Http404
    period = access.period_for_user(user, period_id)
    assignment = responsibility.assignment
    if period.document_id != assignment.document_id or (
        assignment.schedule_id is not None and period.schedule_id != assignment.schedule_id
    ):
        raise Http404
    return responsibility, period, (_stored_report(responsibility, period) if with_report else None)


def _stored_report(
    responsibility: Responsibility, period: ReportingPeriod
) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(responsibility=responsibility, period=period)
        .prefetch_related("values")
        .first()
    )


def _render_work(
    request: HttpRequest,
    responsibility: Responsibility,
    period: ReportingPeriod,
    report: ProgressReport | None,
    form: ReportForm,
    *,
    conflict: ProgressReport | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    assignment = responsibility.assignment
    co_units = (
        selectors.assignment_reports(user, assignment.pk, period)
        if responsibility.role == Responsibility.Role.LEAD
        else []
    )
    return render(
        request,
        "tracker/reports/form.html",
        {
            "responsibility": responsibility,
            "assignment": assignment,
            "period": period,
            "report": report,
            "form": form,
            "editable": report_is_editable(report, period),
            "previous": selectors.previous_actuals(responsibility.pk, period),
            "previous_period": selectors.previous_period(period),
            "values": {v.target_id: v for v in report.values.all()} if report else {},
            "co_units": [r for r in co_units if r.pk != responsibility.pk],
            "evidence": report.evidence.order_by("uploaded_at") if report else [],
            "accept": ",".join(ACCEPTED_EXTENSIONS),
            "conflict": conflict,
            "elapsed": elapsed_for(
                assignment,
                period,
                assignment.document.year or period.year,
                report.data_month if report else None,
            ),
        },
        status=status,
    )


@login_required
def report_work(request: HttpRequest, responsibility_id: int, period_id: int) -> HttpResponse:
    """填报: the unit writes, saves and submits its report for one quarter."""
    user = current_user(request)
    # A save reads the stored report itself, under its lock; the page reads it only to show it
    # again beside a refusal.
    posted = request.method == "POST"
    try:
        responsibility, period, report = _work_context(
            user, responsibility_id, period_id, with_report=not posted
        )
    except Http404:
        removed = access.removed_responsibility_for_user(user, responsibility_id)
        if removed is None:
            raise
        return render(
            request, "tracker/reports/removed.html", {"responsibility": removed}, status=410
        )
    targets = list(responsibility.assignment.targets.order_by("position"))
    if not posted:
        initial = {
            "data_month": f"{proposed_data_month(period):%Y-%m}",
            **initial_for(report, targets),
            "assignment_version": responsibility.assignment.version,
        }
        form = ReportForm(initial=initial, targets=targets)
        return _render_work(request, responsibility, period, report, form)

    form = ReportForm(request.POST, targets=targets)
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        report = _stored_report(responsibility, period)
        return _render_work(request, responsibility, period, report, form, status=400)
    try:
        saved = report_save(
            responsibility=responsibility,
            period=period,
            actor=user,
            report_input=form.report_input(),
            expected_version=form.cleaned_data.get("version"),
            submit=submit,
            assignment_version=form.cleaned_data.get("assignment_version"),
        )
    except StaleReport as exc:
        # The typed figures stay in the form and the newer saved version is shown beside them;
        # the form now carries the current version, so saving again is a deliberate overwrite.
        report = _stored_report(responsibility, period)
        data = request.POST.copy()
        data["version"] = str(report.version) if report else ""
        data["assignment_version"] = str(responsibility.assignment.version)
        form.data = data
        form.add_error(None, exc.message)
        return _render_work(
            request, responsibility, period, report, form, conflict=report, status=409
        )
    except ReportRefused as exc:
        report = _stored_report(responsibility, period)
        form.add_error(None, exc.message)
        form.add_service_errors(exc.errors)
        return _render_work(request, responsibility, period, report, form, status=400)
    messages.success(
        request,
        _("已报送，等待审核。")
        if submit
        else _("草稿已保存（版本 %(v)s）。") % {"v": saved.version},
    )
    return redirect("report-work", responsibility_id=responsibility.pk, period_id=period.pk)


@login_required
@require_POST
def report_preview(request: HttpRequest, responsibility_id: int, period_id: int) -> HttpResponse:
    """The completion, 序时进度 and light of what is being typed, before anything is saved
    (htmx swaps the computed cells in place, so the inputs keep focus)."""
    user = current_user(request)
    responsibility, period, _report = _work_context(
        user, responsibility_id, period_id, with_report=False
    )
    assignment = responsibility.assignment
    try:
        through = parse_month(request.POST.get("data_month"))
    except ValidationError:
        through = None
    elapsed = elapsed_for(assignment, period, assignment.document.year or period.year, through)
    limits = thresholds()
    cells = []
    for target in assignment.targets.exclude(kind=Target.Kind.QUALITATIVE).order_by("position"):
        text = request.POST.get(value_field(target), "").strip()
        outcome, error = None, ""
        if text:
            try:
                actual = parse_actual(text, target.measure_unit)
                outcome = progress.assess(
                    target_spec(target), actual, elapsed=elapsed, thresholds=limits
                )
            except NumberError as exc:
                error = number_error_text(exc)
            except ValueError as exc:
                error = str(exc)
        cells.append({"target": target, "outcome": outcome, "error": error})
    return render(request, "tracker/reports/_preview_cells.html", {"cells": cells})


def _evidence_list(
    request: HttpRequest,
    report: ProgressReport | None,
    error: str = "",
    status: int = 200,
    *,
    back: tuple[int, int],
    new_version: int | None = None,
) -> HttpResponse:
    """The evidence list fragment for htmx; without JavaScript, back to the work page."""
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("佐证材料已更新。"))
        return redirect("report-work", responsibility_id=back[0], period_id=back[1])
    return render(
        request,
        "tracker/reports/_evidence.html",
        {
            "report": report,
            "evidence": report.evidence.order_by("uploaded_at") if report else [],
            "editable": report is not None and report_is_editable(report, report.period),
            "error": error,
            "new_version": new_version,
            # The reason goes beside the file field (out of band), not above the list.
            "oob": True,
        },
        status=status,
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest, responsibility_id: int, period_id: int) -> HttpResponse:
    """Attach a file; a report not yet saved is first saved as an empty draft to hold it."""
    user = current_user(request)
    responsibility, period, report = _work_context(user, responsibility_id, period_id)
    back = (responsibility.pk, period.pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _evidence_list(request, report, _("请选择要上传的文件。"), 400, back=back)
    limit = settings.TRACKER_EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        # Checked before reading, so an oversized upload is never read into memory.
        message = _("文件过大（%(size)s），单个文件不超过 %(limit)s。") % {
            "size": human_size(upload.size),
            "limit": human_size(limit),
        }
        return _evidence_list(request, report, message, 400, back=back)
    created = report is None
    try:
        if report is None:
            report = report_save(
                responsibility=responsibility,
                period=period,
                actor=user,
                report_input=ReportInput(),
                expected_version=None,
                submit=False,
            )
        evidence_attach(
            report=report, actor=user, filename=upload.name or "file", data=upload.read()
        )
    except (EvidenceRefused, ReportRefused) as exc:
        return _evidence_list(request, report, exc.message, 400, back=back)
    # The upload saved a new empty draft to hold the file: the open form must now name that
    # version, or its next save would look like someone else's edit.
    return _evidence_list(
        request, report, back=back, new_version=report.version if created else None
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access.evidence_for_user(current_user(request), pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    evidence = access.evidence_for_user(user, pk)
    report = evidence.report
    back = (report.responsibility_id, report.period_id)
    try:
        evidence_remove(evidence=evidence, actor=user)
    except EvidenceRefused as exc:
        return _evidence_list(request, report, exc.message, 400, back=back)
    return _evidence_list(request, report, back=back)


urlpatterns = [
    path("tasks/", my_tasks, name="my-tasks"),
    path("tasks/history/", history, name="report-history"),
    path("lead/", lead_tasks, name="lead-tasks"),
    path("lead/<int:pk>/", lead_assignment, name="lead-assignment"),
    path("work/<int:responsibility_id>/<int:period_id>/", report_work, name="report-work"),
    path(
        "work/<int:responsibility_id>/<int:period_id>/preview/",
        report_preview,
        name="report-preview",
    ),
    path(
        "work/<int:responsibility_id>/<int:period_id>/evidence/",
        evidence_upload,
        name="evidence-upload",
    ),
    path("evidence/<int:pk>/", evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/delete/", evidence_delete, name="evidence-delete"),
]
