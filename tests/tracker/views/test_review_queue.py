"""Review at volume: the queue filtered, searched and sorted, bulk approval, "approve and open
next", a co-unit's report showing its targets, and the task search for every role."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.samples import pages_world, queue_world, submit_co
from tracker.models import AuditEvent, ProgressReport, Unit
from tracker.periods import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(units, supervisor):
    return queue_world(units, tasks=6)


def listed(client, **params) -> list[int]:
    """The report ids the queue lists, in order."""
    response = client.get(reverse("review-queue"), params)
    assert response.status_code == 200
    return [report.pk for report in response.context["page"].object_list]


def test_the_queue_filters_by_unit_level_text_light_and_quarter(client, supervisor, queue, units):
    client.force_login(supervisor)
    reports = queue["reports"]
    assert listed(client) == [r.pk for r in reports]  # oldest submission first
    assert listed(client, sort="newest") == [r.pk for r in reversed(reports)]
    fgw = [r.pk for r in reports if r.responsibility.unit_id == units["fgw"].pk]
    assert listed(client, unit=units["fgw"].pk) == fgw
    assert listed(client, q="市发展改革委") == fgw  # a unit's short name
    assert listed(client, q="第3项") == [reports[2].pk]
    assert listed(client, q="3") == [reports[2].pk]  # the task's number
    Unit.objects.filter(pk=units["czj"].pk).update(level=Unit.Level.COUNTY)
    assert listed(client, level=Unit.Level.COUNTY) == [
        r.pk for r in reports if r.responsibility.unit_id == units["czj"].pk
    ]
    colour = reports[0].colour
    assert set(listed(client, colour=colour)) == {r.pk for r in reports if r.colour == colour}
    assert listed(client, year=2026, quarter=2) == [r.pk for r in reports]
    assert listed(client, year=2026, quarter=3) == []
    assert listed(client, period=queue["q2"].pk, document=queue["doc"].pk) == [
        r.pk for r in reports
    ]
    assert listed(client, status="approved") == []
    # A filter that does not validate is ignored, never an error page.
    assert listed(client, quarter="9", unit="x") == [r.pk for r in reports]


def test_the_queue_runs_a_fixed_number_of_queries(client, supervisor, units):
    client.force_login(supervisor)
    world = queue_world(units, tasks=12)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("review-queue"), {"q": "投资", "sort": "unit"})
    ProgressReport.objects.filter(pk__in=[r.pk for r in world["reports"][3:]]).delete()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("review-queue"), {"q": "投资", "sort": "unit"})
    assert len(many) == len(few)


def test_bulk_approve_approves_each_and_names_the_refused(client, supervisor, queue):
    client.force_login(supervisor)
    first, second, third = queue["reports"][:3]
    data = {
        "report": [first.pk, second.pk, third.pk],
        f"version-{first.pk}": first.version,
        f"version-{second.pk}": second.version,
        f"version-{third.pk}": third.version - 1,  # changed since the queue was shown
        "queue": "unit=&sort=oldest",
    }
    response = client.post(reverse("review-bulk-approve"), data, follow=True)
    assert response.redirect_chain[0][0] == reverse("review-queue") + "?unit=&sort=oldest"
    statuses = dict(ProgressReport.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == "approved"
    assert statuses[third.pk] == "submitted"
    assert AuditEvent.objects.filter(action="report.approve").count() == 2
    page = response.content.decode()
    assert "已审核通过 2 份报告" in page and "一.3" in page and "已被修改" in page


def test_bulk_approve_with_nothing_ticked(client, supervisor, queue):
    client.force_login(supervisor)
    response = client.post(reverse("review-bulk-approve"), {}, follow=True)
    assert "请先勾选" in response.content.decode()
    assert not ProgressReport.objects.filter(status="approved").exists()


def test_bulk_approve_is_404_for_a_reporter(client, queue):
    reporter = queue["people"]["fgw"]
    client.force_login(reporter)
    report = queue["reports"][0]
    response = client.post(
        reverse("review-bulk-approve"),
        {"report": [report.pk], f"version-{report.pk}": report.version},
    )
    assert response.status_code == 404
    assert client.get(reverse("review-queue")).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"


def test_approve_and_open_next_follows_the_filtered_queue(client, supervisor, queue, units):
    client.force_login(supervisor)
    fgw = [r for r in queue["reports"] if r.responsibility.unit_id == units["fgw"].pk]
    queue_params = f"unit={units['fgw'].pk}"
    page = client.get(reverse("review-queue"), {"unit": units["fgw"].pk}).content.decode()
    assert f"{reverse('report-detail', args=[fgw[0].pk])}?queue=unit%3D{units['fgw'].pk}" in page
    detail = client.get(reverse("report-detail", args=[fgw[0].pk]), {"queue": queue_params})
    assert "通过并打开下一份" in detail.content.decode()
    response = client.post(
        reverse("report-review", args=[fgw[0].pk]),
        {"decision": "approve", "version": fgw[0].version, "next": "1", "queue": queue_params},
    )
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == reverse("report-detail", args=[fgw[1].pk])  # the next of 发改委's
    assert parse_qs(location.query)["queue"] == [queue_params]
    for report in fgw[1:]:
        report.refresh_from_db()
        response = client.post(
            reverse("report-review", args=[report.pk]),
            {"decision": "approve", "version": report.version, "next": "1", "queue": queue_params},
        )
    assert response["Location"] == f"{reverse('review-queue')}?{queue_params}"  # none left
    assert all(
        status == "approved"
        for status in ProgressReport.objects.filter(responsibility__unit=units["fgw"]).values_list(
            "status", flat=True
        )
    )


def test_a_co_units_report_in_words_shows_the_targets(
    client, units, outsider, supervisor, settings, tmp_path
):
    from tracker.services.reports import ReportInput, TargetInput, report_save

    world = pages_world(units, settings, tmp_path)
    report = report_save(
        responsibility=world["co"],
        period=world["q2"],
        actor=outsider,
        report_input=ReportInput(
            values={world["target"].pk: TargetInput()},
            narrative="财政局配合做好资金保障",
            assessment="in_progress",
        ),
        expected_version=None,
        submit=True,
    )
    report.values.all().delete()  # a co-unit that gave no figure at all
    client.force_login(supervisor)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "指标完成情况" in page and "增长6.5%" in page


# --- search ------------------------------------------------------------------------------


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def found(client, q: str) -> list[tuple[str, str]]:
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return [
        (row["responsibility"].unit.name, row["responsibility"].assignment.title)
        for row in response.context["found"]
    ]


def test_search_finds_tasks_by_number_text_and_unit(client, supervisor, world):
    client.force_login(supervisor)
    assert len(found(client, "固定资产")) == 2  # the lead and the co-unit
    assert found(client, "市财政局") == [("云江市财政局", "固定资产投资增长6.5%")]
    assert len(found(client, "1")) == 2  # task number 1
    assert found(client, "不存在的任务") == []
    assert found(client, "") == []


def test_search_finds_a_unit_by_its_short_name_and_words_in_task_and_unit(
    client, supervisor, world, units
):
    from tracker.models import UnitAlias

    UnitAlias.objects.create(unit=units["czj"], alias="财局")
    client.force_login(supervisor)
    assert found(client, "财局") == [("云江市财政局", "固定资产投资增长6.5%")]
    # Every word must match, one in the task and one in the unit.
    assert found(client, "固定资产 财局") == [("云江市财政局", "固定资产投资增长6.5%")]
    assert found(client, "固定资产 不存在") == []


def test_search_is_scoped_by_the_access_helpers(client, outsider, world):
    submit_co(world, outsider)
    # The co-unit sees its own responsibility only; the lead's is not its to see.
    client.force_login(outsider)
    assert found(client, "固定资产") == [("云江市财政局", "固定资产投资增长6.5%")]
    page = client.get(reverse("search"), {"q": "固定资产"}).content.decode()
    # Its own task opens its work page for the period being reported now.
    assert f'href="/work/{world["co"].pk}/' in page
    # A stranger finds nothing, however the task is named.
    client.force_login(world["stranger"])
    assert found(client, "固定资产") == []
    assert found(client, "财政局") == []


def test_search_for_the_lead_unit_links_the_co_units_report(client, reporter, outsider, world):
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI)):
        report = submit_co(world, outsider)
        client.force_login(reporter)
        rows = found(client, "固定资产")
        assert len(rows) == 2
        page = client.get(reverse("search"), {"q": "财政局"}).content.decode()
    assert reverse("report-detail", args=[report.pk]) in page


def test_search_is_in_everyones_navigation_and_needs_sign_in(client, outsider, world):
    response = client.get(reverse("search"), {"q": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    page = client.get(reverse("my-tasks")).content.decode()
    assert f'role="search" method="get" action="{reverse("search")}"' in page


def _walk(client, params, direction="after") -> tuple[list[int], dict]:
    """Follow the queue's keyset links from the first page to the last; the ids in order."""
    import re

    seen, last = [], None
    response = client.get(reverse("review-queue"), params)
    while True:
        page = response.context["page"]
        assert len(page.object_list) <= 2
        seen += [r.pk for r in page.object_list]
        html = response.content.decode()
        link = re.search(r'href="\?([^"]*after=[\d-]+)">下一页', html)
        if link is None:
            assert page.next is None
            last = page
            break
        response = client.get(reverse("review-queue") + "?" + link.group(1).replace("&amp;", "&"))
    return seen, {"last": last, "response": response}


