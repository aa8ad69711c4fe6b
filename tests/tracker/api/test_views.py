"""The REST API: scoped by the same helpers as the pages (another unit's objects are 404), writes
through the same service, the same errors for bad figures and stale saves."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import ProgressReport, Unit, User
from tracker.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider):
    document = make_document()
    task = make_assignment(document, title="城镇新增就业2.8万人")
    target = make_target(task, value="2.8", unit="万人", kind="count")
    lead = make_responsibility(task, units["fgw"], "lead")
    co = make_responsibility(task, units["czj"], "co")
    q2 = make_periods(document)[1]
    stranger = User.objects.create_user(
        "dan", password="pw-dan", role="reporter", unit=Unit.objects.create(name="云江市审计局")
    )
    return {"target": target, "lead": lead, "co": co, "q2": q2, "stranger": stranger}


def walk(client: Any, url: str, size: int) -> tuple[list[int], list[int]]:
    """Follow a keyset list's `next` links from `url`: the ids in order, and each page's
    query count. No page is over `size`, none says a count, every link is a cursor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seen: list[int] = []
    queries: list[int] = []
    next_url: str | None = url
    while next_url:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(next_url).json()
        queries.append(len(captured))
        assert len(body["results"]) <= size and "count" not in body
        seen += [r["id"] for r in body["results"]]
        next_url = body["next"]
        assert next_url is None or ("after=" in next_url and "page=" not in next_url)
    return seen, queries


def post_report(client, world, who="lead", **fields):
    body = {
        "responsibility": world[who].pk,
        "period": world["q2"].pk,
        "values": [{"target": world["target"].pk, "actual": "1.5万人"}],
        "narrative": "上半年新增就业1.5万人",
        **fields,
    }
    return client.post(reverse("api-reports"), body, content_type="application/json")


def test_a_unit_submits_through_the_api(client, reporter, world):
    client.force_login(reporter)
    response = post_report(client, world, submit=True)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted" and data["colour"] == "green"
    assert Decimal(data["values"][0]["actual"]) == Decimal("1.5")
    assert client.get(reverse("api-report", args=[data["id"]])).status_code == 200


def test_bad_figures_and_stale_saves_are_refused_with_nothing_changed(client, reporter, world):
    client.force_login(reporter)
    bad = post_report(client, world, values=[{"target": world["target"].pk, "actual": "1.5kg"}])
    assert (
        bad.status_code == 400
        and "单位不对" in bad.json()["errors"][f"target-{world['target'].pk}"]
    )
    assert not ProgressReport.objects.exists()
    first = post_report(client, world).json()
    post_report(client, world, version=first["version"])
    stale = post_report(client, world, version=first["version"], narrative="旧版本上的修改")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert ProgressReport.objects.get().narrative == "上半年新增就业1.5万人"


def test_lists_are_scoped(client, reporter, outsider, supervisor, world):
    client.force_login(outsider)
    post_report(client, world, who="co", submit=True)
    # The lead unit sees its co-unit's report; the co-unit does not see the lead's.
    client.force_login(reporter)
    post_report(client, world, submit=True)
    assert len(client.get(reverse("api-reports")).json()["results"]) == 2
    client.force_login(outsider)
    assert len(client.get(reverse("api-reports")).json()["results"]) == 1
    assert len(client.get(reverse("api-responsibilities")).json()["results"]) == 1
    client.force_login(supervisor)
    assert len(client.get(reverse("api-responsibilities")).json()["results"]) == 2
    tally = client.get(reverse("api-quarter"), {"year": 2026, "quarter": 2}).json()
    assert tally["expected"] == 2 and tally["submitted"] == 2


def test_an_outsider_gets_404_and_changes_nothing(client, reporter, world):
    client.force_login(reporter)
    report = post_report(client, world, submit=True).json()
    client.force_login(world["stranger"])
    assert client.get(reverse("api-report", args=[report["id"]])).status_code == 404
    assert post_report(client, world).status_code == 404
    assert client.get(reverse("api-quarter"), {"year": 2026, "quarter": 2}).status_code == 404
    assert client.get(reverse("api-reports")).json()["results"] == []
    assert ProgressReport.objects.get().version == report["version"]


def test_a_lead_unit_cannot_write_its_co_units_report(client, reporter, world):
    client.force_login(reporter)
    assert post_report(client, world, who="co").status_code == 404


