"""Which units a name the documents use means.

A document writes "市发展改革委", "区发改局" or "各县(区)党委和政府"; the tracker needs Units. The
directory looks a mention up among unit names, aliases and group names (compared after NFKC, so
full- and half-width brackets are the same name), expands a known group to its members, and
suggests the units an unknown name probably means — of the level the name implies (its 市/区/
县/镇 prefix, else the level of the document's issuer), so a 区 name is never offered a 市 unit.
Creating a unit for an unknown name is a write: tracker.services.units.unit_resolve.

Below the directory: what the units pages read (the list in the official order, a unit's
history, what a merge would move, the members a collective name suggests).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import extraction
from tracker.models import (
    AuditEvent,
    ProgressReport,
    Responsibility,
    Unit,
    UnitAlias,
    UnitGroup,
    unit_order,
)

_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The form two spellings of one name share: NFKC (full-width → half-width), no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def unit_key(mention: str) -> str:
    """The key a unit name is looked up by, for names in the directory and mentions alike: the
    extractor's canonical name (市发改委 and 市发展改革委 are 市发展和改革委员会), without spaces
    and width differences."""
    return name_key(extraction.canonical_unit_name(mention))


@dataclass
class Resolution:
    mention: str
    units: list[Unit]
    group: UnitGroup | None = None
    created: bool = False


# A name's leading character and the level it implies (区发改局 is a district's bureau).
_PREFIX_LEVELS = (
    (("街道", "镇", "乡", "社区", "村"), Unit.Level.TOWN),
    (("区", "县", "旗"), Unit.Level.COUNTY),
    (("市",), Unit.Level.CITY),
    (("省",), Unit.Level.PROVINCE),
)
# The place an issuer governs, read from the end of its place name: 荆州市沙市区人民政府 → 区.
_ISSUER_PLACE = re.compile(
    r"(省|自治区|市|区|县|旗|镇|乡|街道)(?:人民政府|政府|党委|委员会|党工委|管委会|办事处|办公室|办公厅)"
)
_ISSUER_LEVELS = {
    "省": Unit.Level.PROVINCE,
    "自治区": Unit.Level.PROVINCE,
    "市": Unit.Level.CITY,
    "区": Unit.Level.COUNTY,
    "县": Unit.Level.COUNTY,
    "旗": Unit.Level.COUNTY,
    "镇": Unit.Level.TOWN,
    "乡": Unit.Level.TOWN,
    "街道": Unit.Level.TOWN,
}


def prefix_level(name: str) -> str | None:
    """The level a name's own prefix states (市… city, 区/县… county, 镇/街道… town), or None for
    a name without one (团区委, 环保分局)."""
    key = name_key(name).lstrip("各")
    for prefixes, level in _PREFIX_LEVELS:
        if key.startswith(prefixes):
            return str(level)
    return None


def issuer_level(issuer: str) -> str | None:
    """The level of the government that issued a document, from its name; None when unclear."""
    matches = _ISSUER_PLACE.findall(name_key(issuer))
    return str(_ISSUER_LEVELS[matches[-1]]) if matches else None


def mention_level(name: str, issuer: str = "") -> str | None:
    """The level a unit name in a document stands for: its own prefix, else the issuer's (a
    district's document saying 环保分局 means the district's)."""
    return prefix_level(name) or (issuer_level(issuer) if issuer else None)


# Names that stand for several units whose members are not listed (各镇, 区直各部门, X成员单位).
COLLECTIVE_NAME = re.compile(r"^各|成员单位$|各部门$|有关部门$|有关单位$|直属机构$|各单位$")


def is_collective(name: str) -> bool:
    return bool(COLLECTIVE_NAME.search(name_key(name)))


# A suggestion this close, and clearly ahead of the next one, is what "accept every suggestion"
# takes; weaker ones wait for a person.
STRONG_SUGGESTION = 0.8


@dataclass(frozen=True)
class Suggestion:
    """An existing unit or group an unknown name may mean, and the name that matched it."""

    name: str
    score: float
    unit: Unit | None = None
    group: UnitGroup | None = None


def accepted_suggestion(suggestions: list[Suggestion]) -> Suggestion | None:
    """The suggestion "accept every suggestion" takes: the first, when it is strong and no
    other is as good (two equally likely units are for a person to choose between)."""
    if not suggestions or suggestions[0].score < STRONG_SUGGESTION:
        return None
    if len(suggestions) > 1 and suggestions[1].score >= suggestions[0].score:
        return None
    return suggestions[0]


@dataclass
class UnitDirectory:
    """Every known name, loaded once (three queries) and then resolved in memory."""

    units: dict[str, Unit] = field(default_factory=dict)
    groups: dict[str, UnitGroup] = field(default_factory=dict)
    created: list[Unit] = field(default_factory=list)
    # Every name (unit names, aliases, group names) with what it names, for suggestions.
    names: list[tuple[str, Unit | None, UnitGroup | None]] = field(default_factory=list)
    _index: tuple[list[str], dict[str, set[int]]] | None = field(default=None, repr=False)

    @classmethod
    def load(cls) -> UnitDirectory:
        directory = cls()
        # A unit merged into another is known by its old name only as the survivor's alias.
        for unit in Unit.objects.filter(merged_into__isnull=True):
            directory.units[unit_key(unit.name)] = unit
            directory.names.append((unit.name, unit, None))
        for group in UnitGroup.objects.prefetch_related("members"):
            directory.groups[unit_key(group.name)] = group
            directory.names.append((group.name, None, group))
        for alias in UnitAlias.objects.select_related("unit").prefetch_related("group__members"):
            key = unit_key(alias.alias)
            if alias.unit is not None:
                directory.units.setdefault(key, alias.unit)
            elif alias.group is not None:
                directory.groups.setdefault(key, alias.group)
            directory.names.append((alias.alias, alias.unit, alias.group))
        return directory

    def find(self, mention: str) -> Resolution | None:
        """What a mention stands for today, creating nothing; None for an unknown name.

        A group without active members resolves to no units (publishing would create a unit for
        the name), so the caller sees the group and can say so.
        """
        key = unit_key(mention)
        if not key:
            return None
        if key in self.units:
            return Resolution(mention=mention, units=[self.units[key]])
        group = self.groups.get(key)
        if group is not None:
            members = [unit for unit in group.members.all() if unit.is_active]
            return Resolution(mention=mention, units=members, group=group)
        return None

    def suggest(
        self, mention: str, *, limit: int = 5, level: str | None = None
    ) -> list[Suggestion]:
        """Existing units and groups an unknown name probably means, best first.

        A name scores by the strongest of: the same key; one name containing the other
        (市财政局 in 云江市财政局); the mention as an abbreviation, its characters in order
        (区发改局 in 区发展和改革局); difflib's similarity ratio. Weak matches are left out, and
        with `level` (mention_level) so are units of another level.
        """
        key = unit_key(mention)
        if not key:
            return []
        keys, by_char = self._suggestion_index()
        distinctive = set(key) - _GENERIC
        # Only names sharing a distinctive character can score (see _name_similarity), so a
        # province's thousands of names are narrowed by the index before any comparison.
        if distinctive:
            hits: Counter[int] = Counter()
            for char in distinctive:
                hits.update(by_char.get(char, ()))
            # Half the mention's distinctive characters at least: 区发改局 keeps 发展和改革局
            # (发, 改) and drops every other name with a 发 in it.
            needed = max(1, (len(distinctive) + 1) // 2)
            indexes: Iterable[int] = sorted(i for i, n in hits.items() if n >= needed)
        else:
            indexes = range(len(self.names))
        best: dict[tuple[str, int], Suggestion] = {}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        for index in indexes:
            name, unit, group = self.names[index]
            if unit is not None and (not unit.is_active or (level and unit.level != level)):
                continue
            candidate = keys[index]
            matcher.set_seq1(candidate)
            score = _name_similarity(key, candidate, matcher)
            if score < _SUGGESTION_FLOOR:
                continue
            target = ("unit", unit.pk) if unit is not None else ("group", group.pk if group else 0)
            if target not in best or best[target].score < score:
                best[target] = Suggestion(name=name, score=score, unit=unit, group=group)
        ranked = sorted(best.values(), key=lambda s: (-s.score, len(s.name), s.name))
        return ranked[:limit]

    def _suggestion_index(self) -> tuple[list[str], dict[str, set[int]]]:
        """Each name's key, and for each distinctive character the names containing it."""
        if self._index is None:
            keys = [unit_key(name) for name, _unit, _group in self.names]
            by_char: dict[str, set[int]] = {}
            for index, key in enumerate(keys):
                for char in set(key) - _GENERIC:
                    by_char.setdefault(char, set()).add(index)
            self._index = (keys, by_char)
        return self._index


