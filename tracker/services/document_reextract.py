"""Running a newer extractor over a draft's stored text and merging its findings with the
reviewer's corrections (document_reextract): what nobody corrected is replaced, every
correction and deletion is kept."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F

import extraction
from extraction import Assignment as ExtractedAssignment
from extraction import Extraction
from extraction import Target as ExtractedTarget
from tracker.models import Assignment, Document, Target, User
from tracker.services.audit import audit_record
from tracker.services.document_drafts import (
    ASSIGNMENT_FIELDS,
    POSITION_SHIFT,
    TARGET_FIELDS,
    draft_lock,
    require_reviewer,
)
from tracker.services.document_import import (
    assignment_key,
    assignment_values,
    extract_within_budget,
    metadata_values,
    reporting_rules,
    target_from_extraction,
    target_key,
)
from tracker.services.schedules import schedules_reextract

# Re-extraction pairs unmatched assignments by title similarity: every pair up to this many,
# beyond it only pairs whose positions differ by at most _MATCH_WINDOW.
_FULL_COMPARISON = 250_000
_MATCH_WINDOW = 50


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
    require_reviewer(actor)
    # Extraction is CPU work; it runs before the transaction so no lock is held meanwhile.
    result = extract_within_budget(document.source_text)
    # The stored text is already simplified; the script is what the file arrived in.
    result["script"] = (document.extraction or {}).get("script", result["script"])
    with transaction.atomic():
        locked = draft_lock(document)
        outcome = ReextractOutcome(extraction_version=extraction.EXTRACTION_VERSION)
        before = {
            "extraction_version": locked.extraction_version,
            "assignments": locked.assignments.count(),
        }
        _reextract_metadata(locked, result, outcome)
        outcome.kept += schedules_reextract(locked, reporting_rules(result))
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
                position=POSITION_SHIFT * 2 + index,
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


def _reextract_metadata(document: Document, result: Extraction, outcome: ReextractOutcome) -> None:
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
    old: list[Assignment], items: Sequence[ExtractedAssignment]
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


# What the extractor says about its own draft: refreshed with it, never a reviewer's edit.
_CONFIDENCE = ("confidence", "review_reasons", "uncertain_units", "leaders_text")


def _reextract_assignment(
    assignment: Assignment, item: ExtractedAssignment, outcome: ReextractOutcome
) -> bool:
    """Refresh one matched assignment; True when anything the reviewer sees changed."""
    values = assignment_values(item)
    changed: list[str] = []
    for name in (*ASSIGNMENT_FIELDS, "span_start", "span_end", "extracted_key", *_CONFIDENCE):
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
    visible = targets_changed or bool(
        set(changed) - {"span_start", "span_end", "extracted_key", *_CONFIDENCE}
    )
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
    raws: list[ExtractedTarget],
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


def _reextract_headline_targets(document: Document, result: Extraction) -> None:
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
    return anchor + 0.5 + assignment.position / (4 * POSITION_SHIFT)


def _renumber(document: Document, ordered: Iterable[tuple[float, Assignment]]) -> None:
    rows = [a for _key, a in sorted(ordered, key=lambda pair: pair[0])]
    Assignment.objects.filter(document=document).update(position=F("position") + POSITION_SHIFT * 4)
    for position, assignment in enumerate(rows, start=1):
        assignment.position = position
    Assignment.objects.bulk_update(rows, ["position"])
