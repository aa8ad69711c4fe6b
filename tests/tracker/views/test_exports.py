"""The export job's pages: asking for the analysis file leads to its job page, which polls (htmx)
until the worker is done and then offers the download. A job is its requester's alone."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse

from tests.samples import NOW, reported_quarter
from tracker.models import ExportJob, User
from tracker.services.export_jobs import export_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def quarter():
    return reported_quarter(units=3, tasks=4)


def _ask(client, period, fmt="docx") -> ExportJob:
    response = client.post(reverse("analysis-export", args=[period.pk, fmt]))
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export-job", args=[job.pk])
    return job


def test_the_analysis_page_asks_by_post(client, supervisor, quarter):
    _document, q2 = quarter
    client.force_login(supervisor)
    page = client.get(reverse("analysis-detail", args=[q2.pk])).content.decode()
    assert f'action="{reverse("analysis-export", args=[q2.pk, "xlsx"])}"' in page
    assert f'action="{reverse("analysis-export", args=[q2.pk, "docx"])}"' in page


def test_the_job_page_polls_until_done_then_offers_the_download(client, supervisor, quarter):
    document, q2 = quarter
    client.force_login(supervisor)
    job = _ask(client, q2)
    # Asking again while it waits leads to the same job.
    again = client.post(reverse("analysis-export", args=[q2.pk, "docx"]))
    assert again["Location"] == reverse("export-job", args=[job.pk])
    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page and "<progress" in page
    assert reverse("export-download", args=[job.pk]) not in page
    assert client.get(reverse("export-download", args=[job.pk])).status_code == 404

    export_run(job_id=str(job.pk))
    partial = client.get(reverse("export-job", args=[job.pk]), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html and "every 1s" not in html  # the polling stops
    assert "文件已生成" in html and reverse("export-download", args=[job.pk]) in html
    response = client.get(reverse("export-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert quote(f"{document.title}-2026年二季度分析.docx") in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_a_failed_job_says_so(client, supervisor, quarter):
    _document, q2 = quarter
    client.force_login(supervisor)
    job = _ask(client, q2)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error="生成文件时出错：MemoryError"
    )
    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "文件生成失败" in page and "every 1s" not in page


def test_another_person_gets_404_for_the_job_and_its_file(client, supervisor, quarter):
    document, q2 = quarter
    client.force_login(supervisor)
    job = _ask(client, q2)
    export_run(job_id=str(job.pk))
    for other in (
        User.objects.create_user("sup2", role=User.Role.SUPERVISOR),
        User.objects.get(username=f"u0-{document.pk}"),
    ):
        client.force_login(other)
        assert client.get(reverse("export-job", args=[job.pk])).status_code == 404
        assert client.get(reverse("export-download", args=[job.pk])).status_code == 404
    client.force_login(supervisor)
    assert client.get(reverse("export-job", args=[uuid.uuid4()])).status_code == 404


def test_a_reporter_cannot_ask_for_the_analysis_file(client, quarter):
    document, q2 = quarter
    client.force_login(User.objects.get(username=f"u0-{document.pk}"))
    assert client.post(reverse("analysis-export", args=[q2.pk, "xlsx"])).status_code == 404
    assert not ExportJob.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, supervisor, quarter):
    _document, q2 = quarter
    client.force_login(supervisor)
    job = _ask(client, q2)
    client.logout()
    for name in ("export-job", "export-download"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
