"""What a roster file would do, row by row, before anything is written (the preview), and the
roster as it stands (the export).

`roster_plan` reads the database once (units, aliases, groups, people, contacts, leaders'
scopes: a fixed number of queries) and decides each row: created, changed (with the changes
listed), unchanged, or refused (with the reasons, which always name the row). A roster with any
refused row is applied not at all (tracker.services.rosters.roster_apply plans again inside its
transaction and writes only a plan without refusals).

Rules: an entry is found by its exact name (units, groups) or username (people), compared
without spaces and width differences; a blank cell keeps what is stored; aliases, contact
addresses, leaders' units are added, never removed; a group's members become exactly the
members listed.

Longer than the other selectors because the plan decides units, groups and people against one
in-memory picture of the roster: a unit row's parent, a person's unit and a group's members refer
to rows of the other sheets of the same file, so the three planners share that picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from tracker.access import AnyUser, can_grant_role
from tracker.http import parse_int
from tracker.l10n import list_text
from tracker.models import (
    LeaderScope,
    Unit,
    UnitAlias,
    UnitContact,
    UnitGroup,
    User,
    unit_order,
)
from tracker.roster_files import GROUPS, PEOPLE, UNITS, RosterRow, split_list
from tracker.selectors.units import name_key, prefix_level

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"


def _labels(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Each choice's label as the roster file shows it, in either language → its value: a
    roster exported in English ("City level", "Reporter") reads back like a Chinese one."""
    found = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.update({name_key(str(label)).lower(): value for value, label in choices})
    return found


LEVEL_WORDS = {
    **_labels(Unit.Level.choices),
    "省": Unit.Level.PROVINCE,
    "市": Unit.Level.CITY,
    "县": Unit.Level.COUNTY,
    "区": Unit.Level.COUNTY,
    "县区": Unit.Level.COUNTY,
    "县级": Unit.Level.COUNTY,
    "区级": Unit.Level.COUNTY,
    "县区级": Unit.Level.COUNTY,
    "镇": Unit.Level.TOWN,
    "乡": Unit.Level.TOWN,
    "街道": Unit.Level.TOWN,
    "镇街": Unit.Level.TOWN,
    "镇级": Unit.Level.TOWN,
    "镇街级": Unit.Level.TOWN,
    "乡镇": Unit.Level.TOWN,
    **{value: value for value in Unit.Level.values},
}
KIND_WORDS = {
    **_labels(Unit.Kind.choices),
    "政府": Unit.Kind.GOVERNMENT,
    "部门": Unit.Kind.DEPARTMENT,
    "集合": Unit.Kind.COLLECTIVE,
    "其他": Unit.Kind.OTHER,
    **{value: value for value in Unit.Kind.values},
}
ROLE_WORDS = {
    **_labels(User.Role.choices),
    "督查人员": User.Role.SUPERVISOR,
    "审核员": User.Role.REVIEWER,
    "领导": User.Role.LEADER,
    **{value: value for value in User.Role.values},
}


def _word(table: dict[str, str], text: str) -> str | None:
    return table.get(name_key(text).replace("（", "(").replace("）", ")").lower())


@dataclass
class UnitIntent:
    name: str
    level: str
    kind: str
    position: int | None
    parent_key: str | None  # None: keep the stored parent
    aliases: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    existing: Unit | None = None


@dataclass
class PersonIntent:
    username: str
    full_name: str | None
    email: str | None
    phone: str | None
    unit_key: str | None  # None: keep; "" : no unit
    role: str
    leader_units: list[str] = field(default_factory=list)
    existing: User | None = None


@dataclass
class GroupIntent:
    name: str
    members: list[str]
    aliases: list[str] = field(default_factory=list)
    existing: UnitGroup | None = None


@dataclass
class RowPlan:
    sheet: str
    number: int
    name: str
    action: str = CREATE
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    intent: UnitIntent | PersonIntent | GroupIntent | None = None

    def refuse(self, message: str) -> None:
        self.errors.append(message)
        self.action = REFUSED

    @property
    def label(self) -> str:
        return _("%(sheet)s表第%(n)s行") % {"sheet": self.sheet, "n": self.number}


