"""Each service that changes a slot leaves its summary row as a rebuild from scratch would, in
its own transaction; the rebuild command restores rows lost or never written; the rows are
scoped like the responsibilities they copy."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import assert_rebuild_equal, summary_rows
from tests.samples import amendment_world
from tracker.access import visible_slot_summaries
from tracker.models import ProgressReport, ReportingPeriod, SlotSummary, Unit, User
from tracker.periods import SHANGHAI
from tracker.services.amendments import amendment_assignment_add, amendment_assignment_remove
from tracker.services.report_evaluation import report_evaluate_and_store
from tracker.services.summaries import summaries_refresh
from tracker.services.working_days import calendar_day_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider):
    return amendment_world(units, reporter, outsider)


def test_a_submitted_report_is_in_its_slots_row(world):
    lead_report = world["reports"][0]
    row = SlotSummary.objects.get(period=world["q2"], responsibility=world["lead"])
    assert (row.report_id, row.status, row.colour, row.is_late) == (
        lead_report.pk,
        ProgressReport.Status.SUBMITTED,
        lead_report.colour,
        False,
    )
    assert row.colour == "red"  # 5 of 40 projects at half-year
    assert row.unit_id == world["lead"].unit_id and row.document_id == world["document"].pk
    # One row per quarter for each of the two responsibilities, the others without a report.
    assert SlotSummary.objects.filter(document=world["document"]).count() == 8
    assert SlotSummary.objects.filter(report__isnull=True).count() == 6
    assert_rebuild_equal()


def test_an_assignment_added_by_amendment_gets_its_slots_and_a_removed_one_loses_them(
    world, supervisor, units
):
    amendment = amendment_assignment_add(
        document=world["document"],
        actor=supervisor,
        reason="新增任务",
        title="新增重点任务",
        lead_units=[units["czj"]],
        targets=[{"indicator": "项目", "value": Decimal(3), "kind": "count", "measure_unit": "个"}],
    )
    added = amendment.assignment
    assert SlotSummary.objects.filter(assignment=added).count() == 4
    assert_rebuild_equal()
    amendment_assignment_remove(assignment=world["task"], actor=supervisor, reason="撤销")
    assert not SlotSummary.objects.filter(assignment=world["task"]).exists()
    assert_rebuild_equal()


def test_a_moved_due_date_is_copied_into_the_rows(world, supervisor, settings):
    settings.TRACKER_DUE_ROLLS_TO_WORKING_DAY = True
    q4 = ReportingPeriod.objects.get(document=world["document"], quarter=4)
    before = q4.due_on
    calendar_day_set(
        day=before, is_working=False, name="调休", note="", actor=supervisor, today=date(2026, 7, 1)
    )
    q4.refresh_from_db()
    assert q4.due_on > before
    assert set(SlotSummary.objects.filter(period=q4).values_list("due_on", flat=True)) == {
        q4.due_on
    }
    assert_rebuild_equal()


def test_a_report_changed_behind_the_services_back_is_mended_by_the_rebuild(world):
    report = world["reports"][1]
    ProgressReport.objects.filter(pk=report.pk).update(colour="green")
    # What a bulk change outside the services leaves: the row still has the old light ...
    assert SlotSummary.objects.get(report=report).colour == "red"
    out = StringIO()
    call_command("rebuild_summaries", "--document", str(world["document"].pk), stdout=out)
    assert SlotSummary.objects.get(report=report).colour == "green"
    assert out.getvalue().startswith("已重新生成 8 行汇总")
    # ... and re-evaluating it through the service puts its own light back.
    report.refresh_from_db()
    report_evaluate_and_store(report)
    assert SlotSummary.objects.get(report=report).colour == "red"


def test_the_rebuild_command_by_year_and_in_full(world):
    SlotSummary.objects.all().delete()
    call_command("rebuild_summaries", "--year", "2025", stdout=StringIO())
    assert not SlotSummary.objects.exists()
    call_command("rebuild_summaries", "--year", "2026", stdout=StringIO())
    assert SlotSummary.objects.count() == 8
    call_command("rebuild_summaries", stdout=StringIO())
    assert SlotSummary.objects.count() == 8
    assert_rebuild_equal()


def test_refreshing_twice_in_one_transaction_keeps_one_row_per_slot(world):
    with transaction.atomic():
        summaries_refresh(responsibility_ids=[world["lead"].pk])
        summaries_refresh(responsibility_ids=[world["lead"].pk])
    assert SlotSummary.objects.filter(responsibility=world["lead"]).count() == 4
    assert summaries_refresh(period_ids=[]) == 0


def test_summary_rows_are_scoped_like_responsibilities(world, supervisor, reporter, outsider):
    idle = Unit.objects.create(name="无任务单位", level=Unit.Level.CITY)
    stranger = User.objects.create_user("stranger", role=User.Role.REPORTER, unit=idle)
    everything = SlotSummary.objects.count()
    assert visible_slot_summaries(supervisor).count() == everything == 8
    # The lead unit sees its own slots and its co-unit's; the co-unit only its own.
    assert visible_slot_summaries(reporter).count() == 8
    assert set(visible_slot_summaries(outsider).values_list("unit_id", flat=True)) == {
        world["co"].unit_id
    }
    assert not visible_slot_summaries(stranger).exists()
    leader = User.objects.create_user("leader", role=User.Role.LEADER)
    assert not visible_slot_summaries(leader).exists()


def test_a_report_saved_late_is_late_in_its_row(world, outsider):
    from tracker.services.reports import ReportInput, TargetInput, report_save

    q3 = ReportingPeriod.objects.get(document=world["document"], quarter=3)
    report_save(
        responsibility=world["co"],
        period=q3,
        actor=outsider,
        report_input=ReportInput(
            values={world["growth"].pk: TargetInput(actual=Decimal("6.6"))}, narrative="三季度"
        ),
        expected_version=None,
        submit=True,
        now=datetime(2026, 10, 30, 10, tzinfo=SHANGHAI),
    )
    row = SlotSummary.objects.get(period=q3, responsibility=world["co"])
    assert (row.status, row.is_late) == (ProgressReport.Status.SUBMITTED, True)
    assert row.submitted_at == datetime(2026, 10, 30, 10, tzinfo=SHANGHAI)


def test_an_upgraded_database_gets_its_rows_when_migrated(world):
    """An installation upgraded past the summary table's migration has slots but no rows: the
    next migrate fills them (post_migrate), and a migrate with rows in place writes nothing."""
    expected = summary_rows()
    assert expected
    SlotSummary.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert summary_rows() == expected
    before = SlotSummary.objects.order_by("pk").values_list("pk", flat=True)[0]
    call_command("migrate", verbosity=0)
    assert SlotSummary.objects.order_by("pk").values_list("pk", flat=True)[0] == before
