"""Reading and reviewing reports; the period's lock and reopening; problems; 督办/通报/面商/约谈."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tracker import access, selectors
from tracker.forms.reports import ApproveForm, ReasonForm, ResolveForm, ReturnForm
from tracker.forms.supervision import ActionForm
from tracker.http import int_param
from tracker.models import (
    AuditEvent,
    Document,
    ProgressReport,
    ReportingPeriod,
    Target,
)
from tracker.selectors import Scope
from tracker.services.problems import ProblemRefused, problem_resolve
from tracker.services.progress_review import (
    ReviewRefused,
    progress_review_approve,
    progress_review_return,
)
from tracker.services.reporting_periods import (
    PeriodRefused,
    period_lock,
    period_unlock,
    report_reopen,
)
from tracker.services.supervision import ActionRefused, supervision_action_record
from tracker.views.common import current_user, now, paginate, supervisor_required, today

# --- reports ----------------------------------------------------------------------------------


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
            progress_review_approve(
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
            progress_review_return(
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


# --- periods ----------------------------------------------------------------------------------


@supervisor_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One quarter of a document: its calendar, the lock, and every unit's report status with
    the reopen button once locked."""
    user = current_user(request)
    period = access.period_for_user(user, pk)
    day = today()
    slots = (
        selectors.slots(user, Scope.of(period), today=day)
        .select_related("unit", "assignment")
        .order_by("unit__name", "assignment__position")
    )
    return render(
        request,
        "tracker/periods/detail.html",
        {
            "period": period,
            "page": paginate(request, slots),
            "tally": selectors.scope_tally(user, Scope.of(period), today=day),
            "reason_form": ReasonForm(),
        },
    )


@supervisor_required
@require_POST
def period_lock_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    period = access.period_for_user(user, pk)
    try:
        if request.POST.get("action") == "unlock":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请填写解除锁定的原因。"))
                return redirect("period-detail", pk=period.pk)
            period_unlock(period=period, actor=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已解除锁定。"))
        else:
            period_lock(period=period, actor=user)
            messages.success(request, _("本季度报送已锁定。"))
    except PeriodRefused as exc:
        messages.error(request, exc.message)
    return redirect("period-detail", pk=period.pk)


@supervisor_required
@require_POST
def report_reopen_view(
    request: HttpRequest, responsibility_id: int, period_id: int
) -> HttpResponse:
    user = current_user(request)
    responsibility = access.responsibility_for_user(user, responsibility_id)
    period = access.period_for_user(user, period_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写重新开放的原因。"))
    else:
        try:
            report = report_reopen(
                responsibility=responsibility,
                period=period,
                actor=user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("已为%(unit)s重新开放本季度报告。") % {"unit": responsibility.unit},
            )
            return redirect("report-detail", pk=report.pk)
        except PeriodRefused as exc:
            messages.error(request, exc.message)
    return redirect("period-detail", pk=period.pk)


# --- problems ---------------------------------------------------------------------------------

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


# --- supervision actions ----------------------------------------------------------------------


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    """督办、通报、面商、约谈: a unit sees those addressed to it; supervisors see all."""
    actions = (
        access.visible_actions(current_user(request))
        .select_related("unit", "period__document", "author", "responsibility__assignment")
        .defer("period__document__source_text", "period__document__extraction")
        .order_by("-created_at", "-pk")
    )
    return render(request, "tracker/actions/list.html", {"page": paginate(request, actions)})


@supervisor_required
def action_new(request: HttpRequest) -> HttpResponse:
    """记录督办: the form is pre-filled from a dashboard link (?unit=&period=&responsibility=)."""
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    raw_period = source.get("period", "")
    period = (
        ReportingPeriod.objects.filter(pk=int(raw_period)).first() if raw_period.isdigit() else None
    )
    if request.method != "POST":
        initial = {k: request.GET.get(k) for k in ("unit", "period", "responsibility", "kind")}
        form = ActionForm(initial={k: v for k, v in initial.items() if v}, period=period)
        return render(request, "tracker/actions/new.html", {"form": form})
    form = ActionForm(request.POST, period=period)
    if form.is_valid():
        data = form.cleaned_data
        try:
            supervision_action_record(
                kind=data["kind"],
                unit=data["unit"],
                period=data["period"],
                reason=data["reason"],
                actor=user,
                responsibility=data.get("responsibility"),
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录。"))
            return redirect("action-list")
    return render(request, "tracker/actions/new.html", {"form": form}, status=400)


urlpatterns = [
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("reports/<int:pk>/review/", report_review, name="report-review"),
    path("reviews/", review_queue, name="review-queue"),
    path("periods/<int:pk>/", period_detail, name="period-detail"),
    path("periods/<int:pk>/lock/", period_lock_view, name="period-lock"),
    path(
        "work/<int:responsibility_id>/<int:period_id>/reopen/",
        report_reopen_view,
        name="report-reopen",
    ),
    path("problems/", problem_list, name="problem-list"),
    path("problems/<int:pk>/", problem_detail, name="problem-detail"),
    path("problems/<int:pk>/resolve/", problem_resolve_view, name="problem-resolve"),
    path("actions/", action_list, name="action-list"),
    path("actions/new/", action_new, name="action-new"),
]
