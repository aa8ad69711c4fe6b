"""A checker for the output contract (DESIGN §7 plus the documented extra keys).

Written out by hand rather than derived from extraction.types, so that a change to the types
cannot silently change what the tests accept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

TOP_KEYS = {
    "title",
    "issuer",
    "date",
    "year",
    "script",
    "targets",
    "reporting",
    "escalation_days",
    "assignments",
    "fragments",
}
ASSIGNMENT_KEYS = {
    "ref",
    "number",
    "section",
    "title",
    "text",
    "lead_units",
    "responsible_units",
    "leaders",
    "targets",
    "deadline",
    "category",
    "span",
    "confidence",
    "reasons",
    "uncertain_units",
}
TARGET_KEYS = {
    "indicator",
    "value",
    "value_high",
    "unit",
    "comparator",
    "kind",
    "direction",
    "text",
    "scope",
    "measure",
    "quarter",
    "confidence",
    "reasons",
}
RULE_KEYS = {
    "frequency",
    "after_period",
    "month_of_period",
    "month_of_quarter",
    "day",
    "working_days",
    "calendar_days",
    "from_period",
    "text",
    "span",
}
KINDS = {"growth", "level", "share", "decrease", "count", "rank", "qualitative"}
REASONS = {
    "no_unit",
    "unit_unlike",
    "cut_off",
    "no_indicator",
    "maybe_context",
    "lead_inferred",
    "units_shared",
    "indicator_inferred",
}


def _confidence(item: dict[str, Any]) -> None:
    value = item["confidence"]
    assert isinstance(value, float) and 0.0 <= value <= 1.0, value
    assert isinstance(item["reasons"], list)
    assert set(item["reasons"]) <= REASONS, item["reasons"]
    assert len(set(item["reasons"])) == len(item["reasons"])
    # Certain exactly when there is nothing to say.
    assert (value == 1.0) == (item["reasons"] == []), (value, item["reasons"])


def _optional_int(value: Any, low: int, high: int) -> bool:
    return value is None or (isinstance(value, int) and low <= value <= high)


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _iso_date(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or len(value) != 10:
        return False
    dt.date.fromisoformat(value)
    return True


def check_target(target: dict[str, Any]) -> None:
    assert set(target) == TARGET_KEYS, set(target) ^ TARGET_KEYS
    assert isinstance(target["indicator"], str)
    for key in ("value", "value_high"):
        assert target[key] is None or (
            isinstance(target[key], float) and target[key] == target[key]  # not NaN
        ), target[key]
    if target["value_high"] is not None:
        assert target["value"] is not None
    assert isinstance(target["unit"], str)
    assert target["comparator"] in (">=", ">", "~", "<=", "<", "=")
    assert target["kind"] in KINDS
    assert target["direction"] in ("increase", "decrease")
    assert isinstance(target["text"], str)
    assert _optional_str(target["scope"])
    assert target["scope"] != ""
    assert target["measure"] in ("cumulative", "state")
    if target["kind"] in ("growth", "decrease"):
        assert target["measure"] == "state"
    assert _optional_int(target["quarter"], 1, 4)
    _confidence(target)


def check_schema(result: dict[str, Any], prepared: str) -> None:
    """`prepared` is prepare_text(input): the text spans point into."""
    assert set(result) == TOP_KEYS, set(result) ^ TOP_KEYS
    assert _optional_str(result["title"]) and _optional_str(result["issuer"])
    assert _iso_date(result["date"])
    assert result["year"] is None or (isinstance(result["year"], int) and result["year"] > 0)
    assert result["script"] in ("simplified", "traditional")
    assert result["escalation_days"] is None or (
        isinstance(result["escalation_days"], int) and result["escalation_days"] > 0
    )
    for rule in result["reporting"]:
        assert set(rule) == RULE_KEYS
        assert rule["frequency"] in ("quarterly", "monthly", "half-yearly", "yearly")
        assert isinstance(rule["after_period"], bool)
        assert _optional_int(rule["month_of_period"], 1, 12)
        if rule["frequency"] == "quarterly":
            assert rule["month_of_quarter"] == rule["month_of_period"]
            assert _optional_int(rule["month_of_quarter"], 1, 3)
        else:
            assert rule["month_of_quarter"] is None
        assert _optional_int(rule["day"], 1, 31)
        for key in ("working_days", "calendar_days"):
            assert _optional_int(rule[key], 1, 366)
        if rule["working_days"] or rule["calendar_days"]:
            assert rule["after_period"] and rule["day"] is None
        assert _optional_int(rule["from_period"], 1, 12)
        start, end = rule["span"]
        assert 0 <= start <= end <= len(prepared)
        assert prepared[start:end] == rule["text"]
    for fragment in result["fragments"]:
        assert set(fragment) == {"text", "span", "reason"}
        assert fragment["reason"] == "cut_off"
        start, end = fragment["span"]
        assert 0 <= start < end <= len(prepared)
        assert prepared[start:end] == fragment["text"]
    for target in result["targets"]:
        check_target(target)
    for item in result["assignments"]:
        assert set(item) == ASSIGNMENT_KEYS, set(item) ^ ASSIGNMENT_KEYS
        for key in ("ref", "number", "title", "text"):
            assert isinstance(item[key], str)
        assert isinstance(item["section"], list)
        assert all(isinstance(s, str) for s in item["section"])
        assert all(isinstance(u, str) and u.strip() for u in item["lead_units"])
        assert all(isinstance(u, str) and u.strip() for u in item["responsible_units"])
        assert all(isinstance(u, str) and u.strip() for u in item["leaders"])
        _confidence(item)
        for entry in item["uncertain_units"]:
            assert set(entry) == {"name", "role", "reason"}
            assert entry["role"] in ("lead", "co")
            assert entry["reason"] in REASONS
        assert _iso_date(item["deadline"])
        assert item["category"] in (None, "预期性", "约束性")
        start, end = item["span"]
        assert isinstance(start, int) and isinstance(end, int)
        assert 0 <= start <= end <= len(prepared)
        for target in item["targets"]:
            check_target(target)
