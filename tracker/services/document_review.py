"""Reviewing a draft before it is published (DESIGN §1 step 1).

The reviewer corrects what the extractor found: the document's metadata, its assignments and
targets, and the unit names, which are mapped to existing units (a UnitAlias) or confirmed as new.
Every correction is audited with before and after, and marked as the reviewer's, so that running
a newer extractor over the same text (document_reextract) replaces only what nobody corrected.

Assignments carry a version: a save made from a page that another reviewer has changed since is
refused with StaleEdit rather than silently overwriting the other reviewer's work.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

import extraction
from tracker.access import can_import_documents
from tracker.models import (
    Assignment,
    Document,
    Responsibility,
    Target,
    Unit,
    UnitAlias,
    UnitGroup,
    User,
)
from tracker.services.audit import audit_record
from tracker.services.document_import import (
    assignment_key,
    assignment_values,
    metadata_values,
    target_from_extraction,
    target_key,
)
from tracker.services.errors import Refused
from tracker.services.units import Suggestion, UnitDirectory, unit_key

DOCUMENT_FIELDS = ("title", "issuer", "issued_on", "year", "due_month_of_quarter", "due_day")
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
    "scope",
)
# A background publish that has not finished after this long is presumed lost (a worker that
# died before acknowledging): the reviewer may ask again.
PUBLISH_RETRY_AFTER = timedelta(minutes=10)
# Positions are moved out of the way by this much while renumbering, since (document, position)
# is unique and SQLite checks that row by row within a single UPDATE.
_SHIFT = 1_000_000
# Re-extraction pairs unmatched assignments by title similarity: every pair up to this many,
# beyond it only pairs whose positions differ by at most _MATCH_WINDOW.
_FULL_COMPARISON = 250_000
_MATCH_WINDOW = 50


class ReviewRefused(Refused):
    """The change cannot be made; nothing was changed. `message` is shown to the reviewer."""


class StaleEdit(ReviewRefused):
    """Someone saved the assignment after this reviewer opened it. `current` is what is saved
    now, so the page can show it beside the reviewer's own input."""

    def __init__(self, message: str, *, current: Assignment | None) -> None:
        super().__init__(message)
        self.current = current


def _check_actor(actor: User | None) -> None:
    """Only supervisors and administrators edit drafts; None is the system (a task, a command)."""
    if actor is not None and not can_import_documents(actor):
        raise ReviewRefused(_("只有督查人员和管理员可以审核、修改和发布文件。"))


@dataclass(frozen=True)
class TargetEdit:
    """One row of an assignment's target list: `target_id` None adds a target, `values` None
    deletes the target."""

    target_id: int | None
    values: Mapping[str, Any] | None


# --- metadata -----------------------------------------------------------------------------------


def metadata_token(document: Document) -> str:
    """A fingerprint of the metadata as a form showed it, to tell whether it changed since."""
    values = [str(getattr(document, name)) for name in DOCUMENT_FIELDS]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


