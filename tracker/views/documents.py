"""Documents: the list, a published document's detail, and (for supervisors) importing a
document, publishing a reviewed draft, running a newer extractor over it, and archiving.
(Correcting a draft before publishing: tracker.views.document_review.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker import access, selectors
from tracker.forms.documents import ArchiveForm, DocumentImportForm
from tracker.http import parse_int
from tracker.l10n import datetime_text
from tracker.models import Document
from tracker.selectors.amendments import document_amendments
from tracker.selectors.documents import (
    assignment_page,
    document_publish_preview,
    publishes_in_background,
)
from tracker.selectors.people import units_reach
from tracker.services.document_archive import ArchiveRefused, document_archive
from tracker.services.document_drafts import DraftRefused
from tracker.services.document_import import DocumentRejected, document_import
from tracker.services.document_publish import PublishRefused, document_publish_or_queue
from tracker.services.document_reextract import document_reextract
from tracker.views.common import (
    current_user,
    document_for_reviewer,
    paginate,
    reviewer,
    supervisor_required,
)
from tracker.views.schedules import publish_schedule

# Assignments a page of a document's detail (a 2,500-assignment document was 2.4 MB whole).
ASSIGNMENTS_PAGE_SIZE = 50

PASTED_SOURCE_NAME = "粘贴文本.txt"


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    documents = selectors.documents_for_user(user)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    is_reviewer = access.can_import_documents(user)
    if is_reviewer and status in Document.Status.values:
        documents = documents.filter(status=status)
    if query:
        documents = documents.filter(title__icontains=query)
    return render(
        request,
        "tracker/documents/list.html",
        {
            "page": paginate(request, documents),
            "status": status,
            "query": query,
            "statuses": Document.Status.choices,
            "can_import": is_reviewer,
            "units_to_review": selectors.units_needing_review() if is_reviewer else [],
        },
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = access.document_for_user(user, pk)
    # A province's document has thousands of assignments: a page at a time, and a link to one
    # of them (?a=<id>#a-<id>, from the dashboard and the matrix) opens the page holding it.
    number = request.GET.get("page") or assignment_page(
        document, parse_int(request.GET.get("a")), per_page=ASSIGNMENTS_PAGE_SIZE
    )
    assignments = Paginator(
        selectors.document_assignments(document, user), ASSIGNMENTS_PAGE_SIZE
    ).get_page(number)
    return render(
        request,
        "tracker/documents/detail.html",
        {
            "document": document,
            "assignments": assignments,
            "page": assignments,
            "periods": document.periods.select_related("schedule").order_by(
                "ends_on", "-schedule__is_default", "schedule_id"
            ),
            "can_review": access.can_import_documents(user),
            "amendments": document_amendments(document),
        },
    )


# --- import -------------------------------------------------------------------------------------


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_import_view(request: HttpRequest) -> HttpResponse:
    user = reviewer(request)
    form = (
        DocumentImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else DocumentImportForm()
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload is not None:
            data, source_name = upload.read(), upload.name or ""
        else:
            data = form.cleaned_data["text"].encode("utf-8")
            source_name = PASTED_SOURCE_NAME
        try:
            outcome = document_import(
                data=data, source_name=source_name, actor=user, title=form.cleaned_data["title"]
            )
        except DocumentRejected as exc:
            form.add_error(None, exc.message)
        else:
            document = outcome.document
            if not outcome.created:
                messages.info(
                    request,
                    _("该文件已导入过（%(when)s），已打开原有记录，未重复导入。")
                    % {"when": datetime_text(document.imported_at)},
                )
            else:
                messages.success(
                    request,
                    _("已识别出 %(assignments)d 项任务、%(targets)d 个指标，请核对后发布。")
                    % {
                        "assignments": document.assignments.count(),
                        "targets": document.targets.count(),
                    },
                )
            if document.status == Document.Status.DRAFT:
                return redirect("document-review", pk=document.pk)
            return redirect("document-detail", pk=document.pk)
    return render(request, "tracker/documents/import.html", {"form": form})


# --- publish, re-extract, archive ---------------------------------------------------------------


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    if document.status != Document.Status.DRAFT:
        messages.info(request, _("该文件已发布。"))
        return redirect("document-detail", pk=document.pk)
    error = ""
    periods = publish_schedule(request, document)
    if request.method == "POST" and periods["first_period_error"]:
        error = periods["first_period_error"]
    elif request.method == "POST":
        try:
            decision = document_publish_or_queue(
                document=document, actor=user, reporting_from=periods["publish_from"]
            )
        except PublishRefused as exc:
            error = exc.message
        else:
            if decision.outcome is None:
                messages.info(
                    request,
                    _("文件共 %(count)d 项任务，正在后台发布，完成后状态将变为“已发布”。")
                    % {"count": decision.assignments},
                )
                return redirect("document-publish", pk=document.pk)
            outcome = decision.outcome
            messages.success(
                request,
                _(
                    "已发布：新建 %(responsibilities)d 条责任分工、%(periods)d 个报送周期，"
                    "新建单位 %(units)d 个。"
                )
                % {
                    "responsibilities": outcome.responsibilities_created,
                    "periods": outcome.periods_created,
                    "units": len(outcome.units_created),
                },
            )
            return redirect("document-detail", pk=document.pk)
    preview = document_publish_preview(document)
    reach = units_reach(preview.unit_ids)
    return render(
        request,
        "tracker/documents/publish.html",
        {
            "document": document,
            "preview": preview,
            "error": error,
            "publishing": document.publish_requested_at is not None,
            "background": publishes_in_background(preview.assignments),
            "reach": reach,
            "no_reporter": len(reach.without_reporter) + len(preview.new_units),
            **periods,
        },
    )


@supervisor_required
@require_POST
def document_reextract_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    try:
        outcome = document_reextract(document=document, actor=user)
    except (DraftRefused, DocumentRejected) as exc:
        messages.error(request, exc.message)
    else:
        text = _(
            "重新识别完成：新增 %(added)d 项，更新 %(updated)d 项，保留人工修改 %(kept)d 处"
        ) % {
            "added": outcome.added,
            "updated": outcome.updated,
            "kept": outcome.kept,
        }
        if outcome.removed:
            text += _("，移除 %(removed)d 项（新版本未再识别出且未经人工修改）") % {
                "removed": outcome.removed
            }
        messages.success(request, text + "。")
    if document.status == Document.Status.DRAFT:
        return redirect("document-review", pk=document.pk)
    return redirect("document-detail", pk=document.pk)


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    form = ArchiveForm(request.POST) if request.method == "POST" else ArchiveForm()
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            document_archive(document=document, actor=user, reason=form.cleaned_data["reason"])
        except ArchiveRefused as exc:
            error = exc.message
        else:
            messages.success(request, _("文件已归档。"))
            return redirect("document-detail", pk=document.pk)
    return render(
        request,
        "tracker/documents/archive.html",
        {"document": document, "form": form, "error": error},
    )


urlpatterns = [
    path("documents/", document_list, name="document-list"),
    path("documents/import/", document_import_view, name="document-import"),
    path("documents/<int:pk>/", document_detail, name="document-detail"),
    path("documents/<int:pk>/publish/", document_publish_view, name="document-publish"),
    path("documents/<int:pk>/reextract/", document_reextract_view, name="document-reextract"),
    path("documents/<int:pk>/archive/", document_archive_view, name="document-archive"),
]