@dataclass
class RosterPlan:
    rows: list[RowPlan]
    # Units as they will be found by name key once applied: existing ones and the file's.
    unit_keys: dict[str, Unit | None] = field(default_factory=dict)

    @property
    def refused(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action == REFUSED]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.refused

    def count(self, action: str, sheet: str | None = None) -> int:
        return sum(1 for r in self.rows if r.action == action and sheet in (None, r.sheet))


@dataclass
class _World:
    """What the database holds, by name key."""

    units: dict[str, Unit]
    aliases: dict[str, UnitAlias]
    groups: dict[str, UnitGroup]
    users: dict[str, User]
    contacts: dict[int, set[str]]
    scopes: dict[int, set[int]]

    @classmethod
    def load(cls) -> _World:
        units = {name_key(u.name): u for u in Unit.objects.filter(merged_into__isnull=True)}
        aliases = {name_key(a.alias): a for a in UnitAlias.objects.all()}
        groups = {
            name_key(g.name): g for g in UnitGroup.objects.prefetch_related("members", "aliases")
        }
        users = {u.username.lower(): u for u in User.objects.select_related("unit")}
        contacts: dict[int, set[str]] = {}
        for unit_id, email in UnitContact.objects.values_list("unit_id", "email"):
            contacts.setdefault(unit_id, set()).add(email.lower())
        scopes: dict[int, set[int]] = {}
        for leader_id, unit_id in LeaderScope.objects.filter(unit__isnull=False).values_list(
            "leader_id", "unit_id"
        ):
            scopes.setdefault(leader_id, set()).add(unit_id)
        return cls(units, aliases, groups, users, contacts, scopes)

    def unit_named(self, key: str) -> Unit | None:
        """An existing unit by its name or one of its aliases."""
        if key in self.units:
            return self.units[key]
        alias = self.aliases.get(key)
        return alias.unit if alias is not None and alias.unit is not None else None


def roster_plan(rows: Sequence[RosterRow], *, actor: AnyUser | None = None) -> RosterPlan:
    """Decide every row (see the module docstring)."""
    world = _World.load()
    plans = [RowPlan(row.sheet, row.number, row.get("名称") or row.get("用户名")) for row in rows]
    plan = RosterPlan(plans)
    # Every name the file gives something (a unit, an alias, a group): who claimed it first.
    claimed: dict[str, tuple[str, RowPlan]] = {}
    unit_rows = [(r, p) for r, p in zip(rows, plans, strict=True) if r.sheet == UNITS]
    for row, row_plan in unit_rows:
        _plan_unit(row, row_plan, world, claimed)
    file_units = {
        name_key(p.intent.name): p for _r, p in unit_rows if isinstance(p.intent, UnitIntent)
    }
    _plan_parents(file_units, world)
    plan.unit_keys = {**{k: u for k, u in world.units.items()}}
    for key, row_plan in file_units.items():
        if row_plan.action != REFUSED:
            plan.unit_keys.setdefault(key, None)

    def resolve(name: str) -> bool:
        key = name_key(name)
        return key in file_units or world.unit_named(key) is not None

    usernames: dict[str, RowPlan] = {}
    for row, row_plan in zip(rows, plans, strict=True):
        if row.sheet == GROUPS:
            _plan_group(row, row_plan, world, claimed, resolve)
        elif row.sheet == PEOPLE:
            _plan_person(row, row_plan, world, resolve, actor, seen=usernames)
    return plan


def _claim(
    key: str, what: str, row_plan: RowPlan, claimed: dict[str, tuple[str, RowPlan]]
) -> str | None:
    """Why `key` cannot be claimed for `what` by this row, or None (and it is claimed)."""
    earlier = claimed.get(key)
    if earlier is not None and earlier[1] is not row_plan:
        return _("与%(label)s重复（“%(what)s”）") % {"label": earlier[1].label, "what": earlier[0]}
    claimed[key] = (what, row_plan)
    return None


