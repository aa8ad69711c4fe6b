"""Evidence files: judged by content, limited in size, stored under generated names, and only
while the report can still change."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.test import override_settings

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import AuditEvent, Evidence, ProgressReport
from tracker.services.evidence import (
    EvidenceRefused,
    evidence_attach,
    evidence_remove,
    sniff,
)
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def draft(units, reporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = make_document()
    task = make_assignment(document, title="重点项目开工")
    target = make_target(task, value="10")
    responsibility = make_responsibility(task, units["fgw"])
    period = make_periods(document)[0]
    return report_save(
        responsibility=responsibility,
        period=period,
        actor=reporter,
        report_input=ReportInput(values={target.pk: TargetInput(actual=Decimal(2))}),
        expected_version=None,
        submit=False,
    )


def test_sniff_tells_formats_by_content():
    assert sniff(PDF).extensions == (".pdf",)
    assert sniff(PNG).extensions == (".png",)
    assert sniff(docx_bytes()).extensions == (".docx",)
    assert sniff("进展情况说明".encode()).extensions == (".txt",)
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None  # a Windows executable
    assert sniff(b"<html><script>alert(1)</script></html>") is None
    assert sniff(b"PK\x03\x04 not really a zip") is None


def test_a_pdf_is_stored_under_a_generated_name(draft, reporter, tmp_path):
    evidence = evidence_attach(
        report=draft, actor=reporter, filename="../../项目清单.pdf", data=PDF
    )
    assert evidence.original_name == "项目清单.pdf"
    assert evidence.content_type == "application/pdf"
    assert "项目清单" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    assert (tmp_path / evidence.file.name).read_bytes() == PDF
    assert AuditEvent.objects.filter(action="evidence.attach").exists()


def test_a_disguised_file_is_refused_and_nothing_is_stored(draft, reporter, tmp_path):
    with pytest.raises(EvidenceRefused, match="与扩展名"):
        evidence_attach(report=draft, actor=reporter, filename="照片.jpg", data=PDF)
    with pytest.raises(EvidenceRefused, match="不支持"):
        evidence_attach(report=draft, actor=reporter, filename="报告.pdf", data=b"MZ\x90\x00" * 10)
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@override_settings(TRACKER_EVIDENCE_MAX_BYTES=1024)
def test_an_oversized_file_is_refused(draft, reporter):
    with pytest.raises(EvidenceRefused, match="文件过大"):
        evidence_attach(report=draft, actor=reporter, filename="a.pdf", data=PDF + b"0" * 2048)
    assert not Evidence.objects.exists()


def test_the_same_file_twice_is_refused(draft, reporter):
    evidence_attach(report=draft, actor=reporter, filename="a.docx", data=docx_bytes())
    with pytest.raises(EvidenceRefused, match="已上传"):
        evidence_attach(report=draft, actor=reporter, filename="b.docx", data=docx_bytes())


def test_another_unit_cannot_attach(draft, outsider):
    with pytest.raises(EvidenceRefused, match="本单位"):
        evidence_attach(report=draft, actor=outsider, filename="a.pdf", data=PDF)


def test_no_attachments_once_submitted(draft, reporter):
    ProgressReport.objects.filter(pk=draft.pk).update(
        status="submitted", submitted_at=draft.created_at
    )
    draft.refresh_from_db()
    with pytest.raises(EvidenceRefused, match="已报送"):
        evidence_attach(report=draft, actor=reporter, filename="a.pdf", data=PDF)


def test_removal_deletes_the_file_after_commit(
    draft, reporter, tmp_path, django_capture_on_commit_callbacks
):
    evidence = evidence_attach(report=draft, actor=reporter, filename="a.png", data=PNG)
    path = tmp_path / evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=evidence, actor=reporter)
    assert not path.exists()
    assert not Evidence.objects.exists()


@override_settings(TRACKER_EVIDENCE_MAX_FILES=2)
def test_a_report_holds_at_most_the_configured_number_of_files(draft, reporter, tmp_path):
    evidence_attach(report=draft, actor=reporter, filename="a.pdf", data=PDF)
    evidence_attach(report=draft, actor=reporter, filename="b.png", data=PNG)
    with pytest.raises(EvidenceRefused, match="最多上传 2 个"):
        evidence_attach(report=draft, actor=reporter, filename="c.docx", data=docx_bytes())
    assert Evidence.objects.count() == 2
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 2


@override_settings(TRACKER_EVIDENCE_MAX_TOTAL_BYTES=2048)
def test_a_reports_files_together_stay_under_the_total_size(draft, reporter):
    first = PDF + b"%" * 1200
    evidence_attach(report=draft, actor=reporter, filename="a.pdf", data=first)
    with pytest.raises(EvidenceRefused, match="合计不超过 2 KB"):
        evidence_attach(report=draft, actor=reporter, filename="b.pdf", data=PDF + b"%" * 1000)
    # What still fits is accepted.
    evidence_attach(report=draft, actor=reporter, filename="c.png", data=PNG)
    assert Evidence.objects.count() == 2
