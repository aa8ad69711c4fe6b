"""Export jobs' pages: the job's progress (polled by htmx while the worker builds the file) and
the file's download. A job is its requester's alone; anyone else gets 404."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tracker import access
from tracker.http import is_htmx
from tracker.models import ExportJob
from tracker.views.common import current_user


def _context(job: ExportJob) -> dict[str, object]:
    return {"job": job, "retention_days": settings.TRACKER_EXPORT_RETENTION.days}


@login_required
def export_job(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = access.export_job_for_user(current_user(request), job_id)
    template = "tracker/exports/_status.html" if is_htmx(request) else "tracker/exports/job.html"
    response = render(request, template, _context(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_download(request: HttpRequest, job_id: UUID) -> FileResponse:
    """The finished file, named in Chinese (RFC 5987) with an ASCII fallback for old clients."""
    job = access.export_job_for_user(current_user(request), job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    extension = job.filename.rsplit(".", 1)[-1]
    response = FileResponse(job.file.open("rb"), content_type=job.content_type)
    fallback = f"{job.kind}-{job.created_at:%Y%m%d-%H%M}.{extension}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(job.filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("exports/<uuid:job_id>/", export_job, name="export-job"),
    path("exports/<uuid:job_id>/download/", export_download, name="export-download"),
]
