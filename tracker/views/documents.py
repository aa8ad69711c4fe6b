"""Documents: the list, a published document's detail, and (for supervisors) importing and
reviewing a draft before publishing it.

The review page edits in place with htmx: a GET returns an edit form fragment, a POST saves and
returns the updated fragment (or the form again with its errors and the reviewer's input). Every
fragment URL also works without JavaScript, as a full page that redirects back to the review.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tracker import access, selectors, tasks
from tracker.formatting import cn_datetime
from tracker.forms.documents import (
    ArchiveForm,
    AssignmentForm,
    DocumentImportForm,
    DocumentMetadataForm,
    TargetForm,
    TargetFormSet,
    UnitMappingForm,
)
from tracker.http import is_htmx
from tracker.models import Assignment, Document, Target, Unit, UnitGroup, User
from tracker.services import document_review as review
from tracker.services.document_import import DocumentRejected, document_import
from tracker.services.document_publish import PublishRefused, document_publish
from tracker.services.units import UnitDirectory, unit_key
from tracker.views.common import current_user, paginate, supervisor_required

PASTED_SOURCE_NAME = "粘贴文本.txt"
UNITS_PAGE_SIZE = 50


def _publish_threshold() -> int:
    """Publishing creates a row per assignment × unit and the quarters' periods; above this
    many assignments it runs on a Celery worker so the request does not time out."""
    return int(settings.TRACKER_PUBLISH_BACKGROUND_ABOVE)


# --- the list and the detail (every signed-in user, scoped) -------------------------------------


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
    assignments = selectors.document_assignments(document, user)
    return render(
        request,
        "tracker/documents/detail.html",
        {
            "document": document,
            "assignments": assignments,
            "periods": document.periods.order_by("year", "quarter"),
            "can_review": access.can_import_documents(user),
        },
    )


# --- import -------------------------------------------------------------------------------------


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_import_view(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
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
                    % {"when": cn_datetime(document.imported_at)},
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


# --- the review page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of the source text, inside one assignment's span or outside every span."""

    text: str
    assignment_id: int | None = None
    first: bool = False


def source_segments(
    text: str, spans: Iterable[tuple[int, int | None, int | None]]
) -> list[Segment]:
    """Cut the source text at every span boundary; a piece belongs to the innermost assignment
    covering it (the latest to start), so nested or overlapping spans still each get a mark."""
    length = len(text)
    valid = sorted(
        (max(0, start), min(end, length), pk)
        for pk, start, end in spans
        if start is not None and end is not None and start < min(end, length)
    )
    if not valid:
        return [Segment(text)] if text else []
    bounds = sorted({0, length, *(s for s, _e, _pk in valid), *(e for _s, e, _pk in valid)})
    segments: list[Segment] = []
    active: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    next_span = 0
    for left, right in itertools.pairwise(bounds):
        active = [span for span in active if span[1] > left]
        while next_span < len(valid) and valid[next_span][0] <= left:
            if valid[next_span][1] > left:
                active.append(valid[next_span])
            next_span += 1
        owner = max(active, key=lambda span: (span[0], -span[1]))[2] if active else None
        first = owner is not None and owner not in seen
        if owner is not None:
            seen.add(owner)
        piece = text[left:right]
        if segments and segments[-1].assignment_id == owner and not first:
            segments[-1] = Segment(segments[-1].text + piece, owner, segments[-1].first)
        else:
            segments.append(Segment(piece, owner, first))
    return segments


@dataclass(frozen=True)
class UnitChip:
    name: str
    state: str  # known, group, accepted, unknown

    @property
    def label(self) -> str:
        return {
            "known": "",
            "group": _("单位集合"),
            "accepted": _("将新建"),
            "unknown": _("未识别"),
        }[self.state]


_FIELD_LABELS = {
    "ref": gettext_lazy("编号"),
    "number": gettext_lazy("序号"),
    "section": gettext_lazy("章节"),
    "title": gettext_lazy("标题"),
    "text": gettext_lazy("内容"),
    "category": gettext_lazy("指标属性"),
    "deadline": gettext_lazy("完成时限"),
    "lead_units_text": gettext_lazy("牵头单位"),
    "responsible_units_text": gettext_lazy("责任单位"),
}


@dataclass(frozen=True)
class Card:
    """An assignment as the review page shows it, with each unit name's resolution."""

    assignment: Assignment
    lead: list[UnitChip]
    co: list[UnitChip]

    @property
    def edited_labels(self) -> list[str]:
        return [str(_FIELD_LABELS[n]) for n in self.assignment.edited_fields if n in _FIELD_LABELS]