def test_the_queue_pages_by_keyset_without_gaps_or_repeats_both_ways(
    client, supervisor, queue, monkeypatch
):
    from tracker.views import report_review

    reports = queue["reports"]
    # Ties on the submission time are broken by id, never skipped or repeated.
    tied = reports[0].submitted_at
    ProgressReport.objects.filter(pk__in=[r.pk for r in reports[:3]]).update(submitted_at=tied)
    monkeypatch.setattr(report_review, "PAGE_SIZE", 2)
    client.force_login(supervisor)
    everything = [r.pk for r in reports]
    oldest, walked = _walk(client, {})
    assert oldest == everything and len(everything) > 4
    newest, _walked = _walk(client, {"sort": "newest"})
    assert newest == list(reversed(everything))
    # Back from the last page by "上一页": the same rows, page by page, to the first.
    import re

    response, back = walked["response"], []
    while True:
        back = [r.pk for r in response.context["page"].object_list] + back
        link = re.search(r'href="\?([^"]*before=[\d-]+)">上一页', response.content.decode())
        if link is None:
            break
        response = client.get(reverse("review-queue") + "?" + link.group(1).replace("&amp;", "&"))
    assert back == everything
    # The filters are kept across pages, and the total is the whole queue's.
    assert f"共 {len(everything)} 份" in response.content.decode()