# Below this a suggestion is more likely noise than help (two names sharing 局 and 市).
_SUGGESTION_FLOOR = 0.6


# Characters every other unit name has (levels, 局/委/办, 管理, 政府): sharing only these says
# nothing, so 市邮政管理局 is not offered 市应急管理局.
_GENERIC = frozenset("省市区县镇乡街道局委办厅处室中心会员政府人民管理部门公司")


def _name_similarity(key: str, candidate: str, matcher: difflib.SequenceMatcher[str]) -> float:
    if key == candidate:
        return 1.0
    distinctive = set(key) - _GENERIC
    share = len(distinctive & set(candidate)) / len(distinctive) if distinctive else 1.0
    if share == 0:
        return 0.0
    shorter, longer = sorted((key, candidate), key=len)
    if len(shorter) >= 2 and shorter in longer:
        # 市财政局 inside 云江市财政局: the same unit with the place name left out.
        return 0.85 + 0.1 * len(shorter) / len(longer)
    if len(key) >= 3 and key[-1] == candidate[-1] and _in_order(key, candidate):
        # 区发改局 from 区发展和改革局, 市工信局 from 云江市工业和信息化局: an abbreviation keeps
        # characters in order and the kind of body (局, 委, 办) at the end.
        return 0.8 + 0.1 * len(key) / len(candidate)
    # quick_ratio() bounds ratio() from above at a fraction of its cost.
    if matcher.quick_ratio() * share < _SUGGESTION_FLOOR:
        return 0.0
    return matcher.ratio() * share


