"""Archiving a published document: it leaves the active lists; its records stay."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.access import can_import_documents
from tracker.models import Document, User
from tracker.services.audit import audit_record
from tracker.services.errors import Refused


class ArchiveRefused(Refused):
    """The document cannot be archived (not published, or no reason given)."""


def document_archive(*, document: Document, actor: User | None, reason: str) -> Document:
    """Archive a published document: it leaves the active lists; its records stay."""
    if actor is not None and not can_import_documents(actor):
        raise ArchiveRefused(_("只有督查人员和管理员可以审核、修改和发布文件。"))
    reason = reason.strip()
    if not reason:
        raise ArchiveRefused(_("请填写归档原因。"))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status != Document.Status.PUBLISHED:
            raise ArchiveRefused(_("只有已发布的文件可以归档。"))
        locked.status = Document.Status.ARCHIVED
        locked.archive_reason = reason
        locked.save(update_fields=["status", "archive_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="document.archive",
            obj=locked,
            before={"status": Document.Status.PUBLISHED},
            after={"status": locked.status, "reason": reason},
        )
    return locked