def test_programs_sign_in_with_a_token_and_anonymous_or_basic_is_refused(client, reporter, world):
    assert client.get(reverse("api-reports")).status_code == 401
    basic = base64.b64encode(b"bob:pw-bob").decode()
    response = client.get(reverse("api-reports"), HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401
    secret = api_token_create(actor=reporter, name="脚本").secret
    response = client.get(reverse("api-reports"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_the_quarter_needs_year_and_quarter(client, supervisor, world):
    client.force_login(supervisor)
    assert client.get(reverse("api-quarter"), {"year": "abc"}).status_code == 400


def test_every_error_has_one_body_shape(client, reporter, world):
    # Anonymous, unknown object, a missing field, a bad figure, a refusal by the service: each
    # answers {"detail": str, "errors": {field: str}}.
    anonymous = client.get(reverse("api-reports"))
    client.force_login(reporter)
    missing = client.get(reverse("api-report", args=[987654]))
    no_period = client.post(
        reverse("api-reports"),
        {"responsibility": world["lead"].pk},
        content_type="application/json",
    )
    unknown_target = post_report(client, world, values=[{"target": 987654, "actual": "1"}])
    refused = post_report(client, world, submit=True, narrative="")
    for response, status, fields in [
        (anonymous, (401, 403), set()),
        (missing, (404,), set()),
        (no_period, (400,), {"period"}),
        (unknown_target, (400,), {"target-987654"}),
        (refused, (400,), {"narrative"}),
    ]:
        body = response.json()
        assert response.status_code in status, body
        assert set(body) == {"detail", "errors"} and body["detail"], body
        assert set(body["errors"]) == fields, body
        assert all(isinstance(message, str) and message for message in body["errors"].values())
    assert refused.json()["detail"] == "填报内容有误，请按提示修改后再保存。"
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("opening, closing", [("[", "]"), ('{"a":', "}")])
def test_a_deeply_nested_body_is_a_400_not_a_500(client, reporter, world, opening, closing):
    client.force_login(reporter)
    body = opening * 50_000 + "1" + closing * 50_000
    response = client.post(reverse("api-reports"), body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_brackets_inside_strings_are_not_nesting(client, reporter, world):
    client.force_login(reporter)
    response = post_report(client, world, narrative="[[[[{{{{" * 100)
    assert response.status_code == 201, response.content


def test_period_and_responsibility_lists_never_read_a_documents_whole_text(client, reporter, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reporter)
    for url in ("/api/periods/", "/api/responsibilities/"):
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code == 200 and answer.json()["results"]
        assert not [
            q for q in captured if "source_text" in q["sql"] or '"extraction"' in q["sql"]
        ], url


def test_the_report_list_pages_by_keyset_without_gaps_and_scoped(
    client, supervisor, reporter, units, monkeypatch
):

    from tracker.api.pagination import ReportKeysetPagination

    document = make_document()
    periods = make_periods(document)
    others = [Unit.objects.create(name=f"单位{n}") for n in range(3)]
    made = []
    for n in range(2):
        task = make_assignment(document, title=f"任务{n}")
        for unit in [units["fgw"], *others]:
            responsibility = make_responsibility(task, unit, "co")
            for period in periods[:2]:
                made.append(
                    ProgressReport.objects.create(responsibility=responsibility, period=period)
                )
    monkeypatch.setattr(ReportKeysetPagination, "page_size", 3)
    client.force_login(supervisor)
    seen, queries = walk(client, reverse("api-reports"), 3)
    expected = sorted(made, key=lambda r: (r.period_id, r.responsibility_id))
    assert seen == [r.pk for r in expected] and len(seen) == 16
    assert len(set(queries)) == 1  # the last page costs what the first does
    # A reporter walks only its own unit's reports, filters kept in the links.
    client.force_login(reporter)
    body = client.get(reverse("api-reports"), {"period": periods[0].pk}).json()
    mine = [r["id"] for r in body["results"]]
    body = client.get(body["next"]).json() if body["next"] else {"results": []}
    mine += [r["id"] for r in body["results"]]
    assert sorted(mine) == sorted(
        r.pk for r in made if r.responsibility.unit_id == units["fgw"].pk and r.period == periods[0]
    )
    # An unreadable cursor is refused, naming it, as the API's filters are: never the first page.
    refused = client.get(reverse("api-reports"), {"after": "x-1"})
    assert refused.status_code == 400 and "after" in refused.json()["errors"]


def test_the_responsibility_list_pages_by_keyset_without_gaps_and_scoped(
    client, supervisor, reporter, units, monkeypatch
):

    from tracker.api.pagination import ResponsibilityKeysetPagination
    from tracker.models import Responsibility

    document = make_document()
    others = [Unit.objects.create(name=f"单位{n}") for n in range(3)]
    made = []
    for n in range(3):
        task = make_assignment(document, title=f"任务{n}")
        make_target(task, value=str(n + 1))
        for unit in [units["fgw"], *others]:
            made.append(make_responsibility(task, unit, "lead" if unit == others[0] else "co"))
    # A removed responsibility is not listed, and its pair may repeat a current one's.
    gone = made.pop()
    Responsibility.all_objects.filter(pk=gone.pk).update(removed_at=gone.created_at)
    monkeypatch.setattr(ResponsibilityKeysetPagination, "page_size", 4)
    client.force_login(supervisor)
    seen, queries = walk(client, reverse("api-responsibilities"), 4)
    expected = sorted(made, key=lambda r: (r.assignment_id, r.unit_id))
    assert seen == [r.pk for r in expected] and len(seen) == 11
    assert len(set(queries)) == 1  # the last page costs what the first does
    # A reporter walks only its own unit's, the document filter kept in the links.
    client.force_login(reporter)
    body = client.get(reverse("api-responsibilities"), {"document": document.pk}).json()
    assert [r["id"] for r in body["results"]] == [
        r.pk for r in expected if r.unit_id == units["fgw"].pk
    ]
    assert body["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"after": "x-1"}, "after"),
        ({"after": "1-2-3"}, "after"),
        ({"after": "99999999999999999999-1"}, "after"),
        ({"after": ""}, "after"),
        ({"page": "2"}, "page"),
        ({"page": "last"}, "page"),
    ],
)
def test_a_bad_cursor_or_a_page_number_is_refused_naming_the_cursor(
    client, supervisor, world, params, field
):
    client.force_login(supervisor)
    for name in ("api-responsibilities", "api-reports"):
        refused = client.get(reverse(name), params)
        assert refused.status_code == 400 and refused["Content-Type"] == "application/json"
        body = refused.json()
        assert body["detail"] and field in body["errors"]
        assert "after" in body["errors"][field] or field == "after"
    # The first page by number, and a leftover page number beside a cursor, are still read.
    assert client.get(reverse("api-responsibilities"), {"page": "1"}).status_code == 200
    following = client.get(reverse("api-responsibilities"), {"page": "7", "after": "0-0"})
    assert following.status_code == 200 and len(following.json()["results"]) == 2


def test_an_outsider_pages_through_nothing_of_anothers(client, world):
    assert client.get(reverse("api-responsibilities")).status_code == 401
    client.force_login(world["stranger"])
    for params in ({}, {"after": "0-0"}):
        body = client.get(reverse("api-responsibilities"), params).json()
        assert body == {"next": None, "results": []}


def test_the_quarters_unit_ranking_is_paged(client, supervisor, monkeypatch):
    import time_machine

    from tests.samples import NOW, reported_quarter
    from tracker.api import views as api_views

    with time_machine.travel(NOW, tick=False):
        reported_quarter(units=5, tasks=6)
        monkeypatch.setattr(api_views, "QUARTER_UNITS_PAGE_SIZE", 2)
        client.force_login(supervisor)
        url, names = reverse("api-quarter") + "?year=2026&quarter=2", []
        while url:
            body = client.get(url).json()
            assert len(body["units"]) <= 2 and body["units_count"] == 5
            names += [row["unit"] for row in body["units"]]
            url = body["units_next"]
    assert len(names) == len(set(names)) == 5


def test_a_save_and_a_submission_never_read_a_documents_whole_text(client, reporter, world):
    """The deadline's hot path (issue 19's load test): the document's text and extraction are
    hundreds of KB, and a report needs neither."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reporter)
    with CaptureQueriesContext(connection) as captured:
        saved = post_report(client, world, submit=False)
        submitted = post_report(client, world, submit=True, version=saved.json()["version"])
    assert (saved.status_code, submitted.status_code) == (201, 201), submitted.content
    assert submitted.json()["status"] == "submitted"
    assert not [q for q in captured if "source_text" in q["sql"] or '"extraction"' in q["sql"]]