def _chip_state(name: str, directory: UnitDirectory, accepted: set[str]) -> str:
    found = directory.find(name)
    if found is not None and found.units:
        return "group" if found.group is not None else "known"
    return "accepted" if unit_key(name) in accepted else "unknown"


def _cards(
    document: Document, assignments: Sequence[Assignment], directory: UnitDirectory | None = None
) -> list[Card]:
    directory = directory or UnitDirectory.load()
    accepted = {unit_key(n) for n in document.new_unit_names}
    states: dict[str, str] = {}

    def chips(names: list[str]) -> list[UnitChip]:
        result = []
        for name in names or []:
            if name not in states:
                states[name] = _chip_state(name, directory, accepted)
            result.append(UnitChip(name, states[name]))
        return result

    return [Card(a, chips(a.lead_units_text), chips(a.responsible_units_text)) for a in assignments]


def _review_assignments(document: Document) -> list[Assignment]:
    return list(
        Assignment.objects.filter(document=document)
        .prefetch_related("targets")
        .order_by("position")
    )


@supervisor_required
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    _user, document = _document(request, pk)
    if document.status != Document.Status.DRAFT:
        messages.info(request, _("该文件已发布，审核页面只用于草稿。"))
        return redirect("document-detail", pk=document.pk)
    assignments = _review_assignments(document)
    directory = UnitDirectory.load()
    cards = _cards(document, assignments, directory)
    unknown = {
        chip.name for card in cards for chip in (*card.lead, *card.co) if chip.state == "unknown"
    }
    return render(
        request,
        "tracker/documents/review.html",
        {
            "document": document,
            "cards": cards,
            "segments": source_segments(
                document.source_text, ((a.pk, a.span_start, a.span_end) for a in assignments)
            ),
            "headline_targets": list(
                Target.objects.filter(document=document, assignment__isnull=True).order_by(
                    "position"
                )
            ),
            "metadata_form": _metadata_form(document),
            "target_total": sum(len(a.targets.all()) for a in assignments),
            "unknown_total": len({unit_key(n) for n in unknown}),
            "publishing": document.publish_requested_at is not None,
        },
    )