def _plan_unit(
    row: RosterRow, row_plan: RowPlan, world: _World, claimed: dict[str, tuple[str, RowPlan]]
) -> None:
    name = row.get("名称")
    if not name:
        row_plan.refuse(_("%(label)s：名称不能为空。") % {"label": row_plan.label})
        return
    if len(name) > 200:
        row_plan.refuse(_("%(label)s：名称超过200字。") % {"label": row_plan.label})
        return
    key = name_key(name)
    clash = _claim(key, name, row_plan, claimed)
    if clash:
        row_plan.refuse(
            _("%(label)s：单位名称“%(name)s”%(clash)s。")
            % {"label": row_plan.label, "name": name, "clash": clash}
        )
        return
    existing = world.units.get(key)
    if existing is None and (key in world.aliases or key in world.groups):
        other = world.aliases.get(key)
        owner = other.unit.name if other is not None and other.unit is not None else _("单位集合")
        row_plan.refuse(
            _("%(label)s：“%(name)s”已是“%(owner)s”的别名或集合名称，请填写单位全称。")
            % {"label": row_plan.label, "name": name, "owner": owner}
        )
        return
    level_text, kind_text = row.get("层级"), row.get("类别")
    level = _word(LEVEL_WORDS, level_text) if level_text else None
    if level_text and level is None:
        row_plan.refuse(
            _("%(label)s：层级“%(value)s”无效，可填：省级、市级、县(区)级、镇(街道)级。")
            % {"label": row_plan.label, "value": level_text}
        )
    kind = _word(KIND_WORDS, kind_text) if kind_text else None
    if kind_text and kind is None:
        row_plan.refuse(
            _("%(label)s：类别“%(value)s”无效，可填：党委政府、部门单位、集合名称、其他单位。")
            % {"label": row_plan.label, "value": kind_text}
        )
    position_text = row.get("排序号")
    position = existing.position if existing is not None else None
    if position_text:
        parsed = parse_int(position_text, maximum=2**31 - 1)
        if parsed is not None:
            position = parsed
        else:
            row_plan.refuse(
                _("%(label)s：排序号“%(value)s”应为正整数。")
                % {"label": row_plan.label, "value": position_text}
            )
    aliases = []
    for alias in split_list(row.get("别名")):
        alias_key = name_key(alias)
        if alias_key == key:
            continue
        taken = world.units.get(alias_key) or world.groups.get(alias_key)
        stored = world.aliases.get(alias_key)
        if stored is not None and existing is not None and stored.unit_id == existing.pk:
            continue
        if taken is not None or stored is not None:
            row_plan.refuse(
                _("%(label)s：别名“%(alias)s”已被其他单位或集合使用。")
                % {"label": row_plan.label, "alias": alias}
            )
            continue
        clash = _claim(alias_key, alias, row_plan, claimed)
        if clash:
            row_plan.refuse(
                _("%(label)s：别名“%(alias)s”%(clash)s。")
                % {"label": row_plan.label, "alias": alias, "clash": clash}
            )
            continue
        aliases.append(alias)
    contacts = []
    have = world.contacts.get(existing.pk, set()) if existing is not None else set()
    for email in split_list(row.get("联系邮箱")):
        try:
            validate_email(email)
        except ValidationError:
            row_plan.refuse(
                _("%(label)s：联系邮箱“%(email)s”格式不正确。")
                % {"label": row_plan.label, "email": email}
            )
            continue
        if email.lower() not in have:
            contacts.append(email)
    parent_text = row.get("上级单位")
    intent = UnitIntent(
        name=name if existing is None else existing.name,
        level=level or (existing.level if existing else prefix_level(name) or Unit.Level.CITY),
        kind=kind or (existing.kind if existing else Unit.Kind.DEPARTMENT),
        position=position,
        parent_key=name_key(parent_text) if parent_text else None,
        aliases=aliases,
        contacts=contacts,
        existing=existing,
    )
    row_plan.intent = intent
    if row_plan.action == REFUSED:
        return
    if existing is None:
        row_plan.action = CREATE
        row_plan.changes = [str(Unit.Level(intent.level).label)]
        if parent_text:
            row_plan.changes.append(_("上级：%(v)s") % {"v": parent_text})
        if position is not None:
            row_plan.changes.append(_("排序号%(v)s") % {"v": position})
        if aliases:
            row_plan.changes.append(_("别名：%(v)s") % {"v": list_text(aliases)})
        if contacts:
            row_plan.changes.append(_("联系邮箱：%(v)s") % {"v": list_text(contacts)})
        return
    changes = []
    if intent.level != existing.level:
        changes.append(_("层级改为%(v)s") % {"v": Unit.Level(intent.level).label})
    if intent.kind != existing.kind:
        changes.append(_("类别改为%(v)s") % {"v": Unit.Kind(intent.kind).label})
    if intent.position != existing.position:
        changes.append(_("排序号改为%(v)s") % {"v": intent.position})
    if aliases:
        changes.append(_("增加别名：%(v)s") % {"v": list_text(aliases)})
    if contacts:
        changes.append(_("增加联系邮箱：%(v)s") % {"v": list_text(contacts)})
    row_plan.changes = changes
    row_plan.action = UPDATE if changes else UNCHANGED


