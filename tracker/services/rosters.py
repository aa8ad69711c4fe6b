"""Applying a roster file (名册): every row of a plan without refusals, in one transaction —
units (then their parents, so a row may name a parent listed below it), aliases and contact
addresses, groups, people and leaders' units — and the invitations of the new people after
commit. The plan is made again inside the transaction, so what is written is what the data
allows at that moment, not what it allowed when the preview was shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.celery import queue
from tracker.models import LeaderScope, Unit, UnitAlias, UnitContact, UnitGroup, User
from tracker.roster_files import RosterRow
from tracker.selectors.rosters import (
    CREATE,
    UPDATE,
    GroupIntent,
    PersonIntent,
    RosterPlan,
    UnitIntent,
    roster_plan,
)
from tracker.selectors.units import name_key
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.people import INVITATION_TASK
from tracker.services.units import require_unit_manager


class RosterRefused(Refused):
    """The roster has refused rows (or none at all); nothing was written. `plan` says which."""

    def __init__(self, message: str, plan: RosterPlan) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass
class RosterOutcome:
    plan: RosterPlan
    units_created: int = 0
    units_changed: int = 0
    people_created: int = 0
    people_changed: int = 0
    groups_saved: int = 0
    invited: list[int] = field(default_factory=list)


def roster_apply(
    *, rows: Sequence[RosterRow], actor: User | None, invite: bool = True
) -> RosterOutcome:
    """Write the roster, all or nothing. New people with an address are invited (after commit)
    when `invite`."""
    require_unit_manager(actor)
    with transaction.atomic():
        plan = roster_plan(rows, actor=actor)
        if not plan.rows:
            raise RosterRefused(_("名册中没有可导入的行。"), plan)
        if plan.refused:
            raise RosterRefused(
                _("名册中有 %(n)s 行有误，未作任何更改。") % {"n": len(plan.refused)}, plan
            )
        outcome = RosterOutcome(plan=plan)
        units = _apply_units(plan, actor, outcome)
        _apply_groups(plan, units, actor, outcome)
        _apply_people(plan, units, actor, outcome, invite=invite)
        audit_record(
            actor=actor,
            action="roster.import",
            after={
                "units_created": outcome.units_created,
                "units_changed": outcome.units_changed,
                "people_created": outcome.people_created,
                "people_changed": outcome.people_changed,
                "groups": outcome.groups_saved,
                "invited": len(outcome.invited),
            },
        )
        invited = list(outcome.invited)

        def send_invitations() -> None:
            for pk in invited:
                queue(INVITATION_TASK, pk)

        transaction.on_commit(send_invitations)
    return outcome


def _unit_fields(unit: Unit) -> dict[str, object]:
    return {
        "name": unit.name,
        "level": unit.level,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "position": unit.position,
    }


def _apply_units(plan: RosterPlan, actor: User | None, outcome: RosterOutcome) -> dict[str, Unit]:
    """Create and change the units; return every unit by name key (stored and new), and their
    aliases' keys too, for the rows that name them."""
    by_key: dict[str, Unit] = {
        name_key(u.name): u for u in Unit.objects.filter(merged_into__isnull=True)
    }
    for stored in UnitAlias.objects.filter(unit__isnull=False).select_related("unit"):
        if stored.unit is not None:
            by_key.setdefault(name_key(stored.alias), stored.unit)
    rows = [(r, r.intent) for r in plan.rows if isinstance(r.intent, UnitIntent)]
    before: dict[int, dict[str, object]] = {}
    for row, intent in rows:
        if row.action == CREATE:
            unit = Unit.objects.create(
                name=intent.name, level=intent.level, kind=intent.kind, position=intent.position
            )
            by_key[name_key(unit.name)] = unit
            outcome.units_created += 1
        elif row.action == UPDATE and intent.existing is not None:
            unit = intent.existing
            before[unit.pk] = _unit_fields(unit)
            unit.level, unit.kind, unit.position = intent.level, intent.kind, intent.position
            unit.save(update_fields=["level", "kind", "position"])
            outcome.units_changed += 1
    for row, intent in rows:
        if row.action not in (CREATE, UPDATE):
            continue
        unit = by_key[name_key(intent.name)]
        if intent.parent_key is not None:
            parent = by_key[intent.parent_key]
            if unit.parent_id != parent.pk:
                unit.parent = parent
                unit.save(update_fields=["parent"])
        UnitAlias.objects.bulk_create(UnitAlias(alias=a, unit=unit) for a in intent.aliases)
        for alias in intent.aliases:
            by_key.setdefault(name_key(alias), unit)
        UnitContact.objects.bulk_create(UnitContact(unit=unit, email=e) for e in intent.contacts)
        after = {
            **_unit_fields(unit),
            "aliases_added": intent.aliases,
            "contacts_added": intent.contacts,
            "source": "roster",
        }
        audit_record(
            actor=actor,
            action="unit.create" if row.action == CREATE else "unit.update",
            obj=unit,
            before=before.get(unit.pk),
            after=after,
        )
    return by_key


def _apply_groups(
    plan: RosterPlan, units: dict[str, Unit], actor: User | None, outcome: RosterOutcome
) -> None:
    for row in plan.rows:
        intent = row.intent
        if not isinstance(intent, GroupIntent) or row.action not in (CREATE, UPDATE):
            continue
        group = intent.existing or UnitGroup.objects.create(name=intent.name)
        before = sorted(group.members.values_list("pk", flat=True)) if intent.existing else None
        members = [units[key] for key in intent.members]
        group.members.set(members)
        UnitAlias.objects.bulk_create(UnitAlias(alias=a, group=group) for a in intent.aliases)
        outcome.groups_saved += 1
        audit_record(
            actor=actor,
            action="unitgroup.create" if row.action == CREATE else "unitgroup.update",
            obj=group,
            before={"members": before} if before is not None else None,
            after={
                "members": sorted(u.pk for u in members),
                "aliases_added": intent.aliases,
                "source": "roster",
            },
        )


def _apply_people(
    plan: RosterPlan,
    units: dict[str, Unit],
    actor: User | None,
    outcome: RosterOutcome,
    *,
    invite: bool,
) -> None:
    now = timezone.now()
    for row in plan.rows:
        intent = row.intent
        if not isinstance(intent, PersonIntent) or row.action not in (CREATE, UPDATE):
            continue
        person = intent.existing or User(username=intent.username, role=intent.role)
        before = (
            {
                "last_name": person.last_name,
                "email": person.email,
                "role": person.role,
                "unit_id": person.unit_id,
            }
            if intent.existing
            else None
        )
        if intent.full_name is not None:
            person.last_name = intent.full_name
        if intent.email is not None:
            person.email = intent.email
        if intent.phone is not None:
            person.phone = intent.phone
        if intent.unit_key is not None:
            person.unit = units[intent.unit_key]
        person.role = intent.role
        if intent.existing is None:
            person.set_unusable_password()
            if invite and person.email:
                person.invited_at = now
        person.save()
        if intent.existing is None:
            outcome.people_created += 1
            if person.invited_at is not None:
                outcome.invited.append(person.pk)
        else:
            outcome.people_changed += 1
        LeaderScope.objects.bulk_create(
            [LeaderScope(leader=person, unit=units[key]) for key in intent.leader_units],
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            action="user.create" if intent.existing is None else "user.update",
            obj=person,
            before=before,
            after={
                "last_name": person.last_name,
                "email": person.email,
                "role": person.role,
                "unit_id": person.unit_id,
                "leader_units": [units[k].pk for k in intent.leader_units],
                "invited": person.invited_at is not None and intent.existing is None,
                "source": "roster",
            },
        )