def _in_order(short: str, long: str) -> bool:
    rest = iter(long)
    return all(char in rest for char in short)


# --- the units pages ----------------------------------------------------------------------------


def units_list(*, query: str = "", level: str = "", state: str = "") -> QuerySet[Unit]:
    """The roster's units in the official order, with how much hangs on each
    (`responsibility_total`, `people_total`) and their aliases; merged units are left out (their
    names are the survivors' aliases). `state`: "active", "inactive" or "review" (created from an
    unknown name and not yet confirmed). Paginate the result."""
    units = (
        Unit.objects.filter(merged_into__isnull=True)
        .select_related("parent")
        .prefetch_related("aliases")
        .annotate(
            responsibility_total=Count(
                "responsibilities",
                filter=Q(responsibilities__removed_at__isnull=True),
                distinct=True,
            ),
            people_total=Count("users", filter=Q(users__is_active=True), distinct=True),
            reporter_total=Count(
                "users",
                filter=Q(users__is_active=True, users__role__in=("reporter", "reviewer")),
                distinct=True,
            ),
        )
    )
    if query:
        units = units.filter(Q(name__icontains=query) | Q(aliases__alias__icontains=query))
    if level in Unit.Level.values:
        units = units.filter(level=level)
    if state == "active":
        units = units.filter(is_active=True)
    elif state == "inactive":
        units = units.filter(is_active=False)
    elif state == "review":
        units = units.filter(needs_review=True)
    return units.order_by(*unit_order()).distinct()


# What each recorded action on a unit means, for its history.
_ACTIONS = {
    "unit.create": gettext_lazy("新建单位"),
    "unit.create_unknown": gettext_lazy("发布文件时按未知名称新建"),
    "unit.update": gettext_lazy("修改单位信息"),
    "unit.merge": gettext_lazy("合并单位"),
    "unit.merged_into": gettext_lazy("并入其他单位"),
}
_FIELDS = {
    "name": gettext_lazy("名称"),
    "level": gettext_lazy("层级"),
    "kind": gettext_lazy("类别"),
    "parent_id": gettext_lazy("上级单位"),
    "position": gettext_lazy("排序号"),
    "is_active": gettext_lazy("启用"),
}


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    label: str
    detail: str


