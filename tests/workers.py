"""Real Celery worker processes for the tests that need one, and what such tests share: an SMTP
server that keeps what it receives, the workers' environment, waiting on and reading what the
workers wrote from other processes."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, connections

from tests.samples import REPO


def database_url() -> str:
    """The URL of the database this test run uses (the test database, not the configured one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(env: dict[str, str], *, concurrency: int = 1) -> Iterator[subprocess.Popen[str]]:
    """A real `celery worker` (prefork) in its own process group, so a test can kill it whole,
    as a crashed machine would lose it."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--queues",
            env["CELERY_TASK_DEFAULT_QUEUE"],
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        print(output[-6000:])  # shown by pytest when the test fails


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


# --- the workers' side ----------------------------------------------------------------------------


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


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def fresh(query: Callable[[], object]) -> object:
    """Read committed data as it is now (the workers write from other processes)."""
    connections.close_all()
    return query()


def all_sent() -> bool:
    """Whether the workers have sent every reminder digest."""
    from tracker.models import ReminderDigest

    return bool(
        fresh(
            lambda: (
                ReminderDigest.objects.exists()
                and not ReminderDigest.objects.exclude(status="sent").exists()
            )
        )
    )
