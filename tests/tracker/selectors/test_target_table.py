"""The dashboard's targets a page at a time (issue 19): every slice and every colour filter gives
exactly the rows target_rows gives, and a page costs one query whatever its size."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker import selectors
from tracker.models import Unit, User
from tracker.periods import SHANGHAI
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

# Half a year elapsed at Q2: 50 of 100 is green, 46 yellow, 10 red, 100 blue; None: no report.
ACTUALS = ["50", "46", "10", "100", None, "50", "10"]


def _report(responsibility, period, actual):
    due = period.due_on
    report_save(
        responsibility=responsibility,
        period=period,
        actor=responsibility.unit.users.get(),
        report_input=ReportInput(
            values={responsibility.assignment.targets.get().pk: TargetInput(actual=actual)},
            narrative="进展",
        ),
        expected_version=None,
        submit=True,
        now=datetime.combine(due - timedelta(days=2), datetime.min.time(), SHANGHAI),
    )


def _document():
    """Seven assignments, one target each, led by three units in turn and co-owned by the next;
    the lead units report Q2 with every colour (one not at all) and Q1 for some, so rows carry
    a previous figure too."""
    document = make_document(title="分工方案")
    units = []
    for i in range(3):
        unit = Unit.objects.create(name=f"单位{i}", position=i)
        User.objects.create_user(f"r{i}", role="reporter", unit=unit)
        units.append(unit)
    leads = []
    for t, _actual in enumerate(ACTUALS):
        task = make_assignment(document, title=f"任务{t}")
        make_target(task, value="100", unit="个", kind="count")
        leads.append(make_responsibility(task, units[t % 3], role="lead"))
        make_responsibility(task, units[(t + 1) % 3], role="co")
    q1, q2 = make_periods(document)[:2]
    for t, (lead, actual) in enumerate(zip(leads, ACTUALS, strict=True)):
        if t % 2 == 0:
            _report(lead, q1, Decimal(10 + t))
        if actual is not None:
            _report(lead, q2, Decimal(actual))
    return q2, units


def test_pages_and_colours_are_the_rows_of_target_rows(supervisor):
    q2, _units = _document()
    whole = selectors.target_rows(supervisor, q2)
    assert len(whole) == len(ACTUALS)
    assert [r.previous_actual for r in whole] == [
        Decimal(10 + t) if t % 2 == 0 else None for t in range(len(ACTUALS))
    ]
    table = selectors.target_table(supervisor, q2)
    assert len(table) == len(whole)
    assert table[0:3] + table[3:6] + table[6:] == whole
    assert table[4] == whole[4] and list(table) == whole
    colours = {r.colour for r in whole}
    assert colours == {"blue", "green", "yellow", "red", "grey"}
    for colour in colours:
        chosen = selectors.target_table(supervisor, q2, colour=colour)
        assert chosen[:] == [r for r in whole if r.colour == colour], colour
        assert len(chosen) == sum(1 for r in whole if r.colour == colour)
    # The report without a value for a target is still named: the grey row has no lead report.
    (grey,) = selectors.target_table(supervisor, q2, colour="grey")[:]
    assert (grey.actual, grey.report_id, grey.unit_name) == (None, None, None)


def test_a_page_is_one_query_whatever_its_size(supervisor):
    q2, _units = _document()
    table = selectors.target_table(supervisor, q2)
    counts = []
    for window in (slice(0, 1), slice(0, 7)):
        with CaptureQueriesContext(connection) as captured:
            table[window]
        counts.append(len(captured))
    assert counts == [1, 1]
    with CaptureQueriesContext(connection) as captured:
        assert table[7:] == []
    assert len(captured) == 0


def test_a_unit_sees_only_the_figures_of_its_own_lead_reports(supervisor):
    q2, units = _document()
    reporter = User.objects.get(username="r0")
    rows = selectors.target_table(reporter, q2)[:]
    # Unit 0 leads assignments 0, 3 and 6; it is not told what the other leads reported.
    assert [r.actual is not None for r in rows] == [t % 3 == 0 for t in range(len(ACTUALS))]
    assert {r.unit_name for r in rows if r.actual is not None} == {units[0].name}
    outsider = User.objects.create_user(
        "nobody", role="reporter", unit=Unit.objects.create(name="局外单位")
    )
    assert all(r.actual is None for r in selectors.target_table(outsider, q2)[:])