def _metadata_form(document: Document, data: Any = None) -> DocumentMetadataForm:
    return DocumentMetadataForm(
        data,
        initial=DocumentMetadataForm.initial_for(document, review.metadata_token(document)),
        prefix="doc",
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_metadata(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    form = _metadata_form(document, request.POST if request.method == "POST" else None)
    error = ""
    saved = False
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "seen"}
        try:
            review.document_metadata_update(
                document=document,
                actor=user,
                changes=changes,
                seen=form.cleaned_data["seen"] or None,
            )
        except review.StaleEdit as exc:
            error = exc.message
            document.refresh_from_db()
            # The conflict is shown; saving again now deliberately overwrites the other edit.
            data = request.POST.copy()
            data["doc-seen"] = review.metadata_token(document)
            form = _metadata_form(document, data)
            form.is_valid()
        except review.ReviewRefused as exc:
            error = exc.message
        else:
            if not is_htmx(request):
                messages.success(request, _("文件信息已保存。"))
                return redirect("document-review", pk=document.pk)
            form, saved = _metadata_form(document), True
    context = {"document": document, "metadata_form": form, "error": error, "saved": saved}
    if is_htmx(request):
        return render(request, "tracker/documents/_metadata_form.html", context)
    return render(request, "tracker/documents/metadata_edit.html", context)


def _assignment(document: Document, assignment_pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.prefetch_related("targets"), pk=assignment_pk, document=document
    )


@supervisor_required
def assignment_card(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """One assignment as displayed (what an edit form's "取消" swaps back in)."""
    _user, document = _document(request, pk)
    assignment = _assignment(document, assignment_pk)
    if not is_htmx(request):
        return redirect(_review_anchor(document, assignment))
    return _card_response(request, document, assignment)


def _card_response(
    request: HttpRequest,
    document: Document,
    assignment: Assignment,
    *,
    saved: bool = False,
    error: str = "",
) -> HttpResponse:
    fresh = _assignment(document, assignment.pk)
    return render(
        request,
        "tracker/documents/_assignment.html",
        {
            "document": document,
            "card": _cards(document, [fresh])[0],
            "saved": saved,
            "error": error,
            "publishing": document.publish_requested_at is not None,
        },
    )


def _target_formset(prefix: str, assignment: Assignment | None, data: Any = None) -> Any:
    initial = [TargetForm.initial_for(t) for t in assignment.targets.all()] if assignment else []
    return TargetFormSet(data, initial=initial, prefix=prefix)


def _target_edits(formset: Any) -> list[review.TargetEdit]:
    """The formset's rows as edits: unchanged rows are left out, ticked rows are deletions.
    Whether each target still exists is the service's to check, after the version."""
    edits = []
    for target_form in formset.forms:
        target_id = target_form.cleaned_data.get("id") if target_form.cleaned_data else None
        if target_form.cleaned_data.get("DELETE"):
            if target_id is not None:
                edits.append(review.TargetEdit(target_id, None))
            continue
        if not target_form.has_changed():
            continue
        edits.append(review.TargetEdit(target_id, target_form.values()))
    return edits


@supervisor_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    prefix = f"a{assignment_pk}"
    found = Assignment.objects.prefetch_related("targets").filter(
        pk=assignment_pk, document=document
    )
    assignment = found.first()
    if assignment is None:
        if request.method == "GET":
            raise Http404
        # Deleted by another reviewer while this one was editing: keep what was typed.
        return _assignment_form_response(
            request,
            document,
            Assignment(pk=assignment_pk, document=document),
            AssignmentForm(request.POST, prefix=prefix),
            _target_formset(prefix + "t", None, request.POST),
            error=_(
                "该任务已被他人删除。您填写的内容未保存，仍保留在下方，可复制后用“添加任务”重新添加。"
            ),
            deleted=True,
        )
    if request.method == "GET":
        form = AssignmentForm(initial=AssignmentForm.initial_for(assignment), prefix=prefix)
        formset = _target_formset(prefix + "t", assignment)
        return _assignment_form_response(request, document, assignment, form, formset)

    form = AssignmentForm(
        request.POST, initial=AssignmentForm.initial_for(assignment), prefix=prefix
    )
    formset = _target_formset(prefix + "t", assignment, request.POST)
    error = ""
    current: Assignment | None = None
    if form.is_valid() and formset.is_valid():
        try:
            review.assignment_update(
                assignment=assignment,
                actor=user,
                version=form.cleaned_data["version"] or 0,
                changes=form.changes(),
                targets=_target_edits(formset),
            )
        except review.StaleEdit as exc:
            error, current = exc.message, exc.current
        except review.ReviewRefused as exc:
            error = exc.message
        else:
            if not is_htmx(request):
                messages.success(request, _("任务已保存。"))
                return redirect(_review_anchor(document, assignment))
            return _card_response(request, document, assignment, saved=True)
    if current is not None:
        # The conflict is shown; saving again now deliberately overwrites the other edit.
        data = request.POST.copy()
        data[f"{prefix}-version"] = str(current.version)
        form = AssignmentForm(data, initial=AssignmentForm.initial_for(current), prefix=prefix)
        form.is_valid()
    return _assignment_form_response(
        request, document, assignment, form, formset, error=error, current=current
    )


def _assignment_form_response(
    request: HttpRequest,
    document: Document,
    assignment: Assignment | None,
    form: AssignmentForm,
    formset: Any,
    *,
    error: str = "",
    current: Assignment | None = None,
    after: Assignment | None = None,
    deleted: bool = False,
) -> HttpResponse:
    if assignment is not None:
        action = reverse("document-assignment-edit", args=[document.pk, assignment.pk])
        element_id = f"a-{assignment.pk}"
    else:
        action = reverse("document-assignment-new", args=[document.pk])
        if after is not None:
            action += f"?after={after.pk}"
        element_id = f"new-{after.pk if after else 'end'}"
    context = {
        "document": document,
        "assignment": assignment,
        "form": form,
        "formset": formset,
        "error": error,
        "current": current,
        "current_card": _cards(document, [current])[0] if current is not None else None,
        "action": action,
        "element_id": element_id,
        "is_new": assignment is None,
        "deleted": deleted,
    }
    template = (
        "tracker/documents/_assignment_form.html"
        if is_htmx(request)
        else "tracker/documents/assignment_edit.html"
    )
    return render(request, template, context)


@supervisor_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    after_pk = request.GET.get("after", "")
    after = _assignment(document, int(after_pk)) if after_pk.isdigit() else None
    prefix = f"new{after.pk if after else 'end'}"
    if request.method == "GET":
        form = AssignmentForm(prefix=prefix)
        formset = _target_formset(prefix + "t", None)
        return _assignment_form_response(request, document, None, form, formset, after=after)
    form = AssignmentForm(request.POST, prefix=prefix)
    formset = _target_formset(prefix + "t", None, request.POST)
    error = ""
    if form.is_valid() and formset.is_valid():
        try:
            created = review.assignment_create(
                document=document,
                actor=user,
                values=form.changes(),
                after=after,
                targets=_target_edits(formset),
            )
        except review.ReviewRefused as exc:
            error = exc.message
        else:
            if not is_htmx(request):
                messages.success(request, _("已添加任务。"))
                return redirect(_review_anchor(document, created))
            return _card_response(request, document, created, saved=True)
    return _assignment_form_response(
        request, document, None, form, formset, error=error, after=after
    )


@supervisor_required
@require_POST
def assignment_delete(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    assignment = Assignment.objects.filter(pk=assignment_pk, document=document).first()
    if assignment is None:
        # Someone else deleted it first: the outcome the reviewer asked for.
        if is_htmx(request):
            return HttpResponse("")
        messages.info(request, _("该任务已被删除。"))
        return redirect("document-review", pk=document.pk)
    version = request.POST.get("version", "")
    try:
        review.assignment_delete(
            assignment=assignment, actor=user, version=int(version) if version.isdigit() else 0
        )
    except review.ReviewRefused as exc:
        if is_htmx(request):
            still_there = Assignment.objects.filter(pk=assignment.pk).exists()
            return (
                _card_response(request, document, assignment, error=exc.message)
                if (still_there)
                else HttpResponse(f'<p class="alert" role="alert">{escape(exc.message)}</p>')
            )
        messages.error(request, exc.message)
        return redirect(_review_anchor(document, assignment))
    if is_htmx(request):
        return HttpResponse("")
    messages.success(request, _("已删除任务“%(title)s”。") % {"title": assignment.title})
    return redirect("document-review", pk=document.pk)


# --- unit names ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionRow:
    """A unit name on the units page, with the error and typed name of a refused mapping."""

    status: review.MentionStatus
    error: str = ""
    name: str = ""


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_units(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    if document.status != Document.Status.DRAFT:
        return redirect("document-detail", pk=document.pk)
    row_error: dict[str, str] = {}
    row_name: dict[str, str] = {}
    if request.method == "POST":
        form = UnitMappingForm(request.POST)
        mention = request.POST.get("mention", "").strip()
        if form.is_valid():
            try:
                message = _unit_action(document, user, form.cleaned_data)
            except review.ReviewRefused as exc:
                row_error[mention] = exc.message
                row_name[mention] = form.cleaned_data.get("name") or ""
            else:
                messages.success(request, message)
                return redirect(request.get_full_path())
        else:
            row_error[mention] = " ".join(str(e) for errors in form.errors.values() for e in errors)
            row_name[mention] = request.POST.get("name", "")
        document.refresh_from_db()
    directory = UnitDirectory.load()
    mentions = review.document_unit_mentions(document, directory=directory, suggestions=False)
    rows = [
        MentionRow(m, error=row_error.get(m.mention, ""), name=row_name.get(m.mention, ""))
        for m in mentions
    ]
    # Suggestions compare a name with every known name: only the page shown pays for them.
    page = paginate(request, [row for row in rows if not row.status.known], UNITS_PAGE_SIZE)
    for row in page.object_list:
        row.status.suggestions = directory.suggest(row.status.mention)
    unmatched = [m for m in row_error if m not in {s.mention for s in mentions}]
    return render(
        request,
        "tracker/documents/units.html",
        {
            "document": document,
            "rows": rows,
            "page": page,
            "unknown_rows": page.object_list,
            "known_rows": [row for row in rows if row.status.known],
            "unknown_total": sum(1 for m in mentions if not m.known),
            "accepted_total": sum(1 for m in mentions if m.accepted),
            "page_error": " ".join(row_error[m] for m in unmatched),
            "names": sorted(
                {name for name, unit, _group in directory.names if unit is None or unit.is_active}
            ),
        },
    )


def _unit_action(document: Document, user: User, data: dict[str, Any]) -> str:
    mention = data["mention"].strip()
    action = data["action"]
    if action in ("accept", "unaccept"):
        review.unit_mention_accept(
            document=document, mention=mention, actor=user, accept=action == "accept"
        )
        if action == "accept":
            return _("“%(name)s”将在发布时作为新单位创建。") % {"name": mention}
        return _("已撤销“%(name)s”的新建确认。") % {"name": mention}
    unit: Unit | None = None
    group: UnitGroup | None = None
    if data.get("unit"):
        unit = Unit.objects.filter(pk=data["unit"]).first()
        if unit is None:
            raise review.ReviewRefused(_("所选单位不存在（可能已被删除），未作更改。"))
    elif data.get("group"):
        group = UnitGroup.objects.filter(pk=data["group"]).first()
        if group is None:
            raise review.ReviewRefused(_("所选单位集合不存在（可能已被删除），未作更改。"))
    else:
        name = (data.get("name") or "").strip()
        found = UnitDirectory.load().find(name)
        if found is None:
            raise review.ReviewRefused(
                _(
                    "没有名为“%(name)s”的单位或单位集合，未作更改。请从建议中选择、"
                    "核对名称，或选择“作为新单位”。"
                )
                % {"name": name}
            )
        if found.group is not None:
            group = found.group
        else:
            unit = found.units[0]
    alias = review.unit_mention_map(
        document=document, mention=mention, actor=user, unit=unit, group=group
    )
    return _("已将“%(name)s”对应到“%(target)s”。") % {
        "name": mention,
        "target": alias.unit.name if alias.unit else alias.group.name if alias.group else "",
    }


# --- publish, re-extract, archive ---------------------------------------------------------------


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    if document.status != Document.Status.DRAFT:
        messages.info(request, _("该文件已发布。"))
        return redirect("document-detail", pk=document.pk)
    error = ""
    if request.method == "POST":
        count = document.assignments.count()
        try:
            if count > _publish_threshold():
                with transaction.atomic():
                    review.document_publish_request(document=document, actor=user)
                    document_id, actor_id = document.pk, user.pk
                    transaction.on_commit(
                        lambda: tasks.document_publish.delay(document_id, actor_id)
                    )
                messages.info(
                    request,
                    _("文件共 %(count)d 项任务，正在后台发布，完成后状态将变为“已发布”。")
                    % {"count": count},
                )
                return redirect("document-publish", pk=document.pk)
            outcome = document_publish(document=document, actor=user)
        except (PublishRefused, review.ReviewRefused) as exc:
            error = exc.message
        else:
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
    return render(
        request,
        "tracker/documents/publish.html",
        {
            "document": document,
            "preview": review.document_publish_preview(document),
            "error": error,
            "publishing": document.publish_requested_at is not None,
            "background": document.assignments.count() > _publish_threshold(),
        },
    )


@supervisor_required
@require_POST
def document_reextract(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    try:
        outcome = review.document_reextract(document=document, actor=user)
    except review.ReviewRefused as exc:
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
def document_archive(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = _document(request, pk)
    form = ArchiveForm(request.POST) if request.method == "POST" else ArchiveForm()
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            review.document_archive(
                document=document, actor=user, reason=form.cleaned_data["reason"]
            )
        except review.ReviewRefused as exc:
            error = exc.message
        else:
            messages.success(request, _("文件已归档。"))
            return redirect("document-detail", pk=document.pk)
    return render(
        request,
        "tracker/documents/archive.html",
        {"document": document, "form": form, "error": error},
    )


# --- helpers ------------------------------------------------------------------------------------


def _reviewer(request: HttpRequest) -> User:
    """The signed-in reviewer; anyone who may not import documents gets 404 (DESIGN §5)."""
    user = current_user(request)
    if not access.can_import_documents(user):
        raise Http404
    return user


def _document(request: HttpRequest, pk: int) -> tuple[User, Document]:
    user = _reviewer(request)
    return user, access.document_for_user(user, pk)


def _review_anchor(document: Document, assignment: Assignment) -> str:
    return reverse("document-review", args=[document.pk]) + f"#a-{assignment.pk}"


urlpatterns = [
    path("documents/", document_list, name="document-list"),
    path("documents/import/", document_import_view, name="document-import"),
    path("documents/<int:pk>/", document_detail, name="document-detail"),
    path("documents/<int:pk>/review/", document_review, name="document-review"),
    path("documents/<int:pk>/review/metadata/", document_metadata, name="document-metadata"),
    path("documents/<int:pk>/assignments/new/", assignment_new, name="document-assignment-new"),
    path(
        "documents/<int:pk>/assignments/<int:assignment_pk>/",
        assignment_card,
        name="document-assignment",
    ),
    path(
        "documents/<int:pk>/assignments/<int:assignment_pk>/edit/",
        assignment_edit,
        name="document-assignment-edit",
    ),
    path(
        "documents/<int:pk>/assignments/<int:assignment_pk>/delete/",
        assignment_delete,
        name="document-assignment-delete",
    ),
    path("documents/<int:pk>/units/", document_units, name="document-units"),
    path("documents/<int:pk>/publish/", document_publish_view, name="document-publish"),
    path("documents/<int:pk>/reextract/", document_reextract, name="document-reextract"),
    path("documents/<int:pk>/archive/", document_archive, name="document-archive"),
]
