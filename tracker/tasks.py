"""Celery entry points. Each task takes ids, calls one service, and does nothing else."""

from __future__ import annotations

import smtplib
import time
from pathlib import Path

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from tracker.models import Document, User
from tracker.services.amendment_notices import amendment_announce as amendment_announce_service
from tracker.services.document_publish import document_publish as publish_service
from tracker.services.export_jobs import export_jobs_prune as export_jobs_prune_service
from tracker.services.export_jobs import export_run as export_run_service
from tracker.services.heartbeats import heartbeat_record
from tracker.services.people import invitation_send as invitation_send_service
from tracker.services.reminders.send import (
    DigestSendFailed,
    digests_queue,
    reminder_digest_send_one,
)
from tracker.services.reminders.sweep import reminders_sweep as sweep_service
from tracker.services.summaries import summary_changes_prune as summary_changes_prune_service


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


@shared_task(name="tracker.tasks.reminders_sweep", acks_late=True)
def reminders_sweep() -> int:
    """The calendar's periodic sweep (beat: every ten minutes and at the daily digest hour).

    acks_late is safe: a sweep is idempotent, so running it again after a crash claims only what
    the first run had not. The digests it claims are queued after its transaction commits.
    """
    result = sweep_service(now=timezone.now(), enqueue=digests_queue)
    heartbeat_record(source="sweep", now=timezone.now())
    return len(result.digest_ids)


@shared_task(name="tracker.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Beat queues this every minute; a worker running it shows both are alive (/health/)."""
    heartbeat_record(source="worker", now=timezone.now())


@shared_task(name="tracker.tasks.reminder_digest_send", bind=True, acks_late=True, max_retries=None)
def reminder_digest_send(self: Task[..., bool], digest_id: int) -> bool:
    """Send one digest, retrying SMTP failures after the backoff the service chose and recorded.

    acks_late is safe: the service sends only under its lease and never after the digest is
    recorded as sent. The service, not Celery, counts attempts (TRACKER_REMINDER_MAX_ATTEMPTS),
    because a digest may also come back through a sweep's requeue after a lost task; and it
    chooses the countdown, because it records when the next attempt is due so that a sweep does
    not requeue a digest that is only waiting out its backoff.
    """
    try:
        return reminder_digest_send_one(digest_id=digest_id)
    except DigestSendFailed as exc:
        if exc.retry_in is None:
            return False
        raise self.retry(countdown=exc.retry_in, exc=exc) from exc


# SMTP trouble is worth a few more tries; anything else is a bug to read in the log.
_MAIL_ERRORS = (OSError, smtplib.SMTPException)


@shared_task(
    name="tracker.tasks.invitation_send",
    autoretry_for=_MAIL_ERRORS,
    retry_backoff=60,
    max_retries=8,
)
def invitation_send(user_id: int) -> bool:
    """E-mail a person the link that sets their password (queued after the account's commit)."""
    return invitation_send_service(user_id=user_id)


@shared_task(
    name="tracker.tasks.amendment_announce",
    autoretry_for=_MAIL_ERRORS,
    retry_backoff=60,
    max_retries=8,
)
def amendment_announce(amendment_id: int) -> int:
    """Tell the units a document amendment concerns (queued after the amendment's commit)."""
    return amendment_announce_service(amendment_id=amendment_id)


@shared_task(name="tracker.tasks.export_run", acks_late=True)
def export_run(job_id: str) -> bool:
    """Build one export job's file (queued when a person asks for it).

    acks_late is safe: the service claims the job with one conditional UPDATE, so a redelivered
    task leaves a finished or running job alone.
    """
    return export_run_service(job_id=job_id)


@shared_task(name="tracker.tasks.export_jobs_prune")
def export_jobs_prune() -> int:
    """Delete export files past their retention (beat: daily)."""
    return export_jobs_prune_service()


@shared_task(name="tracker.tasks.summary_changes_prune")
def summary_changes_prune() -> int:
    """Keep one change mark per key (beat: daily; tracker.models.SummaryChange)."""
    return summary_changes_prune_service()
