"""Reads about documents: the list and a document's assignments as a user may see them, the
units created from unknown names that wait for review, and what the draft review pages show —
the source text cut at each assignment's span, each assignment with its unit names' resolution,
each distinct unit name of a draft, and what publishing would create."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.access import AnyUser, visible_documents, visible_responsibilities
from tracker.models import (
    Assignment,
    Document,
    Responsibility,
    Target,
    Unit,
    UnitGroup,
    unit_order,
)
from tracker.selectors.confidence import AssignmentReview, assignment_review, document_leaders
from tracker.selectors.units import (
    Suggestion,
    UnitDirectory,
    accepted_suggestion,
    is_collective,
    mention_level,
    unit_key,
)

# The metadata a reviewer corrects, in the order metadata_token reads it.
DOCUMENT_FIELDS = ("title", "issuer", "issued_on", "year")


def documents_for_user(user: AnyUser) -> QuerySet[Document]:
    return (
        visible_documents(user)
        .annotate(
            assignment_total=Count("assignments", distinct=True),
            responsibility_total=Count("assignments__responsibilities", distinct=True),
        )
        .order_by("-year", "-imported_at")
    )


def document_assignments(document: Document, user: AnyUser) -> QuerySet[Assignment]:
    """A document's assignments with targets and the responsibilities the user may see."""
    return (
        Assignment.objects.filter(document=document)
        .prefetch_related(
            "targets",
            Prefetch(
                "responsibilities",
                queryset=visible_responsibilities(user)
                .select_related("unit")
                .order_by("role", *unit_order("unit__")),
            ),
        )
        .order_by("position")
    )


def assignment_page(document: Document, assignment_id: int | None, *, per_page: int) -> int:
    """The page of the document's assignments (in order, `per_page` a page) holding the given
    one, so a link to one assignment of a long document opens where it is (one query); 1 when
    it is not the document's."""
    position = (
        Assignment.objects.filter(document=document, pk=assignment_id)
        .values_list("position", flat=True)
        .first()
        if assignment_id is not None
        else None
    )
    if position is None:
        return 1
    before = Assignment.objects.filter(document=document, position__lt=position).count()
    return before // per_page + 1


def units_needing_review() -> QuerySet[Unit]:
    """Units created from unknown names while publishing, with how much work hangs on each."""
    return (
        Unit.objects.filter(needs_review=True)
        .annotate(responsibility_total=Count("responsibilities"))
        .order_by(*unit_order())
    )


def headline_targets(document: Document) -> list[Target]:
    """The document-level targets (主要预期目标), not yet any assignment's."""
    return list(
        Target.objects.filter(document=document, assignment__isnull=True).order_by("position")
    )


def unit_names(directory: UnitDirectory) -> list[str]:
    """Every name a reviewer may map an unknown name to: units still active, and groups."""
    return sorted(
        {name for name, unit, _group in directory.names if unit is None or unit.is_active}
    )


def publishes_in_background(assignment_count: int) -> bool:
    """Publishing creates a row per assignment × unit and the quarters' periods; above
    TRACKER_PUBLISH_BACKGROUND_ABOVE assignments it runs on a worker so the request does not
    time out."""
    return assignment_count > int(settings.TRACKER_PUBLISH_BACKGROUND_ABOVE)


# --- the draft review pages -------------------------------------------------------------------


def metadata_token(document: Document) -> str:
    """A fingerprint of the metadata as a form showed it, to tell whether it changed since."""
    values = [str(getattr(document, name)) for name in DOCUMENT_FIELDS]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Segment:
    """A piece of the source text, inside one assignment's span or outside every span."""

    text: str
    assignment_id: int | None = None
    first: bool = False


