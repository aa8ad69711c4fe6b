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
}
ASSIGNMENT_KEYS = {
    "ref",
    "number",
    "section",
    "title",
    "text",
    "lead_units",
    "responsible_units",
    "targets",
    "deadline",
    "category",
    "span",
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
}
RULE_KEYS = {"frequency", "month_of_quarter", "day", "text"}
KINDS = {"growth", "level", "share", "decrease", "count", "rank", "qualitative"}


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
        assert rule["frequency"] in ("quarterly", "monthly", "yearly")
        assert rule["month_of_quarter"] in (None, 1, 2, 3)
        assert rule["day"] is None or (isinstance(rule["day"], int) and 1 <= rule["day"] <= 31)
        assert isinstance(rule["text"], str)
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
        assert _iso_date(item["deadline"])
        assert item["category"] in (None, "预期性", "约束性")
        start, end = item["span"]
        assert isinstance(start, int) and isinstance(end, int)
        assert 0 <= start <= end <= len(prepared)
        for target in item["targets"]:
            check_target(target)
