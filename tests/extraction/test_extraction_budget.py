"""Hostile files: encrypted PDFs, and decoding or extraction under a CPU-time and memory budget."""

from __future__ import annotations

import resource
import time

import pytest

from extraction import (
    DecodeError,
    decode_document,
    decode_document_limited,
    extract,
    extract_limited,
)
from extraction.budget import run_limited
from tests.extraction.pdfmaker import drawing_bomb_pdf, encrypted_pdf, text_pdf
from tests.extraction.samples import PDF_PAGES


def _refusal(data: bytes, filename: str) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode_document(data, filename)
    return info.value


@pytest.mark.parametrize("algorithm", ["RC4-40", "RC4-128", "AES-128", "AES-256"])
def test_pdf_with_an_empty_open_password_is_read(algorithm: str) -> None:
    """The usual government PDF: copying restricted, opening free."""
    plain = decode_document(text_pdf(PDF_PAGES), "方案.pdf")
    assert decode_document(encrypted_pdf(PDF_PAGES, algorithm=algorithm), "方案.pdf") == plain


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_that_needs_a_password_is_refused_as_encrypted(algorithm: str) -> None:
    data = encrypted_pdf(PDF_PAGES, algorithm=algorithm, user_password="s3cret")
    refusal = _refusal(data, "方案.pdf")
    assert refusal.code == "encrypted"
    assert "密码" in refusal.message


def test_pdf_without_the_aes_provider_is_refused_as_encrypted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Were `cryptography` missing, pypdf's DependencyError must not escape as a crash."""
    from pypdf.errors import DependencyError

    def no_provider(self: object, password: str) -> object:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr("pypdf.PdfReader.decrypt", no_provider)
    data = encrypted_pdf(PDF_PAGES, algorithm="AES-128")
    assert _refusal(data, "方案.pdf").code == "encrypted"


def test_decode_error_keeps_its_code_when_copied() -> None:
    """Copies (and pickles, which share __reduce__) keep both arguments."""
    import copy

    again = copy.deepcopy(DecodeError("budget", "超出限制"))
    assert (again.code, again.message) == ("budget", "超出限制")


def test_limited_decoding_gives_what_decoding_gives() -> None:
    data = encrypted_pdf(PDF_PAGES, algorithm="AES-256")
    limited = decode_document_limited(data, "方案.pdf", cpu_seconds=30, memory_bytes=1 << 30)
    assert limited == decode_document(data, "方案.pdf")


def test_limited_decoding_passes_refusals_on_with_their_code() -> None:
    with pytest.raises(DecodeError) as info:
        decode_document_limited(
            encrypted_pdf(PDF_PAGES, algorithm="AES-128", user_password="x"), "方案.pdf"
        )
    assert info.value.code == "encrypted"
    with pytest.raises(DecodeError) as info:
        decode_document_limited(b"   \n", "空.txt")
    assert info.value.code == "empty"


def test_drawing_bomb_is_refused_within_the_cpu_budget() -> None:
    """15 pages sharing one huge drawing stream: minutes of parsing, refused after 2 CPU s."""
    data = drawing_bomb_pdf()
    assert len(data) < 50_000
    # The child's own CPU time, not the wall clock: on a loaded machine two CPU seconds can take
    # far longer than two seconds of wall time, and the wall-clock deadline (2 × 2 + 10 s) is the
    # backstop for that. What matters is that the child stopped near its budget, not minutes on.
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with pytest.raises(DecodeError) as info:
        decode_document_limited(data, "绘图.pdf", cpu_seconds=2, memory_bytes=1 << 30)
    elapsed = time.monotonic() - started
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    assert info.value.code == "budget"
    assert "限制" in info.value.message
    assert child_cpu < 4, child_cpu
    assert elapsed < 2 * 2 + 10 + 5, elapsed


def test_memory_beyond_the_budget_is_refused() -> None:
    def greedy() -> str:
        blocks = [bytearray(50 << 20) for _ in range(40)]  # 2 GB
        return str(len(blocks))

    with pytest.raises(DecodeError) as info:
        run_limited(greedy, cpu_seconds=20, memory_bytes=200 << 20)
    assert info.value.code == "budget"


def test_a_child_that_waits_is_stopped_at_the_wall_clock_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(DecodeError) as info:
        run_limited(lambda: time.sleep(30), cpu_seconds=1, wall_seconds=1)
    assert info.value.code == "budget"
    assert time.monotonic() - started < 5


def test_an_unexpected_failure_in_the_child_is_not_a_budget_refusal() -> None:
    def broken() -> str:
        raise KeyError("bug")

    with pytest.raises(RuntimeError, match="KeyError"):
        run_limited(broken, cpu_seconds=5)


def test_limited_extraction_gives_what_extraction_gives() -> None:
    text = "\n".join(line for page in PDF_PAGES for line in page)
    assert extract_limited(text, cpu_seconds=60, memory_bytes=1 << 30) == extract(text)
