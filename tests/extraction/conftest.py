"""Fixtures for the extraction tests; nothing here needs Django."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, IN_CI

GOLDEN = Path(__file__).resolve().parent / "golden"
# Every corpus document has a golden file: the three plans and the 24 work reports.
GOLDEN_DOCUMENTS = {
    "lincang": "lincang-2023-county-development-plan.txt",
    "shashi": "shashi-14th-fyp-task-division.txt",
    "tongliao": "tongliao-2023-annual-plan.txt",
    **{f"report-{n:02d}": f"reports/{n:02d}.txt" for n in range(24)},
}


def corpus_path(filename: str) -> Path:
    """Path of a corpus document; skips the test when the corpus is absent, fails on CI."""
    path = CORPUS / filename
    if not path.exists():
        message = f"corpus document {path} not found (../shared/corpus is absent in this checkout)"
        if IN_CI:
            pytest.fail(message + "; CI must have it")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def corpus_documents() -> type:
    """Access to corpus documents by file name (see corpus_path)."""

    class Corpus:
        path = staticmethod(corpus_path)
        golden_dir = GOLDEN
        golden_documents = GOLDEN_DOCUMENTS

        @staticmethod
        def text(filename: str) -> str:
            from extraction import read_document

            return read_document(corpus_path(filename))

    return Corpus
