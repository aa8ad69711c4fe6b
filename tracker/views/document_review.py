"""Correcting a draft before it is published: the review page (the draft beside its source,
every assignment's span marked), in-place edits of the metadata and of each assignment with its
targets, and the unit names page.

The review page edits in place with htmx: a GET returns an edit form fragment, a POST saves and
returns the updated fragment (or the form again with its errors and the reviewer's input). Every
fragment URL also works without JavaScript, as a full page that redirects back to the review.

Longer than most view modules because every editable part of a draft has the same three views
(fragment, form, save) around one shared fragment renderer; splitting them by part would scatter
that pattern across files without separating any logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.forms.documents import (
    AssignmentForm,
    DocumentMetadataForm,
    TargetForm,
    TargetFormSet,
    UnitMappingForm,
)
from tracker.forms.units import active_units
from tracker.http import int_param, is_htmx
from tracker.models import Assignment, Document, Unit, UnitGroup, User
from tracker.selectors.documents import (
    MentionStatus,
    document_unit_mentions,
    headline_targets,
    mention_suggestions,
    metadata_token,
    review_assignments,
    review_cards,
    source_segments,
    unit_names,
)
from tracker.selectors.units import UnitDirectory, unit_key
from tracker.services.document_drafts import (
    DraftRefused,
    StaleDraft,
    TargetEdit,
    draft_assignment_create,
    draft_assignment_delete,
    draft_assignment_update,
    draft_metadata_update,
)
from tracker.services.unit_mentions import (
    unit_mention_accept,
    unit_mention_map,
    unit_mentions_accept_suggestions,
    unit_mentions_create_units,
)
from tracker.views.common import document_for_reviewer, paginate, supervisor_required
from tracker.views.document_confidence import review_confidence_context
from tracker.views.schedules import schedules_context

UNITS_PAGE_SIZE = 50


@supervisor_required
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    _user, document = document_for_reviewer(request, pk)
    if document.status != Document.Status.DRAFT:
        messages.info(request, _("该文件已发布，审核页面只用于草稿。"))
        return redirect("document-detail", pk=document.pk)
    assignments = review_assignments(document)
    directory = UnitDirectory.load()
    cards = review_cards(document, assignments, directory)
    unknown = {
        chip.name for card in cards for chip in (*card.lead, *card.co) if chip.state == "unknown"
    }
    confidence = review_confidence_context(request, document, cards)
    return render(
        request,
        "tracker/documents/review.html",
        {
            "document": document,
            "segments": source_segments(
                document.source_text, ((a.pk, a.span_start, a.span_end) for a in assignments)
            ),
            "headline_targets": headline_targets(document),
            "metadata_form": _metadata_form(document),
            "target_total": sum(len(a.targets.all()) for a in assignments),
            "unknown_total": len({unit_key(n) for n in unknown}),
            "publishing": document.publish_requested_at is not None,
            **schedules_context(document),
            **confidence,
            # In the order (and under the filter) the reviewer chose; "card_total" counts all.
            "cards": confidence["shown_cards"],
        },
    )


def _metadata_form(document: Document, data: Any = None) -> DocumentMetadataForm:
    return DocumentMetadataForm(
        data,
        initial=DocumentMetadataForm.initial_for(document, metadata_token(document)),
        prefix="doc",
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_metadata(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    form = _metadata_form(document, request.POST if request.method == "POST" else None)
    error = ""
    saved = False
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "seen"}
        try:
            draft_metadata_update(
                document=document,
                actor=user,
                changes=changes,
                seen=form.cleaned_data["seen"] or None,
            )
        except StaleDraft as exc:
            error = exc.message
            document.refresh_from_db()
            # The conflict is shown; saving again now deliberately overwrites the other edit.
            data = request.POST.copy()
            data["doc-seen"] = metadata_token(document)
            form = _metadata_form(document, data)
            form.is_valid()
        except DraftRefused as exc:
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
    _user, document = document_for_reviewer(request, pk)
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
            "card": review_cards(document, [fresh])[0],
            "saved": saved,
            "error": error,
            "publishing": document.publish_requested_at is not None,
        },
    )


def _target_formset(prefix: str, assignment: Assignment | None, data: Any = None) -> Any:
    initial = [TargetForm.initial_for(t) for t in assignment.targets.all()] if assignment else []
    return TargetFormSet(data, initial=initial, prefix=prefix)


def _target_edits(formset: Any) -> list[TargetEdit]:
    """The formset's rows as edits: unchanged rows are left out, ticked rows are deletions.
    Whether each target still exists is the service's to check, after the version."""
    edits = []
    for target_form in formset.forms:
        target_id = target_form.cleaned_data.get("id") if target_form.cleaned_data else None
        if target_form.cleaned_data.get("DELETE"):
            if target_id is not None:
                edits.append(TargetEdit(target_id, None))
            continue
        if not target_form.has_changed():
            continue
        edits.append(TargetEdit(target_id, target_form.values()))
    return edits


