"""Periods and due rules in words, as a Chinese document writes them."""

from __future__ import annotations

import pytest

from tracker.periods import DueRule
from tracker.schedule_text import cumulative_label, period_label, rule_text


@pytest.mark.parametrize(
    ("frequency", "number", "label", "cumulative"),
    [
        ("monthly", 3, "2026年3月", "1—3月"),
        ("monthly", 1, "2026年1月", "1月"),
        ("monthly", 12, "2026年12月", "全年"),
        ("quarterly", 2, "2026年二季度", "上半年"),
        ("quarterly", 3, "2026年三季度", "前三季度"),
        ("half-yearly", 1, "2026年上半年", "上半年"),
        ("half-yearly", 2, "2026年下半年", "全年"),
        ("yearly", 1, "2026年度", "全年"),
    ],
)
def test_a_period_by_its_name(frequency, number, label, cumulative):
    assert period_label(2026, frequency, number) == label
    assert cumulative_label(frequency, number) == cumulative


@pytest.mark.parametrize(
    ("frequency", "rule", "from_period", "text"),
    [
        ("quarterly", DueRule(month=3, day=25), None, "每季度末月25日前"),
        ("quarterly", DueRule(month=1, day=10), None, "每季度第1个月10日前"),
        ("monthly", DueRule(month=1, day=25), None, "每月25日前"),
        ("monthly", DueRule(after_period=True, month=1, day=5), None, "次月5日前报送上月"),
        (
            "quarterly",
            DueRule(after_period=True, month=1, day=20),
            2,
            "从第二季度起，每季度结束后次月20日前报送上季度",
        ),
        ("quarterly", DueRule(after_period=True, working_days=5), None, "每季度结束后5个工作日内"),
        ("monthly", DueRule(after_period=True, calendar_days=10), 3, "从3月起，每月结束后10日内"),
        ("half-yearly", DueRule(month=6, day=25), None, "每半年末月25日前"),
        ("yearly", DueRule(month=12, day=31), None, "每年12月31日前"),
        ("yearly", DueRule(after_period=True, month=1, day=31), None, "次年1月31日前报送上年"),
    ],
)
def test_a_rule_as_a_document_writes_it(frequency, rule, from_period, text):
    assert rule_text(frequency, rule, from_period=from_period) == text
