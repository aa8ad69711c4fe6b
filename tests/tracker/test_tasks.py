"""The Celery entry points. A real worker process takes a real task from a real broker and writes
to the database: two brokers, kombu's filesystem transport with SQLite (the embedded default, runs
everywhere) and Redis with PostgreSQL (the production stack; the `services` group, required in
CI). The calendar's tasks queue their digests after commit; the beat runs a few sweeps.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection

from tests.factories import make_assignment, make_document
from tests.samples import NOW, at, calendar_world, reported_quarter
from tests.workers import celery_worker, database_url
from tracker.models import Document, ReminderDigest, Responsibility, Unit, UnitAlias
from tracker.services.reminders.sweep import reminders_sweep
from tracker.tasks import document_publish


def celery_worker_for(queue: str):
    """A worker for the test's own queue, on whatever database and broker this run uses."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="test",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,
    )
    return celery_worker(env)


def _draft_with_units():
    fgw = Unit.objects.create(name="云江市发展和改革委员会")
    UnitAlias.objects.create(alias="市发展改革委", unit=fgw)
    document = make_document(published=False)
    task = make_assignment(document, title="地区生产总值增长6%左右")
    task.lead_units_text = ["市发展改革委"]
    task.responsible_units_text = ["市数据局"]
    task.save()
    return document


def _publish_through_worker(document: Document) -> None:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with celery_worker_for(queue) as worker:
        document_publish.apply_async(args=[document.pk, None], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            document.refresh_from_db()
            if document.status == Document.Status.PUBLISHED:
                break
            assert worker.poll() is None, "the worker exited early"
            time.sleep(0.5)
    assert document.status == Document.Status.PUBLISHED
    roles = dict(
        Responsibility.objects.filter(assignment__document=document).values_list(
            "unit__name", "role"
        )
    )
    assert roles == {"云江市发展和改革委员会": "lead", "市数据局": "co"}
    assert Unit.objects.get(name="市数据局").needs_review


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_publishes_through_the_filesystem_broker():
    if not settings.CELERY_BROKER_URL.startswith("filesystem://") or connection.vendor != "sqlite":
        pytest.skip("the embedded stack: filesystem broker and SQLite")
    _publish_through_worker(_draft_with_units())


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_publishes_through_redis_into_postgresql():
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    _publish_through_worker(_draft_with_units())


# --- the calendar's tasks ------------------------------------------------------------------------


@pytest.fixture
def world(units, reporter, outsider):
    return calendar_world(units, reporter, outsider)


@pytest.mark.django_db
def test_the_tasks_queue_after_commit_and_send(world, settings, django_capture_on_commit_callbacks):
    from tracker.celery import app
    from tracker.tasks import reminder_digest_send
    from tracker.tasks import reminders_sweep as sweep_task

    app.conf.task_always_eager = True
    try:
        with time_machine.travel(at(6, 18), tick=False):
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                assert sweep_task() == 2
            assert mail.outbox == []  # nothing leaves before the claim commits
            for callback in callbacks:
                callback()
        assert len(mail.outbox) == 2
        settings.EMAIL_BACKEND = "tests.samples.FailingBackend"
        with time_machine.travel(at(6, 26), tick=False):
            result = reminders_sweep(now=at(6, 26))
            # Eagerly, a retry runs at once; the service refuses it until the backoff is over.
            assert reminder_digest_send.delay(result.digest_ids[0]).get() is False
        digest = ReminderDigest.objects.get(pk=result.digest_ids[0])
        assert (digest.status, digest.attempts) == ("retrying", 1)
    finally:
        app.conf.task_always_eager = False


def test_celery_configuration_for_the_calendar(settings):
    from tracker.celery import app
    from tracker.tasks import reminder_digest_send
    from tracker.tasks import reminders_sweep as sweep_task

    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert tasks == {
        "tracker.tasks.reminders_sweep",
        "tracker.tasks.broker_processed_prune",
        "tracker.tasks.export_jobs_prune",
        "tracker.tasks.summary_changes_prune",
        "tracker.tasks.worker_heartbeat",
    }
    assert len(schedule) == 6
    assert settings.CELERY_TASK_SERIALIZER == "json" and settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert sweep_task.acks_late and reminder_digest_send.acks_late
    annotations = app.conf.task_annotations
    limit = annotations["tracker.tasks.reminder_digest_send"]["time_limit"]
    assert limit < settings.TRACKER_REMINDER_RECLAIM_SECONDS


# --- export jobs ---------------------------------------------------------------------------------


def _export_through_worker(monkeypatch, *, kind: str, params, language: str = "zh-hans"):
    """A supervisor asks for a file (params: the quarter's period → the job's parameters); a
    real worker takes the job from the broker, builds the file into the shared media folder,
    and the job records its cost. The finished job."""
    from tracker.celery import app
    from tracker.models import ExportJob, User
    from tracker.services.export_jobs import export_request

    _document, q2 = reported_quarter(units=3, tasks=4)
    supervisor = User.objects.create_user("export-sup", role=User.Role.SUPERVISOR)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(
        "tracker.services.export_jobs.queue",
        lambda name, *args: app.tasks[name].apply_async(args=list(args), queue=queue),
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="test",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        TRACKER_MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    with celery_worker(env) as worker:
        job = export_request(actor=supervisor, kind=kind, params=params(q2), language=language)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            assert worker.poll() is None, "the worker exited early"
            time.sleep(0.3)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.cpu_seconds is not None and job.peak_memory_kb
    with job.file.open("rb") as handle:
        assert handle.read(2) == b"PK"
    return job


def _analysis_through_worker(monkeypatch) -> None:
    job = _export_through_worker(
        monkeypatch, kind="analysis", params=lambda q2: {"period": q2.pk, "format": "docx"}
    )
    assert job.filename.endswith("2026年二季度分析.docx")


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_builds_an_export(monkeypatch):
    if not settings.CELERY_BROKER_URL.startswith("filesystem://") or connection.vendor != "sqlite":
        pytest.skip("the embedded stack: filesystem broker and SQLite")
    with time_machine.travel(NOW, tick=True):
        _analysis_through_worker(monkeypatch)


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_builds_every_units_quarter_sheet_in_the_requesters_language(monkeypatch):
    """The every-unit sheet asked for from an English page: the worker (another process, whose
    own default is Chinese) builds the file and names it in English."""
    if not settings.CELERY_BROKER_URL.startswith("filesystem://") or connection.vendor != "sqlite":
        pytest.skip("the embedded stack: filesystem broker and SQLite")
    from openpyxl import load_workbook

    from tracker.l10n import english
    from tracker.quarter_sheets import SHEET

    with time_machine.travel(NOW, tick=True):
        job = _export_through_worker(
            monkeypatch,
            kind="quarter_sheet",
            params=lambda q2: {"period": q2.pk, "unit": None},
            language="en",
        )
    assert job.params["language"] == "en"
    assert job.filename == "Q2 2026-All units-quarter sheet.xlsx"
    assert job.stage == "Done"
    with job.file.open("rb") as handle:
        rows = list(load_workbook(handle)[english(SHEET)].iter_rows(min_row=3, values_only=True))
    assert len({row[2] for row in rows}) == 3  # every unit's rows: three units


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_builds_an_export_through_redis_into_postgresql(monkeypatch):
    assert connection.vendor == "postgresql"
    with time_machine.travel(NOW, tick=True):
        _analysis_through_worker(monkeypatch)
