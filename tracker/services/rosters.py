"""Applying a roster file (名册): every row of a plan without refusals, in one transaction —
units (then their parents, so a row may name a parent listed below it), aliases and contact
addresses, groups, people and leaders' units — and the invitations of the new people after
commit. The plan is made again inside the transaction, so what is written is what the data
allows at that moment, not what it allowed when the preview was shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.celery import queue
from tracker.models import (
    AuditEvent,
    LeaderScope,
    Unit,
    UnitAlias,
    UnitContact,
    UnitGroup,
    User,
)
from tracker.roster_files import RosterRow
from tracker.selectors.cached import ROSTER
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
from tracker.services.audit import audit_entry, audit_record
from tracker.services.errors import Refused
from tracker.services.people import INVITATION_TASK
from tracker.services.summaries import summaries_changed
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


_BATCH = 500


def _unit_fields(unit: Unit) -> dict[str, object]:
    return {
        "name": unit.name,
        "level": unit.level,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "position": unit.position,
    }


def _apply_units(plan: RosterPlan, actor: User | None, outcome: RosterOutcome) -> dict[str, Unit]:
    """Create and change the units in bulk (a province's roster is thousands of rows); return
    every unit by name key (stored and new), and their aliases' keys too, for the rows that name
    them."""
    by_key: dict[str, Unit] = {
        name_key(u.name): u for u in Unit.objects.filter(merged_into__isnull=True)
    }
    for stored in UnitAlias.objects.filter(unit__isnull=False).select_related("unit"):
        if stored.unit is not None:
            by_key.setdefault(name_key(stored.alias), stored.unit)
    rows = [
        (r, r.intent)
        for r in plan.rows
        if isinstance(r.intent, UnitIntent) and r.action in (CREATE, UPDATE)
    ]
    new_rows = {name_key(i.name): i for r, i in rows if r.action == CREATE}

    def depth(key: str, seen: frozenset[str] = frozenset()) -> int:
        """0 for a unit whose parent is stored (or absent), else one more than its parent's:
        the new units are inserted level by level, each knowing its parent's id (the plan
        refused every loop)."""
        parent = new_rows[key].parent_key
        if parent is None or parent not in new_rows or parent in seen:
            return 0
        return depth(parent, seen | {key}) + 1

    by_depth: dict[int, list[Unit]] = {}
    for key, intent in new_rows.items():
        unit = Unit(
            name=intent.name, level=intent.level, kind=intent.kind, position=intent.position
        )
        by_depth.setdefault(depth(key), []).append(unit)
    created: list[Unit] = []
    for level in sorted(by_depth):
        for unit in by_depth[level]:
            intent = new_rows[name_key(unit.name)]
            if intent.parent_key is not None:
                unit.parent = by_key[intent.parent_key]
        Unit.objects.bulk_create(by_depth[level], batch_size=_BATCH)
        by_key.update((name_key(u.name), u) for u in by_depth[level])
        created.extend(by_depth[level])
    before: dict[int, dict[str, object]] = {}
    changed: list[Unit] = []
    for row, intent in rows:
        if row.action != UPDATE:
            continue
        unit = by_key[name_key(intent.name)]
        before[unit.pk] = _unit_fields(unit)
        unit.level, unit.kind, unit.position = intent.level, intent.kind, intent.position
        if intent.parent_key is not None:
            unit.parent = by_key[intent.parent_key]
        changed.append(unit)
    Unit.objects.bulk_update(changed, ["level", "kind", "position", "parent"], batch_size=_BATCH)
    if changed:  # bulk_update sends no post_save: levels and order are the rankings'
        summaries_changed([ROSTER])
    aliases: list[UnitAlias] = []
    contacts: list[UnitContact] = []
    events: list[AuditEvent] = []
    for row, intent in rows:
        unit = by_key[name_key(intent.name)]
        aliases.extend(UnitAlias(alias=a, unit=unit) for a in intent.aliases)
        by_key.update((name_key(a), unit) for a in intent.aliases if name_key(a) not in by_key)
        contacts.extend(UnitContact(unit=unit, email=e) for e in intent.contacts)
        events.append(
            audit_entry(
                actor=actor,
                action="unit.create" if row.action == CREATE else "unit.update",
                obj=unit,
                before=before.get(unit.pk),
                after={
                    **_unit_fields(unit),
                    "aliases_added": intent.aliases,
                    "contacts_added": intent.contacts,
                    "source": "roster",
                },
            )
        )
    UnitAlias.objects.bulk_create(aliases, batch_size=_BATCH)
    UnitContact.objects.bulk_create(contacts, batch_size=_BATCH)
    AuditEvent.objects.bulk_create(events, batch_size=_BATCH)
    outcome.units_created = len(created)
    outcome.units_changed = len(before)
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


_PERSON_FIELDS = ("last_name", "email", "phone", "role", "unit_id")


def _apply_people(
    plan: RosterPlan,
    units: dict[str, Unit],
    actor: User | None,
    outcome: RosterOutcome,
    *,
    invite: bool,
) -> None:
    now = timezone.now()
    # An unusable password is a marker ("!" and any text); drawing 40 random characters per
    # person cost a province's import seconds, so the new people share one.
    unusable = make_password(None)
    rows = [
        (r.action, r.intent)
        for r in plan.rows
        if isinstance(r.intent, PersonIntent) and r.action in (CREATE, UPDATE)
    ]
    new: list[User] = []
    changed: list[User] = []
    before: dict[str, dict[str, object]] = {}
    people: list[tuple[str, PersonIntent, User]] = []
    for action, intent in rows:
        person = intent.existing or User(username=intent.username, role=intent.role)
        if intent.existing is not None:
            before[person.username] = {name: getattr(person, name) for name in _PERSON_FIELDS}
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
            person.password = unusable
            if invite and person.email:
                person.invited_at = now
            new.append(person)
        else:
            changed.append(person)
        people.append((action, intent, person))
    User.objects.bulk_create(new, batch_size=_BATCH)
    User.objects.bulk_update(changed, ["last_name", "email", "phone", "role", "unit"], _BATCH)
    LeaderScope.objects.bulk_create(
        [
            LeaderScope(leader=person, unit=units[key])
            for _action, intent, person in people
            for key in intent.leader_units
        ],
        ignore_conflicts=True,
        batch_size=_BATCH,
    )
    AuditEvent.objects.bulk_create(
        [
            audit_entry(
                actor=actor,
                action="user.create" if action == CREATE else "user.update",
                obj=person,
                before=before.get(person.username),
                after={
                    **{name: getattr(person, name) for name in _PERSON_FIELDS},
                    "leader_units": [units[k].pk for k in intent.leader_units],
                    "invited": action == CREATE and person.invited_at is not None,
                    "source": "roster",
                },
            )
            for action, intent, person in people
        ],
        batch_size=_BATCH,
    )
    outcome.people_created = len(new)
    outcome.people_changed = len(changed)
    outcome.invited = [p.pk for p in new if p.invited_at is not None]
