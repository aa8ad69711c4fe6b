"""The supervisor's dashboard: the quarter in figures, the traffic-light matrix and the lists
behind every figure. Supervisors only (everyone else gets 404); bad filters never break the page;
the number of queries does not grow with the data."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.samples import DUE, NOW, reported_quarter
from tracker import selectors
from tracker.models import Assignment, Document, Problem, Unit, User
from tracker.selectors import Scope
from tracker.views import dashboard as dashboard_views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data(supervisor):
    return reported_quarter(units=4, tasks=5)


@pytest.fixture
def signed_in(client, supervisor):
    client.force_login(supervisor)
    return client


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _json(page: str, element_id: str):
    """The data a chart reads ({{ data|json_script:"id" }})."""
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    assert found, element_id
    return json.loads(found.group(1))


def _hrefs(page: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


# --- the dashboard ----------------------------------------------------------------------------


def test_dashboard_shows_the_current_quarter_in_figures(signed_in, data):
    document, _q2 = data
    response = signed_in.get(reverse("dashboard"))
    page = _page(response)
    tally = response.context["tally"]
    # 10 responsibilities: 8 submitted (2 late), 2 missing and over 3 days overdue (red).
    assert (tally.expected, tally.submitted, tally.on_time, tally.late, tally.overdue) == (
        10,
        8,
        6,
        2,
        2,
    )
    assert tally.colours == {"blue": 2, "green": 2, "yellow": 2, "red": 4, "grey": 0}
    assert response.context["scope"] == Scope(2026, 2)
    assert "2026年二季度" in page
    assert "报送率 80.0%" in page and "及时率 60.0%" in page
    assert document.title in page
    # The rankings, the units' reporting rates, the levels and the lists are all there.
    for heading in ("单位综合排名", "各单位报送情况", "按单位层级", "严重滞后事项", "逾期未报"):
        assert heading in page
    assert "超期未办结问题" in page
    assert len(response.context["ranking"].page.object_list) == 4


def test_the_trend_and_the_charts_are_embedded_as_json_with_tables_beside_them(signed_in, data):
    page = _page(signed_in.get(reverse("dashboard")))
    colours = _json(page, "colour-data")
    assert {c["key"]: c["value"] for c in colours} == {
        "blue": 2,
        "green": 2,
        "yellow": 2,
        "red": 4,
        "grey": 0,
    }
    trend = _json(page, "trend-data")
    assert len(trend["quarters"]) == 4
    ranking = _json(page, "ranking-data")
    assert len(ranking["units"]) == 4
    assert "tracker/charts.js" in page and "vendor/echarts/echarts.common.min.js" in page
    assert 'role="img"' in page and "数据见下表" in page


def test_one_document_shows_its_targets_against_the_lead_units_figures(signed_in, data):
    document, q2 = data
    response = signed_in.get(reverse("dashboard"), {"document": document.pk})
    page = _page(response)
    rows = list(response.context["targets"].page.object_list)
    assert len(rows) == 5
    first = rows[0]
    assert (first.actual, first.previous_actual, first.colour) == (
        Decimal(50),
        Decimal(20),
        "green",
    )
    assert first.report_id is not None
    assert reverse("report-detail", args=[first.report_id]) in page
    assert "主要指标完成情况" in page and "50.0%" in page  # 序时进度 at mid-year
    assert reverse("analysis-detail", args=[q2.pk]) in page


def test_a_documents_targets_are_paged_without_gaps(signed_in, data, monkeypatch):
    document, _q2 = data
    every = [
        r.target.pk
        for r in signed_in.get(reverse("dashboard"), {"document": document.pk})
        .context["targets"]
        .page.object_list
    ]
    monkeypatch.setattr(dashboard_views, "LIST_PAGE_SIZE", 2)
    seen = []
    for number in (1, 2, 3):
        response = signed_in.get(
            reverse("dashboard"), {"document": document.pk, "targets_page": number}
        )
        pager = response.context["targets"]
        assert len(pager.page.object_list) <= 2
        seen += [r.target.pk for r in pager.page.object_list]
        assert (pager.next_url is None) == (number == 3)
    assert seen == every and len(every) == 5


def test_every_document_of_the_quarter_has_a_row_linking_to_its_own_dashboard(signed_in, data):
    document, _q2 = data
    other, _ = reported_quarter(units=2, tasks=1, title="另一方案")
    response = signed_in.get(reverse("dashboard"))
    rows = response.context["documents"]
    assert {r.document_id: r.tally.expected for r in rows} == {document.pk: 10, other.pk: 2}
    hrefs = _hrefs(_page(response))
    assert any(
        urlparse(h).path == reverse("dashboard")
        and parse_qs(urlparse(h).query).get("document") == [str(other.pk)]
        for h in hrefs
    )


def test_a_unit_filter_narrows_the_figures_and_highlights_the_units_rank(signed_in, data):
    document, _q2 = data
    unit = Unit.objects.get(name=f"测试单位{document.pk}-000")
    response = signed_in.get(reverse("dashboard"), {"unit": unit.pk})
    page = _page(response)
    assert response.context["tally"].expected == unit.responsibilities.count()
    assert response.context["unit_rank"].unit_id == unit.pk
    assert "本季度排名第" in page
    # The rankings still rank every unit; the rates table shows this one.
    assert len(response.context["ranking"].page.object_list) == 4
    assert [r.unit_id for r in response.context["units"].page.object_list] == [unit.pk]


def test_a_level_filter_narrows_to_units_of_that_level(signed_in, data):
    response = signed_in.get(reverse("dashboard"), {"level": "county"})
    _page(response)
    assert {r.level for r in response.context["ranking"].page.object_list} == {"county"}
    assert [row.level for row in response.context["levels"]] == ["county"]


def test_a_colour_filter_narrows_the_lists_and_the_targets(signed_in, data):
    document, _q2 = data
    response = signed_in.get(reverse("dashboard"), {"colour": "yellow", "document": document.pk})
    _page(response)
    lagging = list(response.context["lagging"].page.object_list)
    assert len(lagging) == 2 and {s.slot_colour for s in lagging} == {"yellow"}
    assert response.context["lagging_colour"] == "yellow"
    assert {r.colour for r in response.context["targets"].page.object_list} == {"yellow"}
    # Overdue reports are red: none is yellow.
    assert response.context["overdue"].page.paginator.count == 0


def test_each_tile_opens_the_list_it_counts(signed_in, data):
    response = signed_in.get(reverse("dashboard"))
    tally = response.context["tally"]
    page = _page(response)
    expected = {
        "expected": tally.expected,
        "submitted": tally.submitted,
        "on_time": tally.on_time,
        "late": tally.late,
        "overdue": tally.overdue,
    }
    tiles = re.findall(r'<a class="tile" href="([^"]+)"', page)
    seen = {}
    for href in tiles:
        url = urlparse(unescape(href))
        if url.path != reverse("dashboard-slots"):
            continue
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        listed = signed_in.get(url.path, query).context["slots"].page.paginator.count
        key = query.get("show") or query.get("colour")
        seen[key] = listed
    assert {k: seen[k] for k in expected} == expected
    assert {c: seen[c] for c in tally.colours} == tally.colours
    problems = signed_in.get(reverse("dashboard-problems")).context["problems"]
    assert problems.page.paginator.count == response.context["problems"].page.paginator.count > 0


def test_rows_drill_down_to_the_assignment_the_unit_the_report_and_the_problem(signed_in, data):
    document, q2 = data
    page = _page(signed_in.get(reverse("dashboard")))
    hrefs = _hrefs(page)
    red = selectors.red_slots(User.objects.get(username="alice"), Scope.of(q2), today=NOW.date())
    first = red.first()
    link = f"{reverse('document-detail', args=[document.pk])}?a={first.assignment_id}"
    assert f"{link}#a-{first.assignment_id}" in hrefs
    assert any(h.startswith("/reports/") for h in hrefs)
    problem = Problem.objects.filter(report__period=q2).first()
    assert reverse("problem-detail", args=[problem.pk]) in hrefs
    unit_links = [h for h in hrefs if "unit=" in h and urlparse(h).path == reverse("dashboard")]
    assert unit_links
    # 督办 is recorded for a unit and a period (the lead's page).
    assert any(h.startswith("/actions/new/?unit=") and "period=" in h for h in hrefs)


def test_unit_rows_link_their_figures_to_the_units_lists(signed_in, data):
    document, _q2 = data
    unit = Unit.objects.get(name=f"测试单位{document.pk}-001")
    page = _page(signed_in.get(reverse("dashboard")))
    links = [
        parse_qs(urlparse(h).query)
        for h in _hrefs(page)
        if urlparse(h).path == reverse("dashboard-slots")
    ]
    shows = {q["show"][0] for q in links if q.get("unit") == [str(unit.pk)] and "show" in q}
    assert {"expected", "submitted", "on_time"} <= shows


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"quarter": "7"},
        {"document": "99999"},
        {"unit": "x"},
        {"colour": "purple"},
        {"level": "nowhere"},
        {"units_page": "abc", "rankings_page": "-1", "lagging_page": "999"},
        {"year": "12345", "quarter": "0"},
    ],
)
def test_bad_filter_values_show_the_page_with_a_message_and_defaults(signed_in, data, params):
    response = signed_in.get(reverse("dashboard"), params)
    page = _page(response)
    assert response.context["scope"].year == 2026
    assert response.context["scope"].quarter == 2
    if not any(key.endswith("_page") for key in params):
        assert "无效，已改用默认值" in page
    assert response.context["tally"].expected == 10


def test_a_document_without_a_period_in_the_quarter_says_so(signed_in, data):
    document, _q2 = data
    page = _page(signed_in.get(reverse("dashboard"), {"document": document.pk, "year": 2025}))
    assert "没有报送周期" in page


def test_an_htmx_pager_gets_its_section_alone(signed_in, data):
    response = signed_in.get(
        reverse("dashboard"), {"section": "units", "units_page": "1"}, HTTP_HX_REQUEST="true"
    )
    page = _page(response)
    assert page.lstrip().startswith("<section") or 'id="sec-units"' in page
    assert "<html" not in page and 'id="sec-units"' in page
    for section in dashboard_views.SECTIONS:
        response = signed_in.get(reverse("dashboard"), {"section": section}, HTTP_HX_REQUEST="true")
        assert f'id="sec-{section}"' in _page(response)
    # Without htmx the same address is the whole page.
    assert "<html" in _page(signed_in.get(reverse("dashboard"), {"section": "units"}))


def test_section_pagers_keep_the_filters_and_swap_their_section(signed_in, supervisor):
    reported_quarter(units=25, tasks=25)  # 25 units with rows, 20 a page
    page = _page(signed_in.get(reverse("dashboard"), {"level": "city"}))
    assert 'hx-target="#sec-units"' not in page  # 13 city units: one page
    page = _page(signed_in.get(reverse("dashboard")))
    assert 'hx-target="#sec-units"' in page and "下一页" in page
    response = signed_in.get(reverse("dashboard"), {"units_page": 2})
    assert response.context["units"].page.number == 2
    previous_url = response.context["units"].previous_url
    assert "units_page=1" in previous_url and "year=2026" in previous_url


# --- lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "show,count",
    [("expected", 10), ("submitted", 8), ("on_time", 6), ("late", 2), ("overdue", 2)],
)
def test_the_slot_list_shows_what_the_figure_counts(signed_in, data, show, count):
    response = signed_in.get(reverse("dashboard-slots"), {"show": show})
    page = _page(response)
    assert response.context["slots"].page.paginator.count == count
    assert f"{count} 项" in page or str(count) in page


def test_the_slot_list_narrows_by_colour_and_refuses_an_unknown_show(signed_in, data):
    response = signed_in.get(reverse("dashboard-slots"), {"colour": "red"})
    assert response.context["slots"].page.paginator.count == 4
    response = signed_in.get(reverse("dashboard-slots"), {"show": "everything"})
    page = _page(response)
    assert response.context["show"] == "expected" and "未知的列表类型" in page


def test_the_problem_list_shows_problems_past_their_limit(signed_in, data):
    _document, q2 = data
    response = signed_in.get(reverse("dashboard-problems"))
    page = _page(response)
    problems = response.context["problems"].page.object_list
    assert len(problems) == Problem.objects.filter(report__period=q2).count() > 0
    assert "资金未到位" in page
    unit = problems[0].unit
    narrowed = signed_in.get(reverse("dashboard-problems"), {"unit": unit.pk})
    assert {p.unit_id for p in narrowed.context["problems"].page.object_list} == {unit.pk}


# --- the matrix -------------------------------------------------------------------------------


def test_the_matrix_shows_each_units_light_per_assignment(signed_in, data):
    document, _q2 = data
    response = signed_in.get(reverse("dashboard-matrix"), {"document": document.pk})
    page = _page(response)
    columns, rows = response.context["columns"], response.context["rows"]
    assert len(columns) == 5 and len(rows) == 4
    filled = 0
    for row in rows:
        for column, cell in zip(columns, row.cells, strict=True):
            if cell is None:
                continue
            filled += 1
            assert cell.assignment_id == column.assignment_id
            if cell.report_id:
                assert reverse("report-detail", args=[cell.report_id]) in page
    assert filled == 10  # two units per assignment, the other cells blank
    assert sum(sum(r.colours.values()) for r in rows) == 10
    assert "严重滞后" in page and 'class="matrix"' in page


def test_the_matrix_picks_a_document_pages_units_and_narrows_by_colour(
    signed_in, data, monkeypatch
):
    document, _q2 = data
    response = signed_in.get(reverse("dashboard-matrix"))
    assert response.context["filters"].document_id == document.pk
    monkeypatch.setattr(dashboard_views, "MATRIX_PAGE_SIZE", 3)
    response = signed_in.get(reverse("dashboard-matrix"), {"page": 2})
    assert len(response.context["rows"]) == 1
    assert response.context["units"].page.paginator.num_pages == 2
    response = signed_in.get(reverse("dashboard-matrix"), {"colour": "yellow"})
    rows = response.context["rows"]
    assert rows and all(r.colours["yellow"] for r in rows)
    assert len(response.context["columns"]) == 2


def test_the_matrix_pages_its_columns_without_gaps_and_counts_rows_over_all(
    signed_in, data, monkeypatch
):
    document, _q2 = data
    whole = signed_in.get(reverse("dashboard-matrix"), {"document": document.pk}).context
    every = [c.assignment_id for c in whole["columns"]]
    totals = {r.unit_id: r.colours for r in whole["rows"]}
    monkeypatch.setattr(dashboard_views, "MATRIX_COLUMNS", 2)
    seen, number = [], 1
    while True:
        response = signed_in.get(
            reverse("dashboard-matrix"), {"document": document.pk, "cols": number}
        )
        page = _page(response)
        columns, rows = response.context["columns"], response.context["rows"]
        assert 0 < len(columns) <= 2 and all(len(r.cells) == len(columns) for r in rows)
        # Each row's subtotal is the unit's across every column, not this page's alone.
        assert {r.unit_id: r.colours for r in rows} == totals
        seen += [c.assignment_id for c in columns]
        pager = response.context["column_pager"]
        assert f"共 {len(every)} 项" in page
        if pager.next_url is None:
            break
        assert "cols=" in pager.next_url and 'rel="next"' in page
        number += 1
    assert seen == every and number == 3  # five columns: 2 + 2 + 1, none twice, none missed


def test_the_matrix_without_any_period_in_the_quarter_says_so(signed_in, data):
    page = _page(signed_in.get(reverse("dashboard-matrix"), {"year": 2025}))
    assert "本季度没有报送周期" in page


# --- access -----------------------------------------------------------------------------------

URLS = [
    ("dashboard", {}),
    ("dashboard", {"section": "units"}),
    ("dashboard-matrix", {}),
    ("dashboard-slots", {"show": "overdue"}),
    ("dashboard-problems", {}),
]


@pytest.mark.parametrize("name,params", URLS)
def test_a_reporter_gets_404_on_every_dashboard_page(client, data, name, params):
    document, _q2 = data
    reporter = User.objects.get(username=f"u0-{document.pk}")
    client.force_login(reporter)
    assert client.get(reverse(name), params, HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(reverse(name), params).status_code == 404
    assert client.post(reverse(name), params).status_code == 404


@pytest.mark.parametrize("name,params", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, params):
    response = client.get(reverse(name), params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- selectors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "narrow",
    [{}, {"level": "county"}, {"unit": True}, {"document": True}],
)
def test_the_years_trend_in_one_query_matches_the_tally_of_each_quarter(supervisor, narrow):
    document, _q2 = reported_quarter(units=4, tasks=5)
    other, _ = reported_quarter(units=3, tasks=2, title="另一方案")
    # An assignment that ends in the first quarter owes no later reports.
    ended = Assignment.objects.filter(document=other).first()
    Assignment.objects.filter(pk=ended.pk).update(active_until=date(2026, 3, 31))
    unit_id = Unit.objects.get(name=f"测试单位{document.pk}-001").pk if narrow.get("unit") else None
    scope = Scope(
        2026,
        2,
        document.pk if narrow.get("document") else None,
        unit_id,
        narrow.get("level"),
    )
    for today in (DUE - timedelta(days=1), DUE + timedelta(days=2), DUE + timedelta(days=5)):
        expected = [
            (q, selectors.scope_tally(supervisor, replace(scope, quarter=q), today=today))
            for q in (1, 2, 3, 4)
        ]
        with CaptureQueriesContext(connection) as captured:
            got = selectors.quarter_trend(supervisor, scope, today=today)
        # One query over the summary rows, and one reading the stamps the cache is keyed by.
        assert [q for q in captured if "slotsummary" in q["sql"]] and len(captured) == 2
        assert [(q, t) for q, t in got] == [(q, t) for q, t in expected]


def test_the_units_sums_and_the_documents_match_the_tallies_by_level_and_by_document(
    supervisor,
):
    _document, _q2 = reported_quarter(units=4, tasks=5)
    _other, _ = reported_quarter(units=3, tasks=2, title="另一方案")
    scope, today = Scope(2026, 2), DUE + timedelta(days=5)
    units = selectors.quarter_units(supervisor, scope, today=today)
    # The scope's tally and its levels are the sums of its units' counts.
    assert units.total == selectors.scope_tally(supervisor, scope, today=today)
    assert units.levels == selectors.tally_by_level(supervisor, scope, today=today)
    one = units.rows[0][0]
    assert units.narrowed(one)[0] == selectors.scope_tally(
        supervisor, replace(scope, unit_id=one), today=today
    )
    assert units.narrowed(one)[1] == selectors.tally_by_level(
        supervisor, replace(scope, unit_id=one), today=today
    )
    documents = selectors.quarter_documents(supervisor, scope, today=today)
    for row in documents:
        narrowed = Scope(2026, 2, row.document_id)
        assert row.tally == selectors.scope_tally(supervisor, narrowed, today=today)
    assert {r.document_id for r in documents} == set(Document.objects.values_list("pk", flat=True))


def test_slot_lists_count_what_the_tally_counts(supervisor):
    _document, q2 = reported_quarter(units=4, tasks=5)
    scope, today = Scope.of(q2), DUE + timedelta(days=5)
    tally = selectors.scope_tally(supervisor, scope, today=today)
    for show in selectors.SHOW_CHOICES:
        listed = selectors.slot_list(supervisor, scope, today=today, show=show).count()
        assert (
            listed
            == {
                "expected": tally.expected,
                "submitted": tally.submitted,
                "on_time": tally.on_time,
                "late": tally.late,
                "overdue": tally.overdue,
                "missing": tally.missing,
            }[show]
        )
    for colour, n in tally.colours.items():
        assert selectors.slot_list(supervisor, scope, today=today, colour=colour).count() == n
    with pytest.raises(ValueError):
        selectors.slot_list(supervisor, scope, today=today, show="all")


# --- queries ----------------------------------------------------------------------------------


def _dashboard_query_counts(client, document, q2) -> dict[str, int]:
    unit = Unit.objects.filter(responsibilities__assignment__document=document).first()
    pages = {
        "dashboard": (reverse("dashboard"), {}, {}),
        "dashboard, one document": (reverse("dashboard"), {"document": document.pk}, {}),
        "dashboard, one unit": (reverse("dashboard"), {"unit": unit.pk}, {}),
        "dashboard, a colour": (reverse("dashboard"), {"colour": "yellow"}, {}),
        "dashboard, a level": (reverse("dashboard"), {"level": "county"}, {}),
        "matrix": (reverse("dashboard-matrix"), {"document": document.pk}, {}),
        "matrix, a colour": (
            reverse("dashboard-matrix"),
            {"document": document.pk, "colour": "red"},
            {},
        ),
        "slots": (reverse("dashboard-slots"), {"show": "overdue"}, {}),
        "slots, a colour": (reverse("dashboard-slots"), {"colour": "red"}, {}),
        "problems": (reverse("dashboard-problems"), {}, {}),
    }
    for section in dashboard_views.SECTIONS:
        pages[f"section {section}"] = (
            reverse("dashboard"),
            {"section": section},
            {"HTTP_HX_REQUEST": "true"},
        )
    counts = {}
    for name, (url, params, headers) in pages.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params, **headers)
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


def test_query_counts_do_not_grow_with_the_data(signed_in, supervisor):
    # Every unit and level has rows in every list at both sizes: an empty list needs no query.
    small = _dashboard_query_counts(signed_in, *reported_quarter(units=3, tasks=8, per_unit=True))
    large = _dashboard_query_counts(signed_in, *reported_quarter(units=15, tasks=40, per_unit=True))
    assert small == large
    assert max(small.values()) <= 40, small


def test_the_filters_show_what_is_in_effect_with_the_unit_by_name(signed_in, data):
    document, _q2 = data
    unit = Unit.objects.get(name=f"测试单位{document.pk}-001")
    page = _page(
        signed_in.get(reverse("dashboard"), {"unit": unit.pk, "colour": "red", "year": "x"})
    )
    # The unit is a search field showing the chosen unit's name, not an 8,000-option <select>.
    assert re.search(rf'<input[^>]*name="unit"[^>]*value="{unit.name}"', page)
    assert "<optgroup" not in page and f">{unit.name}</option>" not in page
    assert '<option value="red" selected>严重滞后</option>' in page
    assert '<option value="2026" selected>2026年</option>' in page  # the default, not "x"


def test_the_unit_filter_takes_a_typed_name_and_escapes_it(signed_in, data):
    odd = Unit.objects.create(name="<b>新区</b>管委会", level="town")
    page = _page(signed_in.get(reverse("dashboard"), {"unit": "<b>新区</b>管委会"}))
    assert 'value="&lt;b&gt;新区&lt;/b&gt;管委会"' in page and "<b>新区</b>" not in page
    # Part of a name that only one unit has is that unit; a name nobody has is dropped, said so.
    page = _page(signed_in.get(reverse("dashboard"), {"unit": "新区</b>管"}))
    assert 'value="&lt;b&gt;新区&lt;/b&gt;管委会"' in page
    page = _page(signed_in.get(reverse("dashboard"), {"unit": "没有这个单位"}))
    assert "筛选条件“单位”的值“没有这个单位”无效" in page
    assert odd.pk


def test_units_with_work_and_nobody_to_report_are_flagged(signed_in, data):
    page = _page(signed_in.get(reverse("dashboard")))
    assert 'id="without-reporter"' not in page  # every unit of the quarter has its reporter
    unit = Unit.objects.filter(responsibilities__isnull=False).distinct().first()
    User.objects.filter(unit=unit).update(is_active=False)
    page = _page(signed_in.get(reverse("dashboard")))
    flag = re.search(r'<p class="alert warn" id="without-reporter">(.*?)</p>', page, re.S)
    assert flag and unit.name in flag.group(1)
    assert reverse("unit-detail", args=[unit.pk]) in flag.group(1)
