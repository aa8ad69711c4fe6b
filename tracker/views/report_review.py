"""Reading and reviewing reports: a report as its readers see it, approving or returning it, and
the review queue (报告审核)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access, selectors
from tracker.forms.periods import ReasonForm
from tracker.forms.report_queue import BulkApproveForm, ReviewQueueForm
from tracker.forms.reports import ApproveForm, ReturnForm
from tracker.models import AuditEvent, ProgressReport, Target, TargetValue
from tracker.models.units import UNIT_WITHOUT_PLACE
from tracker.services.report_review import ReviewRefused, report_approve, report_return
from tracker.services.report_review_bulk import reports_approve
from tracker.views.common import PAGE_SIZE, current_user, supervisor_required
from tracker.views.keyset import Key, keyset_page

_SUBMITTED = Key("submitted_at", datetime)


class QueueSort(NamedTuple):
    """A sort of the review queue as keyset keys: the order selectors.review_queue gives it (the
    pk follows), how many leading keys one table's index covers (keyset_page's `seek`), and
    whether the database sorts it by its keys alone first (`narrow`)."""

    keys: tuple[Key, ...]
    seek: int = 0
    narrow: bool = False


# Every sort pages by keyset, so a deep page costs what the first does (an offset of 100,000
# rows took 0.4-1.7 s by submission time, 0.9 s by unit).
QUEUE_SORTS: dict[str, QueueSort] = {
    "oldest": QueueSort((_SUBMITTED,)),
    "newest": QueueSort((_SUBMITTED,)),
    # The units in their official order (the unit_official_order index), each unit's reports
    # read through its responsibilities.
    "unit": QueueSort(
        (
            Key(
                "unit_place",
                int,
                Coalesce("responsibility__unit__position", Value(UNIT_WITHOUT_PLACE)),
            ),
            Key("unit_name", str, F("responsibility__unit__name")),
            _SUBMITTED,
        ),
        seek=2,
    ),
    # The tasks in their document's order (the assignment_position_unique index).
    "task": QueueSort(
        (
            Key("task_document", int, F("responsibility__assignment__document_id")),
            Key("task_place", int, F("responsibility__assignment__position")),
            _SUBMITTED,
        ),
        seek=2,
    ),
    # Sorted by the database whatever the index (a due date holds 30,000 of a province's
    # reports, from several periods): on the keys alone, 50 ms, not 300.
    "due": QueueSort((Key("due", date, F("period__due_on")), _SUBMITTED), narrow=True),
}
# How far the queue is counted: a reviewer needs to know roughly how much is left, and counting
# every row of a province's queue on every page took 25-40 ms of the page's SQL (a scan of the
# reports); past this it says "more than".
QUEUE_COUNTED = 1000


def _report_page(
    request: HttpRequest,
    report: ProgressReport,
    *,
    approve_form: ApproveForm | None = None,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    values = _values_of_every_target(report)
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
            "queue": request.GET.get("queue", ""),
        },
        status=status,
    )


def _values_of_every_target(report: ProgressReport) -> list[TargetValue]:
    """One row per target of the task, in order: the stored value, or an empty one for a target
    the report gave nothing for (a co-unit reporting its part in words still shows the targets
    it works towards). Targets withdrawn since keep their row when a value was given."""
    stored = {v.target_id: v for v in report.values.select_related("target")}
    rows = []
    for target in report.responsibility.assignment.targets.order_by("position"):
        value = stored.pop(target.pk, None) or TargetValue(report=report, target=target)
        rows.append(value)
    rows.extend(sorted(stored.values(), key=lambda v: v.target.position))
    return rows


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
            if request.POST.get("next"):
                return _next_in_queue(request, report)
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
    """报告审核: reports waiting for review, oldest first, filtered by document, unit, level,
    quarter, status, light and text, sorted, and approved in bulk; also the returned and
    approved ones."""
    form = ReviewQueueForm(request.GET, user=current_user(request))
    filters = form.filters()
    reports = selectors.review_queue(current_user(request), filters=filters)
    sort = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["oldest"])
    page = keyset_page(
        request,
        reports,
        keys=sort.keys,
        seek=sort.seek,
        narrow=sort.narrow,
        per_page=PAGE_SIZE,
        descending=filters.sort == "newest",
    )
    # The ids of one more row than is counted: a count that stops there.
    total = reports.order_by().values("pk")[: QUEUE_COUNTED + 1].count()
    return render(
        request,
        "tracker/reports/queue.html",
        {
            "page": page,
            "total": min(total, QUEUE_COUNTED),
            "more": total > QUEUE_COUNTED,
            "form": form,
            "status": filters.status,
            "period_id": filters.period_id,
            # Carried to each report's page, so "approve and open next" follows this queue.
            "queue": _queue_query(request.GET),
        },
    )


def _queue_query(params: QueryDict) -> str:
    """The queue's filters as a query string, without the page number."""
    kept = params.copy()
    for key in ("page", "after", "before"):
        kept.pop(key, None)
    return kept.urlencode()


def _queue_url(queue: str) -> str:
    return f"{reverse('review-queue')}?{queue}" if queue else reverse("review-queue")


@supervisor_required
@require_POST
def review_bulk_approve(request: HttpRequest) -> HttpResponse:
    """批量审核通过: every ticked report of the queue, each at the version the queue showed."""
    user = current_user(request)
    queue = request.POST.get("queue", "")
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请先勾选要审核通过的报告。"))
        return redirect(_queue_url(queue))
    versions = form.versions()
    # Only reports the person may see; an id from elsewhere is simply not there.
    reports = access.visible_reports(user).filter(pk__in=list(versions)).order_by("pk")
    try:
        outcome = reports_approve(
            reports=[(report, versions[report.pk]) for report in reports], actor=user
        )
    except ReviewRefused as exc:
        messages.error(request, exc.message)
        return redirect(_queue_url(queue))
    if outcome.approved:
        messages.success(request, _("已审核通过 %(n)s 份报告。") % {"n": len(outcome.approved)})
    for report, why in outcome.refused:
        messages.error(
            request,
            _("%(unit)s · %(task)s：%(why)s")
            % {
                "unit": report.responsibility.unit,
                "task": report.responsibility.assignment.ref,
                "why": why,
            },
        )
    return redirect(_queue_url(queue))


def _next_in_queue(request: HttpRequest, report: ProgressReport) -> HttpResponse:
    """After "approve and open next": the next report of the same filtered queue still
    waiting for review, else the queue itself."""
    queue = request.POST.get("queue", "")
    filters = ReviewQueueForm(QueryDict(queue), user=current_user(request)).filters()
    following = (
        selectors.review_queue(
            current_user(request),
            filters=replace(filters, status=ProgressReport.Status.SUBMITTED),
        )
        .exclude(pk=report.pk)
        .first()
    )
    if following is None:
        messages.info(request, _("该筛选条件下已没有待审核的报告。"))
        return redirect(_queue_url(queue))
    url = reverse("report-detail", args=[following.pk])
    return redirect(f"{url}?{urlencode({'queue': queue})}" if queue else url)


urlpatterns = [
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("reports/<int:pk>/review/", report_review, name="report-review"),
    path("reviews/", review_queue, name="review-queue"),
    path("reviews/approve/", review_bulk_approve, name="review-bulk-approve"),
]
