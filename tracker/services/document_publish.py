"""Publishing a reviewed document: assignments become responsibilities with reporting periods."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_import_documents
from tracker.models import Document, Responsibility, Unit, User
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.reporting_periods import assignments_activate, periods_ensure
from tracker.services.units import UnitDirectory


class PublishRefused(Refused):
    """The document cannot be published (archived, or no year yet)."""


@dataclass
class PublishOutcome:
    document: Document
    newly_published: bool
    responsibilities_created: int = 0
    periods_created: int = 0
    units_created: list[Unit] = field(default_factory=list)
    assignments_without_units: int = 0


def document_publish(*, document: Document, actor: User | None) -> PublishOutcome:
    """Create the document's responsibilities and its year's four reporting periods.

    Safe to repeat: what exists is kept, what is missing is added, nothing is duplicated.
    """
    if actor is not None and not can_import_documents(actor):
        raise PublishRefused(_("只有督查人员和管理员可以发布文件。"))
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status == Document.Status.ARCHIVED:
            raise PublishRefused(_("文件已归档，不能再发布。"))
        if document.year is None:
            raise PublishRefused(_("未识别出文件年度，请先在审核中填写年度后再发布。"))

        directory = UnitDirectory.load()
        outcome = PublishOutcome(document=document, newly_published=False)
        outcome.responsibilities_created = _create_responsibilities(
            document, directory, actor=actor, outcome=outcome
        )
        assignments_activate(document)
        outcome.periods_created = periods_ensure(document)
        outcome.units_created = directory.created

        if document.status == Document.Status.DRAFT:
            document.status = Document.Status.PUBLISHED
            document.published_at = timezone.now()
            document.published_by = actor
            document.save(update_fields=["status", "published_at", "published_by", "updated_at"])
            outcome.newly_published = True
            audit_record(
                actor=actor,
                action="document.publish",
                obj=document,
                before={"status": Document.Status.DRAFT},
                after={
                    "status": document.status,
                    "responsibilities": outcome.responsibilities_created,
                    "periods": outcome.periods_created,
                    "units_created": [unit.name for unit in outcome.units_created],
                },
            )
        elif outcome.responsibilities_created or outcome.periods_created:
            audit_record(
                actor=actor,
                action="document.republish",
                obj=document,
                after={
                    "responsibilities": outcome.responsibilities_created,
                    "periods": outcome.periods_created,
                },
            )
    return outcome


def _create_responsibilities(
    document: Document, directory: UnitDirectory, *, actor: User | None, outcome: PublishOutcome
) -> int:
    existing = set(
        Responsibility.objects.filter(assignment__document=document).values_list(
            "assignment_id", "unit_id"
        )
    )
    new: list[Responsibility] = []
    for assignment in document.assignments.all():
        # Lead wins: a unit named both as lead and among the responsible units leads.
        wanted: dict[int, tuple[str, str]] = {}
        for mention in assignment.lead_units_text:
            for unit in directory.resolve(mention, actor=actor, source=assignment.ref).units:
                wanted.setdefault(unit.pk, (Responsibility.Role.LEAD, mention))
        for mention in assignment.responsible_units_text:
            for unit in directory.resolve(mention, actor=actor, source=assignment.ref).units:
                wanted.setdefault(unit.pk, (Responsibility.Role.CO, mention))
        if not wanted:
            outcome.assignments_without_units += 1
        new.extend(
            Responsibility(assignment=assignment, unit_id=unit_id, role=role, mention=mention[:200])
            for unit_id, (role, mention) in wanted.items()
            if (assignment.pk, unit_id) not in existing
        )
    Responsibility.objects.bulk_create(new)
    return len(new)
