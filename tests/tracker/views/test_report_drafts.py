"""The report form's autosave (a draft saved through the same service and stale-version check
as 保存草稿, answered in JSON) and 撤回报送; another unit is refused with 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.samples import pages_world, submit_co, work_url
from tracker.models import AuditEvent, ProgressReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def autosave_url(world, who: str = "lead") -> str:
    return reverse("report-autosave", args=[world[who].pk, world["q2"].pk])


def test_autosave_keeps_a_draft_and_answers_the_new_version(client, reporter, world):
    client.force_login(reporter)
    field = f"target-{world['target'].pk}"
    response = client.post(autosave_url(world), {field: "6.1", "narrative": "正在写的进展"})
    assert response.status_code == 200
    report = ProgressReport.objects.get(responsibility=world["lead"])
    assert response.json()["version"] == report.version == 1
    assert report.status == ProgressReport.Status.DRAFT and report.narrative == "正在写的进展"
    assert report.values.get().actual == Decimal("6.1")
    assert AuditEvent.objects.filter(action="report.autosave").count() == 1

    response = client.post(
        autosave_url(world), {field: "6.2", "narrative": "写完了", "version": report.version}
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    # The page opened again shows what was autosaved.
    page = client.get(work_url(world)).content.decode()
    assert "写完了" in page and 'value="6.2"' in page


def test_autosave_refuses_a_stale_version_and_overwrites_nothing(client, reporter, world):
    client.force_login(reporter)
    client.post(autosave_url(world), {"narrative": "第一个窗口"})  # version 1
    client.post(autosave_url(world), {"narrative": "第二个窗口", "version": 1})  # version 2
    response = client.post(autosave_url(world), {"narrative": "第一个窗口又改了", "version": 1})
    assert response.status_code == 409
    assert response.json()["stale"] is True and "已被他人修改" in response.json()["detail"]
    assert ProgressReport.objects.get().narrative == "第二个窗口"


def test_autosave_names_the_field_in_error(client, reporter, world):
    client.force_login(reporter)
    field = f"target-{world['target'].pk}"
    response = client.post(autosave_url(world), {field: "6.8x", "narrative": "进展"})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_autosave_never_submits(client, reporter, world):
    client.force_login(reporter)
    response = client.post(autosave_url(world), {"narrative": "进展", "action": "submit"})
    assert response.status_code == 200
    assert ProgressReport.objects.get().status == ProgressReport.Status.DRAFT


def test_autosave_of_another_units_report_is_404(client, world):
    client.force_login(world["stranger"])
    response = client.post(autosave_url(world), {"narrative": "不是我的"})
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_autosave_signed_out_is_refused(client, world):
    response = client.post(autosave_url(world), {"narrative": "x"})
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_the_form_page_carries_the_autosave_and_leave_warning_script(client, reporter, world):
    client.force_login(reporter)
    page = client.get(work_url(world)).content.decode()
    assert f'data-autosave-url="{autosave_url(world)}"' in page
    assert "tracker/report_form.js" in page and 'id="autosave-status"' in page


def test_withdraw_from_the_form_page(client, outsider, world):
    report = submit_co(world, outsider)
    client.force_login(outsider)
    page = client.get(work_url(world, "co")).content.decode()
    assert reverse("report-withdraw", args=[report.pk]) in page
    response = client.post(
        reverse("report-withdraw", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    page = client.get(work_url(world, "co")).content.decode()
    assert "报告已撤回为草稿" in page and 'name="action"' in page


def test_withdraw_by_the_lead_unit_or_a_stranger_is_404(client, outsider, reporter, world):
    report = submit_co(world, outsider)
    for person in (reporter, world["stranger"]):
        client.force_login(person)
        assert client.post(reverse("report-withdraw", args=[report.pk])).status_code == 404
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


def test_a_refused_evidence_upload_names_its_reason_beside_the_field(client, reporter, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(reporter)
    response = client.post(
        reverse("evidence-upload", args=[world["lead"].pk, world["q2"].pk]),
        {"file": SimpleUploadedFile("virus.exe", b"MZ...")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="evidence-error"' in body and 'hx-swap-oob="true"' in body
    assert 'role="alert"' in body