@supervisor_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
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
            draft_assignment_update(
                assignment=assignment,
                actor=user,
                version=form.cleaned_data["version"] or 0,
                changes=form.changes(),
                targets=_target_edits(formset),
            )
        except StaleDraft as exc:
            error, current = exc.message, exc.current
        except DraftRefused as exc:
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
        "current_card": review_cards(document, [current])[0] if current is not None else None,
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
    user, document = document_for_reviewer(request, pk)
    after_pk = int_param(request, "after")
    after = _assignment(document, after_pk) if after_pk is not None else None
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
            created = draft_assignment_create(
                document=document,
                actor=user,
                values=form.changes(),
                after=after,
                targets=_target_edits(formset),
            )
        except DraftRefused as exc:
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
def assignment_delete_view(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    assignment = Assignment.objects.filter(pk=assignment_pk, document=document).first()
    if assignment is None:
        # Someone else deleted it first: the outcome the reviewer asked for.
        if is_htmx(request):
            return HttpResponse("")
        messages.info(request, _("该任务已被删除。"))
        return redirect("document-review", pk=document.pk)
    version = int_param(request, "version", data=request.POST) or 0
    try:
        draft_assignment_delete(assignment=assignment, actor=user, version=version)
    except DraftRefused as exc:
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

    status: MentionStatus
    error: str = ""
    name: str = ""


@supervisor_required
@require_http_methods(["GET", "POST"])
def document_units(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    if document.status != Document.Status.DRAFT:
        return redirect("document-detail", pk=document.pk)
    row_error: dict[str, str] = {}
    row_name: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("accept_all", "create_rest"):
            return _all_names_action(request, document, user, action)
        form = UnitMappingForm(request.POST)
        mention = request.POST.get("mention", "").strip()
        done = ""
        if form.is_valid():
            try:
                done = _unit_action(document, user, form.cleaned_data)
            except DraftRefused as exc:
                row_error[mention] = exc.message
                row_name[mention] = form.cleaned_data.get("name") or ""
        else:
            row_error[mention] = " ".join(str(e) for errors in form.errors.values() for e in errors)
            row_name[mention] = request.POST.get("name", "")
        if is_htmx(request):
            # The card answers in place: its error beside the control that caused it, or its
            # new state, where the person is (not at the top of a long page).
            return _mention_card(
                request,
                document,
                mention,
                error=row_error.get(mention, ""),
                name=row_name.get(mention, ""),
                done=done,
            )
        if done:
            messages.success(request, done)
            return redirect(request.get_full_path())
        document.refresh_from_db()
    directory = UnitDirectory.load()
    mentions = document_unit_mentions(document, directory=directory, suggestions=False)
    rows = [
        MentionRow(m, error=row_error.get(m.mention, ""), name=row_name.get(m.mention, ""))
        for m in mentions
    ]
    # Suggestions compare a name with every known name: only the page shown pays for them.
    page = paginate(request, [row for row in rows if not row.status.known], UNITS_PAGE_SIZE)
    for row in page.object_list:
        row.status.suggestions = mention_suggestions(directory, document, row.status.mention)
    unmatched = [m for m in row_error if m not in {s.mention for s in mentions}]
    unknown = [m for m in mentions if not m.known]
    return render(
        request,
        "tracker/documents/units.html",
        {
            "document": document,
            "rows": rows,
            "page": page,
            "unknown_rows": page.object_list,
            "known_rows": [row for row in rows if row.status.known],
            "unknown_total": len(unknown),
            "accepted_total": sum(1 for m in mentions if m.accepted),
            "collective": [m.mention for m in unknown if m.collective],
            "page_error": " ".join(row_error[m] for m in unmatched),
            "names": unit_names(directory),
            "parents": active_units(),
            "issuer_unit": _issuer_unit(directory, document),
        },
    )


def _issuer_unit(directory: UnitDirectory, document: Document) -> Unit | None:
    """The unit that issued the document, the natural parent of the names it introduces."""
    found = directory.find(document.issuer) if document.issuer else None
    return found.units[0] if found is not None and len(found.units) == 1 else None


def _all_names_action(
    request: HttpRequest, document: Document, user: User, action: str
) -> HttpResponse:
    """接受全部建议 / 其余名称全部新建: every unknown name of the draft settled in one action."""
    try:
        if action == "accept_all":
            aliases = unit_mentions_accept_suggestions(document=document, actor=user)
            text = _("已接受 %(n)s 条建议，对应到已有单位。") % {"n": len(aliases)}
        else:
            parent_id = int_param(request, "parent", data=request.POST)
            parent = Unit.objects.filter(pk=parent_id).first() if parent_id is not None else None
            created = unit_mentions_create_units(document=document, actor=user, parent=parent)
            text = _("已新建 %(n)s 个单位%(under)s。") % {
                "n": len(created),
                "under": _("（上级单位：%(p)s）") % {"p": parent.name} if parent else "",
            }
    except DraftRefused as exc:
        messages.error(request, exc.message)
    else:
        remaining = sum(
            1 for m in document_unit_mentions(document, suggestions=False) if not m.known
        )
        if remaining:
            text += _("还有 %(n)s 个名称未对应。") % {"n": remaining}
        else:
            text += _("全部单位名称均已对应，可以发布。")
        messages.success(request, text)
    return redirect("document-units", pk=document.pk)


def _mention_card(
    request: HttpRequest, document: Document, mention: str, *, error: str, name: str, done: str
) -> HttpResponse:
    directory = UnitDirectory.load()
    mentions = document_unit_mentions(document, directory=directory, suggestions=False)
    key = unit_key(mention)
    status = next((m for m in mentions if unit_key(m.mention) == key), None)
    if status is None:
        return HttpResponse(f'<p class="alert" role="alert">{escape(error or done)}</p>')
    if not status.known:
        status.suggestions = mention_suggestions(directory, document, status.mention)
    card = int_param(request, "card", data=request.POST) or 0
    return render(
        request,
        "tracker/documents/_mention.html",
        {
            "document": document,
            "row": MentionRow(status, error=error, name=name),
            "n": str(card),
            "done": done,
            "unknown_total": sum(1 for m in mentions if not m.known),
            "oob": True,
        },
    )


def _unit_action(document: Document, user: User, data: dict[str, Any]) -> str:
    mention = data["mention"].strip()
    action = data["action"]
    if action in ("accept", "unaccept"):
        unit_mention_accept(
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
            raise DraftRefused(_("所选单位不存在（可能已被删除），未作更改。"))
    elif data.get("group"):
        group = UnitGroup.objects.filter(pk=data["group"]).first()
        if group is None:
            raise DraftRefused(_("所选单位集合不存在（可能已被删除），未作更改。"))
    else:
        name = (data.get("name") or "").strip()
        found = UnitDirectory.load().find(name)
        if found is None:
            raise DraftRefused(
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
    alias = unit_mention_map(document=document, mention=mention, actor=user, unit=unit, group=group)
    return _("已将“%(name)s”对应到“%(target)s”。") % {
        "name": mention,
        "target": alias.unit.name if alias.unit else alias.group.name if alias.group else "",
    }


def _review_anchor(document: Document, assignment: Assignment) -> str:
    return reverse("document-review", args=[document.pk]) + f"#a-{assignment.pk}"


urlpatterns = [
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
        assignment_delete_view,
        name="document-assignment-delete",
    ),
    path("documents/<int:pk>/units/", document_units, name="document-units"),
]
