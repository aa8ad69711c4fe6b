"""Merging two units that are the same body under two names (区生态环境分局 = 区环保分局).

Everything that points at the merged unit moves to the surviving one — responsibilities and
their reports, problems, 督办, contacts, people, aliases, sub-units, groups, leaders' scopes,
amendments, and whatever else a later model points at the unit with (found through the unit's
relations, so a new one is not forgotten). The merged unit is kept, inactive, with `merged_into`
set, so its history (the audit trail names its id) still reads; its name becomes an alias of
the survivor, so documents that use it resolve to the survivor from now on.

Where the two units both hold the same assignment, the survivor's responsibility stays the
current one (as lead if either led) and the merged unit's moves to the survivor set aside
(removed, with the reason), keeping its reports readable. For each period, the report that
counts is kept on the current responsibility: the merged unit's report moves across when the
survivor has none for that period, or has only a draft while the merged unit's was submitted
(the draft then goes to the set-aside row). No report is deleted and no submitted report stops
counting unless the survivor submitted its own for the same period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import (
    SUBMITTED_STATUSES,
    LeaderScope,
    ProgressReport,
    Responsibility,
    Unit,
    UnitAlias,
    UnitContact,
    User,
)
from tracker.selectors.cached import ROSTER
from tracker.selectors.units import unit_key
from tracker.services.audit import audit_record
from tracker.services.summaries import summaries_changed, summaries_refresh
from tracker.services.units import UnitRefused, require_unit_manager


class MergeRefused(UnitRefused):
    """The two units cannot be merged; nothing was changed."""


@dataclass
class MergeOutcome:
    survivor: Unit
    merged: Unit
    # How many rows moved, by the verbose name of their model.
    moved: dict[str, int] = field(default_factory=dict)
    # Responsibilities both units held: the merged unit's, now set aside on the survivor.
    set_aside: list[int] = field(default_factory=list)
    # Reports that moved from a set-aside responsibility to the current one.
    reports_moved: list[int] = field(default_factory=list)
    contacts_dropped: list[str] = field(default_factory=list)


# Relations handled one by one below; every other relation to Unit is moved as it is.
_HANDLED = {
    (Responsibility, "unit"),
    (UnitContact, "unit"),
    (LeaderScope, "unit"),
    (Unit, "merged_into"),
}


def unit_merge(
    *, unit: Unit, into: Unit, actor: User | None, now: datetime | None = None
) -> MergeOutcome:
    """Merge `unit` into `into` (the survivor). Refused, changing nothing, when they are the same
    unit, either was merged already, or a row cannot move without breaking a rule of its own."""
    require_unit_manager(actor)
    if unit.pk == into.pk:
        raise MergeRefused(_("不能把单位合并到它自己。"))
    now = now or timezone.now()
    with transaction.atomic():
        locked = {
            u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[unit.pk, into.pk])
        }
        merged, survivor = locked[unit.pk], locked[into.pk]
        for checked in (merged, survivor):
            if checked.merged_into_id is not None:
                raise MergeRefused(_("单位“%(name)s”已并入其他单位。") % {"name": checked.name})
        outcome = MergeOutcome(survivor=survivor, merged=merged)
        _take_merged_place(survivor, merged)
        _merge_responsibilities(merged, survivor, now=now, actor=actor, outcome=outcome)
        _merge_contacts(merged, survivor, outcome)
        _merge_leader_scopes(merged, survivor, outcome)
        _move_the_rest(merged, survivor, outcome)
        if unit_key(merged.name) != unit_key(survivor.name):
            UnitAlias.objects.get_or_create(alias=merged.name, defaults={"unit": survivor})
        merged.is_active = False
        merged.needs_review = False
        merged.merged_into = survivor
        merged.merged_at = now
        merged.save(update_fields=["is_active", "needs_review", "merged_into", "merged_at"])
        # Both units' slots: responsibilities and reports moved, set aside, or no longer counted.
        summaries_refresh(unit_ids=[merged.pk, survivor.pk])
        summary: dict[str, Any] = {
            "merged": merged.pk,
            "merged_name": merged.name,
            "survivor": survivor.pk,
            "survivor_name": survivor.name,
            "moved": outcome.moved,
            "set_aside": outcome.set_aside,
            "reports_moved": outcome.reports_moved,
            "contacts_dropped": outcome.contacts_dropped,
        }
        audit_record(actor=actor, action="unit.merge", obj=survivor, after=summary)
        audit_record(
            actor=actor,
            action="unit.merged_into",
            obj=merged,
            before={"is_active": True, "merged_into": None},
            after=summary,
        )
    return outcome


def _take_merged_place(survivor: Unit, merged: Unit) -> None:
    """A survivor below the merged unit takes its place in the tree, so moving the merged unit's
    sub-units to the survivor cannot make a unit its own ancestor."""
    ancestor, seen = survivor.parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == merged.pk:
            survivor.parent_id = merged.parent_id
            survivor.save(update_fields=["parent"])
            return
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


def _merge_responsibilities(
    merged: Unit, survivor: Unit, *, now: datetime, actor: User | None, outcome: MergeOutcome
) -> None:
    mine = {
        r.assignment_id: r for r in Responsibility.objects.select_for_update().filter(unit=survivor)
    }
    theirs = list(Responsibility.all_objects.select_for_update().filter(unit=merged))
    plain = [r.pk for r in theirs if r.removed_at is not None or r.assignment_id not in mine]
    Responsibility.all_objects.filter(pk__in=plain).update(unit=survivor)
    outcome.moved[str(Responsibility._meta.verbose_name)] = len(plain)
    for aside in theirs:
        if aside.pk in plain:
            continue
        current = mine[aside.assignment_id]
        if aside.role == Responsibility.Role.LEAD and current.role != aside.role:
            current.role = Responsibility.Role.LEAD
            current.save(update_fields=["role"])
        aside.unit = survivor
        aside.removed_at = now
        aside.removed_by = actor
        aside.removal_reason = _(
            "单位合并：“%(merged)s”并入“%(survivor)s”，同一任务保留“%(survivor)s”的责任分工。"
        ) % {"merged": merged.name, "survivor": survivor.name}
        aside.save(update_fields=["unit", "removed_at", "removed_by", "removal_reason"])
        outcome.set_aside.append(aside.pk)
        _keep_counting_reports(aside, current, outcome)


def _counts(report: ProgressReport) -> bool:
    return report.status in SUBMITTED_STATUSES


def _keep_counting_reports(
    aside: Responsibility, current: Responsibility, outcome: MergeOutcome
) -> None:
    """Per period, the report that counts ends on the current responsibility."""
    kept = {r.period_id: r for r in ProgressReport.objects.filter(responsibility=current)}
    for report in ProgressReport.objects.filter(responsibility=aside).order_by("pk"):
        other = kept.get(report.period_id)
        if other is None:
            ProgressReport.objects.filter(pk=report.pk).update(responsibility=current)
            outcome.reports_moved.append(report.pk)
        elif _counts(report) and not _counts(other):
            _swap(report, other, aside=aside, current=current)
            outcome.reports_moved.append(report.pk)


def _swap(
    report: ProgressReport,
    draft: ProgressReport,
    *,
    aside: Responsibility,
    current: Responsibility,
) -> None:
    """Exchange two reports of one period between the set-aside and the current responsibility.
    (responsibility, period) is unique and checked row by row, so the draft waits on a
    set-aside row of its own for the moment of the exchange."""
    holder = Responsibility.all_objects.create(
        assignment_id=current.assignment_id,
        unit_id=current.unit_id,
        role=aside.role,
        removed_at=aside.removed_at,
        removal_reason=aside.removal_reason,
    )
    ProgressReport.objects.filter(pk=draft.pk).update(responsibility=holder)
    ProgressReport.objects.filter(pk=report.pk).update(responsibility=current)
    ProgressReport.objects.filter(pk=draft.pk).update(responsibility=aside)
    holder.delete()


def _merge_contacts(merged: Unit, survivor: Unit, outcome: MergeOutcome) -> None:
    """A mailbox both units list is kept once (the survivor's entry, with its choices)."""
    have = {email.lower() for email in survivor.contacts.values_list("email", flat=True)}
    duplicates = [c for c in merged.contacts.all() if c.email.lower() in have]
    outcome.contacts_dropped = [c.email for c in duplicates]
    UnitContact.objects.filter(pk__in=[c.pk for c in duplicates]).delete()
    moved = UnitContact.objects.filter(unit=merged).update(unit=survivor)
    outcome.moved[str(UnitContact._meta.verbose_name)] = moved


def _merge_leader_scopes(merged: Unit, survivor: Unit, outcome: MergeOutcome) -> None:
    leaders = set(LeaderScope.objects.filter(unit=survivor).values_list("leader_id", flat=True))
    LeaderScope.objects.filter(unit=merged, leader_id__in=leaders).delete()
    moved = LeaderScope.objects.filter(unit=merged).update(unit=survivor)
    outcome.moved[str(LeaderScope._meta.verbose_name)] = moved


def _move_the_rest(merged: Unit, survivor: Unit, outcome: MergeOutcome) -> None:
    """Every other row pointing at the merged unit, found through Unit's relations."""
    Unit.objects.filter(merged_into=merged).update(merged_into=survivor)
    # The UPDATEs below send no post_save; problems and names move between units.
    summaries_changed([ROSTER])
    tally: Counter[str] = Counter()
    for relation in Unit._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or not issubclass(model, models.Model):
            continue
        if relation.many_to_many:
            _move_memberships(relation, merged, survivor, tally)
            continue
        name = relation.field.name
        if (model, name) in _HANDLED:
            continue
        try:
            with transaction.atomic():
                count = model._base_manager.filter(**{name: merged}).update(**{name: survivor})
        except IntegrityError:
            raise MergeRefused(
                _("“%(model)s”中有记录无法从“%(merged)s”转到“%(survivor)s”，未作任何更改。")
                % {
                    "model": model._meta.verbose_name,
                    "merged": merged.name,
                    "survivor": survivor.name,
                }
            ) from None
        if count:
            tally[str(model._meta.verbose_name)] += count
    outcome.moved.update(tally)


def _move_memberships(relation: Any, merged: Unit, survivor: Unit, tally: Counter[str]) -> None:
    """Groups (and any other many-to-many) that list the merged unit list the survivor."""
    model = relation.related_model
    accessor = relation.field.name
    for holder in model._base_manager.filter(**{accessor: merged}):
        members = getattr(holder, accessor)
        members.add(survivor)
        members.remove(merged)
        tally[str(model._meta.verbose_name)] += 1
