"""牵头任务 at scale (issue 19): assignments a page at a time, the first units of each, every
unit of one assignment on its own page, a fixed number of queries and no document text read."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_assignment, make_document, make_periods, make_responsibility
from tracker.models import Unit
from tracker.periods import SHANGHAI
from tracker.selectors.reports import LEAD_UNITS_SHOWN
from tracker.views import reports as report_views

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 7, 2, 10, 0, tzinfo=SHANGHAI)


def _led(units, *, tasks: int, co_units: int) -> list:
    """fgw leads `tasks` assignments, each with `co_units` co-units."""
    document = make_document(title=f"牵头方案{tasks}")
    others = [Unit.objects.create(name=f"协办单位{tasks}-{n:02}") for n in range(co_units)]
    made = []
    for n in range(tasks):
        task = make_assignment(document, title=f"任务{n}")
        make_responsibility(task, units["fgw"], "lead")
        for unit in others:
            make_responsibility(task, unit, "co")
        made.append(task)
    make_periods(document)
    return made


@time_machine.travel(NOW, tick=False)
def test_lead_tasks_pages_assignments_and_shows_the_first_units_lead_first(
    client, reporter, units, monkeypatch
):
    made = _led(units, tasks=5, co_units=LEAD_UNITS_SHOWN + 2)
    monkeypatch.setattr(report_views, "LEAD_PAGE_SIZE", 2)
    client.force_login(reporter)
    seen = []
    for number in (1, 2, 3):
        response = client.get(reverse("lead-tasks"), {"page": number})
        rows = response.context["rows"]
        assert len(rows) <= 2
        for row in rows:
            assert len(row.units) == LEAD_UNITS_SHOWN and row.unit_count == LEAD_UNITS_SHOWN + 3
            assert row.units[0][0].unit_id == units["fgw"].pk  # the lead unit first
            assert row.period is not None
            page = response.content.decode()
            assert reverse("lead-assignment", args=[row.assignment.pk]) in page
            assert "另有 3 个单位" in page
        seen += [row.assignment.pk for row in rows]
    assert seen == [a.pk for a in made]
    assert response.context["page"].has_next() is False


@time_machine.travel(NOW, tick=False)
def test_one_led_assignment_pages_every_unit_and_refuses_outsiders(
    client, reporter, outsider, units, monkeypatch
):
    task = _led(units, tasks=1, co_units=7)[0]
    monkeypatch.setattr(report_views, "LEAD_UNITS_PAGE_SIZE", 3)
    client.force_login(reporter)
    url = reverse("lead-assignment", args=[task.pk])
    seen = []
    for number in (1, 2, 3):
        units_shown = client.get(url, {"page": number}).context["units"]
        assert len(units_shown) <= 3
        seen += [responsibility.pk for responsibility, _report in units_shown]
    assert len(seen) == len(set(seen)) == 8
    assert set(seen) == set(task.responsibilities.values_list("pk", flat=True))
    # A co-unit of another assignment, a stranger, and a co-unit of this one: not theirs.
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    co_user = outsider.__class__.objects.create_user(
        "eve", password="pw-eve", role="reporter", unit=Unit.objects.get(name="协办单位1-00")
    )
    client.force_login(co_user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@time_machine.travel(NOW, tick=False)
def test_lead_pages_run_a_fixed_number_of_queries_and_read_no_document_text(
    client, reporter, units
):
    client.force_login(reporter)
    small_task = _led(units, tasks=2, co_units=2)[0]
    small = _queries(client, reverse("lead-tasks"))
    small_one = _queries(client, reverse("lead-assignment", args=[small_task.pk]))
    big_task = _led(units, tasks=30, co_units=14)[0]
    large = _queries(client, reverse("lead-tasks"))
    large_one = _queries(client, reverse("lead-assignment", args=[big_task.pk]))
    assert len(small) == len(large) and len(small_one) == len(large_one)
    assert not [q for q in large + large_one if "source_text" in q or "extraction" in q]


@time_machine.travel(NOW, tick=False)
def test_a_unit_no_longer_leading_an_assignment_loses_its_lead_pages(
    client, reporter, supervisor, units
):
    """An amendment removes fgw's lead: its 牵头任务 no longer lists the assignment and the
    assignment's page of every unit's report is 404 (the join that found leads counted a
    removed responsibility)."""
    from tracker.models import Document, Responsibility
    from tracker.services.amendments import amendment_responsibility_remove

    task = _led(units, tasks=1, co_units=2)[0]
    Document.objects.filter(pk=task.document_id).update(status=Document.Status.PUBLISHED)
    url = reverse("lead-assignment", args=[task.pk])
    client.force_login(reporter)
    assert client.get(url).status_code == 200
    lead = Responsibility.objects.get(assignment=task, unit=units["fgw"])
    amendment_responsibility_remove(responsibility=lead, actor=supervisor, reason="调整牵头单位")
    assert client.get(url).status_code == 404
    assert task.pk not in [
        row.assignment.pk for row in client.get(reverse("lead-tasks")).context["rows"]
    ]
