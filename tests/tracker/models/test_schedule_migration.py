"""Migration 0006 on a database that has data: each document's reporting rule (its due month of
the quarter and day) becomes its default schedule, its quarters that schedule's periods, and the
assignments of published documents follow it. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tracker", "0005_office")]
AFTER = [("tracker", "0006_reporting_schedules")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_documents_rules_and_quarters_become_schedules_and_periods():
    try:
        old = _migrate(BEFORE)
        document_model = old.get_model("tracker", "Document")
        period_model = old.get_model("tracker", "ReportingPeriod")
        assignment_model = old.get_model("tracker", "Assignment")
        published = document_model.objects.create(
            title="已发布",
            source_text="正文",
            source_sha256="a" * 64,
            year=2026,
            status="published",
            published_at=timezone.now(),
            due_month_of_quarter=1,
            due_day=10,
            extraction={"reporting": [{"frequency": "quarterly", "text": "每季度首月10日前报送"}]},
        )
        draft = document_model.objects.create(
            title="草稿", source_text="草稿", source_sha256="b" * 64, year=2026, due_day=20
        )
        for document in (published, draft):
            assignment_model.objects.create(document=document, position=1, title="任务")
        for quarter in (1, 2, 3, 4):
            month = 3 * (quarter - 1) + 1
            period_model.objects.create(
                document=published,
                year=2026,
                quarter=quarter,
                starts_on=date(2026, month, 1),
                ends_on=date(2026, month + 2, 28),
                opens_on=date(2026, month, 1),
                due_on=date(2026, month, 10),
                first_checkpoint_on=date(2026, month, 10),
                second_checkpoint_on=date(2026, month, 10),
            )

        new = _migrate(AFTER)
        schedule_model = new.get_model("tracker", "ReportingSchedule")
        period_model = new.get_model("tracker", "ReportingPeriod")
        assignment_model = new.get_model("tracker", "Assignment")
        rule = schedule_model.objects.get(document_id=published.pk)
        assert (rule.is_default, rule.frequency, rule.after_period, rule.month, rule.day) == (
            True,
            "quarterly",
            False,
            1,
            10,
        )
        assert rule.text == "每季度首月10日前报送"
        assert list(
            period_model.objects.filter(document_id=published.pk)
            .order_by("quarter")
            .values_list("schedule_id", "frequency", "number")
        ) == [(rule.pk, "quarterly", n) for n in (1, 2, 3, 4)]
        assert assignment_model.objects.get(document_id=published.pk).schedule_id == rule.pk
        # Half a rule is completed with the settings' default; a draft's assignments wait for
        # publishing to be given their schedule.
        draft_rule = schedule_model.objects.get(document_id=draft.pk)
        assert (draft_rule.month, draft_rule.day, draft_rule.text) == (3, 20, "")
        assert assignment_model.objects.get(document_id=draft.pk).schedule_id is None
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
