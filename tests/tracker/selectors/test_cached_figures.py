"""The supervisors' province-wide figures kept in the cache (tracker.selectors.cached) are never
stale: after every kind of change they count — a report, a problem raised, settled or moved up,
a unit renamed, moved to another level, switched off or merged, a document archived — the next
read equals a count made from scratch with the cache off. A read while nothing changed costs
one query (the stamps); a unit's or a leader's figures are not kept."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.samples import amendment_world
from tracker import selectors
from tracker.models import Problem, SlotSummary, SummaryChange, Unit, User
from tracker.periods import SHANGHAI
from tracker.selectors import Scope
from tracker.selectors.cached import ROSTER, quarter_key, stamps
from tracker.services.document_archive import document_archive
from tracker.services.problems import problem_escalate, problem_raise, problem_resolve
from tracker.services.report_withdrawal import report_withdraw
from tracker.services.reports import ReportInput, TargetInput, report_save
from tracker.services.summaries import summary_changes_prune
from tracker.services.unit_merge import unit_merge
from tracker.services.units import unit_update

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 6)  # after the second quarter's reports, before the third's
Q2 = Scope(2026, 2)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="pw", role=User.Role.ADMINISTRATOR)


@pytest.fixture
def world(units, reporter, outsider):
    return amendment_world(units, reporter, outsider)


def figures(user: Any, scope: Scope = Q2) -> dict[str, Any]:
    units = selectors.quarter_units(user, scope, today=TODAY)
    return {
        "rows": units.rows,
        "ranking": units.ranking[:],
        "total": units.total,
        "levels": units.levels,
        "trend": selectors.quarter_trend(user, scope, today=TODAY),
        "documents": [
            (d.document_id, d.title, d.tally)
            for d in selectors.quarter_documents(user, scope, today=TODAY)
        ],
    }


def from_scratch(user: Any, settings: Any, scope: Scope = Q2) -> dict[str, Any]:
    kept = settings.TRACKER_FIGURES_CACHE_SECONDS
    settings.TRACKER_FIGURES_CACHE_SECONDS = 0
    try:
        return figures(user, scope)
    finally:
        settings.TRACKER_FIGURES_CACHE_SECONDS = kept


def test_a_second_read_is_one_query_and_the_same_figures(world, supervisor, settings):
    first = figures(supervisor)
    assert first["ranking"] and first["total"].submitted == 2
    with CaptureQueriesContext(connection) as captured:
        units = selectors.quarter_units(supervisor, Q2, today=TODAY)
    assert len(captured) == 1 and "summarychange" in captured[0]["sql"]
    assert units.ranking[:] == first["ranking"]
    assert figures(supervisor) == first == from_scratch(supervisor, settings)


def test_another_day_or_language_is_counted_again(world, supervisor):
    figures(supervisor)
    with CaptureQueriesContext(connection) as captured:
        selectors.quarter_units(supervisor, Q2, today=TODAY + timedelta(days=1))
    assert len(captured) > 1


def test_a_reporters_and_a_leaders_figures_are_not_kept(world, reporter, settings):
    figures(reporter)
    with CaptureQueriesContext(connection) as captured:
        selectors.quarter_units(reporter, Q2, today=TODAY)
    assert len(captured) > 1
    assert figures(reporter) == from_scratch(reporter, settings)


def _withdraw(world: dict[str, Any], reporter: Any) -> None:
    """The lead unit takes its second-quarter report back to correct it (no longer reported)."""
    report_withdraw(report=world["reports"][0], actor=reporter)


def _raise(world: dict[str, Any], reporter: Any) -> Problem:
    problem = problem_raise(
        report=world["reports"][0],
        description="用地指标不足",
        actor=reporter,
        now=datetime(2026, 6, 21, 9, tzinfo=SHANGHAI),
    )
    assert problem is not None
    return problem


def _update_unit(unit_id: int, supervisor: Any, **changes: Any) -> None:
    unit = Unit.objects.get(pk=unit_id)
    fields = {
        "name": unit.name,
        "level": unit.level,
        "kind": unit.kind,
        "parent": unit.parent,
        "position": unit.position,
    }
    unit_update(unit=unit, actor=supervisor, **{**fields, **changes})


def _rename(world: dict[str, Any], supervisor: Any) -> None:
    _update_unit(world["lead"].unit_id, supervisor, name="市发展改革委（更名）")


def _switch_off(world: dict[str, Any], supervisor: Any) -> None:
    _update_unit(world["co"].unit_id, supervisor, is_active=False)


def _level_by_update(world: dict[str, Any], supervisor: Any) -> None:
    """A level moved by UPDATE (as a roster import's bulk_update does), then marked the way
    tracker.services.rosters marks it."""
    from tracker.services.summaries import summaries_changed

    Unit.objects.filter(pk=world["co"].unit_id).update(level=Unit.Level.COUNTY)
    summaries_changed([ROSTER])


def _merge(world: dict[str, Any], supervisor: Any) -> None:
    unit_merge(
        unit=Unit.objects.get(pk=world["co"].unit_id),
        into=Unit.objects.get(pk=world["lead"].unit_id),
        actor=supervisor,
    )


def _archive(world: dict[str, Any], supervisor: Any) -> None:
    document_archive(document=world["document"], actor=supervisor, reason="年度结束")


CHANGES = {
    "a report withdrawn": lambda w, s, r: _withdraw(w, r),
    "a problem raised": lambda w, s, r: _raise(w, r),
    "a problem settled": lambda w, s, r: problem_resolve(
        problem=_raise(w, r), actor=s, resolution="已协调解决"
    ),
    "a unit renamed": lambda w, s, r: _rename(w, s),
    "a unit switched off": lambda w, s, r: _switch_off(w, s),
    "a unit's level moved by UPDATE": lambda w, s, r: _level_by_update(w, s),
    "two units merged": lambda w, s, r: _merge(w, s),
    "a document archived": lambda w, s, r: _archive(w, s),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_after_each_change_the_figures_are_counted_again(
    change, world, supervisor, reporter, settings
):
    before = figures(supervisor)  # kept in the cache
    CHANGES[change](world, supervisor, reporter)
    after = figures(supervisor)
    assert after == from_scratch(supervisor, settings)
    assert after != before, "the change should change what the dashboard shows"


def test_a_problem_moved_up_marks_its_quarter(world, reporter):
    problem = _raise(world, reporter)
    before = stamps([quarter_key(2026, 2)])
    assert problem_escalate(problem_id=problem.pk, now=datetime(2026, 7, 1, tzinfo=SHANGHAI))
    assert stamps([quarter_key(2026, 2)]) != before


def test_a_mark_committed_after_a_later_one_still_changes_the_stamp(db):
    """Two submissions: the one that took the smaller id commits last. The newest id alone
    would not move; the count does."""
    SummaryChange.objects.create(id=50, key="2026-3")
    seen = stamps(["2026-3"])
    SummaryChange.objects.create(id=40, key="2026-3")
    assert stamps(["2026-3"]) != seen


def test_the_daily_prune_keeps_the_newest_mark_of_each_key(db, settings):
    for key in ("2026-2", "2026-2", "2026-3", ROSTER, ROSTER, ROSTER):
        SummaryChange.objects.create(key=key)
    newest = {
        key: SummaryChange.objects.filter(key=key).latest("id").pk
        for key in ("2026-2", "2026-3", ROSTER)
    }
    assert summary_changes_prune() == 3
    assert dict(SummaryChange.objects.values_list("key", "id")) == newest
    assert "tracker.tasks.summary_changes_prune" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_the_dashboard_shows_a_submission_at_once(client, world, supervisor, reporter):
    client.force_login(supervisor)
    url = "/dashboard/?year=2026&quarter=2"
    page = client.get(url)
    assert page.context["tally"].submitted == 2
    _withdraw(world, reporter)  # the figures of the page above are kept in the cache
    assert client.get(url).context["tally"].submitted == 1
    caches["figures"].clear()
    assert client.get(url).context["tally"].submitted == 1


def test_a_responsibility_deleted_in_the_admin_is_counted_again(
    client, world, units, supervisor, superuser, settings
):
    """The admin's delete takes the summary rows by CASCADE, past every service."""
    from tests.factories import make_responsibility
    from tracker.models import Responsibility

    extra = make_responsibility(world["task"], units["city"], "co")
    before = figures(supervisor)  # kept, with the extra responsibility's slots
    client.force_login(superuser)
    answer = client.post(
        reverse("admin:tracker_responsibility_delete", args=[extra.pk]), {"post": "yes"}
    )
    assert answer.status_code == 302
    assert not Responsibility.all_objects.filter(pk=extra.pk).exists()
    after = figures(supervisor)
    assert after == from_scratch(supervisor, settings)
    assert after["total"].expected == before["total"].expected - 1


def test_a_transaction_committing_across_the_prune_never_repeats_a_stamp(
    world, supervisor, settings
):
    """Marks 1005 and 1007 committed, 1006 still in flight; the prune keeps 1007; then 1006
    commits with its change. Count and newest id are as before; the oldest id is not."""
    key = quarter_key(2026, 2)
    SummaryChange.objects.filter(key=key).delete()
    SummaryChange.objects.create(id=1005, key=key)
    SummaryChange.objects.create(id=1007, key=key)
    figures(supervisor)  # kept
    seen = stamps([key])
    summary_changes_prune()
    # The transaction in flight commits its change (every report of the quarter gone)…
    SlotSummary.objects.filter(year=2026, quarter=2).update(status="", colour="", is_late=None)
    SummaryChange.objects.create(id=1006, key=key)  # …and its mark.
    assert stamps([key]) != seen
    assert figures(supervisor) == from_scratch(supervisor, settings)


def test_a_draft_saved_again_leaves_the_kept_figures_alone_and_a_submission_does_not(
    units, reporter
):
    """The autosave saves a draft every few seconds of typing: its summary row keeps no light
    until the report counts, so only the submission marks the quarter."""
    from tests.factories import (
        make_assignment,
        make_document,
        make_periods,
        make_responsibility,
        make_target,
    )

    document = make_document()
    task = make_assignment(document, title="项目开工")
    target = make_target(task, value="40", unit="个", kind="count", indicator="开工项目")
    lead = make_responsibility(task, units["fgw"], "lead")
    q2 = make_periods(document)[1]
    key = quarter_key(2026, 2)
    version, marks = None, []
    for actual, submit in (("5", False), ("5", False), ("30", False), ("38", True)):
        report = report_save(
            responsibility=lead,
            period=q2,
            actor=reporter,
            report_input=ReportInput(
                values={target.pk: TargetInput(actual=Decimal(actual))}, narrative="推进中"
            ),
            expected_version=version,
            submit=submit,
            autosave=not submit,
            now=datetime(2026, 6, 20, 10, tzinfo=SHANGHAI),
        )
        version = report.version
        marks.append(SummaryChange.objects.filter(key=key).count())
    # The first save made the slot's report (a change); saving again, even with other
    # figures (another light), changed nothing counted; the submission did.
    assert marks[1] == marks[0] and marks[2] == marks[0] and marks[3] == marks[0] + 1
