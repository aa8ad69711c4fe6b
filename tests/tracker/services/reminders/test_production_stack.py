"""The calendar on the production stack: Redis broker, real Celery worker processes, PostgreSQL
and a real SMTP server (aiosmtpd) in the test, receiving the mails. (The first test runs the
embedded stack instead — filesystem broker and SQLite — which needs no servers.)

(a) several sweeps at once (as two beats would fire) → every Message-ID once;
(b) a worker SIGKILLed in the middle of sending, then restarted → every due mail delivered,
    and a Message-ID received twice only for a message the server had taken before the kill;
(c) the SMTP server down for a while → failures recorded with their errors, then delivered.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import time as dt_time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tests.samples import STACK_UNITS, a_quarter_due_in_seven_days
from tests.workers import (
    Mailbox,
    all_sent,
    celery_worker,
    free_port,
    fresh,
    smtp_server,
    wait_for,
    worker_env,
)
from tracker.models import (
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    User,
)
from tracker.selectors.reminders import reminders_failed
from tracker.services.reminders.sweep import reminders_sweep as sweep_service
from tracker.tasks import reminders_sweep

pytestmark = pytest.mark.django_db(transaction=True)


def transaction_snapshot(query: Callable[[], bool]) -> bool:
    """Run several reads against one snapshot of the database (REPEATABLE READ on PostgreSQL;
    SQLite's transactions read one snapshot already)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return query()


# --- the tests ---------------------------------------------------------------------------------


def test_the_embedded_worker_sends_the_days_digests_through_the_filesystem_broker(queue):
    if not settings.CELERY_BROKER_URL.startswith("filesystem://") or connection.vendor != "sqlite":
        pytest.skip("the embedded stack: filesystem broker and SQLite")
    expected = a_quarter_due_in_seven_days()
    mailbox, port = Mailbox(), free_port()
    with smtp_server(mailbox, port), celery_worker(worker_env(queue, port), concurrency=2):
        reminders_sweep.apply_async(queue=queue)
        wait_for(lambda: mailbox.recipients() >= expected, timeout=45, what="every mail")
        wait_for(all_sent, timeout=15, what="every digest recorded as sent")
    assert max(mailbox.ids().values()) == 1 and len(mailbox.ids()) == STACK_UNITS


@pytest.mark.services
def test_sweeps_fired_at_once_by_two_beats_send_every_message_once(queue):
    assert connection.vendor == "postgresql"
    expected = a_quarter_due_in_seven_days()
    mailbox, port = Mailbox(), free_port()
    env = worker_env(queue, port)
    with (
        smtp_server(mailbox, port),
        celery_worker(env, concurrency=2),
        celery_worker(env, concurrency=2),
    ):
        for _ in range(4):
            reminders_sweep.apply_async(queue=queue)
        wait_for(lambda: mailbox.recipients() >= expected, timeout=45, what="every mail")
        wait_for(all_sent, timeout=15, what="every digest recorded as sent")
        time.sleep(1.5)  # anything sent twice would arrive now
    ids = mailbox.ids()
    assert mailbox.recipients() == expected
    assert max(ids.values()) == 1 and len(ids) == STACK_UNITS
    assert fresh(lambda: ReminderDay.objects.count()) == 1
    assert fresh(lambda: ReminderLog.objects.filter(kind="due_7").count()) == STACK_UNITS
    stored = set(fresh(lambda: list(ReminderDigest.objects.values_list("message_id", flat=True))))
    assert stored == set(ids)


@pytest.mark.services
def test_concurrent_sweeps_in_threads_claim_each_notice_exactly_once(settings):
    """The same race without Celery: four connections run the sweep at the same instant."""
    settings.TRACKER_REMINDER_SEND_FROM = dt_time(0, 0)
    expected = a_quarter_due_in_seven_days()
    now = timezone.now()
    start = threading.Barrier(4)
    results = []

    def run() -> None:
        try:
            start.wait()
            results.append(sweep_service(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.claimed for r in results) == [0, 0, 0, STACK_UNITS]
    digests = fresh(lambda: list(ReminderDigest.objects.values_list("recipient", flat=True)))
    assert sorted(digests) == sorted(expected)


@pytest.mark.services
def test_a_worker_killed_mid_sweep_then_restarted_delivers_everything_once_by_message_id(queue):
    expected = a_quarter_due_in_seven_days()
    mailbox, port = Mailbox(delay=0.8), free_port()
    env = worker_env(queue, port)
    with smtp_server(mailbox, port):
        with celery_worker(env) as first:
            reminders_sweep.apply_async(queue=queue)
            wait_for(lambda: len(mailbox.ids()) >= 3, timeout=45, what="three mails")
            # Dead in the middle of sending: the third message is at the server, unanswered.
            os.killpg(first.pid, signal.SIGKILL)
            killed_at = time.monotonic()
            first.wait(timeout=10)
        taken_before_kill = {r.message_id for r in mailbox.received if r.at < killed_at}
        sent_before_restart = fresh(lambda: ReminderDigest.objects.filter(status="sent").count())
        assert sent_before_restart < STACK_UNITS
        with celery_worker(env) as second:
            # The beat goes on: a sweep every two seconds requeues what the dead worker held.
            deadline = time.monotonic() + 50
            while not (mailbox.recipients() >= expected and all_sent()):
                assert time.monotonic() < deadline, "not every mail was delivered"
                assert second.poll() is None, "the restarted worker exited"
                reminders_sweep.apply_async(queue=queue)
                time.sleep(2)
            time.sleep(1.5)
    ids = mailbox.ids()
    assert mailbox.recipients() == expected and len(ids) == STACK_UNITS
    twice = {message_id for message_id, n in ids.items() if n > 1}
    print(
        f"kill: {len(taken_before_kill)} taken before it, {sent_before_restart} recorded as sent,"
        f" {len(twice)} received twice: {sorted(twice)}"
    )
    # Only the message the server had taken when the worker died may come again — with the
    # same Message-ID — and at most one (the worker sent one message at a time).
    assert twice <= taken_before_kill
    assert len(twice) <= 1 and max(ids.values()) <= 2
    stored = fresh(lambda: dict(ReminderDigest.objects.values_list("message_id", "status")))
    assert set(stored) == set(ids) and set(stored.values()) == {"sent"}


@pytest.mark.services
def test_smtp_down_then_up_records_failures_then_delivers_after_retries(queue):
    expected = a_quarter_due_in_seven_days()
    supervisor = User.objects.get(username="dcs")
    mailbox, port = Mailbox(), free_port()
    with celery_worker(worker_env(queue, port)):
        reminders_sweep.apply_async(queue=queue)

        def failing_twice() -> bool:
            # Digests and their notices are read together, in one snapshot taken while the
            # worker keeps retrying: a read between the two could catch an attempt under way.
            digests = list(ReminderDigest.objects.all())
            failed = list(reminders_failed(supervisor))
            return (
                len(digests) == STACK_UNITS
                and all(d.status == "retrying" and d.attempts >= 2 for d in digests)
                and len(failed) == STACK_UNITS
                and all(log.status == "retrying" and log.attempts >= 2 for log in failed)
                and all(
                    "Connection refused" in log.error or "Errno 111" in log.error for log in failed
                )
            )

        wait_for(
            lambda: bool(fresh(lambda: transaction_snapshot(failing_twice))),
            timeout=30,
            what="two failed attempts each, recorded with the error",
        )
        assert mailbox.received == []
        with smtp_server(mailbox, port):
            wait_for(lambda: mailbox.recipients() >= expected, timeout=30, what="delivery")
            wait_for(all_sent, timeout=15, what="every digest recorded as sent")
            time.sleep(1)
    ids = mailbox.ids()
    assert len(ids) == STACK_UNITS and max(ids.values()) == 1
    logs = fresh(lambda: list(ReminderLog.objects.filter(kind="due_7")))
    assert {(log.status, log.error) for log in logs} == {("sent", "")}
    assert min(log.attempts for log in logs) >= 3
    assert fresh(lambda: reminders_failed(supervisor).count()) == 0