def source_segments(
    text: str, spans: Iterable[tuple[int, int | None, int | None]]
) -> list[Segment]:
    """Cut the source text at every span boundary; a piece belongs to the innermost assignment
    covering it (the latest to start), so nested or overlapping spans still each get a mark."""
    length = len(text)
    valid = sorted(
        (max(0, start), min(end, length), pk)
        for pk, start, end in spans
        if start is not None and end is not None and start < min(end, length)
    )
    if not valid:
        return [Segment(text)] if text else []
    bounds = sorted({0, length, *(s for s, _e, _pk in valid), *(e for _s, e, _pk in valid)})
    segments: list[Segment] = []
    active: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    next_span = 0
    for left, right in itertools.pairwise(bounds):
        active = [span for span in active if span[1] > left]
        while next_span < len(valid) and valid[next_span][0] <= left:
            if valid[next_span][1] > left:
                active.append(valid[next_span])
            next_span += 1
        owner = max(active, key=lambda span: (span[0], -span[1]))[2] if active else None
        first = owner is not None and owner not in seen
        if owner is not None:
            seen.add(owner)
        piece = text[left:right]
        if segments and segments[-1].assignment_id == owner and not first:
            segments[-1] = Segment(segments[-1].text + piece, owner, segments[-1].first)
        else:
            segments.append(Segment(piece, owner, first))
    return segments


@dataclass(frozen=True)
class UnitChip:
    name: str
    state: str  # known, group, accepted, unknown
    # A group's members, as publishing will expand it.
    members: tuple[str, ...] = ()
    # Why the extractor doubts this name here (tracker.selectors.confidence), if it does.
    doubt: str = ""

    @property
    def label(self) -> str:
        return {
            "known": "",
            "group": _("单位集合"),
            "accepted": _("将新建"),
            "unknown": _("未识别"),
        }[self.state]


_FIELD_LABELS = {
    "ref": gettext_lazy("编号"),
    "number": gettext_lazy("序号"),
    "section": gettext_lazy("章节"),
    "title": gettext_lazy("标题"),
    "text": gettext_lazy("内容"),
    "category": gettext_lazy("指标属性"),
    "deadline": gettext_lazy("完成时限"),
    "lead_units_text": gettext_lazy("牵头单位"),
    "responsible_units_text": gettext_lazy("责任单位"),
}


@dataclass(frozen=True)
class Card:
    """An assignment as the review page shows it, with each unit name's resolution."""

    assignment: Assignment
    lead: list[UnitChip]
    co: list[UnitChip]
    # Where the draft needs a look (tracker.selectors.confidence).
    review: AssignmentReview | None = None

    @property
    def edited_labels(self) -> list[str]:
        return [str(_FIELD_LABELS[n]) for n in self.assignment.edited_fields if n in _FIELD_LABELS]


def _chip(name: str, directory: UnitDirectory, accepted: set[str]) -> UnitChip:
    found = directory.find(name)
    if found is not None and found.units:
        if found.group is not None:
            return UnitChip(name, "group", tuple(unit.name for unit in found.units))
        return UnitChip(name, "known")
    return UnitChip(name, "accepted" if unit_key(name) in accepted else "unknown")


def review_cards(
    document: Document, assignments: Sequence[Assignment], directory: UnitDirectory | None = None
) -> list[Card]:
    """The assignments as the review page shows them, each unit name with its resolution."""
    directory = directory or UnitDirectory.load()
    accepted = {unit_key(n) for n in document.new_unit_names}
    known: dict[str, UnitChip] = {}

    def chips(names: list[str]) -> list[UnitChip]:
        result = []
        for name in names or []:
            if name not in known:
                known[name] = _chip(name, directory, accepted)
            result.append(known[name])
        return result

    leaders = document_leaders(document)
    cards = []
    for a in assignments:
        review = assignment_review(a, directory, leaders)

        def doubted(found: list[UnitChip], review: AssignmentReview = review) -> list[UnitChip]:
            return [
                dataclasses.replace(chip, doubt=doubt.label)
                if (doubt := review.doubt_for(chip.name)) is not None
                else chip
                for chip in found
            ]

        cards.append(
            Card(
                a,
                doubted(chips(a.lead_units_text)),
                doubted(chips(a.responsible_units_text)),
                review,
            )
        )
    return cards


def review_assignments(document: Document) -> list[Assignment]:
    """A draft's assignments in order, with their targets."""
    return list(
        Assignment.objects.filter(document=document)
        .prefetch_related("targets")
        .order_by("position")
    )