def test_a_deep_keyset_page_of_the_queue_runs_the_same_queries_as_the_first(
    client, supervisor, queue, monkeypatch
):
    from tracker.views import report_review

    monkeypatch.setattr(report_review, "PAGE_SIZE", 2)
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as first:
        response = client.get(reverse("review-queue"))
    cursor = response.context["page"].next
    with CaptureQueriesContext(connection) as deeper:
        assert client.get(reverse("review-queue"), {"after": cursor}).status_code == 200
    assert len(first) == len(deeper)
    assert not [q for q in deeper.captured_queries if "OFFSET" in q["sql"].upper()]


def _walk_both_ways(client, params) -> tuple[list[int], list[int]]:
    """The ids of every page of the queue, following 下一页 from the first page to the last, then
    上一页 from the last back to the first."""
    import re

    def follow(response, label, word):
        link = re.search(rf'href="\?([^"]*{word}=[0-9a-f-]+)">{label}', response.content.decode())
        if link is None:
            return None
        url = reverse("review-queue") + "?" + link.group(1).replace("&amp;", "&")
        response = client.get(url)
        assert response.status_code == 200
        return response

    response, forward = client.get(reverse("review-queue"), params), []
    while True:
        forward += [r.pk for r in response.context["page"].object_list]
        following = follow(response, "下一页", "after")
        if following is None:
            break
        response = following
    back = []
    while response is not None:
        back = [r.pk for r in response.context["page"].object_list] + back
        response = follow(response, "上一页", "before")
    return forward, back


