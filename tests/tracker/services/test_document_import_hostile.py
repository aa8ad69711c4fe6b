"""Hostile files on the import path: encrypted PDFs, and files that would cost minutes of CPU.

The files are built here (pypdf writes the encrypted ones); the page must explain every refusal
in Chinese, never fail with a 500.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.extraction.pdfmaker import drawing_bomb_pdf, encrypted_pdf
from tests.extraction.samples import PDF_PAGES
from tracker.models import Document
from tracker.services.document_import import DocumentRejected, document_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "RC4-128"])
def test_a_pdf_encrypted_with_an_empty_open_password_imports(algorithm):
    data = encrypted_pdf(PDF_PAGES, algorithm=algorithm)
    outcome = document_import(data=data, source_name="方案.pdf", actor=None)
    assert outcome.created
    refs = [a.lead_units_text for a in outcome.document.assignments.order_by("position")]
    assert refs == [["县发改局"], ["县人社局"]]


def test_a_pdf_that_needs_a_password_is_refused_in_chinese_and_stores_nothing():
    data = encrypted_pdf(PDF_PAGES, algorithm="AES-256", user_password="s3cret")
    with pytest.raises(DocumentRejected) as info:
        document_import(data=data, source_name="方案.pdf", actor=None)
    assert info.value.code == "encrypted"
    assert "打开密码" in info.value.message
    assert not Document.objects.exists()


def test_a_missing_aes_provider_is_a_refusal_not_a_crash(monkeypatch):
    """pypdf's DependencyError (no `cryptography`) becomes the same clear refusal."""
    from pypdf.errors import DependencyError

    def no_provider(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr("pypdf.PdfReader.decrypt", no_provider)
    with pytest.raises(DocumentRejected) as info:
        document_import(
            data=encrypted_pdf(PDF_PAGES, algorithm="AES-128"), source_name="方案.pdf", actor=None
        )
    assert info.value.code == "encrypted"
    assert "密码" in info.value.message


def test_a_drawing_bomb_is_refused_within_the_import_budget(settings):
    """15 pages sharing one huge drawing stream: minutes of parsing without a budget."""
    settings.TRACKER_IMPORT_CPU_SECONDS = 2
    started = time.monotonic()
    with pytest.raises(DocumentRejected) as info:
        document_import(data=drawing_bomb_pdf(), source_name="绘图.pdf", actor=None)
    assert info.value.code == "budget"
    assert "时间或内存限制" in info.value.message
    # 2 CPU seconds (14 s of wall clock at most, for a child starved of CPU), not minutes.
    assert time.monotonic() - started < 25
    assert not Document.objects.exists()


def test_extraction_that_runs_out_of_its_budget_is_refused(settings, monkeypatch):
    """The extraction step has the same budget as the reading step."""
    settings.TRACKER_IMPORT_CPU_SECONDS = 1

    def endless(text):
        while True:
            pass

    monkeypatch.setattr("tracker.services.document_import.extraction.extract", endless)
    with pytest.raises(DocumentRejected) as info:
        document_import(data="1.新增就业1000人。".encode(), source_name="a.txt", actor=None)
    assert info.value.code == "budget"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (encrypted_pdf(PDF_PAGES, algorithm="AES-128", user_password="x"), "打开密码"),
        (drawing_bomb_pdf(), "时间或内存限制"),
    ],
)
def test_the_import_page_explains_a_hostile_pdf(client, supervisor, settings, data, message):
    settings.TRACKER_IMPORT_CPU_SECONDS = 2
    client.force_login(supervisor)
    response = client.post(
        reverse("document-import"), {"file": SimpleUploadedFile("方案.pdf", data)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
