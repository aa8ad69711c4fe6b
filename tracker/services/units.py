"""Writing units: a unit for a name no roster knew (flagged for review), a roster's units,
aliases and groups (the demo's JSON roster), and keeping units in the product — create, change
(a new name keeps the old one as an alias), aliases. (Looking names up: tracker.selectors.units;
merging two units: tracker.services.unit_merge; groups: tracker.services.unit_groups; the
spreadsheet roster: tracker.services.rosters.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.access import can_manage_units
from tracker.l10n import list_text
from tracker.models import Unit, UnitAlias, UnitGroup, User
from tracker.selectors.units import (
    COLLECTIVE_NAME,
    Resolution,
    UnitDirectory,
    name_key,
    unit_key,
)
from tracker.services.audit import audit_record
from tracker.services.errors import Refused


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
        kind=Unit.Kind.COLLECTIVE
        if COLLECTIVE_NAME.search(name_key(name))
        else Unit.Kind.DEPARTMENT,
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
                raise ValueError(
                    _("单位“%(unit)s”的上级单位“%(parent)s”须排在它之前。")
                    % {"unit": entry["name"], "parent": parent_name}
                )
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
                raise ValueError(
                    _("单位集合“%(group)s”的成员不在名册中：%(names)s")
                    % {"group": group.name, "names": list_text(missing)}
                )
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


# --- keeping the roster in the product (supervisors and administrators) -----------------------


class UnitRefused(Refused):
    """The unit, alias or group change cannot happen; nothing was changed."""


NAME_LIMIT = 200


def require_unit_manager(actor: User | None) -> None:
    """Units, groups and people are kept by supervisors and administrators; None is the system
    (a command, the demo)."""
    if actor is not None and not can_manage_units(actor):
        raise UnitRefused(_("只有督查人员和管理员可以维护单位和人员。"))


def name_taken(name: str, *, unit: Unit | None = None, group: UnitGroup | None = None) -> str:
    """Why `name` cannot be a new name of `unit` (or `group`), or "" when it is free: another
    unit, group or alias already answers to it (compared as documents are read: 市发改委 and
    市发展和改革委员会 are one name)."""
    found = UnitDirectory.load().find(name)
    if found is None:
        return ""
    if found.group is not None:
        if group is not None and found.group.pk == group.pk:
            return ""
        return _("“%(name)s”已是单位集合“%(other)s”的名称或别名。") % {
            "name": name,
            "other": found.group.name,
        }
    others = [u for u in found.units if unit is None or u.pk != unit.pk]
    if not others:
        return ""
    return _("“%(name)s”已是单位“%(other)s”的名称或别名。") % {
        "name": name,
        "other": others[0].name,
    }


def clean_unit_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UnitRefused(_("请填写单位名称。"), {"name": _("请填写单位名称。")})
    if len(name) > NAME_LIMIT:
        message = _("名称不超过%(n)s字。") % {"n": NAME_LIMIT}
        raise UnitRefused(message, {"name": message})
    return name


def _check_parent(unit: Unit | None, parent: Unit | None) -> None:
    if parent is None:
        return
    if parent.merged_into_id is not None:
        message = _("上级单位“%(name)s”已并入其他单位。") % {"name": parent.name}
        raise UnitRefused(message, {"parent": message})
    if unit is None or unit.pk is None:
        return
    seen: set[int] = set()
    current: Unit | None = parent
    while current is not None and current.pk not in seen:
        if current.pk == unit.pk:
            message = _("不能把“%(parent)s”设为上级单位：它是“%(unit)s”的下级，会形成循环。") % {
                "parent": parent.name,
                "unit": unit.name,
            }
            raise UnitRefused(message, {"parent": message})
        seen.add(current.pk)
        current = current.parent


_UNIT_FIELDS = ("name", "level", "kind", "parent_id", "position", "is_active")


def _unit_values(unit: Unit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in _UNIT_FIELDS}


def unit_create(
    *,
    actor: User | None,
    name: str,
    level: str,
    kind: str = Unit.Kind.DEPARTMENT,
    parent: Unit | None = None,
    position: int | None = None,
    aliases: Iterable[str] = (),
) -> Unit:
    """A unit of the roster, with the other names documents call it by."""
    require_unit_manager(actor)
    name = clean_unit_name(name)
    if level not in Unit.Level.values or kind not in Unit.Kind.values:
        raise UnitRefused(_("层级或类别无效。"))
    with transaction.atomic():
        taken = name_taken(name)
        if taken:
            raise UnitRefused(taken, {"name": taken})
        _check_parent(None, parent)
        unit = Unit.objects.create(
            name=name, level=level, kind=kind, parent=parent, position=position
        )
        audit_record(actor=actor, action="unit.create", obj=unit, after=_unit_values(unit))
        for alias in aliases:
            unit_alias_add(unit=unit, alias=alias, actor=actor)
    return unit


def unit_update(
    *,
    unit: Unit,
    actor: User | None,
    name: str,
    level: str,
    kind: str,
    parent: Unit | None,
    position: int | None,
    is_active: bool = True,
) -> Unit:
    """Change a unit. A new name keeps the old one as an alias, so documents (and the people
    who still say it) keep finding the unit."""
    require_unit_manager(actor)
    name = clean_unit_name(name)
    if level not in Unit.Level.values or kind not in Unit.Kind.values:
        raise UnitRefused(_("层级或类别无效。"))
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if locked.merged_into_id is not None:
            raise UnitRefused(_("该单位已并入其他单位，不能再修改。"))
        before = _unit_values(locked)
        old_name = locked.name
        if name != old_name:
            taken = name_taken(name, unit=locked)
            if taken:
                raise UnitRefused(taken, {"name": taken})
        _check_parent(locked, parent)
        locked.name, locked.level, locked.kind = name, level, kind
        locked.parent, locked.position, locked.is_active = parent, position, is_active
        after = _unit_values(locked)
        # Saved by a person: a unit created from an unknown name is confirmed now.
        confirmed = locked.needs_review
        locked.needs_review = False
        if after == before and not confirmed:
            return locked
        if confirmed:
            after["needs_review"] = False
        locked.save()
        if name != old_name:
            # The new name may have been one of the unit's aliases; the old one becomes one.
            UnitAlias.objects.filter(unit=locked, alias=name).delete()
            UnitAlias.objects.get_or_create(alias=old_name, defaults={"unit": locked})
        audit_record(actor=actor, action="unit.update", obj=locked, before=before, after=after)
    unit.refresh_from_db()
    return unit


def unit_alias_add(*, unit: Unit, alias: str, actor: User | None) -> UnitAlias:
    """Another name documents use for the unit (区发改局 for 沙市区发展和改革局)."""
    require_unit_manager(actor)
    alias = clean_unit_name(alias)
    with transaction.atomic():
        taken = name_taken(alias, unit=unit)
        if not taken and unit_key(alias) == unit_key(unit.name):
            taken = _("“%(name)s”就是该单位的名称。") % {"name": alias}
        if not taken and UnitAlias.objects.filter(alias=alias).exists():
            taken = _("“%(name)s”已是该单位的别名。") % {"name": alias}
        if taken:
            raise UnitRefused(taken, {"alias": taken})
        created = UnitAlias.objects.create(alias=alias, unit=unit)
        audit_record(
            actor=actor,
            action="unitalias.create",
            obj=created,
            after={"alias": alias, "unit": unit.pk, "unit_name": unit.name},
        )
    return created


def unit_alias_remove(*, alias: UnitAlias, actor: User | None) -> None:
    require_unit_manager(actor)
    with transaction.atomic():
        before = {
            "alias": alias.alias,
            "unit": alias.unit_id,
            "group": alias.group_id,
        }
        audit_record(actor=actor, action="unitalias.delete", obj=alias, before=before)
        alias.delete()