@dataclass
class MentionStatus:
    """One distinct unit name of a draft and what it resolves to today."""

    mention: str
    refs: list[str] = field(default_factory=list)
    lead: int = 0
    co: int = 0
    units: list[Unit] = field(default_factory=list)
    group: UnitGroup | None = None
    accepted: bool = False
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.units)

    @property
    def chosen(self) -> Suggestion | None:
        """The suggestion "accept every suggestion" would take (tracker.selectors.units)."""
        return accepted_suggestion(self.suggestions)

    @property
    def collective(self) -> bool:
        """A name for several units (各镇): better defined as a group than made one unit."""
        return is_collective(self.mention)


def document_unit_mentions(
    document: Document, *, directory: UnitDirectory | None = None, suggestions: bool = True
) -> list[MentionStatus]:
    """Every distinct unit name in the draft's assignments, unknown ones first (with up to five
    suggestions each), then the known ones, each group in order of first appearance."""
    directory = directory or UnitDirectory.load()
    accepted = {unit_key(n) for n in document.new_unit_names}
    by_key: dict[str, MentionStatus] = {}
    rows = document.assignments.order_by("position").values_list(
        "ref", "number", "lead_units_text", "responsible_units_text"
    )
    for ref, number, lead, co in rows:
        for role, names in (("lead", lead), ("co", co)):
            for name in names or []:
                key = unit_key(name)
                if not key:
                    continue
                status = by_key.get(key)
                if status is None:
                    status = by_key[key] = MentionStatus(mention=name.strip())
                    found = directory.find(name)
                    if found is not None:
                        status.units, status.group = found.units, found.group
                    status.accepted = key in accepted and not status.known
                if role == "lead":
                    status.lead += 1
                else:
                    status.co += 1
                label = ref or number
                if label and label not in status.refs:
                    status.refs.append(label)
    statuses = list(by_key.values())
    if suggestions:
        for status in statuses:
            if not status.known:
                status.suggestions = mention_suggestions(directory, document, status.mention)
    return [s for s in statuses if not s.known] + [s for s in statuses if s.known]


def mention_suggestions(
    directory: UnitDirectory, document: Document, mention: str
) -> list[Suggestion]:
    """What an unknown name of the document probably means, among units of the level the name
    implies (its prefix, else the document's issuer)."""
    return directory.suggest(mention, level=mention_level(mention, document.issuer))


@dataclass
class PublishPreview:
    assignments: int
    responsibilities: int
    new_units: list[str]
    unconfirmed: list[str]
    without_units: int
    # The existing units the document gives work to (tracker.selectors.people.units_reach).
    unit_ids: list[int] = field(default_factory=list)


def document_publish_preview(document: Document) -> PublishPreview:
    """What publishing would create, resolving names as document_publish will, creating nothing."""
    directory = UnitDirectory.load()
    accepted = {unit_key(n) for n in document.new_unit_names}
    existing: set[tuple[int, object]] = set(
        Responsibility.objects.filter(assignment__document=document).values_list(
            "assignment_id", "unit_id"
        )
    )
    new_units: dict[str, str] = {}
    involved: set[int] = set()
    responsibilities = without = total = 0
    rows = document.assignments.values_list("pk", "lead_units_text", "responsible_units_text")
    for pk, lead, co in rows:
        total += 1
        wanted: set[object] = set()
        for name in [*(lead or []), *(co or [])]:
            key = unit_key(name)
            if not key:
                continue
            found = directory.find(name)
            if found is not None and found.units:
                wanted.update(unit.pk for unit in found.units)
                involved.update(unit.pk for unit in found.units)
            else:
                new_units.setdefault(key, name.strip())
                wanted.add("new:" + key)
        if not wanted:
            without += 1
        responsibilities += sum(1 for unit in wanted if (pk, unit) not in existing)
    return PublishPreview(
        assignments=total,
        responsibilities=responsibilities,
        new_units=list(new_units.values()),
        unconfirmed=[name for key, name in new_units.items() if key not in accepted],
        without_units=without,
        unit_ids=sorted(involved),
    )