def unit_history(unit: Unit, *, limit: int = 50) -> list[HistoryRow]:
    """What was done to the unit, and to the units merged into it, newest first, in words."""
    ids = [str(unit.pk), *(str(pk) for pk in unit.merged_units.values_list("pk", flat=True))]
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Unit), object_id__in=ids
    ).order_by("-created_at", "-id")[:limit]
    return [HistoryRow(e, str(_ACTIONS.get(e.action, e.action)), _detail(e, unit)) for e in events]


def _detail(event: AuditEvent, unit: Unit) -> str:
    after, before = event.after or {}, event.before or {}
    if event.action == "unit.merge":
        return _("“%(name)s”并入本单位") % {"name": after.get("merged_name", "")}
    if event.action == "unit.merged_into":
        return _("“%(merged)s”并入“%(survivor)s”") % {
            "merged": after.get("merged_name", ""),
            "survivor": after.get("survivor_name", ""),
        }
    if event.action == "unit.update":
        changed = [str(_FIELDS[k]) for k in _FIELDS if before.get(k) != after.get(k)]
        text = "、".join(changed)
        if "name" in after and before.get("name") != after.get("name"):
            text = _("名称由“%(old)s”改为“%(new)s”") % {
                "old": before.get("name"),
                "new": after.get("name"),
            } + ("；" + text if len(changed) > 1 else "")
        return text
    if str(unit.pk) != event.object_id:
        return event.object_repr
    return ""


@dataclass(frozen=True)
class MergePreview:
    """What merging `unit` into `into` would move, and where the two overlap."""

    responsibilities: int
    shared_assignments: int
    reports: int
    people: int
    contacts: int
    aliases: int
    problems: int
    actions: int
    children: int


def merge_preview(unit: Unit, into: Unit) -> MergePreview:
    theirs = Responsibility.objects.filter(unit=unit)
    shared = theirs.filter(
        assignment_id__in=Responsibility.objects.filter(unit=into).values("assignment_id")
    )
    return MergePreview(
        responsibilities=Responsibility.all_objects.filter(unit=unit).count(),
        shared_assignments=shared.count(),
        reports=ProgressReport.objects.filter(responsibility__unit=unit).count(),
        people=unit.users.count(),
        contacts=unit.contacts.count(),
        aliases=unit.aliases.count(),
        problems=unit.problems.count(),
        actions=unit.supervision_actions.count(),
        children=unit.children.count(),
    )


# Collective names and the units they usually gather: 各镇 the towns, 各街道 the sub-districts,
# 区政府各部门 the district's departments, 各县(区) the county governments.
_GROUP_HINTS: tuple[tuple[re.Pattern[str], dict[str, Any]], ...] = (
    (re.compile(r"^各(乡)?镇"), {"level": Unit.Level.TOWN, "name__endswith": "镇"}),
    (re.compile(r"^各乡"), {"level": Unit.Level.TOWN, "name__endswith": "乡"}),
    (re.compile(r"^各街道"), {"level": Unit.Level.TOWN, "name__contains": "街道"}),
    (re.compile(r"^各县|^各区"), {"level": Unit.Level.COUNTY, "kind": Unit.Kind.GOVERNMENT}),
    (
        re.compile(r"^(区|县)(政府|直)?各.*部门"),
        {"level": Unit.Level.COUNTY, "kind": Unit.Kind.DEPARTMENT},
    ),
    (
        re.compile(r"^市(政府|直)?各.*部门"),
        {"level": Unit.Level.CITY, "kind": Unit.Kind.DEPARTMENT},
    ),
)


def group_member_suggestions(name: str) -> list[Unit]:
    """The units a collective name most likely gathers (各镇: the towns), for the group form to
    tick in advance; a person confirms. Empty for a name without a pattern (X领导小组成员单位)."""
    key = name_key(name)
    for pattern, lookup in _GROUP_HINTS:
        if pattern.search(key):
            return list(
                Unit.objects.filter(is_active=True, merged_into__isnull=True, **lookup).order_by(
                    *unit_order()
                )
            )
    return []
