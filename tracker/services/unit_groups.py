"""Unit groups (各镇、各街道、区政府各部门、领导小组各成员单位): a collective documents name, with
its members defined once in the product. Publishing expands every mention of the group (its
name or an alias) to its active members (tracker.selectors.units.UnitDirectory.find)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.models import Unit, UnitAlias, UnitGroup, User
from tracker.selectors.units import prefix_level
from tracker.services.audit import audit_record
from tracker.services.units import (
    UnitRefused,
    clean_unit_name,
    name_taken,
    require_unit_manager,
    unit_create,
)


def member_level(name: str, parent: Unit | None) -> str:
    """The level of a member created by name with its group: 镇/乡/街道 names are towns."""
    if name.endswith(("镇", "乡", "街道", "街道办事处", "办事处")):
        return Unit.Level.TOWN
    return prefix_level(name) or (parent.level if parent is not None else Unit.Level.CITY)


def unitgroup_save(
    *,
    actor: User | None,
    name: str,
    members: Iterable[Unit],
    aliases: Iterable[str] = (),
    description: str = "",
    group: UnitGroup | None = None,
    new_members: Iterable[str] = (),
    new_members_parent: Unit | None = None,
) -> UnitGroup:
    """Create a group, or change one: its members become exactly `members` plus `new_members`
    (names of units created now, under `new_members_parent`: an office that starts from nothing
    defines 各镇 and its towns in one step), and `aliases` are added (an alias is removed on its
    own: tracker.services.units.unit_alias_remove). All or nothing."""
    require_unit_manager(actor)
    name = clean_unit_name(name)
    with transaction.atomic():
        created = [
            unit_create(
                actor=actor,
                name=member,
                level=member_level(member, new_members_parent),
                parent=new_members_parent,
            )
            for member in new_members
        ]
        return _save(
            actor=actor,
            name=name,
            members=[*members, *created],
            aliases=aliases,
            description=description,
            group=group,
        )


def _save(
    *,
    actor: User | None,
    name: str,
    members: Iterable[Unit],
    aliases: Iterable[str],
    description: str,
    group: UnitGroup | None,
) -> UnitGroup:
    chosen = {unit.pk: unit for unit in members}
    if not chosen:
        message = _("请至少选择一个成员单位。")
        raise UnitRefused(message, {"members": message})
    inactive = [u.name for u in chosen.values() if not u.is_active or u.merged_into_id]
    if inactive:
        message = _("以下单位已停用或已合并，不能作为成员：%(names)s") % {
            "names": "、".join(inactive)
        }
        raise UnitRefused(message, {"members": message})
    with transaction.atomic():
        if group is not None:
            group = UnitGroup.objects.select_for_update().get(pk=group.pk)
        taken = name_taken(name, group=group)
        if taken:
            raise UnitRefused(taken, {"name": taken})
        new_aliases = []
        for alias in aliases:
            alias = clean_unit_name(alias)
            if alias == name or alias in new_aliases:
                continue
            if group is not None and UnitAlias.objects.filter(alias=alias, group=group).exists():
                continue
            taken = name_taken(alias, group=group)
            if taken or UnitAlias.objects.filter(alias=alias).exists():
                message = taken or _("“%(name)s”已是别名。") % {"name": alias}
                raise UnitRefused(message, {"aliases": message})
            new_aliases.append(alias)
        created = group is None
        if group is None:
            group = UnitGroup.objects.create(name=name, description=description.strip())
            before: dict[str, object] | None = None
        else:
            before = {
                "name": group.name,
                "description": group.description,
                "members": sorted(group.members.values_list("pk", flat=True)),
            }
            group.name, group.description = name, description.strip()
            group.save(update_fields=["name", "description"])
        group.members.set(list(chosen.values()))
        UnitAlias.objects.bulk_create(UnitAlias(alias=a, group=group) for a in new_aliases)
        after = {
            "name": group.name,
            "description": group.description,
            "members": sorted(chosen),
            "aliases_added": new_aliases,
        }
        if created or before != {k: after[k] for k in ("name", "description", "members")}:
            audit_record(
                actor=actor,
                action="unitgroup.create" if created else "unitgroup.update",
                obj=group,
                before=before,
                after=after,
            )
    return group


def unitgroup_delete(*, group: UnitGroup, actor: User | None) -> None:
    """Remove a group (its aliases with it). Responsibilities already created from it stay:
    publishing expanded the group to its members then."""
    require_unit_manager(actor)
    with transaction.atomic():
        before = {
            "name": group.name,
            "members": sorted(group.members.values_list("pk", flat=True)),
            "aliases": sorted(group.aliases.values_list("alias", flat=True)),
        }
        audit_record(actor=actor, action="unitgroup.delete", obj=group, before=before)
        group.delete()
