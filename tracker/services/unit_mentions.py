"""The unit names a draft uses: mapping one to an existing unit or group (a UnitAlias, so every
later document using the name resolves too), or confirming it as a unit publishing will create.
(What each name resolves to today: tracker.selectors.documents.document_unit_mentions.)"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tracker.models import Document, Unit, UnitAlias, UnitGroup, User
from tracker.selectors.units import UnitDirectory, unit_key
from tracker.services.audit import audit_record
from tracker.services.document_drafts import DraftRefused, draft_lock, require_reviewer


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
                _("单位集合“%(group)s”还没有成员单位，请先在管理后台添加成员。")
                % {"group": group.name}
            )
        found = UnitDirectory.load().find(alias)
        if found is not None:
            raise DraftRefused(
                _("“%(name)s”已对应到“%(target)s”，未作更改；如需改正，请在管理后台修改该别名。")
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
