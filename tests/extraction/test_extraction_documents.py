"""Documents written for these tests, one per layout and input quirk, against hand-checked output.

Each `documents/NAME.txt` has a `NAME.expected.json` written by reading the document, not by
running the extractor.  A target is written as
[indicator keyword, value, value_high, unit, comparator, kind, direction] plus the scope for a
per-place target: the extracted indicator must contain the keyword, everything else must be equal.
A reporting rule is [frequency, month_of_quarter, day], or the eight values
[frequency, after_period, month_of_period, month_of_quarter, day, working_days, calendar_days,
from_period].

Optional keys, checked where a document's expectation states them: per assignment `leaders`,
`reasons` (the exact reason codes), `uncertain_units` ([name, role, reason] rows),
`target_quarters` and `target_measures` (one per target, in order); at the top `fragments` (the
texts of the cut-off fragments), `target_quarters` and `target_measures` for the headline targets.
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


_RULE_KEYS = (
    "frequency",
    "after_period",
    "month_of_period",
    "month_of_quarter",
    "day",
    "working_days",
    "calendar_days",
    "from_period",
)


def _rule_row(rule: dict[str, Any], width: int) -> list[Any]:
    if width == 3:
        return [rule["frequency"], rule["month_of_quarter"], rule["day"]]
    return [rule[key] for key in _RULE_KEYS]


def _check_target_extras(found: list[dict[str, Any]], want: dict[str, Any], where: str) -> None:
    if "target_quarters" in want:
        assert [t["quarter"] for t in found] == want["target_quarters"], where
    if "target_measures" in want:
        assert [t["measure"] for t in found] == want["target_measures"], where


def check_document(result: dict[str, Any], expected: dict[str, Any]) -> None:
    for key in ("title", "issuer", "date", "year", "script", "escalation_days"):
        assert result[key] == expected[key], key
    assert target_rows(result["targets"], expected["targets"]) == expected["targets"]
    _check_target_extras(result["targets"], expected, "headline")
    width = len(expected["reporting"][0]) if expected["reporting"] else 3
    rules = [_rule_row(r, width) for r in result["reporting"]]
    assert sorted(rules, key=str) == sorted(expected["reporting"], key=str)
    if "fragments" in expected:
        assert [f["text"] for f in result["fragments"]] == expected["fragments"]
    got = result["assignments"]
    assert [a["ref"] for a in got] == [a["ref"] for a in expected["assignments"]]
    for item, want in zip(got, expected["assignments"], strict=True):
        for key in ("title", "lead_units", "responsible_units", "deadline"):
            assert item[key] == want[key], (want["ref"], key)
        for key in ("leaders", "reasons"):
            if key in want:
                assert item[key] == want[key], (want["ref"], key)
        if "uncertain_units" in want:
            rows = [[u["name"], u["role"], u["reason"]] for u in item["uncertain_units"]]
            assert rows == want["uncertain_units"], want["ref"]
        assert target_rows(item["targets"], want["targets"]) == want["targets"], want["ref"]
        _check_target_extras(item["targets"], want, want["ref"])


@pytest.mark.parametrize("name", NAMES)
def test_document(name: str) -> None:
    check_document(extract(read_document(DOCUMENTS / f"{name}.txt")), expected_of(name))