def document_metadata_update(
    *,
    document: Document,
    actor: User | None,
    changes: Mapping[str, Any],
    seen: str | None = None,
) -> list[str]:
    """Save the reviewer's corrections to title, issuer, date, year and reporting rule.

    `seen` is metadata_token() of the document as the reviewer's form showed it; when given and
    the metadata changed since, StaleEdit. Returns the names of the fields that changed.
    """
    _check_actor(actor)
    with transaction.atomic():
        locked = _draft_for_update(document)
        if seen is not None and seen != metadata_token(locked):
            raise StaleEdit(
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


def assignment_update(
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
    _check_actor(actor)
    with transaction.atomic():
        _draft_for_update(assignment.document)
        current = _assignment_for_update(assignment.pk)
        if current.version != version:
            raise StaleEdit(_stale_message(), current=current)
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


def assignment_create(
    *,
    document: Document,
    actor: User | None,
    values: Mapping[str, Any],
    after: Assignment | None = None,
    targets: Sequence[TargetEdit] = (),
) -> Assignment:
    """Add an assignment the extractor missed: after `after`, or at the end."""
    _check_actor(actor)
    cleaned = _clean_assignment_changes(values)
    if not str(cleaned.get("title") or "").strip():
        raise ReviewRefused(_("请填写任务标题。"))
    with transaction.atomic():
        locked = _draft_for_update(document)
        if after is not None:
            anchor = Assignment.objects.filter(pk=after.pk, document=locked).first()
            if anchor is None:
                raise ReviewRefused(_("要插入位置的任务已被删除，请刷新页面后重试。"))
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


def assignment_delete(*, assignment: Assignment, actor: User | None, version: int) -> None:
    """Delete an assignment (and its targets) from the draft, if nobody saved it meanwhile."""
    _check_actor(actor)
    with transaction.atomic():
        document = _draft_for_update(assignment.document)
        current = _assignment_for_update(assignment.pk)
        if current.version != version:
            raise StaleEdit(_stale_message(), current=current)
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


# --- unit names ---------------------------------------------------------------------------------


def unit_mention_map(
    *,
    document: Document,
    mention: str,
    actor: User | None,
    unit: Unit | None = None,
    group: UnitGroup | None = None,
) -> UnitAlias:
    """Record that `mention` (a unit name the draft uses) means an existing unit or group.

    Creates a UnitAlias, so every later document using the name resolves too. Refused, changing
    nothing, when the name already means something or the unit/group cannot take it.
    """
    _check_actor(actor)
    if (unit is None) == (group is None):
        raise ReviewRefused(_("请选择一个单位或一个单位集合。"))
    alias = mention.strip()
    with transaction.atomic():
        locked = _draft_for_update(document)
        if unit_key(alias) not in {unit_key(m) for m in _mentions(locked)}:
            raise ReviewRefused(_("本文件中没有“%(name)s”这个单位名称。") % {"name": alias})
        if len(alias) > 200:
            raise ReviewRefused(_("单位名称过长（超过200字），不能作为别名。"))
        if unit is not None and not unit.is_active:
            raise ReviewRefused(_("单位“%(unit)s”已停用，不能对应。") % {"unit": unit.name})
        if group is not None and not group.members.filter(is_active=True).exists():
            raise ReviewRefused(
                _("单位集合“%(group)s”还没有成员单位，请先在管理后台添加成员。")
                % {"group": group.name}
            )
        found = UnitDirectory.load().find(alias)
        if found is not None:
            raise ReviewRefused(
                _("“%(name)s”已对应到“%(target)s”，未作更改；如需改正，请在管理后台修改该别名。")
                % {"name": alias, "target": _resolution_label(found.units, found.group)}
            )
        try:
            with transaction.atomic():
                created = UnitAlias.objects.create(alias=alias, unit=unit, group=group)
        except IntegrityError:
            raise ReviewRefused(
                _("“%(name)s”已是其他单位的别名，未作更改。") % {"name": alias}
            ) from None
        if alias in locked.new_unit_names:
            locked.new_unit_names = [n for n in locked.new_unit_names if n != alias]
            locked.save(update_fields=["new_unit_names", "updated_at"])
        audit_record(
            actor=actor,
            action="unitalias.create",
            obj=created,
            after={
                "alias": alias,
                "unit": unit.pk if unit else None,
                "unit_name": unit.name if unit else None,
                "group": group.pk if group else None,
                "group_name": group.name if group else None,
                "document": locked.pk,
            },
        )
    return created


def unit_mention_accept(
    *, document: Document, mention: str, actor: User | None, accept: bool = True
) -> None:
    """Confirm (or withdraw the confirmation) that an unknown name is a unit to be created."""
    _check_actor(actor)
    name = mention.strip()
    with transaction.atomic():
        locked = _draft_for_update(document)
        if unit_key(name) not in {unit_key(m) for m in _mentions(locked)}:
            raise ReviewRefused(_("本文件中没有“%(name)s”这个单位名称。") % {"name": name})
        if accept and UnitDirectory.load().find(name) is not None:
            raise ReviewRefused(_("“%(name)s”已对应到已有单位，无需新建。") % {"name": name})
        before = list(locked.new_unit_names)
        names = [n for n in before if n != name]
        if accept:
            names.append(name)
        if names == before:
            return
        locked.new_unit_names = names
        locked.save(update_fields=["new_unit_names", "updated_at"])
        audit_record(
            actor=actor,
            action="document.unit_accept" if accept else "document.unit_unaccept",
            obj=locked,
            before={"new_unit_names": before},
            after={"new_unit_names": names},
        )


# --- re-extraction ------------------------------------------------------------------------------


@dataclass
class ReextractOutcome:
    added: int = 0
    updated: int = 0
    removed: int = 0
    # Reviewer corrections kept: edited fields, edited or added targets, added assignments, and
    # deletions honoured (something deleted that the extractor found again).
    kept: int = 0
    extraction_version: str = ""


def document_reextract(*, document: Document, actor: User | None) -> ReextractOutcome:
    """Run the extractor again over the stored text and merge its draft with the reviewer's.

    Old and new assignments are matched by their extracted ref, then by title similarity. What
    nobody edited is replaced; edited fields, edited and added targets, and added assignments are
    kept; what the reviewer deleted stays deleted; new assignments are added; extracted ones the
    new extractor no longer finds are removed unless the reviewer touched them.
    """
    _check_actor(actor)
    # Extraction is CPU work; it runs before the transaction so no lock is held meanwhile.
    result = extraction.extract(document.source_text)
    # The stored text is already simplified; the script is what the file arrived in.
    result["script"] = (document.extraction or {}).get("script", result["script"])
    with transaction.atomic():
        locked = _draft_for_update(document)
        outcome = ReextractOutcome(extraction_version=extraction.EXTRACTION_VERSION)
        before = {
            "extraction_version": locked.extraction_version,
            "assignments": locked.assignments.count(),
        }
        _reextract_metadata(locked, result, outcome)
        old = list(locked.assignments.prefetch_related("targets").order_by("position"))
        items = list(result.get("assignments") or [])
        pairs, unmatched_old, unmatched_new = _match(old, items)

        ordered: list[tuple[float, Assignment]] = []  # (sort key, assignment) for renumbering
        for assignment, index in pairs:
            if _reextract_assignment(assignment, items[index], outcome):
                outcome.updated += 1
            ordered.append((index, assignment))
        dismissed = set(locked.dismissed_assignments)
        for index in unmatched_new:
            key = assignment_key(items[index])
            if key in dismissed:
                outcome.kept += 1
                continue
            created = Assignment(
                document=locked,
                position=_SHIFT * 2 + index,
                **assignment_values(items[index]),
            )
            created.save()
            Target.objects.bulk_create(
                target_from_extraction(locked, created, position, raw)
                for position, raw in enumerate(items[index].get("targets") or [], start=1)
            )
            outcome.added += 1
            ordered.append((index, created))
        for assignment in unmatched_old:
            if assignment.added_by_reviewer or _touched(assignment):
                outcome.kept += 1 if assignment.added_by_reviewer else _kept_count(assignment)
                ordered.append((_anchor(assignment, old, pairs), assignment))
            else:
                assignment.delete()
                outcome.removed += 1
        _renumber(locked, ordered)
        _reextract_headline_targets(locked, result)

        locked.extraction = result
        locked.extraction_version = extraction.EXTRACTION_VERSION
        locked.save(update_fields=["extraction", "extraction_version", "updated_at"])
        audit_record(
            actor=actor,
            action="document.reextract",
            obj=locked,
            before=before,
            after={
                "extraction_version": locked.extraction_version,
                "assignments": locked.assignments.count(),
                "added": outcome.added,
                "updated": outcome.updated,
                "removed": outcome.removed,
                "kept": outcome.kept,
            },
        )
    document.refresh_from_db()
    return outcome


def _reextract_metadata(
    document: Document, result: Mapping[str, Any], outcome: ReextractOutcome
) -> None:
    changed = []
    for name, value in metadata_values(result).items():
        if name in document.edited_fields:
            outcome.kept += 1
            continue
        if name == "title" and not value:
            continue  # a draft always has a title; keep the one it has
        if getattr(document, name) != value:
            setattr(document, name, value)
            changed.append(name)
    if changed:
        document.save(update_fields=[*changed, "updated_at"])


def _match(
    old: list[Assignment], items: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[Assignment, int]], list[Assignment], list[int]]:
    """Pair old assignments with new items: same extracted key first, then similar titles."""
    candidates = [a for a in old if not a.added_by_reviewer]
    pairs: list[tuple[Assignment, int]] = []
    free = set(range(len(items)))
    by_key: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_key.setdefault(assignment_key(item), []).append(index)
    rest: list[Assignment] = []
    for assignment in candidates:
        indexes = [i for i in by_key.get(_old_key(assignment), []) if i in free]
        if indexes:
            pairs.append((assignment, indexes[0]))
            free.discard(indexes[0])
        else:
            rest.append(assignment)
    # Titles (as extracted: an edited title is the reviewer's, not the extractor's) decide the
    # rest, most similar first; below 0.6 two titles are different tasks. A large document
    # compares each title only with new items near its old position, not with all of them.
    window = None if len(rest) * len(free) <= _FULL_COMPARISON else _MATCH_WINDOW
    scored = sorted(
        (
            (
                difflib.SequenceMatcher(
                    None, _old_title(a), str(items[i].get("title") or "")
                ).ratio(),
                n,
                i,
            )
            for n, a in enumerate(rest)
            for i in free
            if window is None or abs(i - (a.position - 1)) <= window
        ),
        reverse=True,
    )
    taken: set[int] = set()
    for score, n, index in scored:
        if score < 0.6:
            break
        if n in taken or index not in free:
            continue
        pairs.append((rest[n], index))
        taken.add(n)
        free.discard(index)
    unmatched_old = [a for n, a in enumerate(rest) if n not in taken]
    unmatched_old.extend(a for a in old if a.added_by_reviewer)
    return pairs, unmatched_old, sorted(free)


def _old_key(assignment: Assignment) -> str:
    if assignment.extracted_key:
        return assignment.extracted_key
    return assignment.ref or "title:" + assignment.title


def _old_title(assignment: Assignment) -> str:
    key = assignment.extracted_key
    if "title" in assignment.edited_fields and key.startswith("title:"):
        return key.removeprefix("title:")
    return assignment.title


def _reextract_assignment(
    assignment: Assignment, item: Mapping[str, Any], outcome: ReextractOutcome
) -> bool:
    """Refresh one matched assignment; True when anything the reviewer sees changed."""
    values = assignment_values(item)
    changed: list[str] = []
    for name in (*ASSIGNMENT_FIELDS, "span_start", "span_end", "extracted_key"):
        if name in assignment.edited_fields:
            outcome.kept += 1
            continue
        if getattr(assignment, name) != values[name]:
            setattr(assignment, name, values[name])
            changed.append(name)
    targets_changed = _reextract_targets(
        assignment.document,
        assignment,
        list(assignment.targets.all()),
        list(item.get("targets") or []),
        dismissed=set(assignment.dismissed_targets),
        outcome=outcome,
    )
    visible = targets_changed or bool(set(changed) - {"span_start", "span_end", "extracted_key"})
    if visible:
        # A form opened before the re-extraction must not save over what it changed (nor
        # re-create, from its stale rows, targets the re-extraction replaced).
        assignment.version += 1
        changed.append("version")
    if changed:
        assignment.save(update_fields=changed)
    return visible


def _reextract_targets(
    document: Document,
    assignment: Assignment | None,
    old: list[Target],
    raws: list[Mapping[str, Any]],
    *,
    dismissed: set[str],
    outcome: ReextractOutcome,
) -> bool:
    """Replace unedited targets with the new extraction's, keeping edited and added ones."""
    kept = [t for t in old if t.edited]
    dropped = [t for t in old if not t.edited]
    kept_keys = {t.extracted_key for t in kept if t.extracted_key}
    outcome.kept += len(kept)
    fresh = []
    for raw in raws:
        key = target_key(raw)
        if key in kept_keys:
            continue
        if key in dismissed:
            outcome.kept += 1
            continue
        fresh.append(raw)
    before = sorted(_target_signature(t) for t in dropped)
    after_targets = [target_from_extraction(document, assignment, 0, raw) for raw in fresh]
    after = sorted(_target_signature(t) for t in after_targets)
    if before == after:
        return False
    Target.objects.filter(pk__in=[t.pk for t in dropped]).delete()
    # New targets go after the kept ones; (assignment, position) is unique.
    start = max((t.position for t in kept), default=0)
    for offset, target in enumerate(after_targets, start=1):
        target.position = start + offset
    Target.objects.bulk_create(after_targets)
    return True


def _reextract_headline_targets(document: Document, result: Mapping[str, Any]) -> None:
    old = list(Target.objects.filter(document=document, assignment__isnull=True))
    # A headline target a reviewer turned into an assignment's target keeps its key; it must
    # not come back as a headline target.
    moved = set(
        Target.objects.filter(document=document, assignment__isnull=False, edited=True)
        .exclude(extracted_key="")
        .values_list("extracted_key", flat=True)
    )
    raws = [r for r in result.get("targets") or [] if target_key(r) not in moved]
    _reextract_targets(document, None, old, raws, dismissed=set(), outcome=ReextractOutcome())


def _target_signature(target: Target) -> tuple[str, ...]:
    """A target's content, with 6 and 6.000000 the same figure."""
    values = (getattr(target, name) for name in (*TARGET_FIELDS, "text", "extracted_key"))
    return tuple(
        f"{Decimal(v).normalize():f}" if isinstance(v, Decimal | float) else str(v) for v in values
    )


def _touched(assignment: Assignment) -> bool:
    return bool(assignment.edited_fields) or any(t.edited for t in assignment.targets.all())


def _kept_count(assignment: Assignment) -> int:
    return len(assignment.edited_fields) + sum(1 for t in assignment.targets.all() if t.edited)


def _anchor(
    assignment: Assignment, old: list[Assignment], pairs: list[tuple[Assignment, int]]
) -> float:
    """Where an assignment the new extraction does not have goes: just after the matched one that
    preceded it, so a reviewer's insertion stays where it was put."""
    index_of = {a.pk: i for a, i in pairs}
    anchor = -1.0
    for other in old:
        if other.pk == assignment.pk:
            break
        if other.pk in index_of:
            anchor = float(index_of[other.pk])
    return anchor + 0.5 + assignment.position / (4 * _SHIFT)


def _renumber(document: Document, ordered: Iterable[tuple[float, Assignment]]) -> None:
    rows = [a for _key, a in sorted(ordered, key=lambda pair: pair[0])]
    Assignment.objects.filter(document=document).update(position=F("position") + _SHIFT * 4)
    for position, assignment in enumerate(rows, start=1):
        assignment.position = position
    Assignment.objects.bulk_update(rows, ["position"])


def _make_room(document: Document, after_position: int) -> None:
    later = Assignment.objects.filter(document=document, position__gt=after_position)
    later.update(position=F("position") + _SHIFT)
    Assignment.objects.filter(document=document, position__gt=after_position + _SHIFT).update(
        position=F("position") - _SHIFT + 1
    )


# --- publishing and archiving -------------------------------------------------------------------


def document_publish_request(*, document: Document, actor: User | None) -> None:
    """Mark a draft as being published in the background; the caller queues the task after
    commit. Refused when the draft cannot be published or a request is still running."""
    _check_actor(actor)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status != Document.Status.DRAFT:
            raise ReviewRefused(_("文件已发布或已归档。"))
        if locked.year is None:
            raise ReviewRefused(_("未识别出文件年度，请先在审核中填写年度后再发布。"))
        now = timezone.now()
        if locked.publish_requested_at and now - locked.publish_requested_at < PUBLISH_RETRY_AFTER:
            raise ReviewRefused(_("文件已提交发布，正在后台处理，请稍候刷新。"))
        before = locked.publish_requested_at
        locked.publish_requested_at = now
        locked.save(update_fields=["publish_requested_at", "updated_at"])
        audit_record(
            actor=actor,
            action="document.publish_request",
            obj=locked,
            before={"publish_requested_at": before},
            after={"publish_requested_at": now},
        )
    document.refresh_from_db()


def document_archive(*, document: Document, actor: User | None, reason: str) -> Document:
    """Archive a published document: it leaves the active lists; its records stay."""
    _check_actor(actor)
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(_("请填写归档原因。"))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status != Document.Status.PUBLISHED:
            raise ReviewRefused(_("只有已发布的文件可以归档。"))
        locked.status = Document.Status.ARCHIVED
        locked.archive_reason = reason
        locked.save(update_fields=["status", "archive_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="document.archive",
            obj=locked,
            before={"status": Document.Status.PUBLISHED},
            after={"status": locked.status, "reason": reason},
        )
    return locked


# --- reads the review pages need ----------------------------------------------------------------


@dataclass
class MentionStatus:
    """One distinct unit name of a draft and what it resolves to today."""

    mention: str
    refs: list[str] = field(default_factory=list)
    lead: int = 0
    co: int = 0
    units: list[Unit] = field(default_factory=list)
    group: UnitGroup | None = None
    accepted: bool = False
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.units)


def document_unit_mentions(
    document: Document, *, directory: UnitDirectory | None = None, suggestions: bool = True
) -> list[MentionStatus]:
    """Every distinct unit name in the draft's assignments, unknown ones first (with up to five
    suggestions each), then the known ones, each group in order of first appearance."""
    directory = directory or UnitDirectory.load()
    accepted = {unit_key(n) for n in document.new_unit_names}
    by_key: dict[str, MentionStatus] = {}
    rows = document.assignments.order_by("position").values_list(
        "ref", "number", "lead_units_text", "responsible_units_text"
    )
    for ref, number, lead, co in rows:
        for role, names in (("lead", lead), ("co", co)):
            for name in names or []:
                key = unit_key(name)
                if not key:
                    continue
                status = by_key.get(key)
                if status is None:
                    status = by_key[key] = MentionStatus(mention=name.strip())
                    found = directory.find(name)
                    if found is not None:
                        status.units, status.group = found.units, found.group
                    status.accepted = key in accepted and not status.known
                if role == "lead":
                    status.lead += 1
                else:
                    status.co += 1
                label = ref or number
                if label and label not in status.refs:
                    status.refs.append(label)
    statuses = list(by_key.values())
    if suggestions:
        for status in statuses:
            if not status.known:
                status.suggestions = directory.suggest(status.mention)
    return [s for s in statuses if not s.known] + [s for s in statuses if s.known]


@dataclass
class PublishPreview:
    assignments: int
    responsibilities: int
    new_units: list[str]
    unconfirmed: list[str]
    without_units: int


def document_publish_preview(document: Document) -> PublishPreview:
    """What publishing would create, resolving names as document_publish will, creating nothing."""
    directory = UnitDirectory.load()
    accepted = {unit_key(n) for n in document.new_unit_names}
    existing: set[tuple[int, object]] = set(
        Responsibility.objects.filter(assignment__document=document).values_list(
            "assignment_id", "unit_id"
        )
    )
    new_units: dict[str, str] = {}
    responsibilities = without = total = 0
    rows = document.assignments.values_list("pk", "lead_units_text", "responsible_units_text")
    for pk, lead, co in rows:
        total += 1
        wanted: set[object] = set()
        for name in [*(lead or []), *(co or [])]:
            key = unit_key(name)
            if not key:
                continue
            found = directory.find(name)
            if found is not None and found.units:
                wanted.update(unit.pk for unit in found.units)
            else:
                new_units.setdefault(key, name.strip())
                wanted.add("new:" + key)
        if not wanted:
            without += 1
        responsibilities += sum(1 for unit in wanted if (pk, unit) not in existing)
    return PublishPreview(
        assignments=total,
        responsibilities=responsibilities,
        new_units=list(new_units.values()),
        unconfirmed=[name for key, name in new_units.items() if key not in accepted],
        without_units=without,
    )


# --- helpers ------------------------------------------------------------------------------------


def _draft_for_update(document: Document) -> Document:
    """The document locked for the change, refused unless it is a draft open for editing."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != Document.Status.DRAFT:
        raise ReviewRefused(_("文件已发布或已归档，不能再修改草稿。"))
    if locked.publish_requested_at is not None:
        raise ReviewRefused(_("文件正在后台发布，暂不能修改。"))
    return locked


def _assignment_for_update(pk: int) -> Assignment:
    current = Assignment.objects.select_for_update().filter(pk=pk).first()
    if current is None:
        raise StaleEdit(
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
        raise ReviewRefused(_("请填写任务标题。"))
    if cleaned.get("category") not in (None, "", *Assignment.Category.values):
        raise ReviewRefused(_("指标属性只能是“预期性”或“约束性”。"))
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
        raise ReviewRefused(_("定性指标不填目标值。"))
    if target.kind != Target.Kind.QUALITATIVE and target.value is None:
        raise ReviewRefused(_("量化指标须填写目标值。"))
    if target.value_high is not None and (
        target.value is None or Decimal(target.value_high) < Decimal(target.value)
    ):
        raise ReviewRefused(_("目标上限不能小于目标值。"))
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


def _mentions(document: Document) -> list[str]:
    names: list[str] = []
    for lead, co in document.assignments.values_list("lead_units_text", "responsible_units_text"):
        names.extend(lead or [])
        names.extend(co or [])
    return names


def _resolution_label(units: list[Unit], group: UnitGroup | None) -> str:
    if group is not None:
        return _("单位集合“%(group)s”") % {"group": group.name}
    return "、".join(unit.name for unit in units) or "—"
