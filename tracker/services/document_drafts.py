"""Correcting a draft before it is published (DESIGN §1 step 1): the document's metadata, its
assignments and their targets.

Every correction is audited with before and after, and marked as the reviewer's, so that running
a newer extractor over the same text (tracker.services.document_reextract) replaces only what
nobody corrected. Assignments carry a version: a save made from a page that another reviewer has
changed since is refused with StaleDraft rather than silently overwriting the other reviewer's
work. The draft's unit names: tracker.services.unit_mentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from tracker.access import can_import_documents
from tracker.models import Assignment, Document, Target, User
from tracker.selectors.documents import DOCUMENT_FIELDS, metadata_token
from tracker.services.audit import audit_record
from tracker.services.errors import Conflict, Refused

ASSIGNMENT_FIELDS = (
    "ref",
    "number",
    "section",
    "title",
    "text",
    "category",
    "deadline",
    "lead_units_text",
    "responsible_units_text",
)
TARGET_FIELDS = (
    "indicator",
    "value",
    "value_high",
    "measure_unit",
    "comparator",
    "kind",
    "direction",
    "measure",
    "scope",
)
# Positions are moved out of the way by this much while renumbering, since (document, position)
# is unique and SQLite checks that row by row within a single UPDATE.
POSITION_SHIFT = 1_000_000


class DraftRefused(Refused):
    """The draft cannot be changed so; nothing was changed. `message` is shown to the reviewer."""


class StaleDraft(DraftRefused, Conflict):
    """Someone saved the assignment (or the metadata) after this reviewer opened it. `current` is
    the assignment as saved now, so the page can show it beside the reviewer's own input."""

    def __init__(self, message: str, *, current: Assignment | None) -> None:
        super().__init__(message)
        self.current = current


def require_reviewer(actor: User | None) -> None:
    """Only supervisors and administrators edit drafts; None is the system (a task, a command)."""
    if actor is not None and not can_import_documents(actor):
        raise DraftRefused(_("只有督查人员和管理员可以审核、修改和发布文件。"))


