"""The unit names a draft uses: mapping one to an existing unit or group (a UnitAlias, so every
later document using the name resolves too), or confirming it as a unit publishing will create;
and, for a document with dozens of names, two actions that settle them all: accept every strong
suggestion, and create every remaining name as a unit under a chosen parent.
(What each name resolves to today: tracker.selectors.documents.document_unit_mentions.)"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tracker.models import Document, Unit, UnitAlias, UnitGroup, User
from tracker.selectors.documents import document_unit_mentions
from tracker.selectors.units import (
    UnitDirectory,
    accepted_suggestion,
    is_collective,
    mention_level,
    unit_key,
)
from tracker.services.audit import audit_record
from tracker.services.document_drafts import DraftRefused, draft_lock, require_reviewer
from tracker.services.units import guess_level


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
    require_reviewer(actor)
    if (unit is None) == (group is None):
        raise DraftRefused(_("请选择一个单位或一个单位集合。"))
    alias = mention.strip()
    with transaction.atomic():
        locked = draft_lock(document)
        if unit_key(alias) not in {unit_key(m) for m in _mentions(locked)}:
            raise DraftRefused(_("本文件中没有“%(name)s”这个单位名称。") % {"name": alias})
        if len(alias) > 200:
            raise DraftRefused(_("单位名称过长（超过200字），不能作为别名。"))
        if unit is not None and not unit.is_active:
            raise DraftRefused(_("单位“%(unit)s”已停用，不能对应。") % {"unit": unit.name})
        if group is not None and not group.members.filter(is_active=True).exists():
            raise DraftRefused(
                _("单位集合“%(group)s”还没有成员单位，请先在“单位—单位集合”页面添加成员。")
                % {"group": group.name}
            )
        found = UnitDirectory.load().find(alias)
        if found is not None:
            raise DraftRefused(
                _(
                    "“%(name)s”已对应到“%(target)s”，未作更改；"
                    "如需改正，请在“单位”页面删除该别名后重新对应。"
                )
                % {"name": alias, "target": _resolution_label(found.units, found.group)}
            )
        try:
            with transaction.atomic():
                created = UnitAlias.objects.create(alias=alias, unit=unit, group=group)
        except IntegrityError:
            raise DraftRefused(
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
    require_reviewer(actor)
    name = mention.strip()
    with transaction.atomic():
        locked = draft_lock(document)
        if unit_key(name) not in {unit_key(m) for m in _mentions(locked)}:
            raise DraftRefused(_("本文件中没有“%(name)s”这个单位名称。") % {"name": name})
        if accept and UnitDirectory.load().find(name) is not None:
            raise DraftRefused(_("“%(name)s”已对应到已有单位，无需新建。") % {"name": name})
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


# --- every unknown name in one action ----------------------------------------------------------


def unit_mentions_accept_suggestions(*, document: Document, actor: User | None) -> list[UnitAlias]:
    """Map every unknown name of the draft that has a strong, unambiguous suggestion (of the
    level the name implies) to it, as unit_mention_map would one by one; return the aliases."""
    require_reviewer(actor)
    with transaction.atomic():
        locked = draft_lock(document)
        directory = UnitDirectory.load()
        created: list[UnitAlias] = []
        for status in document_unit_mentions(locked, directory=directory):
            if status.known:
                continue
            chosen = accepted_suggestion(status.suggestions)
            if chosen is None:
                continue
            alias = UnitAlias.objects.create(
                alias=status.mention[:200], unit=chosen.unit, group=chosen.group
            )
            created.append(alias)
            audit_record(
                actor=actor,
                action="unitalias.create",
                obj=alias,
                after={
                    "alias": alias.alias,
                    "unit": chosen.unit.pk if chosen.unit else None,
                    "unit_name": chosen.unit.name if chosen.unit else None,
                    "group": chosen.group.pk if chosen.group else None,
                    "group_name": chosen.group.name if chosen.group else None,
                    "document": locked.pk,
                    "suggestion": chosen.score,
                },
            )
        _forget_confirmed(locked, {unit_key(a.alias) for a in created})
    return created


def unit_mentions_create_units(
    *, document: Document, actor: User | None, parent: Unit | None
) -> list[Unit]:
    """Create a unit, now, for every name of the draft that still means nothing (under `parent`,
    at the level the name implies: its prefix, else the document's issuer's). A collective name
    (各街道, …成员单位) becomes one collective unit; defining it as a group instead expands it."""
    require_reviewer(actor)
    if parent is not None and (parent.merged_into_id is not None or not parent.is_active):
        raise DraftRefused(_("上级单位“%(name)s”已停用或已合并。") % {"name": parent.name})
    with transaction.atomic():
        locked = draft_lock(document)
        directory = UnitDirectory.load()
        created: list[Unit] = []
        for status in document_unit_mentions(locked, directory=directory, suggestions=False):
            if status.known:
                continue
            name = status.mention[:200]
            if Unit.objects.filter(name=name).exists():
                # Merged away under this name: the name is the survivor's alias now.
                continue
            unit = Unit.objects.create(
                name=name,
                level=mention_level(name, locked.issuer) or guess_level(name),
                kind=Unit.Kind.COLLECTIVE if is_collective(name) else Unit.Kind.DEPARTMENT,
                parent=parent,
            )
            created.append(unit)
            audit_record(
                actor=actor,
                action="unit.create",
                obj=unit,
                after={
                    "name": unit.name,
                    "level": unit.level,
                    "kind": unit.kind,
                    "parent_id": unit.parent_id,
                    "document": locked.pk,
                },
            )
        _forget_confirmed(locked, {unit_key(u.name) for u in created})
    return created


def _forget_confirmed(document: Document, keys: set[str]) -> None:
    """Names that now resolve no longer wait to be created at publishing."""
    names = [n for n in document.new_unit_names if unit_key(n) not in keys]
    if names != document.new_unit_names:
        document.new_unit_names = names
        document.save(update_fields=["new_unit_names", "updated_at"])
