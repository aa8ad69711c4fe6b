"""Documents written for these tests, one per layout and input quirk, against hand-checked output.

Each `documents/NAME.txt` has a `NAME.expected.json` written by reading the document, not by
running the extractor.  A target is written as
[indicator keyword, value, value_high, unit, comparator, kind, direction] plus the scope for a
per-place target: the extracted indicator must contain the keyword, everything else must be equal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from extraction import extract, read_document
from tests.extraction.samples import DOCUMENTS

NAMES = sorted(p.name.removesuffix(".expected.json") for p in DOCUMENTS.glob("*.expected.json"))


def expected_of(name: str) -> dict[str, Any]:
    return json.loads((DOCUMENTS / f"{name}.expected.json").read_text(encoding="utf-8"))


def target_row(target: dict[str, Any], keyword: str) -> list[Any]:
    indicator = target["indicator"] if keyword not in target["indicator"] else keyword
    row = [
        indicator,
        target["value"],
        target["value_high"],
        target["unit"],
        target["comparator"],
        target["kind"],
        target["direction"],
    ]
    return [*row, target["scope"]] if target["scope"] is not None else row


def target_rows(targets: list[dict[str, Any]], wanted: list[list[Any]]) -> list[list[Any]]:
    keywords = [row[0] for row in wanted] + [""] * len(targets)
    return [target_row(t, k) for t, k in zip(targets, keywords, strict=False)]


def check_document(result: dict[str, Any], expected: dict[str, Any]) -> None:
    for key in ("title", "issuer", "date", "year", "script", "escalation_days"):
        assert result[key] == expected[key], key
    assert target_rows(result["targets"], expected["targets"]) == expected["targets"]
    rules = sorted([r["frequency"], r["month_of_quarter"], r["day"]] for r in result["reporting"])
    assert rules == sorted(expected["reporting"], key=lambda r: (r[0], r[1] or 0, r[2] or 0))
    got = result["assignments"]
    assert [a["ref"] for a in got] == [a["ref"] for a in expected["assignments"]]
    for item, want in zip(got, expected["assignments"], strict=True):
        for key in ("title", "lead_units", "responsible_units", "deadline"):
            assert item[key] == want[key], (want["ref"], key)
        assert target_rows(item["targets"], want["targets"]) == want["targets"], want["ref"]


@pytest.mark.parametrize("name", NAMES)
def test_document(name: str) -> None:
    check_document(extract(read_document(DOCUMENTS / f"{name}.txt")), expected_of(name))
