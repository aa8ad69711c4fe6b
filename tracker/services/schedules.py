"""A document's reporting schedules (报送规则): made from the extractor's `reporting` rules at
import and re-extraction, and corrected by a reviewer on the draft — the rule itself, which
schedule is the document's, and which assignments follow another one.

Every correction is audited with before and after and marks the schedule as the reviewer's, so a
newer extractor replaces only what nobody corrected. A schedule carries a token of its fields: a
save made from a form another reviewer has changed since is refused as stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tracker.models import Assignment, Document, ReportingSchedule, User
from tracker.models.schedules import MAX_CALENDAR_DAYS, MAX_WORKING_DAYS
from tracker.periods import months_in, periods_in_year
from tracker.services.audit import audit_record, snapshot
from tracker.services.document_drafts import DraftRefused, StaleDraft, draft_lock, require_reviewer

# What a reviewer sets on a schedule (the due rule's fields and the first period).
RULE_FIELDS = (
    "frequency",
    "after_period",
    "month",
    "day",
    "working_days",
    "calendar_days",
    "from_period",
)


def schedule_token(schedule: ReportingSchedule) -> str:
    """A fingerprint of the rule as a form showed it, to tell whether it changed since."""
    values = [str(getattr(schedule, name)) for name in (*RULE_FIELDS, "is_default")]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


# --- from the extractor -----------------------------------------------------------------------


def rule_values(rule: Mapping[str, object]) -> dict[str, Any] | None:
    """An extracted reporting rule as ReportingSchedule field values, or None when its frequency
    is unknown. A part out of range is dropped, never stored: a rule left without a due day
    follows the frequency's default."""
    frequency = rule.get("frequency")
    if frequency not in ReportingSchedule.Frequency.values:
        return None
    month = rule.get("month_of_period", rule.get("month_of_quarter"))
    after = rule.get("after_period") is True
    values: dict[str, Any] = {
        "frequency": frequency,
        "after_period": False,
        "month": None,
        "day": None,
        "working_days": None,
        "calendar_days": None,
        "from_period": _within(rule.get("from_period"), 1, periods_in_year(str(frequency))),
        "text": str(rule.get("text") or "")[:2000],
        "span_start": _span(rule, 0),
        "span_end": _span(rule, 1),
    }
    working = _within(rule.get("working_days"), 1, MAX_WORKING_DAYS)
    calendar = _within(rule.get("calendar_days"), 1, MAX_CALENDAR_DAYS)
    day = _within(rule.get("day"), 1, 31)
    if working is not None:
        values.update(after_period=True, working_days=working)
    elif calendar is not None:
        values.update(after_period=True, calendar_days=calendar)
    elif day is not None and after:
        values.update(after_period=True, month=_within(month, 1, 12) or 1, day=day)
    elif day is not None:
        length = months_in(str(frequency))
        # A month-long period holds its due day in its only month; a rule naming a day but
        # not the month ("每季度25日前") means the period's last month.
        month = _within(month, 1, length) or length
        values.update(month=month, day=day)
    if values["span_start"] is None or values["span_end"] is None:
        values["span_start"] = values["span_end"] = None
    return values


def extracted_key(values: Mapping[str, Any]) -> str:
    return f"{values['frequency']}|{values['text']}"[:300]


def schedules_from_extraction(document: Document, rules: Sequence[Mapping[str, object]]) -> None:
    """Make a new draft's schedules from its extracted rules: each distinct rule one schedule;
    the document's own is its first quarterly rule (the cycle most plans run on), else its first
    rule, else the settings' quarterly rule."""
    rows = _distinct(rules)
    default = next((v for v in rows if v["frequency"] == "quarterly"), rows[0] if rows else None)
    schedules = [
        ReportingSchedule(
            document=document,
            is_default=values is default,
            position=position,
            extracted_key=extracted_key(values),
            **values,
        )
        for position, values in enumerate(rows, start=1)
    ]
    if default is None:
        schedules.append(ReportingSchedule(document=document, is_default=True, position=1))
    ReportingSchedule.objects.bulk_create(schedules)


