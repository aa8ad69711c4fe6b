"""The reviewed output for every corpus document (see update_golden.py to change it)."""

from __future__ import annotations

import json

import pytest

from extraction import extract
from tests.extraction.conftest import GOLDEN_DOCUMENTS

NAMES = list(GOLDEN_DOCUMENTS)
# The task-division documents, where every assignment names its units.
WITH_UNITS = ["lincang", "shashi"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", NAMES)
def test_golden(corpus_documents, name: str) -> None:
    text = corpus_documents.text(corpus_documents.golden_documents[name])
    expected = json.loads(
        (corpus_documents.golden_dir / f"{name}.json").read_text(encoding="utf-8")
    )
    actual = json.loads(json.dumps(extract(text), ensure_ascii=False))
    assert actual.keys() == expected.keys()
    for key in expected:
        if key != "assignments":
            assert actual[key] == expected[key], key
    assert [a["ref"] for a in actual["assignments"]] == [a["ref"] for a in expected["assignments"]]
    for got, want in zip(actual["assignments"], expected["assignments"], strict=True):
        assert got == want, want["ref"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", WITH_UNITS)
def test_golden_spans_point_into_the_document(corpus_documents, name: str) -> None:
    text = corpus_documents.text(corpus_documents.golden_documents[name])
    for item in extract(text)["assignments"]:
        start, end = item["span"]
        piece = text[start:end]
        assert piece.startswith(item["number"] + ".")
        assert item["title"] in piece
        assert "单位" in piece