def _plan_parents(file_units: dict[str, RowPlan], world: _World) -> None:
    """Each unit's parent found (in the file or the database), and no loop among them."""
    parent_of: dict[str, str | None] = {
        key: (name_key(u.parent.name) if u.parent is not None else None)
        for key, u in world.units.items()
    }
    for key, row_plan in file_units.items():
        intent = row_plan.intent
        assert isinstance(intent, UnitIntent)  # noqa: S101 - file_units holds unit rows
        if intent.parent_key is None:
            continue
        if intent.parent_key == key:
            row_plan.refuse(_("%(label)s：上级单位不能是单位自己。") % {"label": row_plan.label})
            continue
        parent = world.unit_named(intent.parent_key)
        if intent.parent_key not in file_units and parent is None:
            row_plan.refuse(
                _("%(label)s：上级单位“%(parent)s”不存在（名册和系统中都没有）。")
                % {"label": row_plan.label, "parent": intent.parent_key}
            )
            continue
        if intent.parent_key not in file_units and parent is not None:
            intent.parent_key = name_key(parent.name)
        parent_of[key] = intent.parent_key
    for key, row_plan in file_units.items():
        path = [key]
        current = parent_of.get(key)
        while current is not None and current not in path:
            path.append(current)
            current = parent_of.get(current)
        if current == key:
            names = [
                file_units[k].intent.name  # type: ignore[union-attr]
                if k in file_units
                else world.units[k].name
                for k in [*path, key]
            ]
            row_plan.refuse(
                _("%(label)s：上级单位形成循环：%(path)s。")
                % {"label": row_plan.label, "path": " → ".join(names)}
            )
            continue
        intent = row_plan.intent
        if row_plan.action in (UPDATE, UNCHANGED) and isinstance(intent, UnitIntent):
            existing = intent.existing
            stored = name_key(existing.parent.name) if existing and existing.parent else None
            if intent.parent_key is not None and intent.parent_key != stored:
                parent_plan = file_units.get(intent.parent_key)
                shown = (
                    parent_plan.intent.name  # type: ignore[union-attr]
                    if parent_plan is not None
                    else world.units[intent.parent_key].name
                )
                row_plan.changes.append(_("上级单位改为%(v)s") % {"v": shown})
                row_plan.action = UPDATE


