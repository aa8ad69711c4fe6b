"""Export jobs (services/export_jobs.py): one job per pending request, built once by whichever
worker claims it, as the person who asked; failures recorded on the job; old files pruned."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.samples import NOW, reported_quarter
from tracker.models import ExportJob, User
from tracker.quarter_sheets import SHEET
from tracker.services import export_jobs
from tracker.services.export_jobs import (
    ExportRefused,
    export_jobs_prune,
    export_request,
    export_run,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def quarter():
    return reported_quarter(units=4, tasks=5)


def _ask(user, period, fmt="xlsx", language="zh-hans") -> ExportJob:
    return export_request(
        actor=user,
        kind=ExportJob.Kind.ANALYSIS,
        params={"period": period.pk, "format": fmt},
        language=language,
    )


def test_asking_again_while_the_job_waits_gives_the_same_job(supervisor, quarter):
    _document, q2 = quarter
    first = _ask(supervisor, q2)
    assert first.status == ExportJob.Status.QUEUED and first.progress == 0
    assert _ask(supervisor, q2).pk == first.pk
    # Another format, or another person, is another file.
    assert _ask(supervisor, q2, "docx").pk != first.pk
    other = User.objects.create_user("another-supervisor", role=User.Role.SUPERVISOR)
    assert _ask(other, q2).pk != first.pk
    assert ExportJob.objects.count() == 3


def test_an_unknown_kind_is_refused(supervisor):
    with pytest.raises(ExportRefused):
        export_request(actor=supervisor, kind="payroll", params={}, language="zh-hans")
    assert not ExportJob.objects.exists()


def test_running_the_job_builds_the_file_once_with_the_figures(supervisor, quarter):
    document, q2 = quarter
    job = _ask(supervisor, q2)
    assert export_run(job_id=str(job.pk)) is True
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    assert job.filename == f"{document.title}-2026年二季度分析.xlsx"
    assert job.content_type.endswith("spreadsheetml.sheet")
    assert job.started_at is not None and job.finished_at is not None
    assert job.cpu_seconds is not None and job.cpu_seconds >= 0
    assert job.peak_memory_kb and job.peak_memory_kb > 1000
    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    overview = {r[0]: r[1] for r in workbook["概况"].iter_rows(min_row=3, values_only=True)}
    assert overview["已报送"] == "8（报送率 80.0%）"
    # A redelivered task leaves the finished job alone; asking again makes a new file.
    assert export_run(job_id=str(job.pk)) is False
    assert _ask(supervisor, q2).pk != job.pk


def test_a_job_another_worker_is_building_is_left_alone_until_it_stalls(
    supervisor, quarter, settings
):
    _document, q2 = quarter
    job = _ask(supervisor, q2)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    )
    assert export_run(job_id=str(job.pk)) is False
    assert _ask(supervisor, q2).pk == job.pk  # still pending
    # Its worker died: after twice the hard time limit the job is anyone's again.
    stalled = timezone.now() - timedelta(seconds=settings.TRACKER_EXPORT_TIME_LIMIT * 2 + 1)
    ExportJob.objects.filter(pk=job.pk).update(started_at=stalled)
    assert _ask(supervisor, q2).pk != job.pk
    assert export_run(job_id=str(job.pk)) is True
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE


def test_a_failing_builder_is_recorded_on_the_job(supervisor, quarter, monkeypatch):
    _document, q2 = quarter
    job = _ask(supervisor, q2)

    def broken(job, step):
        step("汇总数据", 10)
        raise MemoryError

    monkeypatch.setitem(export_jobs.BUILDERS, ExportJob.Kind.ANALYSIS, broken)
    with pytest.raises(MemoryError):
        export_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "MemoryError" in job.error
    assert not job.file
    # A failed job is not pending: asking again queues a fresh one.
    assert _ask(supervisor, q2).pk != job.pk


def test_the_file_holds_what_the_requester_may_read(quarter):
    """Built as the person who asked: a reporter's request (were one made) would count only
    what the reporter's unit sees, not the whole quarter."""
    document, q2 = quarter
    reporter = User.objects.get(username=f"u0-{document.pk}")
    job = _ask(reporter, q2)
    export_run(job_id=str(job.pk))
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    overview = {r[0]: r[1] for r in workbook["概况"].iter_rows(min_row=3, values_only=True)}
    assert overview["应报送事项"] != "10"


def test_prune_deletes_old_jobs_and_their_files(supervisor, quarter, settings):
    _document, q2 = quarter
    old = _ask(supervisor, q2)
    export_run(job_id=str(old.pk))
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    later = timezone.now() + settings.TRACKER_EXPORT_RETENTION + timedelta(hours=1)
    fresh = _ask(supervisor, q2, "docx")
    ExportJob.objects.filter(pk=fresh.pk).update(created_at=later - timedelta(hours=2))
    assert export_jobs_prune(now=later) == 1
    assert not storage.exists(name)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_requesters_language_is_part_of_the_request(supervisor, quarter):
    """The same file asked for from an English page and a Chinese one: two files."""
    _document, q2 = quarter
    chinese, english = _ask(supervisor, q2), _ask(supervisor, q2, language="en")
    assert chinese.params["language"] == "zh-hans" and english.params["language"] == "en"
    assert chinese.pk != english.pk
    assert _ask(supervisor, q2, language="en").pk == english.pk
    with pytest.raises(ExportRefused):
        _ask(supervisor, q2, language="fr")


def test_the_worker_builds_in_the_requesters_language(supervisor, quarter):
    _document, q2 = quarter
    jobs = {
        language: export_request(
            actor=supervisor,
            kind=ExportJob.Kind.QUARTER_SHEET,
            params={"period": q2.pk, "unit": None},
            language=language,
        )
        for language in ("en", "zh-hans")
    }
    for job in jobs.values():
        assert export_run(job_id=str(job.pk)) is True
        job.refresh_from_db()
    assert jobs["en"].filename == "Q2 2026-All units-quarter sheet.xlsx"
    assert jobs["en"].stage == "Done"
    assert jobs["zh-hans"].filename == "2026年二季度-全部单位-季度填报表.xlsx"
    assert jobs["zh-hans"].stage == "已完成"
    # The worker's own language is left as it was.
    assert translation.get_language() == "zh-hans"


def test_a_quarter_sheet_job_holds_what_the_requester_may_read(quarter):
    """A reporter's job: their unit's rows only, as on the page."""
    document, q2 = quarter
    reporter = User.objects.get(username=f"u0-{document.pk}")
    job = export_request(
        actor=reporter,
        kind=ExportJob.Kind.QUARTER_SHEET,
        params={"period": q2.pk, "unit": reporter.unit_id},
        language="zh-hans",
    )
    export_run(job_id=str(job.pk))
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        rows = list(load_workbook(handle)[SHEET].iter_rows(min_row=3, values_only=True))
    assert rows and {row[2] for row in rows} == {reporter.unit.name}