def _distinct(rules: Sequence[Mapping[str, object]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for rule in rules:
        values = rule_values(rule)
        if values is None:
            continue
        key = tuple(values[name] for name in RULE_FIELDS)
        if key in seen:
            continue
        seen.add(key)
        rows.append(values)
    return rows


def schedules_reextract(document: Document, rules: Sequence[Mapping[str, object]]) -> int:
    """Bring a draft's schedules in line with a newer extraction: unedited extracted schedules
    take the new reading of their sentence, new rules are added, and an unedited one no longer
    found goes unless an assignment follows it. A reviewer's schedules and the default choice
    stay. Returns how many schedules were kept as the reviewer left them."""
    rows = _distinct(rules)
    by_key = {extracted_key(values): values for values in rows}
    kept = 0
    existing = list(ReportingSchedule.objects.filter(document=document))
    found: set[str] = set()
    for schedule in existing:
        if schedule.edited or not schedule.extracted_key:
            kept += 1 if schedule.edited else 0
            found.add(schedule.extracted_key)
            continue
        values = by_key.get(schedule.extracted_key)
        if values is not None:
            found.add(schedule.extracted_key)
            for name, value in values.items():
                setattr(schedule, name, value)
            schedule.save()
        elif not schedule.is_default and not schedule.assignments.exists():
            schedule.delete()
    position = max((s.position for s in existing), default=0)
    new = []
    for key, values in by_key.items():
        if key in found:
            continue
        position += 1
        new.append(
            ReportingSchedule(document=document, position=position, extracted_key=key, **values)
        )
    ReportingSchedule.objects.bulk_create(new)
    if not ReportingSchedule.objects.filter(document=document, is_default=True).exists():
        first = ReportingSchedule.objects.filter(document=document).order_by("position").first()
        if first is None:
            ReportingSchedule.objects.create(document=document, is_default=True)
        else:
            first.is_default = True
            first.save(update_fields=["is_default", "updated_at"])
    return kept


def _within(value: object, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if low <= value <= high else None


def _span(rule: Mapping[str, object], index: int) -> int | None:
    span = rule.get("span")
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(v, int) for v in span):
        return max(0, int(span[index]))
    return None


# --- the reviewer's corrections ---------------------------------------------------------------


def draft_schedule_update(
    *,
    schedule: ReportingSchedule,
    actor: User | None,
    values: Mapping[str, Any],
    seen: str | None = None,
) -> ReportingSchedule:
    """Save a reviewer's rule (`values`: RULE_FIELDS, checked by the form and again by the
    database). `seen` is schedule_token() as the form showed it; StaleDraft when it changed."""
    require_reviewer(actor)
    with transaction.atomic():
        draft_lock(schedule.document)
        current = _schedule_for_update(schedule.pk)
        if seen is not None and seen != schedule_token(current):
            raise StaleDraft(
                _(
                    "报送规则已被他人修改。您的修改未保存，已保留在表单中；核对后再次保存将覆盖对方的修改。"
                ),
                current=None,
            )
        before = snapshot(current)
        for name in RULE_FIELDS:
            setattr(current, name, values.get(name))
        current.after_period = bool(values.get("after_period"))
        current.edited = True
        current.save()
        audit_record(
            actor=actor,
            action="schedule.review_update",
            obj=current.document,
            before={"schedule": before},
            after={"schedule": snapshot(current)},
        )
    return current


def draft_schedule_create(
    *, document: Document, actor: User | None, values: Mapping[str, Any]
) -> ReportingSchedule:
    """Add a rule the extractor missed, for some assignments to follow."""
    require_reviewer(actor)
    with transaction.atomic():
        locked = draft_lock(document)
        position = (
            ReportingSchedule.objects.filter(document=locked).aggregate(last=Max("position"))[
                "last"
            ]
            or 0
        ) + 1
        schedule = ReportingSchedule(document=locked, position=position, edited=True)
        for name in RULE_FIELDS:
            setattr(schedule, name, values.get(name))
        schedule.after_period = bool(values.get("after_period"))
        schedule.save()
        audit_record(
            actor=actor,
            action="schedule.review_create",
            obj=locked,
            after={"schedule": snapshot(schedule)},
        )
    return schedule


def draft_schedule_make_default(*, schedule: ReportingSchedule, actor: User | None) -> None:
    """Make `schedule` the document's own: every assignment without its own rule follows it."""
    require_reviewer(actor)
    with transaction.atomic():
        document = draft_lock(schedule.document)
        current = _schedule_for_update(schedule.pk)
        previous = ReportingSchedule.objects.filter(document=document, is_default=True).first()
        if previous is not None and previous.pk == current.pk:
            return
        if previous is not None:
            previous.is_default = False
            previous.save(update_fields=["is_default", "updated_at"])
        # An assignment given this rule by hand now simply follows the document's.
        Assignment.objects.filter(document=document, schedule=current).update(schedule=None)
        current.is_default = True
        current.save(update_fields=["is_default", "updated_at"])
        audit_record(
            actor=actor,
            action="schedule.review_default",
            obj=document,
            before={"default": previous.pk if previous else None},
            after={"default": current.pk},
        )


def draft_schedule_delete(*, schedule: ReportingSchedule, actor: User | None) -> None:
    """Remove a rule that is not the document's own; its assignments follow the document's."""
    require_reviewer(actor)
    with transaction.atomic():
        document = draft_lock(schedule.document)
        current = _schedule_for_update(schedule.pk)
        if current.is_default:
            raise DraftRefused(_("文件的报送规则不能删除；可先将其他规则设为文件规则。"))
        before = snapshot(current)
        current.delete()
        audit_record(
            actor=actor, action="schedule.review_delete", obj=document, before={"schedule": before}
        )


def draft_assignment_schedule_set(
    *, assignment: Assignment, schedule: ReportingSchedule | None, actor: User | None
) -> Assignment:
    """Give one assignment its own rule (`schedule`), or back the document's (None)."""
    require_reviewer(actor)
    with transaction.atomic():
        document = draft_lock(assignment.document)
        current = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if schedule is not None and schedule.document_id != document.pk:
            raise DraftRefused(_("该报送规则不属于此文件。"))
        wanted = None if schedule is None or schedule.is_default else schedule.pk
        if current.schedule_id == wanted:
            return current
        before = current.schedule_id
        current.schedule_id = wanted
        current.save(update_fields=["schedule"])
        audit_record(
            actor=actor,
            action="assignment.review_schedule",
            obj=current,
            before={"schedule": before},
            after={"schedule": wanted},
        )
    return current


def draft_schedule_assignments_set(
    *, schedule: ReportingSchedule, assignment_ids: set[int], actor: User | None
) -> int:
    """Make exactly `assignment_ids` follow `schedule`, a rule of their own: those chosen move
    to it, those it had and no longer has go back to the document's rule. Returns how many
    assignments changed."""
    require_reviewer(actor)
    with transaction.atomic():
        document = draft_lock(schedule.document)
        current = _schedule_for_update(schedule.pk)
        if current.is_default:
            raise DraftRefused(_("文件的报送规则适用于所有未单独设置的任务，无需选择。"))
        rows = dict(
            Assignment.objects.select_for_update()
            .filter(document=document)
            .values_list("pk", "schedule_id")
        )
        unknown = assignment_ids - set(rows)
        if unknown:
            raise DraftRefused(_("所选任务已被删除或不属于此文件，未作更改。"))
        joining = sorted(pk for pk in assignment_ids if rows[pk] != current.pk)
        leaving = sorted(
            pk for pk, on in rows.items() if on == current.pk and pk not in assignment_ids
        )
        Assignment.objects.filter(pk__in=joining).update(schedule=current)
        Assignment.objects.filter(pk__in=leaving).update(schedule=None)
        if joining or leaving:
            audit_record(
                actor=actor,
                action="schedule.review_assignments",
                obj=document,
                before={"schedule": current.pk, "assignments": leaving},
                after={"schedule": current.pk, "assignments": joining},
            )
    return len(joining) + len(leaving)


def _schedule_for_update(pk: int) -> ReportingSchedule:
    found = ReportingSchedule.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise DraftRefused(_("该报送规则已被他人删除，未作更改。"))
    return found
