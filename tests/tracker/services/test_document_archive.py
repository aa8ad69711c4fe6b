"""Archiving: only a published document, only with a reason, audited."""

from __future__ import annotations

import pytest

from tracker.models import AuditEvent, Document
from tracker.services.document_archive import ArchiveRefused, document_archive
from tracker.services.document_publish import (
    document_publish,
)

pytestmark = pytest.mark.django_db


def test_archiving_needs_a_published_document_and_a_reason(draft, supervisor):
    with pytest.raises(ArchiveRefused, match="只有已发布"):
        document_archive(document=draft, actor=supervisor, reason="过期")
    document_publish(document=draft, actor=supervisor)
    with pytest.raises(ArchiveRefused, match="归档原因"):
        document_archive(document=draft, actor=supervisor, reason="  ")
    document_archive(document=draft, actor=supervisor, reason="已被新方案替代")
    draft.refresh_from_db()
    assert draft.status == Document.Status.ARCHIVED
    event = AuditEvent.objects.get(action="document.archive")
    assert event.after == {"status": "archived", "reason": "已被新方案替代"}
