"""The unit filter's search (issue 19): a few matching units, scoped to the units a person may
filter by, and the filter reading a picked or typed name."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_assignment, make_document, make_responsibility
from tracker.models import Unit
from tracker.selectors.unit_search import SEARCH_LIMIT

pytestmark = pytest.mark.django_db


def found(client, text: str) -> list[str]:
    response = client.get(reverse("unit-search"), {"unit": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return re.findall(r'class="unit-option" data-name="([^"]*)"', response.content.decode())


def test_a_supervisor_finds_units_by_name_or_short_name_exact_name_first(client, supervisor, units):
    client.force_login(supervisor)
    assert found(client, "财政") == ["云江市财政局"]
    assert found(client, "市发展改革委") == ["云江市发展和改革委员会"]  # a short name
    assert found(client, "云江市") == ["云江市人民政府", "云江市发展和改革委员会", "云江市财政局"]
    Unit.objects.create(name="云江", level="city")
    assert found(client, "云江")[0] == "云江"
    assert found(client, "") == [] and found(client, "没有") == []


def test_the_search_offers_at_most_twenty_in_one_query(client, supervisor, units):
    Unit.objects.bulk_create(Unit(name=f"测试镇{n:03}", level="town") for n in range(60))
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as queries:
        names = found(client, "测试镇")
    assert names == [f"测试镇{n:03}" for n in range(SEARCH_LIMIT)]
    # The session and the user, then the search itself.
    assert len([q for q in queries.captured_queries if "tracker_unit" in q["sql"]]) == 1


def test_a_reporter_finds_only_its_unit_and_the_co_units_it_leads(
    client, reporter, outsider, units
):
    client.force_login(reporter)
    assert found(client, "云江市") == ["云江市发展和改革委员会"]
    document = make_document()
    led = make_assignment(document)
    make_responsibility(led, units["fgw"], "lead")
    make_responsibility(led, units["czj"], "co")
    assert found(client, "云江市") == ["云江市发展和改革委员会", "云江市财政局"]
    # The co-unit does not lead: it sees itself, never its lead unit.
    client.force_login(outsider)
    assert found(client, "云江市") == ["云江市财政局"]
    assert found(client, "发展") == []


def test_a_leader_overseeing_nothing_is_refused_and_the_signed_out_sent_to_sign_in(client, units):
    from tracker.models import User

    nobody = User.objects.create_user("dave", password="pw-dave", role=User.Role.LEADER)
    client.force_login(nobody)
    assert client.get(reverse("unit-search"), {"q": "云江"}).status_code == 404
    client.logout()
    response = client.get(reverse("unit-search"), {"q": "云江"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_review_queue_reads_a_typed_name_and_shows_the_unit_by_name(client, supervisor, units):
    client.force_login(supervisor)
    page = client.get(reverse("review-queue"), {"unit": units["czj"].pk}).content.decode()
    assert re.search(r'<input[^>]*name="unit"[^>]*value="云江市财政局"', page)
    page = client.get(reverse("review-queue"), {"unit": "财政"}).content.decode()
    assert re.search(r'<input[^>]*name="unit"[^>]*value="云江市财政局"', page)
    assert "<option" not in page.split('name="unit"')[1].split("</span>")[0]


def test_the_contacts_page_picks_a_unit_by_search_not_by_a_select(client, supervisor, units):
    client.force_login(supervisor)
    page = client.get(reverse("notice-settings"), {"unit": "财政"}).content.decode()
    assert "云江市财政局的联系邮箱" in page
    assert re.search(r'<input[^>]*name="unit"[^>]*value="云江市财政局"', page)
    assert '<select id="unit-pick"' not in page
    assert client.get(reverse("notice-settings"), {"unit": "没有"}).status_code == 404
