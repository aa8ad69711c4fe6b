"""Which units a name the documents use means.

A document writes "市发展改革委", "区发改局" or "各县(区)党委和政府"; the tracker needs Units. The
directory looks a mention up among unit names, aliases and group names (compared after NFKC, so
full- and half-width brackets are the same name), expands a known group to its members, and
suggests the units an unknown name probably means. Creating a unit for an unknown name is a
write: tracker.services.units.unit_resolve.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import extraction
from tracker.models import Unit, UnitAlias, UnitGroup

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


@dataclass(frozen=True)
class Suggestion:
    """An existing unit or group an unknown name may mean, and the name that matched it."""

    name: str
    score: float
    unit: Unit | None = None
    group: UnitGroup | None = None


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
        for unit in Unit.objects.all():
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

    def suggest(self, mention: str, *, limit: int = 5) -> list[Suggestion]:
        """Existing units and groups an unknown name probably means, best first.

        A name scores by the strongest of: the same key; one name containing the other
        (市财政局 in 云江市财政局); the mention as an abbreviation, its characters in order
        (区发改局 in 区发展和改革局); difflib's similarity ratio. Weak matches are left out.
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
            if unit is not None and not unit.is_active:
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
