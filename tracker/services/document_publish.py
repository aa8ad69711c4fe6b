"""Publishing a reviewed document: assignments become responsibilities with reporting periods,
in the request or, for a large document, on a worker (document_publish_or_queue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_import_documents
from tracker.celery import queue
from tracker.models import Document, Responsibility, Unit, User
from tracker.periods import local_today
from tracker.selectors.documents import publishes_in_background
from tracker.selectors.units import UnitDirectory
from tracker.services.audit import audit_record
from tracker.services.document_leaders import leader_scopes_publish
from tracker.services.errors import Refused
from tracker.services.reporting_periods import (
    assignments_activate,
    periods_ensure,
    schedule_default,
    schedule_start_set,
)
from tracker.services.summaries import summaries_refresh
from tracker.services.units import unit_resolve

# The worker's entry point, by name: services sit below the tasks and never import them.
PUBLISH_TASK = "tracker.tasks.document_publish"
# A background publish that has not finished after this long is presumed lost (a worker that
# died before acknowledging): the reviewer may ask again.
PUBLISH_RETRY_AFTER = timedelta(minutes=10)


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
    # The first day of the first period reported (None: from the start of the year).
    reporting_from: date | None = None
    # Leaders in charge the document names whom no person matched (services.document_leaders).
    leaders_unresolved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublishDecision:
    """What document_publish_or_queue did: published now (`outcome`), or queued for a worker."""

    assignments: int
    outcome: PublishOutcome | None = None

    @property
    def queued(self) -> bool:
        return self.outcome is None


def document_publish_or_queue(
    *, document: Document, actor: User | None, reporting_from: date | None = None
) -> PublishDecision:
    """Publish now, or, for a document large enough to outlast a request (more assignments than
    TRACKER_PUBLISH_BACKGROUND_ABOVE), freeze the draft and queue the publish on a worker after
    commit. `reporting_from`: the first day of the first period to report (the publish page's
    choice); earlier periods are not created. Refused as document_publish and
    document_publish_request are."""
    count = document.assignments.count()
    if not publishes_in_background(count):
        return PublishDecision(
            count,
            document_publish(document=document, actor=actor, reporting_from=reporting_from),
        )
    with transaction.atomic():
        document_publish_request(document=document, actor=actor)
        schedule_start_set(document=document, reporting_from=reporting_from)
        document_id, actor_id = document.pk, actor.pk if actor is not None else None
        transaction.on_commit(lambda: queue(PUBLISH_TASK, document_id, actor_id))
    return PublishDecision(count)


def document_publish(
    *,
    document: Document,
    actor: User | None,
    reporting_from: date | None = None,
    today: date | None = None,
) -> PublishOutcome:
    """Create the document's responsibilities and its schedules' reporting periods: from the
    period starting on `reporting_from` when given (or chosen when the publish was queued),
    else from the start of the document's year; assignments on a rule of their own start with
    their first period not past due on `today` (services.reporting_periods.periods_ensure).

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
        if document.status == Document.Status.DRAFT:
            schedule_start_set(document=document, reporting_from=reporting_from)
        assignments_activate(document)
        outcome.leaders_unresolved = leader_scopes_publish(document=document, actor=actor)
        outcome.periods_created = periods_ensure(
            document, today=today or local_today(timezone.now())
        )
        outcome.reporting_from = schedule_default(document).reporting_from
        outcome.units_created = directory.created

        if document.status == Document.Status.DRAFT:
            document.status = Document.Status.PUBLISHED
            document.published_at = timezone.now()
            document.published_by = actor
            document.save(update_fields=["status", "published_at", "published_by", "updated_at"])
            outcome.newly_published = True
        # The document's slots, now that it counts (or with the responsibilities and periods a
        # republication added).
        summaries_refresh(document_id=document.pk)
        if outcome.newly_published:
            audit_record(
                actor=actor,
                action="document.publish",
                obj=document,
                before={"status": Document.Status.DRAFT},
                after={
                    "status": document.status,
                    "responsibilities": outcome.responsibilities_created,
                    "periods": outcome.periods_created,
                    "reporting_from": outcome.reporting_from,
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


def document_publish_request(*, document: Document, actor: User | None) -> None:
    """Mark a draft as being published in the background (its draft is frozen meanwhile); the
    caller queues the task after commit. Refused when the draft cannot be published or a
    request is still running."""
    if actor is not None and not can_import_documents(actor):
        raise PublishRefused(_("只有督查人员和管理员可以审核、修改和发布文件。"))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status != Document.Status.DRAFT:
            raise PublishRefused(_("文件已发布或已归档。"))
        if locked.year is None:
            raise PublishRefused(_("未识别出文件年度，请先在审核中填写年度后再发布。"))
        now = timezone.now()
        if locked.publish_requested_at and now - locked.publish_requested_at < PUBLISH_RETRY_AFTER:
            raise PublishRefused(_("文件已提交发布，正在后台处理，请稍候刷新。"))
        before = locked.publish_requested_at
        locked.publish_requested_at = now
        locked.save(update_fields=["publish_requested_at", "updated_at"])
        audit_record(
            actor=actor,
            action="document.publish_request",
            obj=locked,
            before={"publish_requested_at": before},
            after={"publish_requested_at": now},
        )
    document.refresh_from_db()


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
            resolved = unit_resolve(
                directory=directory, mention=mention, actor=actor, source=assignment.ref
            )
            for unit in resolved.units:
                wanted.setdefault(unit.pk, (Responsibility.Role.LEAD, mention))
        for mention in assignment.responsible_units_text:
            resolved = unit_resolve(
                directory=directory, mention=mention, actor=actor, source=assignment.ref
            )
            for unit in resolved.units:
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
