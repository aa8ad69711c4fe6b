"""Mapping the unit names a document uses to Units.

A document writes "市发展改革委", "区发改局" or "各县(区)党委和政府"; the tracker needs Units. The
directory looks a mention up among unit names, aliases and group names (compared after NFKC, so
full- and half-width brackets are the same name), expands a known group to its members, and
creates an unknown name as a Unit flagged for review rather than dropping it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tracker.models import Unit, UnitAlias, UnitGroup, User
from tracker.services.audit import audit_record

_SPACE = re.compile(r"\s+")
# Names that stand for several units whose members are not listed (各镇, 区直各部门, X成员单位).
_COLLECTIVE = re.compile(r"^各|成员单位$|各部门$|有关部门$|有关单位$|直属机构$|各单位$")


def name_key(name: str) -> str:
    """The form two spellings of one name share: NFKC (full-width → half-width), no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


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


@dataclass
class Resolution:
    mention: str
    units: list[Unit]
    group: UnitGroup | None = None
    created: bool = False


@dataclass
class UnitDirectory:
    """Every known name, loaded once (three queries) and then resolved in memory."""

    units: dict[str, Unit] = field(default_factory=dict)
    groups: dict[str, UnitGroup] = field(default_factory=dict)
    created: list[Unit] = field(default_factory=list)

    @classmethod
    def load(cls) -> UnitDirectory:
        directory = cls()
        for unit in Unit.objects.all():
            directory.units[name_key(unit.name)] = unit
        for group in UnitGroup.objects.prefetch_related("members"):
            directory.groups[name_key(group.name)] = group
        for alias in UnitAlias.objects.select_related("unit").prefetch_related("group__members"):
            key = name_key(alias.alias)
            if alias.unit is not None:
                directory.units.setdefault(key, alias.unit)
            elif alias.group is not None:
                directory.groups.setdefault(key, alias.group)
        return directory

    def resolve(self, mention: str, *, actor: User | None, source: str = "") -> Resolution:
        """The units a mention stands for; an unknown name becomes a new Unit needing review."""
        key = name_key(mention)
        if not key:
            return Resolution(mention=mention, units=[])
        if key in self.units:
            return Resolution(mention=mention, units=[self.units[key]])
        group = self.groups.get(key)
        if group is not None:
            members = [unit for unit in group.members.all() if unit.is_active]
            if members:
                return Resolution(mention=mention, units=members, group=group)
        unit = self._create(mention.strip(), actor=actor, source=source)
        return Resolution(mention=mention, units=[unit], group=group, created=True)

    def _create(self, name: str, *, actor: User | None, source: str) -> Unit:
        unit = Unit.objects.create(
            name=name,
            level=guess_level(name),
            kind=Unit.Kind.COLLECTIVE
            if _COLLECTIVE.search(name_key(name))
            else Unit.Kind.DEPARTMENT,
            needs_review=True,
        )
        audit_record(
            actor=actor,
            action="unit.create_unknown",
            obj=unit,
            after={"name": unit.name, "level": unit.level, "kind": unit.kind, "source": source},
        )
        self.units[name_key(name)] = unit
        self.created.append(unit)
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
