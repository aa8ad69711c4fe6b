"""The one parser of ids and integers typed into URLs and forms (tracker.http)."""

from __future__ import annotations

from datetime import UTC, datetime

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


@pytest.mark.django_db
def test_a_nul_in_any_parameter_is_a_400_before_a_view_reads_it(client, supervisor):
    """PostgreSQL refuses NUL in a query's text: six pages answered ?q=%00 with a 500."""
    client.force_login(supervisor)
    assert client.get("/units/", {"q": "财政\x00"}).status_code == 400
    assert client.get("/documents/", {"st\x00atus": "x"}).status_code == 400
    assert client.post("/settings/notices/", {"unit": "\x00"}).status_code == 400
    assert client.get("/units/", {"q": "财政"}).status_code == 200
    # The API answers in its own error body, as its contract says.
    response = client.get("/api/reports/", {"status": "\x00"})
    assert response.status_code == 400 and response.json()["detail"]


def test_a_keyset_cursor_past_datetimes_range_is_the_first_page():
    """?after=999999999999999999-1 overflowed datetime (a 500 on the review queue)."""
    from tracker.views.keyset import decode_cursor, encode_cursor

    assert decode_cursor("999999999999999999-1") is None
    assert decode_cursor("300000000000000000-1") is None
    last = datetime.max.replace(tzinfo=UTC)
    assert decode_cursor(encode_cursor(last, 7)) == (last, 7)


def test_a_keyset_cursor_of_several_keys_writes_each_and_reads_back_only_its_own_kinds():
    from datetime import date

    from tracker.views.keyset import decode_cursor, encode_cursor

    moment = datetime(2026, 6, 20, 1, 2, 3, 456789, tzinfo=UTC)
    kinds = (int, str, date, datetime)
    cursor = encode_cursor(7, "县-发展改革局", date(2026, 6, 25), moment, 42)
    assert set(cursor) <= set("0123456789abcdef-")  # safe in a URL as it is
    assert decode_cursor(cursor, kinds) == (7, "县-发展改革局", date(2026, 6, 25), moment, 42)
    # The one-timestamp cursor the lists have always written still reads.
    assert decode_cursor("1781913600000000-42") == (datetime(2026, 6, 20, tzinfo=UTC), 42)
    assert decode_cursor(cursor) is None and decode_cursor("1781913600000000-42", kinds) is None
    assert decode_cursor("7-ff-1-1-1", kinds) is None  # not UTF-8
    assert decode_cursor("7-00-1-1-1", kinds) is None  # a NUL
    assert decode_cursor("7-61-0-1-1", kinds) is None  # day 0
    assert decode_cursor("7-61-99999999-1-1", kinds) is None  # past the last day
