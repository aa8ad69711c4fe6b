"""Group robots and the inbox on the production stack (PostgreSQL, Redis, real Celery worker
processes), with the guarantees of the e-mail chaos tests (test_production_stack): a local HTTP
server plays 企业微信 and 钉钉 and records each call with its X-Tracker-Delivery.

(a) sweeps fired at once by two beats → every robot called once, every inbox entry made once;
(b) a worker SIGKILLed while a robot holds its answer, then restarted → every robot called, a
    delivery repeated only if the robot had taken it before the kill (same delivery id);
(c) every robot fails twice, then recovers → failures recorded with their error, then delivered.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import connection

from tests.samples import STACK_UNITS, a_quarter_due_in_seven_days
from tests.webhooks import RobotServer, robot_server
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
from tracker.models import Notice, ReminderDigest, ReminderLog, Unit, User, Webhook
from tracker.tasks import reminders_sweep

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def robots_and_people(robot: RobotServer) -> set[str]:
    """Each unit of a_quarter_due_in_seven_days gets a robot (企业微信 and signed 钉钉 in turn)
    and a reporter without e-mail (the inbox only); the robots' paths."""
    paths = set()
    for n, unit in enumerate(Unit.objects.order_by("name")):
        path = f"/robot/{n:02d}"
        if n % 2:
            robot.secrets[path] = f"SEC{n:02d}"
            Webhook.objects.create(
                flavour="dingtalk", url=robot.url(path), secret=f"SEC{n:02d}", unit=unit
            )
        else:
            Webhook.objects.create(flavour="wecom", url=robot.url(f"{path}?key=k{n}"), unit=unit)
        User.objects.create_user(f"tb{n:02d}", role=User.Role.REPORTER, unit=unit)
        paths.add(path)
    return paths


def robots_done() -> bool:
    return bool(
        fresh(
            lambda: (
                not ReminderDigest.objects.filter(recipient__startswith="webhook:")
                .exclude(status="sent")
                .exists()
            )
        )
    )


def test_two_beats_call_every_robot_once_and_fill_each_inbox_once(queue):
    assert connection.vendor == "postgresql"
    a_quarter_due_in_seven_days()
    mailbox, smtp_port = Mailbox(), free_port()
    with robot_server(RobotServer(), free_port()) as robot:
        paths = robots_and_people(robot)
        env = worker_env(queue, smtp_port)
        with (
            smtp_server(mailbox, smtp_port),
            celery_worker(env, concurrency=2),
            celery_worker(env, concurrency=2),
        ):
            for _ in range(4):
                reminders_sweep.apply_async(queue=queue)
            wait_for(lambda: robot.paths() >= paths, timeout=45, what="every robot")
            wait_for(all_sent, timeout=20, what="every digest sent")
            time.sleep(1.5)  # anything sent twice would arrive now
    assert robot.paths() == paths and len(robot.calls) == STACK_UNITS
    assert max(robot.deliveries().values()) == 1 and not robot.failures
    assert all(call.signed_ok in (None, True) for call in robot.calls)
    assert len(mailbox.ids()) == STACK_UNITS and max(mailbox.ids().values()) == 1
    inbox = fresh(lambda: list(Notice.objects.values_list("user__username", "kind")))
    assert sorted(inbox) == [(f"tb{n:02d}", "due_7") for n in range(STACK_UNITS)]


def test_a_worker_killed_while_a_robot_answers_then_restarted_calls_each_robot_once(queue):
    a_quarter_due_in_seven_days()
    mailbox, smtp_port = Mailbox(), free_port()
    with robot_server(RobotServer(delay=0.5), free_port()) as robot:
        paths = robots_and_people(robot)
        env = worker_env(queue, smtp_port)
        with smtp_server(mailbox, smtp_port):
            with celery_worker(env) as first:
                reminders_sweep.apply_async(queue=queue)
                wait_for(lambda: len(robot.calls) >= 3, timeout=45, what="three robot calls")
                os.killpg(first.pid, signal.SIGKILL)
                killed_at = time.monotonic()
                first.wait(timeout=10)
            with robot.lock:
                taken_before_kill = {c.delivery for c in robot.calls if c.at < killed_at}
            with celery_worker(env) as second:
                deadline = time.monotonic() + 60
                while not (robot.paths() >= paths and robots_done() and all_sent()):
                    assert time.monotonic() < deadline, (
                        paths - robot.paths(),
                        fresh(
                            lambda: list(
                                ReminderDigest.objects.exclude(status="sent").values_list(
                                    "recipient", "status", "error", "attempts"
                                )
                            )
                        ),
                    )
                    assert second.poll() is None, "the restarted worker exited"
                    reminders_sweep.apply_async(queue=queue)
                    time.sleep(2)
                time.sleep(1.5)
    deliveries = robot.deliveries()
    assert robot.paths() == paths and len(deliveries) == STACK_UNITS
    twice = {delivery for delivery, n in deliveries.items() if n > 1}
    print(f"kill: {len(taken_before_kill)} robot calls before it, {len(twice)} repeated")
    assert twice <= taken_before_kill and len(twice) <= 1 and max(deliveries.values()) <= 2
    assert fresh(lambda: Notice.objects.count()) == STACK_UNITS


def test_robots_failing_twice_then_recovering_are_recorded_then_delivered(queue):
    a_quarter_due_in_seven_days()
    mailbox, smtp_port = Mailbox(), free_port()
    with robot_server(RobotServer(fail_first=2), free_port()) as robot:
        paths = robots_and_people(robot)
        with smtp_server(mailbox, smtp_port), celery_worker(worker_env(queue, smtp_port)):
            reminders_sweep.apply_async(queue=queue)
            wait_for(lambda: robot.paths() >= paths, timeout=60, what="every robot, at last")
            wait_for(robots_done, timeout=20, what="every robot digest recorded as sent")
            time.sleep(1)
    assert len(robot.calls) == STACK_UNITS and max(robot.deliveries().values()) == 1
    failed_by_path: dict[str, int] = {}
    for call in robot.failures:
        failed_by_path[call.path] = failed_by_path.get(call.path, 0) + 1
    assert failed_by_path == dict.fromkeys(paths, 2)
    logs = fresh(lambda: list(ReminderLog.objects.filter(recipient__startswith="webhook:")))
    assert len(logs) == STACK_UNITS
    assert {(log.status, log.error) for log in logs} == {("sent", "")}
    assert min(log.attempts for log in logs) == 3
