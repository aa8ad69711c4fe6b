"""Celery entry points. Each task takes ids, calls one service, and does nothing else."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task
from django.conf import settings

from tracker.models import Document, User
from tracker.services.document_publish import document_publish as publish_service


@shared_task(name="tracker.tasks.document_publish", acks_late=True)
def document_publish(document_id: int, actor_id: int | None = None) -> int:
    """Publish in the background (a province-sized document creates thousands of rows).

    acks_late is safe: publishing is idempotent, so a redelivery after a crash adds only what is
    missing.
    """
    document = Document.objects.get(pk=document_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return publish_service(document=document, actor=actor).responsibilities_created


@shared_task(name="tracker.tasks.broker_processed_prune")
def broker_processed_prune() -> int:
    """Delete consumed messages the embedded filesystem broker keeps in its processed folder."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folder = options.get("processed_folder")
    if not folder:
        return 0
    cutoff = time.time() - settings.TRACKER_BROKER_PROCESSED_RETENTION.total_seconds()
    removed = 0
    for path in Path(str(folder)).glob("*.msg"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another worker pruned it first
    return removed
