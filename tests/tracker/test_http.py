"""The one parser of ids and integers typed into URLs and forms (tracker.http)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tracker.http import MAX_ID, int_param, parse_int


@pytest.mark.parametrize(
    "raw",
    [
        "²",
        "１２",
        "-1",
        "1e309",
        "9" * 30,
        "",
        " ",
        "名称",
        "1.0",
        "+1",
        "0x10",
        str(MAX_ID + 1),
        None,
    ],
)
def test_what_is_not_an_id_is_none(raw):
    assert parse_int(raw) is None


@pytest.mark.parametrize("raw, number", [("0", 0), ("12", 12), (" 7 ", 7), (str(MAX_ID), MAX_ID)])
def test_ascii_digits_within_range_are_read(raw, number):
    assert parse_int(raw) == number


def test_bounds_and_negatives_are_the_callers_choice():
    assert parse_int("-3", minimum=-5) == -3
    assert parse_int("-3") is None
    assert parse_int("2030", minimum=2000, maximum=2029) is None
    assert parse_int("--3", minimum=-5) is None


def test_int_param_reads_the_query_or_the_given_form_data():
    request = RequestFactory().post("/?period=²&year=2026", {"version": "3"})
    assert int_param(request, "period") is None
    assert int_param(request, "year") == 2026
    assert int_param(request, "version", data=request.POST) == 3
    assert int_param(request, "missing") is None