@pytest.mark.parametrize("sort", ["unit", "task", "due", "oldest", "newest"])
def test_every_sort_pages_by_keyset_in_its_order_through_ties(
    client, supervisor, units, monkeypatch, sort
):
    from tracker import selectors
    from tracker.selectors.reports import QueueFilters
    from tracker.views import report_review

    world = queue_world(units, tasks=9)
    reports = world["reports"]
    # Ties at every level: one submission time for most, two reports per due date, and a unit
    # without 排序号 (listed after the one with one, whatever their names).
    ProgressReport.objects.filter(pk__in=[r.pk for r in reports[:7]]).update(
        submitted_at=reports[0].submitted_at
    )
    q3 = world["q2"].schedule.periods.get(quarter=3)
    ProgressReport.objects.filter(pk__in=[reports[1].pk, reports[4].pk]).update(period=q3)
    Unit.objects.filter(pk=units["fgw"].pk).update(position=None)
    Unit.objects.filter(pk=units["czj"].pk).update(position=5)
    expected = list(
        selectors.review_queue(supervisor, filters=QueueFilters(sort=sort)).values_list(
            "pk", flat=True
        )
    )
    assert sorted(expected) == sorted(r.pk for r in reports)
    monkeypatch.setattr(report_review, "PAGE_SIZE", 2)
    client.force_login(supervisor)
    forward, back = _walk_both_ways(client, {"sort": sort})
    # No row lost or repeated at a page boundary, in the sort's own order, both ways.
    assert forward == expected
    assert back == expected
    if sort == "unit":
        czj = [r.pk for r in reports if r.responsibility.unit_id == units["czj"].pk]
        assert forward[: len(czj)] == sorted(czj, key=expected.index)


def test_odd_cursors_show_the_first_page_and_another_sorts_cursor_is_not_misread(
    client, supervisor, queue, monkeypatch
):
    from tracker.views import report_review

    monkeypatch.setattr(report_review, "PAGE_SIZE", 2)
    client.force_login(supervisor)
    first = listed(client, sort="unit")
    for odd in (
        "x",
        "1-2",  # a timestamp sort's cursor: too few keys for this sort
        "1-e4b88d-3-4-5",
        "1-zz-3-4",
        "1-ff-3-4",  # not UTF-8
        "1-00-1781920800000000-4",  # a NUL, which PostgreSQL refuses as a parameter
        "1-" + "ab" * 900 + "-3-4",
        "99999999999999999999-61-3-4",
        "1-61-999999999999999999-4",
        "-1-61-3-4",
        "１-61-3-4",
        "",
    ):
        for direction in ("after", "before"):
            assert listed(client, sort="unit", **{direction: odd}) == first, (direction, odd)
    for sort in ("task", "due"):
        page = listed(client, sort=sort)
        assert listed(client, sort=sort, after="1-2") == page
        assert listed(client, sort=sort, after="1-2-3-4-5") == page
    assert listed(client, sort="due", after="99999999-1-1") == listed(client, sort="due")


def test_the_sorted_queue_refuses_an_outsider_however_it_is_paged(
    client, supervisor, outsider, queue
):
    client.force_login(supervisor)
    cursor = client.get(reverse("review-queue"), {"sort": "unit"}).context["page"].object_list
    assert cursor
    client.force_login(outsider)
    for params in ({"sort": "unit"}, {"sort": "task", "after": "1-1-1-1"}, {"sort": "due"}):
        response = client.get(reverse("review-queue"), params)
        assert response.status_code in (302, 403, 404)
        assert b"review-bulk" not in response.content


def test_the_queue_counts_only_as_far_as_a_reviewer_needs(client, supervisor, queue, monkeypatch):
    from tracker.views import report_review

    client.force_login(supervisor)
    assert "共 6 份" in client.get(reverse("review-queue")).content.decode()
    monkeypatch.setattr(report_review, "QUEUE_COUNTED", 4)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("review-queue"), {"sort": "unit"}).content.decode()
    assert "超过 4 份" in page and "共 6 份" not in page
    counts = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and "tracker_progressreport" in q["sql"]
    ]
    assert len(counts) == 1 and "LIMIT 5" in counts[0]  # never every row
    monkeypatch.setattr(report_review, "QUEUE_COUNTED", 6)
    assert "共 6 份" in client.get(reverse("review-queue")).content.decode()
