"""Figures as reporters type them: read in the target's unit, or refused with the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.numbers import NumberError, parse_actual


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


@pytest.mark.parametrize(
    ("text", "unit", "code", "params"),
    [
        ("", "%", "empty", {}),
        ("abc", "%", "not_a_number", {"text": "abc"}),
        ("1.2.3", "%", "several_numbers", {"text": "1.2.3"}),
        ("12个", "%", "wrong_unit", {"text": "12个", "unit": "%"}),
        ("12个", "", "wrong_unit", {"text": "12个", "unit": ""}),
        ("99999999999999999", "元", "too_large", {}),
    ],
)
def test_a_refusal_carries_a_code_and_its_arguments_for_the_tracker_to_word(
    text, unit, code, params
):
    with pytest.raises(NumberError) as refused:
        parse_actual(text, unit)
    assert (refused.value.code, refused.value.params) == (code, params)
