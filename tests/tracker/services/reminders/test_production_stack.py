"""The calendar on the production stack: Redis broker, real Celery worker processes, PostgreSQL
and a real SMTP server (aiosmtpd) in the test, receiving the mails. (The first test runs the
embedded stack instead — filesystem broker and SQLite — which needs no servers.)

(a) several sweeps at once (as two beats would fire) → every Message-ID once;
(b) a worker SIGKILLed in the middle of sending, then restarted → every due mail delivered,
    and a Message-ID received twice only for a message the server had taken before the kill;
(c) the SMTP server down for a while → failures recorded with their errors, then delivered.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import time as dt_time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.factories import make_assignment, make_document, make_responsibility
from tests.workers import celery_worker, database_url
from tracker.models import (
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    ReportingPeriod,
    Unit,
    UnitContact,
    User,
)
from tracker.periods import local_today
from tracker.selectors.reminders import reminders_failed
from tracker.services.reminders.sweep import reminders_sweep as sweep_service
from tracker.tasks import reminders_sweep

pytestmark = pytest.mark.django_db(transaction=True)

UNITS = 12


# --- an SMTP server that keeps what it receives ------------------------------------------------


@dataclass
class Received:
    message_id: str
    to: tuple[str, ...]
    at: float


@dataclass
class Mailbox:
    """aiosmtpd handler. A message counts as taken by the server when its DATA has arrived; the
    250 answer then waits `delay` seconds, so a client killed meanwhile never learns it was sent
    (the crash window of tracker.services.reminders.send)."""

    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append(
                # Unfolded, as a mail client reads a long header.
                Received(
                    "".join(str(message["Message-ID"]).split()),
                    tuple(envelope.rcpt_tos),
                    time.monotonic(),
                )
            )
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def ids(self) -> Counter:
        with self.lock:
            return Counter(r.message_id for r in self.received)

    def recipients(self) -> set[str]:
        with self.lock:
            return {to for r in self.received for to in r.to}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(mailbox: Mailbox, port: int) -> Iterator[Controller]:
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


# --- worker processes --------------------------------------------------------------------------


def worker_env(queue: str, smtp_port: int, **extra: str) -> dict[str, str]:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="test",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="3",
        TRACKER_SITE_URL="http://tracker.test",
        # Whatever the hour the test runs at, the day's notices are due.
        TRACKER_REMINDER_SEND_FROM="00:00",
        TRACKER_REMINDER_RECLAIM_SECONDS="6",
        TRACKER_REMINDER_SEND_TIME_LIMIT="5",
        TRACKER_REMINDER_RETRY_BASE_SECONDS="1",
        TRACKER_REMINDER_RETRY_MAX_SECONDS="2",
        TRACKER_REMINDER_MAX_ATTEMPTS="30",
        **extra,
    )


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of the test's own; afterwards its broker keys go, with the unacknowledged
    messages a killed worker left behind (Redis would otherwise restore them, an hour later,
    into a queue nobody reads)."""
    name = f"test-cal-{uuid.uuid4().hex[:8]}"
    yield name
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return
    import json

    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    for tag, payload in client.hgetall("unacked").items():
        if json.loads(payload)[-1] == name:  # [message, exchange, routing key]
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def transaction_snapshot(query: Callable[[], bool]) -> bool:
    """Run several reads against one snapshot of the database (REPEATABLE READ on PostgreSQL;
    SQLite's transactions read one snapshot already)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return query()


def fresh(query: Callable[[], object]) -> object:
    """Read committed data as it is now (the workers write from other processes)."""
    connections.close_all()
    return query()


# --- data: a dozen units, each with a contact address, 7 days before a due date today ----------


def a_quarter_due_in_seven_days() -> set[str]:
    today = local_today(timezone.now())
    document = make_document(year=today.year)
    assignment = make_assignment(document, title="重点项目建设")
    ReportingPeriod.objects.create(
        document=document,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=20),
        opens_on=today - timedelta(days=3),
        due_on=today + timedelta(days=7),
        first_checkpoint_on=today + timedelta(days=30),
        second_checkpoint_on=today + timedelta(days=30),
    )
    addresses = set()
    for n in range(UNITS):
        unit = Unit.objects.create(name=f"测试单位{n:02d}")
        make_responsibility(assignment, unit, "lead" if n == 0 else "co")
        address = f"unit{n:02d}@yunjiang.example.cn"
        UnitContact.objects.create(unit=unit, email=address)
        addresses.add(address)
    User.objects.create_user("dcs", email="dcs@yunjiang.example.cn", role=User.Role.SUPERVISOR)
    return addresses


def all_sent() -> bool:
    return bool(
        fresh(
            lambda: (
                ReminderDigest.objects.exists()
                and not ReminderDigest.objects.exclude(status="sent").exists()
            )
        )
    )


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
    assert max(mailbox.ids().values()) == 1 and len(mailbox.ids()) == UNITS


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
    assert max(ids.values()) == 1 and len(ids) == UNITS
    assert fresh(lambda: ReminderDay.objects.count()) == 1
    assert fresh(lambda: ReminderLog.objects.filter(kind="due_7").count()) == UNITS
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
    assert sorted(r.claimed for r in results) == [0, 0, 0, UNITS]
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
        assert sent_before_restart < UNITS
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
    assert mailbox.recipients() == expected and len(ids) == UNITS
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
                len(digests) == UNITS
                and all(d.status == "retrying" and d.attempts >= 2 for d in digests)
                and len(failed) == UNITS
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
    assert len(ids) == UNITS and max(ids.values()) == 1
    logs = fresh(lambda: list(ReminderLog.objects.filter(kind="due_7")))
    assert {(log.status, log.error) for log in logs} == {("sent", "")}
    assert min(log.attempts for log in logs) >= 3
    assert fresh(lambda: reminders_failed(supervisor).count()) == 0