def _plan_group(
    row: RosterRow,
    row_plan: RowPlan,
    world: _World,
    claimed: dict[str, tuple[str, RowPlan]],
    resolve: Any,
) -> None:
    name = row.get("名称")
    if not name:
        row_plan.refuse(_("%(label)s：名称不能为空。") % {"label": row_plan.label})
        return
    key = name_key(name)
    clash = _claim(key, name, row_plan, claimed)
    if clash:
        row_plan.refuse(
            _("%(label)s：集合名称“%(name)s”%(clash)s。")
            % {"label": row_plan.label, "name": name, "clash": clash}
        )
        return
    existing = world.groups.get(key)
    if existing is None and (key in world.units or key in world.aliases):
        row_plan.refuse(
            _("%(label)s：“%(name)s”已是单位名称或别名。") % {"label": row_plan.label, "name": name}
        )
        return
    members = split_list(row.get("成员单位"))
    if not members:
        row_plan.refuse(_("%(label)s：请填写成员单位。") % {"label": row_plan.label})
    unknown = [m for m in members if not resolve(m)]
    if unknown:
        row_plan.refuse(
            _("%(label)s：成员单位不存在：%(names)s。")
            % {"label": row_plan.label, "names": list_text(unknown)}
        )
    aliases = []
    for alias in split_list(row.get("别名")):
        alias_key = name_key(alias)
        stored = world.aliases.get(alias_key)
        if stored is not None and existing is not None and stored.group_id == existing.pk:
            continue
        if alias_key in world.units or alias_key in world.groups or stored is not None:
            row_plan.refuse(
                _("%(label)s：别名“%(alias)s”已被其他单位或集合使用。")
                % {"label": row_plan.label, "alias": alias}
            )
            continue
        clash = _claim(alias_key, alias, row_plan, claimed)
        if clash:
            row_plan.refuse(
                _("%(label)s：别名“%(alias)s”%(clash)s。")
                % {"label": row_plan.label, "alias": alias, "clash": clash}
            )
            continue
        aliases.append(alias)
    row_plan.intent = GroupIntent(
        name=name, members=[name_key(m) for m in members], aliases=aliases, existing=existing
    )
    if row_plan.action == REFUSED:
        return
    if existing is None:
        row_plan.action = CREATE
        row_plan.changes = [_("成员%(n)s个") % {"n": len(members)}]
        return
    stored_members = {name_key(u.name) for u in existing.members.all()}
    wanted = {
        name_key(u.name) if (u := world.unit_named(m)) is not None else m
        for m in row_plan.intent.members
    }
    changes = []
    if wanted - stored_members:
        changes.append(_("增加成员%(n)s个") % {"n": len(wanted - stored_members)})
    if stored_members - wanted:
        changes.append(_("移出成员%(n)s个") % {"n": len(stored_members - wanted)})
    if aliases:
        changes.append(_("增加别名：%(v)s") % {"v": list_text(aliases)})
    row_plan.changes = changes
    row_plan.action = UPDATE if changes else UNCHANGED


