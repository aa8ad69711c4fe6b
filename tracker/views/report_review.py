"""Reading and reviewing reports: a report as its readers see it, approving or returning it, and
the review queue (报告审核)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access, selectors
from tracker.forms.periods import ReasonForm
from tracker.forms.reports import ApproveForm, ReturnForm
from tracker.http import int_param
from tracker.models import AuditEvent, Document, ProgressReport, Target
from tracker.services.report_review import ReviewRefused, report_approve, report_return
from tracker.views.common import current_user, paginate, supervisor_required


def _report_page(
    request: HttpRequest,
    report: ProgressReport,
    *,
    approve_form: ApproveForm | None = None,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    values = list(report.values.select_related("target").order_by("target__position"))
    previous = selectors.previous_actuals(report.responsibility_id, report.period)
    reviewable = report.status == ProgressReport.Status.SUBMITTED or (
        report.status == ProgressReport.Status.APPROVED and access.can_approve_report(user)
    )
    qualitative = [v for v in values if v.target.kind == Target.Kind.QUALITATIVE]
    return render(
        request,
        "tracker/reports/detail.html",
        {
            "report": report,
            "assignment": report.responsibility.assignment,
            "rows": [(value, previous.get(value.target_id)) for value in values],
            "evidence": report.evidence.order_by("uploaded_at"),
            "problems": report.problems.order_by("raised_at"),
            "trail": AuditEvent.objects.filter(
                content_type__model="progressreport", object_id=str(report.pk)
            ).order_by("created_at", "pk"),
            "can_review": reviewable and access.can_review_report(user, report),
            "can_approve": report.status == ProgressReport.Status.SUBMITTED
            and access.can_approve_report(user),
            "can_reopen": access.can_supervise(user) and report.period.is_locked,
            "can_edit": access.can_edit_report(user, report.responsibility),
            "qualitative": qualitative,
            "approve_form": approve_form or ApproveForm(initial={"version": report.version}),
            "return_form": return_form or ReturnForm(initial={"version": report.version}),
            "reopen_form": ReasonForm(),
        },
        status=status,
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report as its readers see it: the unit, its lead unit and supervisors, with the review
    buttons for whoever may review it."""
    return _report_page(request, access.report_for_user(current_user(request), pk))


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """审核: approve (supervisors) or return with a reason (supervisors; a lead unit for its
    co-units' input)."""
    user = current_user(request)
    report = access.report_for_user(user, pk)
    if not access.can_review_report(user, report):
        raise Http404
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                return _report_page(request, report, approve_form=form, status=400)
            judgements = {
                v.target_id: request.POST.get(f"judgement-{v.target_id}", "")
                for v in report.values.filter(target__kind=Target.Kind.QUALITATIVE)
            }
            report_approve(
                report=report,
                actor=user,
                expected_version=form.cleaned_data.get("version"),
                judgements={k: v for k, v in judgements.items() if v},
                report_judgement=form.cleaned_data.get("judgement") or "",
            )
            messages.success(request, _("报告已审核通过。"))
        elif decision == "return":
            form_r = ReturnForm(request.POST)
            if not form_r.is_valid():
                return _report_page(request, report, return_form=form_r, status=400)
            report_return(
                report=report,
                actor=user,
                reason=form_r.cleaned_data["reason"],
                expected_version=form_r.cleaned_data.get("version"),
            )
            messages.success(request, _("报告已退回，填报单位将收到退回原因。"))
        else:
            messages.error(request, _("请选择审核操作。"))
    except ReviewRefused as exc:
        messages.error(request, exc.message)
        return_form = ReturnForm(request.POST) if decision == "return" else None
        return _report_page(
            request, access.report_for_user(user, pk), return_form=return_form, status=400
        )
    return redirect("report-detail", pk=report.pk)


@supervisor_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """报告审核: reports waiting for review, oldest first; also the returned and approved ones."""
    status = request.GET.get("status") or ProgressReport.Status.SUBMITTED
    if status not in ProgressReport.Status.values or status == ProgressReport.Status.DRAFT:
        status = ProgressReport.Status.SUBMITTED
    document_id = int_param(request, "document")
    reports = selectors.review_queue(current_user(request), status=status, document_id=document_id)
    return render(
        request,
        "tracker/reports/queue.html",
        {
            "page": paginate(request, reports),
            "status": status,
            "statuses": [
                (value, label)
                for value, label in ProgressReport.Status.choices
                if value != ProgressReport.Status.DRAFT
            ],
            "documents": Document.objects.filter(status=Document.Status.PUBLISHED).order_by(
                "-year", "title"
            ),
            "document_id": document_id,
        },
    )


urlpatterns = [
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("reports/<int:pk>/review/", report_review, name="report-review"),
    path("reviews/", review_queue, name="review-queue"),
]
