"""Figures as reporters type them, and as civil servants read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.formatting import cn_date, cn_datetime, number, percent, quarter_label, signed_points
from tracker.numbers import NumberError, parse_actual
from tracker.periods import SHANGHAI


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("4.8", "万元", "4.8"),
        ("4.8万元", "万元", "4.8"),
        ("48000元", "万元", "4.8"),
        ("3.5亿元", "万元", "35000"),
        ("１２.５％", "%", "12.5"),
        (" 12.5 % ", "%", "12.5"),
        ("1,234.5", "", "1234.5"),
        ("-0.3", "%", "-0.3"),
        ("+2", "个", "2"),
        (".5", "%", "0.5"),
    ],
)
def test_typed_figures_are_read_in_the_targets_unit(text, unit, expected):
    assert parse_actual(text, unit) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("", "%", "请填写"),
        ("abc", "%", "不是数字"),
        ("1.2.3", "%", "不是数字"),
        ("12个", "%", "单位应为“%”"),
        ("5吨", "万元", "单位不对"),
        ("五", "个", "不是数字"),
        ("1e999", "%", "不是数字"),
        ("99999999999999999", "元", "过大"),
    ],
)
def test_bad_figures_say_what_is_wrong(text, unit, message):
    with pytest.raises(NumberError, match=message):
        parse_actual(text, unit)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_any_decimal_written_plainly_round_trips(value):
    assert parse_actual(f"{value:f}", "万元") == value


@given(st.text(max_size=30))
def test_parse_never_fails_with_anything_but_number_error(text):
    try:
        parse_actual(text, "%")
    except NumberError:
        pass


def test_chinese_dates_and_figures():
    assert cn_date(date(2026, 6, 25)) == "2026年6月25日"
    # 23:30 UTC on 24 June is already 25 June in Shanghai.
    assert cn_date(datetime(2026, 6, 24, 16, 30, tzinfo=SHANGHAI).astimezone(SHANGHAI)) == (
        "2026年6月24日"
    )
    assert cn_datetime(datetime(2026, 6, 25, 9, 5, tzinfo=SHANGHAI)) == "2026年6月25日 09:05"
    assert quarter_label(2026, 2) == "2026年二季度"
    assert number(Decimal("4.800")) == "4.8"
    assert number(Decimal("12345.6")) == "12,345.6"
    assert number(Decimal("-0.0")) == "0"
    assert percent(Decimal("0.9534")) == "95.3%"
    assert percent(None) == "—"
    assert signed_points(Decimal("-1.2")) == "低1.2个百分点"
    assert signed_points(Decimal("0.30")) == "高0.3个百分点"
    assert signed_points(Decimal(0)) == "持平"
