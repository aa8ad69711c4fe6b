"""Sending one claimed digest: take the lease, render, hand it to SMTP, record the outcome.

The crash windows, in order, and what each leaves behind:

1. claim committed, send task never queued or lost → the digest stays `claimed`; the next sweep
   after TRACKER_REMINDER_RECLAIM_SECONDS queues it again;
2. lease taken, worker dies before or during the SMTP exchange → nothing was accepted; the lease
   expires and a sweep queues it again;
3. SMTP accepted the message, worker dies before recording it → the one unavoidable duplicate:
   the resend carries the same Message-ID (it is derived from the claim key), so a mail client
   or a test sees the same message twice, not two messages;
4. recorded as sent → never sent again.

A lease is a conditional UPDATE (status still unsent, no live lease), so a redelivered task, a
requeued digest and its original never send concurrently. SMTP errors are recorded on the
digest and its items (status `retrying` with the error, visible to supervisors at once) and
retried with exponential backoff and jitter; after TRACKER_REMINDER_MAX_ATTEMPTS, or on a
permanent refusal (5xx), the digest is `failed`.
"""

from __future__ import annotations

import random
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tracker.celery import queue
from tracker.models import DeliveryStatus, ReminderDigest
from tracker.periods import local_today
from tracker.services.reminders.digest import digest_items, digest_message, digest_message_id
from tracker.services.reminders.webhook import (
    WebhookFailed,
    is_webhook,
    webhook_post,
    webhook_request,
)

# The worker's entry point, by name: services sit below the tasks and never import them.
SEND_TASK = "tracker.tasks.reminder_digest_send"


class DigestSendFailed(Exception):
    """The SMTP exchange failed and was recorded. `retry_in` seconds until the next attempt,
    None when there is none (attempts used up, or a permanent refusal)."""

    def __init__(self, message: str, *, retry_in: float | None) -> None:
        super().__init__(message)
        self.retry_in = retry_in


def retry_delay(attempt: int) -> float:
    """Seconds before attempt `attempt` + 1: exponential, capped, with half of it random so that
    mails failing together (the server was down) do not come back together."""
    ceiling = min(
        settings.TRACKER_REMINDER_RETRY_MAX_SECONDS,
        settings.TRACKER_REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0),
    )
    return float(ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 - jitter, not a secret


def reminder_digest_send_one(*, digest_id: int, now: datetime | None = None) -> bool:
    """Send one digest if it still needs sending. True when this call delivered it; False when
    there was nothing to do (sent already, being sent elsewhere, or not due yet). Raises
    DigestSendFailed after recording an SMTP failure."""
    now = now or timezone.now()
    if not _lease(digest_id, now):
        return False
    digest = ReminderDigest.objects.get(pk=digest_id)
    if is_webhook(digest.recipient):
        return _send_to_webhook(digest, now=now)
    try:
        message = digest_message(digest, today=local_today(now))
    except Exception as exc:
        # A rendering bug will not fix itself on retry: record it and let it be seen.
        _record_failure(digest, exc, now=now, final=True, retry_in=None)
        raise
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        final = digest.attempts >= settings.TRACKER_REMINDER_MAX_ATTEMPTS or _permanent(exc)
        retry_in = None if final else retry_delay(digest.attempts)
        _record_failure(digest, exc, now=now, final=final, retry_in=retry_in)
        raise DigestSendFailed(f"{type(exc).__name__}: {exc}", retry_in=retry_in) from exc
    _record_sent(digest)
    return True


def _send_to_webhook(digest: ReminderDigest, *, now: datetime) -> bool:
    """The group robot's delivery, under the lease already taken, with the e-mail's retries. As
    for e-mail, a time limit hit during the call is not recorded: the lease expires and a sweep
    queues the digest again."""
    try:
        try:
            request = webhook_request(digest, today=local_today(now))
        except WebhookFailed:
            raise
        except Exception as exc:
            # A rendering bug will not fix itself on retry: recorded, as for e-mail.
            _record_failure(digest, exc, now=now, final=True, retry_in=None)
            raise
        webhook_post(request)
    except WebhookFailed as exc:
        final = digest.attempts >= settings.TRACKER_REMINDER_MAX_ATTEMPTS or exc.permanent
        retry_in = None if final else retry_delay(digest.attempts)
        _record_failure(digest, exc, now=now, final=final, retry_in=retry_in)
        raise DigestSendFailed(f"WebhookFailed: {exc}", retry_in=retry_in) from exc
    _record_sent(digest)
    return True


def _lease(digest_id: int, now: datetime) -> bool:
    unsent = Q(status__in=(DeliveryStatus.CLAIMED, DeliveryStatus.RETRYING))
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    # A redelivered task must not cut a retry's backoff short (a second of slack for clocks).
    due = Q(next_attempt_at__lte=now + timedelta(seconds=1))
    taken = ReminderDigest.objects.filter(unsent & free & due, pk=digest_id).update(
        lease_until=now + timedelta(seconds=settings.TRACKER_REMINDER_RECLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    return bool(taken)


def _permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, refused sender) will be the same next time."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _record_failure(
    digest: ReminderDigest,
    exc: Exception,
    *,
    now: datetime,
    final: bool,
    retry_in: float | None,
) -> None:
    """The attempt started at `now` failed; the next (if any) is due `retry_in` seconds later."""
    status = DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING
    error = f"{timezone.now().isoformat(timespec='seconds')} {type(exc).__name__}: {exc}"[:2000]
    fields: dict[str, Any] = {"status": status, "lease_until": None, "error": error}
    if retry_in is not None:
        fields["next_attempt_at"] = now + timedelta(seconds=retry_in)
    with transaction.atomic():
        ReminderDigest.objects.filter(pk=digest.pk).update(**fields)
        digest_items(digest).update(status=status, attempts=digest.attempts, error=error)


def _record_sent(digest: ReminderDigest) -> None:
    sent_at = timezone.now()
    with transaction.atomic():
        ReminderDigest.objects.filter(pk=digest.pk).update(
            status=DeliveryStatus.SENT,
            sent_at=sent_at,
            lease_until=None,
            error="",
            message_id=digest_message_id(digest),
        )
        digest_items(digest).update(
            status=DeliveryStatus.SENT,
            sent_at=sent_at,
            attempts=digest.attempts,
            error="",
            message_id=digest_message_id(digest),
        )


def digests_send_inline(digest_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Send digests in this process (the management command without a worker); how many were
    delivered. A failure is recorded and the next one is tried."""
    sent = 0
    for digest_id in digest_ids:
        try:
            sent += reminder_digest_send_one(digest_id=digest_id, now=now)
        except DigestSendFailed:
            continue
    return sent


def digests_queue(digest_ids: list[int]) -> None:
    """Queue each digest's send on the workers (a sweep's `enqueue`, called after its commit)."""
    for digest_id in digest_ids:
        queue(SEND_TASK, digest_id)
