"""Where a draft needs a reviewer's look: the extractor's confidence and reasons per assignment,
unit name and target (extraction.types), checked against the roster and against what the
reviewer has already corrected; the text cut off at the end of the document; and the leaders in
charge (分管领导) the document names, matched to people.

An assignment needs a look when its confidence, recomputed from the reasons that still hold, is
below extraction.LOW_CONFIDENCE, or one of its targets' is; a reviewer's edit of the assignment
(or of the target) counts as having looked. A unit name "unlike a unit" stops being doubtful once
the roster knows it or the reviewer removed it; "no unit" once the reviewer named one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from extraction import LOW_CONFIDENCE
from extraction.confidence import FACTORS, score
from tracker.models import Assignment, Document, Target, User
from tracker.selectors.units import UnitDirectory, unit_key

# The extractor's reason codes (extraction.types.Reason) as the reviewer reads them.
REASON_LABELS: dict[str, Promise] = {
    "no_unit": _("未找到牵头单位或责任单位"),
    "unit_unlike": _("单位名称不在名册中，也不像单位名称"),
    "cut_off": _("内容可能被截断：原文在句子中间中断"),
    "no_indicator": _("目标没有找到指标名称"),
    "maybe_context": _("这个数字可能是背景数据（基期值、以往成绩或起点值），而不是目标"),
    "lead_inferred": _("牵头单位取自标题或说明，未写在本项旁边"),
    "units_shared": _("单位写在多项共用的位置（标题或合并单元格），按位置适用于本项"),
    "indicator_inferred": _("指标名称取自任务标题，不是数字旁边的文字"),
}
# Said of one unit name rather than of the assignment.
UNIT_REASON_LABELS: dict[str, Promise] = {
    "unit_unlike": _("不在名册中，也不像单位名称"),
    "cut_off": _("疑似被截断，未计入单位"),
}


_FACTORS: dict[str, float] = {str(code): factor for code, factor in FACTORS.items()}


@dataclass(frozen=True)
class Doubt:
    code: str
    label: str

    @property
    def serious(self) -> bool:
        """Takes an item below LOW_CONFIDENCE on its own (the others are informational)."""
        return _FACTORS.get(self.code, 1.0) < LOW_CONFIDENCE


def _doubts(codes: Iterable[str]) -> list[Doubt]:
    seen: dict[str, Doubt] = {}
    for code in codes:
        if code in REASON_LABELS and code not in seen:
            seen[code] = Doubt(code, str(REASON_LABELS[code]))
    return list(seen.values())


def _score(doubts: Sequence[Doubt]) -> float:
    return score([d.code for d in doubts])  # type: ignore[misc]


@dataclass(frozen=True)
class TargetReview:
    confidence: float | None
    doubts: list[Doubt]
    reviewed: bool

    @property
    def low(self) -> bool:
        return (
            not self.reviewed and self.confidence is not None and self.confidence < LOW_CONFIDENCE
        )

    @property
    def percent(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)


def target_review(target: Target) -> TargetReview:
    doubts = _doubts(target.review_reasons or [])
    confidence = None if target.confidence is None else _score(doubts)
    return TargetReview(confidence, doubts, reviewed=target.edited)


@dataclass(frozen=True)
class TargetRow:
    target: Target
    review: TargetReview


@dataclass(frozen=True)
class UnitDoubt:
    name: str
    role: str  # lead, co
    code: str
    label: str
    # A cut-off name is in neither unit list: shown, never published as a unit.
    withheld: bool


@dataclass
class LeaderChoice:
    """A leader in charge as the document names it, and the person it means (if known)."""

    name: str
    person: User | None = None
    # Chosen by the reviewer (Document.leader_people) rather than matched by name.
    chosen: bool = False
    refs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AssignmentReview:
    confidence: float | None
    doubts: list[Doubt]
    unit_doubts: list[UnitDoubt]
    targets: dict[int, TargetReview]
    leaders: list[LeaderChoice]
    reviewed: bool
    target_objects: list[Target] = field(default_factory=list)

    @property
    def low(self) -> bool:
        own = not self.reviewed and self.confidence is not None and self.confidence < LOW_CONFIDENCE
        return own or any(t.low for t in self.targets.values())

    @property
    def sort_confidence(self) -> float:
        values = [self.confidence if not self.reviewed else None]
        values += [t.confidence for t in self.targets.values() if not t.reviewed]
        present = [v for v in values if v is not None]
        return min(present) if present else 1.0

    @property
    def target_rows(self) -> list[TargetRow]:
        return [TargetRow(t, self.targets[t.pk]) for t in self.target_objects]

    @property
    def percent(self) -> int | None:
        """The least sure of the assignment and its targets, as the reviewer reads it."""
        return None if self.confidence is None else round(self.sort_confidence * 100)

    def doubt_for(self, name: str) -> UnitDoubt | None:
        return next((d for d in self.unit_doubts if d.name == name and not d.withheld), None)

    @property
    def withheld(self) -> list[UnitDoubt]:
        return [d for d in self.unit_doubts if d.withheld]


def assignment_review(
    assignment: Assignment,
    directory: UnitDirectory,
    leaders: dict[str, LeaderChoice] | None = None,
) -> AssignmentReview:
    """The doubts about one draft assignment that still hold today."""
    named = [*assignment.lead_units_text, *assignment.responsible_units_text]
    named_keys = {unit_key(n) for n in named}
    unit_doubts: list[UnitDoubt] = []
    for entry in assignment.uncertain_units or []:
        name, reason = str(entry.get("name") or ""), str(entry.get("reason") or "")
        role = "lead" if entry.get("role") == "lead" else "co"
        in_lists = unit_key(name) in named_keys
        if reason == "cut_off":
            label = UNIT_REASON_LABELS["cut_off"] if not in_lists else REASON_LABELS["cut_off"]
            unit_doubts.append(UnitDoubt(name, role, reason, str(label), withheld=not in_lists))
        elif reason == "unit_unlike" and in_lists:
            found = directory.find(name)
            if found is None or not found.units:
                label = UNIT_REASON_LABELS["unit_unlike"]
                unit_doubts.append(UnitDoubt(name, role, reason, str(label), withheld=False))
    unit_codes = {d.code for d in unit_doubts}
    item_codes: list[str] = []
    for code in assignment.review_reasons or []:
        if code == "unit_unlike" or (code == "no_unit" and named):
            continue  # judged per name above, or settled: the reviewer named a unit
        if code in unit_codes:
            continue  # the doubtful unit name is the reason, shown beside the name
        item_codes.append(code)
    doubts = _doubts(item_codes)
    confidence = (
        None if assignment.confidence is None else _score([*doubts, *_doubts(sorted(unit_codes))])
    )
    target_objects = list(assignment.targets.all())
    targets = {t.pk: target_review(t) for t in target_objects}
    chosen = [
        (leaders or {}).get(name) or LeaderChoice(name) for name in assignment.leaders_text or []
    ]
    return AssignmentReview(
        confidence=confidence,
        doubts=doubts,
        unit_doubts=unit_doubts,
        targets=targets,
        leaders=chosen,
        reviewed=bool(assignment.edited_fields),
        target_objects=target_objects,
    )


# --- the leaders in charge --------------------------------------------------------------------


def leader_candidates() -> list[User]:
    """The people a leader named in a document may be: active 分管领导 accounts."""
    return list(
        User.objects.filter(role=User.Role.LEADER, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )


def _full_name(user: User) -> str:
    return f"{user.last_name}{user.first_name}".strip()


def leader_match(name: str, candidates: Sequence[User]) -> User | None:
    """The one leader whose full name is written in `name` ("常务副县长张三" → 张三); None when
    nobody's or several people's are (a title alone, "王市长", is the reviewer's to pick)."""
    found = [u for u in candidates if len(_full_name(u)) >= 2 and _full_name(u) in name]
    return found[0] if len(found) == 1 else None


def document_leaders(
    document: Document,
    assignments: Iterable[Assignment] | None = None,
    candidates: Sequence[User] | None = None,
) -> dict[str, LeaderChoice]:
    """Each leader name of the draft with the person it means: the reviewer's choice, else the
    one leader whose name it contains, else nobody yet."""
    candidates = leader_candidates() if candidates is None else candidates
    by_pk = {u.pk: u for u in candidates}
    rows = (
        [(a.ref or a.number, a.leaders_text) for a in assignments]
        if assignments is not None
        else document.assignments.order_by("position").values_list("ref", "leaders_text")
    )
    choices: dict[str, LeaderChoice] = {}
    for ref, names in rows:
        for name in names or []:
            choice = choices.get(name)
            if choice is None:
                picked = (document.leader_people or {}).get(name)
                person = by_pk.get(picked) if isinstance(picked, int) else None
                choice = choices[name] = LeaderChoice(
                    name,
                    person or leader_match(name, candidates),
                    chosen=person is not None,
                )
            if ref and ref not in choice.refs:
                choice.refs.append(ref)
    return choices


# --- the whole draft ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    text: str
    label: str


def document_fragments(document: Document) -> list[Fragment]:
    """Text cut off at the end of the document, which the draft holds as neither task nor unit."""
    raw = (document.extraction or {}).get("fragments") or []
    return [
        Fragment(str(f.get("text") or ""), str(REASON_LABELS["cut_off"]))
        for f in raw
        if isinstance(f, dict) and str(f.get("text") or "").strip()
    ]


def needs_look_order(reviews: Sequence[AssignmentReview]) -> list[int]:
    """Indexes of `reviews` with those needing a look first (least sure first), else in order."""
    return sorted(
        range(len(reviews)),
        key=lambda i: (not reviews[i].low, reviews[i].sort_confidence if reviews[i].low else 0, i),
    )
