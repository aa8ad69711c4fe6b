"""Export jobs: a person asks for a file, the worker builds it, the page shows how far it got
and then offers the download (DESIGN §8: a province's analysis is far too large to build inside
a web request, and a web worker held for half a minute serves nobody else meanwhile).

Asking twice for the same file while the first request is still waiting or running gives the
same job, so a double click or a reload queues nothing more. The builder runs as the person who
asked, so the file holds exactly what they could read on the page, and in the language they
read it in (the job records it; the worker builds under it).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracker.celery import queue
from tracker.exports import bulletin_docx, bulletin_filename, bulletin_xlsx
from tracker.models import AnalysisBulletin, ExportJob, ReportingPeriod, User
from tracker.periods import local_today
from tracker.quarter_sheets import write_sheet
from tracker.selectors.bulletin import bulletin_content
from tracker.selectors.quarter_sheets import sheet_items, sheet_rows
from tracker.services.errors import Refused

EXPORT_TASK = "tracker.tasks.export_run"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ANALYSIS_FORMATS: dict[str, tuple[Callable[[dict[str, Any]], bytes], str]] = {
    "xlsx": (bulletin_xlsx, XLSX),
    "docx": (bulletin_docx, DOCX),
}


class ExportRefused(Refused):
    pass


@dataclass(frozen=True)
class Built:
    data: bytes
    filename: str
    content_type: str


# A builder reports its stage and share done through `step` and returns the file.
Step = Callable[[str, int], None]
Builder = Callable[[ExportJob, Step], Built]


def _analysis(job: ExportJob, step: Step) -> Built:
    period = ReportingPeriod.objects.select_related("document").get(pk=job.params["period"])
    fmt = job.params["format"]
    render_file, content_type = ANALYSIS_FORMATS[fmt]
    step(_("汇总数据"), 10)
    bulletin = AnalysisBulletin.objects.filter(period=period).first()
    if bulletin is not None:
        # Published: the frozen figures, so what is printed and what is archived agree.
        content: dict[str, Any] = bulletin.content
    else:
        # The figures as they stood when the person asked, however long the job waited.
        asked = job.created_at
        content = bulletin_content(job.requested_by, period, today=local_today(asked), now=asked)
    step(_("生成文件"), 50)
    return Built(render_file(content), bulletin_filename(content, fmt), content_type)


def quarter_sheet_build(
    user: User, period: ReportingPeriod, *, unit_id: int | None, step: Step | None = None
) -> Built | None:
    """A period's quarter sheet (季度填报表) as `user` may read it: one unit's rows, or with
    `unit_id` None every unit's; None when it would have no row. Shared by the job and the
    page's direct download of a single unit's sheet."""
    items = sheet_items(user, period, unit_id=unit_id)
    if not items:
        return None
    if step is not None:
        step(_("生成文件"), 50)
    who = items[0].responsibility.unit.name if unit_id is not None else _("全部单位")
    title = f"{period.document.title} · {period.label} · {who}"
    data = write_sheet(title, sheet_rows(items, period))
    filename = _("%(period)s-%(unit)s-季度填报表") % {"period": period.label, "unit": who}
    filename = f"{filename}.xlsx".replace("/", "-")
    return Built(data, filename, XLSX)


def _quarter_sheet(job: ExportJob, step: Step) -> Built:
    period = ReportingPeriod.objects.select_related("document").get(pk=job.params["period"])
    step(_("读取报告"), 10)
    built = quarter_sheet_build(job.requested_by, period, unit_id=job.params["unit"], step=step)
    if built is None:
        # Nothing the person may read any longer (their unit's tasks moved meanwhile).
        raise ExportRefused(_("该周期没有可导出的任务。"))
    return built


BUILDERS: dict[str, Builder] = {
    ExportJob.Kind.ANALYSIS: _analysis,
    ExportJob.Kind.QUARTER_SHEET: _quarter_sheet,
}


def export_request(*, actor: User, kind: str, params: dict[str, Any], language: str) -> ExportJob:
    """The job building this file for `actor` in `language` (the page's, LANGUAGE_CODE): a
    waiting or running one for the same file, else a new one, queued for the worker once it is
    committed. The caller has checked that `actor` may read what the file holds."""
    if kind not in BUILDERS:
        raise ExportRefused(_("不支持的导出类型。"))
    if language not in dict(settings.LANGUAGES):
        raise ExportRefused(_("不支持的语言。"))
    # In the parameters, so the same file asked for in another language is another job.
    params = {**params, "language": language}
    with transaction.atomic():
        # Serialises one person's requests, so two clicks cannot both miss the pending job.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        pending = (
            ExportJob.objects.filter(
                requested_by=actor,
                kind=kind,
                params=params,
                status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
            )
            .order_by("-created_at")
            .first()
        )
        if pending is not None and not _stalled(pending, timezone.now()):
            return pending
        job = ExportJob.objects.create(
            requested_by=actor, kind=kind, params=params, stage=_("排队中")
        )
        job_id = str(job.pk)
        transaction.on_commit(lambda: queue(EXPORT_TASK, job_id))
    return job


def _stale_before(now: datetime) -> datetime:
    """A job running since before this has lost its worker (the task's hard limit is half)."""
    return now - timedelta(seconds=settings.TRACKER_EXPORT_TIME_LIMIT * 2)


def _stalled(job: ExportJob, now: datetime) -> bool:
    return (
        job.status == ExportJob.Status.RUNNING
        and job.started_at is not None
        and job.started_at < _stale_before(now)
    )


def _claim(job_id: str, now: datetime) -> bool:
    """Take a queued job (or one whose worker died long ago) for this worker: one UPDATE, so a
    redelivered task never builds a job another worker is building."""
    stale = _stale_before(now)
    taken = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=now, progress=1
    ) or ExportJob.objects.filter(
        pk=job_id, status=ExportJob.Status.RUNNING, started_at__lt=stale
    ).update(started_at=now, progress=1)
    return bool(taken)


def export_run(*, job_id: str) -> bool:
    """Build one job's file; whether this call built it. Idempotent: a finished job, or one
    another worker is building, is left alone. A builder's failure is recorded on the job for
    its page, and re-raised for the worker's log."""
    if not _claim(job_id, timezone.now()):
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    # The requester's language, for the file and for the stages their page shows; jobs queued
    # before the language was recorded are built in the site's.
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _build(job)


def _build(job: ExportJob) -> bool:
    cpu = time.process_time()

    def step(stage: str, progress: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(stage=stage, progress=progress)

    try:
        built = BUILDERS[job.kind](job, step)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            stage=_("失败"),
            error=_("生成文件时出错：%(error)s") % {"error": type(exc).__name__},
            finished_at=timezone.now(),
            cpu_seconds=time.process_time() - cpu,
        )
        raise
    step(_("保存文件"), 90)
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        extension = built.filename.rsplit(".", 1)[-1]
        job.file.save(f"{job.pk}.{extension}", ContentFile(built.data), save=False)
        job.filename = built.filename
        job.content_type = built.content_type
        job.status = ExportJob.Status.DONE
        job.stage = _("已完成")
        job.progress = 100
        job.finished_at = timezone.now()
        job.cpu_seconds = time.process_time() - cpu
        # ru_maxrss is in kilobytes on Linux: the worker process's peak so far, an upper bound
        # on this job's.
        job.peak_memory_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        job.save()
    return True


def export_jobs_prune(*, now: datetime | None = None) -> int:
    """Delete finished jobs older than TRACKER_EXPORT_RETENTION and their files; return how many.
    The files are copies of what the pages show, kept only for their download."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(created_at__lt=now - settings.TRACKER_EXPORT_RETENTION)
    removed = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed
