"""Reads for amending a published document: its current assignments with units and targets,
what was set aside, and its amendments (修订记录)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tracker.l10n import date_text
from tracker.models import (
    Assignment,
    Document,
    DocumentAmendment,
    Responsibility,
    Target,
    unit_order,
)


def amendable_assignments(document: Document) -> QuerySet[Assignment]:
    """The tasks still tracked, with their current units (lead first, official order) and
    targets."""
    return (
        Assignment.objects.filter(document=document)
        .prefetch_related(
            Prefetch(
                "responsibilities",
                # Lead units first ("lead" sorts after "co").
                queryset=Responsibility.objects.select_related("unit").order_by(
                    "-role", *unit_order("unit__")
                ),
            ),
            Prefetch("targets", queryset=Target.objects.order_by("position")),
        )
        .order_by("position")
    )


def removed_rows(assignment: Assignment) -> tuple[list[Responsibility], list[Target]]:
    """What amendments set aside from a task (kept with their reports and values)."""
    return (
        list(
            Responsibility.all_objects.filter(assignment=assignment, removed_at__isnull=False)
            .select_related("unit")
            .order_by("-removed_at")
        ),
        list(
            Target.all_objects.filter(assignment=assignment, removed_at__isnull=False).order_by(
                "position"
            )
        ),
    )


@dataclass(frozen=True)
class AmendmentRow:
    amendment: DocumentAmendment
    change: str


def document_amendments(
    document: Document, *, assignment: Assignment | None = None
) -> list[AmendmentRow]:
    """The document's amendments (or one task's), newest first, each with its change in words."""
    amendments = DocumentAmendment.objects.filter(document=document)
    if assignment is not None:
        amendments = amendments.filter(assignment=assignment)
    return [
        AmendmentRow(a, amendment_change_text(a))
        for a in amendments.select_related("assignment", "unit", "target", "actor").order_by(
            "-number"
        )
    ]


def amendment_notice_text(amendment: DocumentAmendment) -> str:
    """The amendment as one inbox line, in the active language."""
    assignment = amendment.assignment
    return _("《%(document)s》第%(number)s次修订：%(ref)s %(title)s，%(change)s") % {
        "document": amendment.document.title,
        "number": amendment.number,
        "ref": assignment.ref or assignment.number,
        "title": assignment.title,
        "change": amendment_change_text(amendment),
    }


def amendment_change_text(amendment: DocumentAmendment) -> str:
    """The change in a few words, for the notice and the document's history."""
    before, after = amendment.before or {}, amendment.after or {}
    kind = DocumentAmendment.Kind
    if amendment.kind == kind.CHANGE_DEADLINE:
        return _("完成时限由%(before)s调整为%(after)s") % {
            "before": _day(before.get("deadline")),
            "after": _day(after.get("deadline")),
        }
    if amendment.kind in (kind.ADD_RESPONSIBILITY, kind.REMOVE_RESPONSIBILITY):
        name = after.get("unit_name") or before.get("unit_name") or ""
        lead = (after.get("role") or before.get("role")) == "lead"
        if amendment.kind == kind.ADD_RESPONSIBILITY:
            text = _("增加牵头单位：%(unit)s") if lead else _("增加责任单位：%(unit)s")
        else:
            text = _("%(unit)s不再作为牵头单位") if lead else _("%(unit)s不再作为责任单位")
        return text % {"unit": name}
    if amendment.kind in (kind.ADD_TARGET, kind.REMOVE_TARGET):
        label = str(amendment.target) if amendment.target is not None else ""
        if amendment.kind == kind.ADD_TARGET:
            return _("增加指标：%(target)s") % {"target": label}
        return _("撤销指标：%(target)s") % {"target": label}
    if amendment.kind == kind.REMOVE_ASSIGNMENT:
        return _("该任务不再跟踪，无需再报送")
    return _("新增任务，请按要求报送")


def _day(value: object) -> str:
    """A date as stored in the amendment (a date, or its ISO text once read back)."""
    if not value:
        return _("无")
    return date_text(value if isinstance(value, date) else date.fromisoformat(str(value)))


def removed_assignments(document: Document) -> QuerySet[Assignment]:
    return Assignment.all_objects.filter(document=document, removed_at__isnull=False).order_by(
        "position"
    )
