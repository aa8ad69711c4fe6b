"""Writing units: a unit for a name no roster knew (flagged for review), and a roster's units,
aliases and groups. (Looking names up: tracker.selectors.units.)"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from tracker.models import Unit, UnitAlias, UnitGroup, User
from tracker.selectors.units import Resolution, UnitDirectory, name_key, unit_key
from tracker.services.audit import audit_record

# Names that stand for several units whose members are not listed (各镇, 区直各部门, X成员单位).
_COLLECTIVE = re.compile(r"^各|成员单位$|各部门$|有关部门$|有关单位$|直属机构$|各单位$")


def guess_level(name: str) -> str:
    """The level a bare unit name implies: 市… city, 区/县… county, 镇/街道… town."""
    key = name_key(name).lstrip("各")
    if key.startswith(("镇", "乡", "街道", "社区", "村")):
        return Unit.Level.TOWN
    if key.startswith(("区", "县")):
        return Unit.Level.COUNTY
    if key.startswith("省"):
        return Unit.Level.PROVINCE
    return Unit.Level.CITY


def unit_resolve(
    *, directory: UnitDirectory, mention: str, actor: User | None, source: str = ""
) -> Resolution:
    """The units a mention stands for; an unknown name becomes a new Unit needing review (and
    joins the directory, with the others it created, in `directory.created`)."""
    if not unit_key(mention):
        return Resolution(mention=mention, units=[])
    found = directory.find(mention)
    if found is not None and found.units:
        return found
    unit = _unit_create_unknown(mention.strip(), actor=actor, source=source)
    directory.units[unit_key(unit.name)] = unit
    directory.created.append(unit)
    group = found.group if found is not None else None
    return Resolution(mention=mention, units=[unit], group=group, created=True)


def _unit_create_unknown(name: str, *, actor: User | None, source: str) -> Unit:
    unit = Unit.objects.create(
        name=name,
        level=guess_level(name),
        kind=Unit.Kind.COLLECTIVE if _COLLECTIVE.search(name_key(name)) else Unit.Kind.DEPARTMENT,
        needs_review=True,
    )
    audit_record(
        actor=actor,
        action="unit.create_unknown",
        obj=unit,
        after={"name": unit.name, "level": unit.level, "kind": unit.kind, "source": source},
    )
    return unit


def units_import_roster(*, roster: dict[str, Any], actor: User | None) -> int:
    """Create the units, aliases and groups a roster lists; return how many units were new.

    A roster is {"jurisdiction": UNIT, "units": [UNIT, ...], "groups": [GROUP, ...]} with
    UNIT = {"name", "short_names", "level", "kind", "parent"} and GROUP = {"name", "aliases",
    "members"}. Existing rows are kept, so loading a roster again only adds what is new.
    """
    created_units = 0
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for entry in [roster["jurisdiction"], *roster.get("units", [])]:
            parent_name = entry.get("parent", "")
            if parent_name and parent_name not in units:
                raise ValueError(f"单位“{entry['name']}”的上级单位“{parent_name}”须排在它之前。")
            unit, created = Unit.objects.get_or_create(
                name=entry["name"],
                defaults={
                    "level": entry.get("level", Unit.Level.CITY),
                    "kind": entry.get("kind", Unit.Kind.DEPARTMENT),
                    "parent": units.get(parent_name),
                },
            )
            units[unit.name] = unit
            if created:
                created_units += 1
                audit_record(actor=actor, action="unit.create", obj=unit, after={"name": unit.name})
            for alias in entry.get("short_names", []):
                UnitAlias.objects.get_or_create(alias=alias, defaults={"unit": unit})
        for entry in roster.get("groups", []):
            group, created = UnitGroup.objects.get_or_create(name=entry["name"])
            missing = [name for name in entry.get("members", []) if name not in units]
            if missing:
                raise ValueError(f"单位集合“{group.name}”的成员不在名册中：{'、'.join(missing)}")
            before = sorted(group.members.values_list("pk", flat=True))
            group.members.add(*(units[name] for name in entry.get("members", [])))
            after = sorted(group.members.values_list("pk", flat=True))
            if created or before != after:
                audit_record(
                    actor=actor,
                    action="unitgroup.members_change",
                    obj=group,
                    before={"members": before},
                    after={"members": after},
                )
            for alias in entry.get("aliases", []):
                UnitAlias.objects.get_or_create(alias=alias, defaults={"group": group})
    return created_units