def _plan_person(
    row: RosterRow,
    row_plan: RowPlan,
    world: _World,
    resolve: Any,
    actor: AnyUser | None,
    *,
    seen: dict[str, RowPlan],
) -> None:
    """`seen`: the people rows planned so far, by username in lower case."""
    username = row.get("用户名")
    label = row_plan.label
    if not username:
        row_plan.refuse(_("%(label)s：用户名不能为空。") % {"label": label})
        return
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        row_plan.refuse(
            _("%(label)s：用户名“%(name)s”只能包含字母、数字和 @/./+/-/_ 字符。")
            % {"label": label, "name": username}
        )
    earlier = seen.setdefault(username.lower(), row_plan)
    if earlier is not row_plan:
        row_plan.refuse(
            _("%(label)s：用户名“%(name)s”与%(other)s重复。")
            % {"label": label, "name": username, "other": earlier.label}
        )
        return
    existing = world.users.get(username.lower())
    email = row.get("电子邮箱")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row_plan.refuse(
                _("%(label)s：电子邮箱“%(email)s”格式不正确。") % {"label": label, "email": email}
            )
    elif existing is None:
        row_plan.refuse(
            _("%(label)s：新人员须填写电子邮箱（用于发送设置密码的邀请）。") % {"label": label}
        )
    role_text = row.get("角色")
    role = _word(ROLE_WORDS, role_text) if role_text else None
    if role_text and role is None:
        row_plan.refuse(
            _(
                "%(label)s：角色“%(value)s”无效，可填：填报员、牵头审核员、督查员、分管领导、管理员。"
            )
            % {"label": label, "value": role_text}
        )
    role = role or (existing.role if existing else User.Role.REPORTER)
    unit_text = row.get("所属单位")
    if unit_text and not resolve(unit_text):
        row_plan.refuse(
            _("%(label)s：所属单位“%(unit)s”不存在（名册和系统中都没有）。")
            % {"label": label, "unit": unit_text}
        )
    has_unit = bool(unit_text) or (existing is not None and existing.unit_id is not None)
    if role in (User.Role.REPORTER, User.Role.REVIEWER) and not has_unit:
        row_plan.refuse(_("%(label)s：填报员和牵头审核员须填写所属单位。") % {"label": label})
    if actor is not None and (
        not can_grant_role(actor, role)
        or (existing is not None and not can_grant_role(actor, existing.role))
    ):
        row_plan.refuse(_("%(label)s：只有管理员可以设置督查员和管理员。") % {"label": label})
    leader_units = split_list(row.get("分管单位"))
    if leader_units and role != User.Role.LEADER:
        row_plan.refuse(_("%(label)s：只有分管领导填写分管单位。") % {"label": label})
    unknown = [u for u in leader_units if not resolve(u)]
    if unknown:
        row_plan.refuse(
            _("%(label)s：分管单位不存在：%(names)s。")
            % {"label": label, "names": list_text(unknown)}
        )
    intent = PersonIntent(
        username=username if existing is None else existing.username,
        full_name=row.get("姓名") or None,
        email=email or None,
        phone=row.get("联系电话") or None,
        unit_key=name_key(unit_text) if unit_text else None,
        role=role,
        leader_units=[name_key(u) for u in leader_units],
        existing=existing,
    )
    row_plan.intent = intent
    if row_plan.action == REFUSED:
        return
    if existing is None:
        row_plan.action = CREATE
        row_plan.changes = [
            str(User.Role(role).label),
            *([unit_text] if unit_text else []),
            *([email] if email else []),
        ]
        return
    changes = []
    if intent.full_name is not None and intent.full_name != existing.last_name:
        changes.append(_("姓名改为%(v)s") % {"v": intent.full_name})
    if intent.email is not None and intent.email != existing.email:
        changes.append(_("邮箱改为%(v)s") % {"v": intent.email})
    if intent.phone is not None and intent.phone != existing.phone:
        changes.append(_("电话改为%(v)s") % {"v": intent.phone})
    if intent.unit_key is not None:
        stored = world.unit_named(intent.unit_key)
        if stored is None or stored.pk != existing.unit_id:
            changes.append(_("所属单位改为%(v)s") % {"v": unit_text})
    if intent.role != existing.role:
        changes.append(_("角色改为%(v)s") % {"v": User.Role(intent.role).label})
    stored_scope = world.scopes.get(existing.pk, set())
    new_scope = [
        k
        for k in intent.leader_units
        if (u := world.unit_named(k)) is None or u.pk not in stored_scope
    ]
    if new_scope:
        changes.append(_("增加分管单位%(n)s个") % {"n": len(new_scope)})
    row_plan.changes = changes
    row_plan.action = UPDATE if changes else UNCHANGED


# --- the export -------------------------------------------------------------------------------


def roster_tables() -> dict[str, list[list[str]]]:
    """The roster as it stands, in the file's columns (five queries): units in the official
    order (merged ones left out: their names are aliases of the survivors), people by unit,
    groups by name."""
    units = list(
        Unit.objects.filter(merged_into__isnull=True)
        .select_related("parent")
        .prefetch_related("aliases", "contacts")
        .order_by(*unit_order())
    )
    unit_rows = [
        [
            u.name,
            str(Unit.Level(u.level).label),
            u.parent.name if u.parent else "",
            "" if u.position is None else str(u.position),
            str(Unit.Kind(u.kind).label),
            list_text(a.alias for a in u.aliases.all()),
            list_text(c.email for c in u.contacts.all() if c.is_active),
        ]
        for u in units
    ]
    people = User.objects.select_related("unit").prefetch_related("leader_scopes__unit")
    person_rows = [
        [
            p.username,
            p.last_name + p.first_name,
            p.email,
            p.phone,
            p.unit.name if p.unit else "",
            str(User.Role(p.role).label),
            list_text(s.unit.name for s in p.leader_scopes.all() if s.unit is not None),
        ]
        for p in people.filter(is_active=True).order_by(*unit_order("unit__"), "username")
    ]
    group_rows = [
        [
            g.name,
            list_text(m.name for m in g.members.all()),
            list_text(a.alias for a in g.aliases.all()),
        ]
        for g in UnitGroup.objects.prefetch_related("members", "aliases").order_by("name")
    ]
    return {UNITS: unit_rows, PEOPLE: person_rows, GROUPS: group_rows}
