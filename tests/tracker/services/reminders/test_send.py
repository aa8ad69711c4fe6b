"""Sending a digest: Message-IDs from the claim key (a resend repeats it), leases that keep a second
sender out, SMTP failures recorded and retried with backoff, permanent refusals failed at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from tests.samples import at
from tracker.models import (
    ReminderDigest,
    ReminderLog,
)
from tracker.selectors.reminders import reminders_failed
from tracker.services.reminders.digest import digest_message_id
from tracker.services.reminders.send import (
    DigestSendFailed,
    _lease,
    reminder_digest_send_one,
    retry_delay,
)
from tracker.services.reminders.sweep import (
    digests_requeue_stalled,
    reminders_sweep,
)

pytestmark = pytest.mark.django_db


def test_message_ids_come_from_the_claim_key_and_a_resend_repeats_it(world):
    result = reminders_sweep(now=at(6, 18))
    digest = ReminderDigest.objects.get(sweep=result.token, recipient="fgw@yunjiang.example.cn")
    assert digest_message_id(digest) == digest_message_id(ReminderDigest.objects.get(pk=digest.pk))
    assert digest_message_id(digest).startswith(f"<reminders.{result.token}.")
    with time_machine.travel(at(6, 18), tick=False):
        assert reminder_digest_send_one(digest_id=digest.pk, now=at(6, 18))
        # The crash window: SMTP accepted, the worker died before recording it.
        ReminderDigest.objects.filter(pk=digest.pk).update(status="claimed", lease_until=None)
        assert reminder_digest_send_one(digest_id=digest.pk, now=at(6, 18, 9, 20))
        assert reminder_digest_send_one(digest_id=digest.pk, now=at(6, 18, 9, 30)) is False
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert ids == [digest_message_id(digest)] * 2


def test_a_live_lease_keeps_a_second_sender_out_until_it_expires(world, settings):
    result = reminders_sweep(now=at(6, 18))
    digest_id = result.digest_ids[0]
    # A sender took the lease and died (no record of the outcome).
    assert _lease(digest_id, at(6, 18, 9, 1))
    assert reminder_digest_send_one(digest_id=digest_id, now=at(6, 18, 9, 2)) is False
    reclaim = settings.TRACKER_REMINDER_RECLAIM_SECONDS
    early = at(6, 18, 9, 1) + timedelta(seconds=reclaim - 1)
    # The other digest, never leased, is requeued; the leased one is not.
    assert digest_id not in digests_requeue_stalled(now=early)
    late = at(6, 18, 9, 1) + timedelta(seconds=reclaim + 1)
    assert digest_id in digests_requeue_stalled(now=late)
    # Requeued: not again until another reclaim period has passed.
    assert digests_requeue_stalled(now=late + timedelta(seconds=1)) == []
    with time_machine.travel(late, tick=False):
        assert reminder_digest_send_one(digest_id=digest_id, now=late)
    assert ReminderDigest.objects.get(pk=digest_id).attempts == 2


def test_smtp_failures_are_recorded_retried_with_backoff_then_given_up(world, settings):
    settings.EMAIL_BACKEND = "tests.samples.FailingBackend"
    settings.TRACKER_REMINDER_MAX_ATTEMPTS = 3
    result = reminders_sweep(now=at(6, 18))
    digest_id = result.digest_ids[0]
    now = at(6, 18)
    for attempt in (1, 2):
        with pytest.raises(DigestSendFailed) as failure:
            reminder_digest_send_one(digest_id=digest_id, now=now)
        digest = ReminderDigest.objects.get(pk=digest_id)
        assert (digest.status, digest.attempts) == ("retrying", attempt)
        assert "SMTPServerDisconnected" in digest.error
        base = settings.TRACKER_REMINDER_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
        assert base / 2 <= failure.value.retry_in <= base
        items = ReminderLog.objects.filter(sweep=result.token, recipient=digest.recipient)
        assert {(i.status, i.attempts) for i in items} == {("retrying", attempt)}
        assert list(reminders_failed(world["supervisor"])) and not list(
            reminders_failed(world["reporter"])
        )
        # Before its backoff is over the digest is not sent, even if a task turns up early.
        assert reminder_digest_send_one(digest_id=digest_id, now=now) is False
        now = digest.next_attempt_at
    with pytest.raises(DigestSendFailed) as failure:
        reminder_digest_send_one(digest_id=digest_id, now=now)
    assert failure.value.retry_in is None
    digest = ReminderDigest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts) == ("failed", 3)
    assert digest_id not in digests_requeue_stalled(now=now + timedelta(days=1))


def test_a_permanent_refusal_fails_at_once(world, settings):
    settings.EMAIL_BACKEND = "tests.samples.RefusingBackend"
    digest_id = reminders_sweep(now=at(6, 18)).digest_ids[0]
    with pytest.raises(DigestSendFailed) as failure:
        reminder_digest_send_one(digest_id=digest_id, now=at(6, 18))
    assert failure.value.retry_in is None
    assert ReminderDigest.objects.get(pk=digest_id).status == "failed"


def test_the_backoff_grows_exponentially_with_jitter_up_to_its_cap(settings):
    settings.TRACKER_REMINDER_RETRY_BASE_SECONDS = 60
    settings.TRACKER_REMINDER_RETRY_MAX_SECONDS = 600
    delays = {attempt: [retry_delay(attempt) for _ in range(50)] for attempt in (1, 2, 3, 8)}
    assert all(30 <= d <= 60 for d in delays[1]) and all(60 <= d <= 120 for d in delays[2])
    assert all(120 <= d <= 240 for d in delays[3]) and all(300 <= d <= 600 for d in delays[8])
    assert len(set(delays[1])) > 1