def draft_lock(document: Document) -> Document:
    """The document locked for the change, refused unless it is a draft open for editing."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != Document.Status.DRAFT:
        raise DraftRefused(_("文件已发布或已归档，不能再修改草稿。"))
    if locked.publish_requested_at is not None:
        raise DraftRefused(_("文件正在后台发布，暂不能修改。"))
    return locked


@dataclass(frozen=True)
class TargetEdit:
    """One row of an assignment's target list: `target_id` None adds a target, `values` None
    deletes the target."""

    target_id: int | None
    values: Mapping[str, Any] | None


# --- metadata -----------------------------------------------------------------------------------


def draft_metadata_update(
    *,
    document: Document,
    actor: User | None,
    changes: Mapping[str, Any],
    seen: str | None = None,
) -> list[str]:
    """Save the reviewer's corrections to title, issuer, date, year and reporting rule.

    `seen` is metadata_token() of the document as the reviewer's form showed it; when given and
    the metadata changed since, StaleDraft. Returns the names of the fields that changed.
    """
    require_reviewer(actor)
    with transaction.atomic():
        locked = draft_lock(document)
        if seen is not None and seen != metadata_token(locked):
            raise StaleDraft(
                _(
                    "文件信息已被他人修改。您的修改未保存，已保留在表单中；核对后再次保存将覆盖对方的修改。"
                ),
                current=None,
            )
        changed = _apply(locked, changes, DOCUMENT_FIELDS)
        if not changed:
            return []
        before = {name: old for name, (old, _new) in changed.items()}
        after = {name: new for name, (_old, new) in changed.items()}
        locked.edited_fields = _union(locked.edited_fields, changed)
        locked.save(update_fields=[*changed, "edited_fields", "updated_at"])
        audit_record(
            actor=actor, action="document.review_update", obj=locked, before=before, after=after
        )
    document.refresh_from_db()
    return list(changed)


# --- assignments --------------------------------------------------------------------------------


def draft_assignment_update(
    *,
    assignment: Assignment,
    actor: User | None,
    version: int,
    changes: Mapping[str, Any],
    targets: Sequence[TargetEdit] = (),
) -> Assignment:
    """Save a reviewer's edit of one assignment and its targets, if nobody saved it meanwhile.

    Changed fields join Assignment.edited_fields; changed or added targets are marked edited;
    deleted extracted targets are remembered so re-extraction does not bring them back.
    """
    require_reviewer(actor)
    with transaction.atomic():
        draft_lock(assignment.document)
        current = _assignment_for_update(assignment.pk)
        if current.version != version:
            raise StaleDraft(_stale_message(), current=current)
        changed = _apply(current, _clean_assignment_changes(changes), ASSIGNMENT_FIELDS)
        target_changes = _targets_apply(current, targets)
        if not changed and not target_changes:
            return current
        current.edited_fields = _union(current.edited_fields, changed)
        current.version += 1
        current.save(update_fields=[*changed, "edited_fields", "version", "dismissed_targets"])
        before: dict[str, Any] = {name: old for name, (old, _new) in changed.items()}
        after: dict[str, Any] = {name: new for name, (_old, new) in changed.items()}
        if target_changes:
            before["targets"] = [change["before"] for change in target_changes]
            after["targets"] = [change["after"] for change in target_changes]
        before["version"], after["version"] = version, current.version
        audit_record(
            actor=actor, action="assignment.review_update", obj=current, before=before, after=after
        )
    return current


def draft_assignment_create(
    *,
    document: Document,
    actor: User | None,
    values: Mapping[str, Any],
    after: Assignment | None = None,
    targets: Sequence[TargetEdit] = (),
) -> Assignment:
    """Add an assignment the extractor missed: after `after`, or at the end."""
    require_reviewer(actor)
    cleaned = _clean_assignment_changes(values)
    if not str(cleaned.get("title") or "").strip():
        raise DraftRefused(_("请填写任务标题。"))
    with transaction.atomic():
        locked = draft_lock(document)
        if after is not None:
            anchor = Assignment.objects.filter(pk=after.pk, document=locked).first()
            if anchor is None:
                raise DraftRefused(_("要插入位置的任务已被删除，请刷新页面后重试。"))
            position = anchor.position + 1
            _make_room(locked, anchor.position)
        else:
            last = locked.assignments.aggregate(last=Max("position"))["last"] or 0
            position = last + 1
        assignment = Assignment(
            document=locked, position=position, added_by_reviewer=True, extracted_key=""
        )
        for name in ASSIGNMENT_FIELDS:
            if name in cleaned:
                setattr(assignment, name, cleaned[name])
        assignment.save()
        created = _targets_apply(assignment, [t for t in targets if t.target_id is None])
        audit_record(
            actor=actor,
            action="assignment.review_create",
            obj=assignment,
            after={
                **{name: getattr(assignment, name) for name in ASSIGNMENT_FIELDS},
                "position": position,
                "targets": [change["after"] for change in created],
            },
        )
    return assignment


def draft_assignment_delete(*, assignment: Assignment, actor: User | None, version: int) -> None:
    """Delete an assignment (and its targets) from the draft, if nobody saved it meanwhile."""
    require_reviewer(actor)
    with transaction.atomic():
        document = draft_lock(assignment.document)
        current = _assignment_for_update(assignment.pk)
        if current.version != version:
            raise StaleDraft(_stale_message(), current=current)
        before = {name: getattr(current, name) for name in ASSIGNMENT_FIELDS}
        before["targets"] = [_target_values(t) for t in current.targets.order_by("position")]
        before["position"] = current.position
        if current.extracted_key and not current.added_by_reviewer:
            document.dismissed_assignments = _union(
                document.dismissed_assignments, [current.extracted_key]
            )
            document.save(update_fields=["dismissed_assignments", "updated_at"])
        audit_record(actor=actor, action="assignment.review_delete", obj=current, before=before)
        current.delete()


def _make_room(document: Document, after_position: int) -> None:
    later = Assignment.objects.filter(document=document, position__gt=after_position)
    later.update(position=F("position") + POSITION_SHIFT)
    Assignment.objects.filter(
        document=document, position__gt=after_position + POSITION_SHIFT
    ).update(position=F("position") - POSITION_SHIFT + 1)


# --- helpers ------------------------------------------------------------------------------------


def _assignment_for_update(pk: int) -> Assignment:
    current = Assignment.objects.select_for_update().filter(pk=pk).first()
    if current is None:
        raise StaleDraft(
            _("该任务已被他人删除。您填写的内容未保存，仍保留在表单中，可复制后另行添加。"),
            current=None,
        )
    return current


def _stale_message() -> str:
    return _(
        "该任务在您打开后已被他人修改。您的修改未保存，仍保留在表单中；请核对下方的最新内容，"
        "再次保存将以您的内容覆盖。"
    )


def _apply(
    obj: Document | Assignment, changes: Mapping[str, Any], allowed: Sequence[str]
) -> dict[str, tuple[Any, Any]]:
    """Set the allowed fields that differ; return {name: (before, after)}."""
    changed: dict[str, tuple[Any, Any]] = {}
    for name in allowed:
        if name not in changes:
            continue
        old, new = getattr(obj, name), changes[name]
        if old != new:
            setattr(obj, name, new)
            changed[name] = (old, new)
    return changed


def _clean_assignment_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(changes)
    for name, limit in (("ref", 60), ("number", 20), ("title", 500)):
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()[:limit]
    if "title" in cleaned and not cleaned["title"]:
        raise DraftRefused(_("请填写任务标题。"))
    if cleaned.get("category") not in (None, "", *Assignment.Category.values):
        raise DraftRefused(_("指标属性只能是“预期性”或“约束性”。"))
    for name in ("section", "lead_units_text", "responsible_units_text"):
        if name in cleaned:
            cleaned[name] = [str(v).strip() for v in cleaned[name] or [] if str(v).strip()]
    return cleaned


def _targets_apply(assignment: Assignment, edits: Sequence[TargetEdit]) -> list[dict[str, Any]]:
    """Apply target edits to an assignment; return each change as {"before", "after"}."""
    changes: list[dict[str, Any]] = []
    existing = {t.pk: t for t in assignment.targets.all()} if assignment.pk else {}
    next_position = max((t.position for t in existing.values()), default=0)
    for edit in edits:
        target = existing.get(edit.target_id) if edit.target_id is not None else None
        if edit.target_id is not None and target is None and edit.values is None:
            continue  # deleted already, as asked
        if target is not None:
            if edit.values is None:
                if target.extracted_key:
                    assignment.dismissed_targets = _union(
                        assignment.dismissed_targets, [target.extracted_key]
                    )
                changes.append({"before": _target_values(target), "after": None})
                target.delete()
                continue
            before = _target_values(target)
            for name in TARGET_FIELDS:
                if name in edit.values:
                    setattr(target, name, edit.values[name])
            _check_target(target)
            after = _target_values(target)
            if after != before:
                target.edited = True
                target.save()
                changes.append({"before": before, "after": after})
        elif edit.values is not None:
            # A new target, or one deleted by someone else since (the version check came first,
            # so this reviewer saw the conflict and saves again): either way the reviewer's.
            next_position += 1
            target = Target(
                document_id=assignment.document_id,
                assignment=assignment,
                position=next_position,
                edited=True,
                extracted_key="",
            )
            for name in TARGET_FIELDS:
                if name in edit.values:
                    setattr(target, name, edit.values[name])
            _check_target(target)
            target.save()
            changes.append({"before": None, "after": _target_values(target)})
    return changes


def _check_target(target: Target) -> None:
    """The model's constraints as messages (forms check first; this guards other callers)."""
    if target.kind == Target.Kind.QUALITATIVE and target.value is not None:
        raise DraftRefused(_("定性指标不填目标值。"))
    if target.kind != Target.Kind.QUALITATIVE and target.value is None:
        raise DraftRefused(_("量化指标须填写目标值。"))
    if target.value_high is not None and (
        target.value is None or Decimal(target.value_high) < Decimal(target.value)
    ):
        raise DraftRefused(_("目标上限不能小于目标值。"))
    target.indicator = str(target.indicator or "").strip()[:200]
    target.measure_unit = str(target.measure_unit or "").strip()[:30]
    target.scope = str(target.scope or "").strip()[:100]


def _target_values(target: Target) -> dict[str, Any]:
    values = {name: getattr(target, name) for name in TARGET_FIELDS}
    values["id"] = target.pk
    return values


def _union(existing: Iterable[str], more: Iterable[str]) -> list[str]:
    result = list(existing)
    result.extend(name for name in more if name not in result)
    return result
