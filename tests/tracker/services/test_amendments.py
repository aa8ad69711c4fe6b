"""Amending a published document: every change has a reason, a number and an audit record;
reports already made stay attached and readable (nothing is deleted); the units concerned are
told after commit; a report form opened before the change is refused as stale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail

from tests.samples import AMENDMENT_REASON as REASON
from tests.samples import amendment_world
from tracker.celery import app
from tracker.models import (
    AuditEvent,
    DocumentAmendment,
    ProgressReport,
    Responsibility,
    Target,
    TargetValue,
)
from tracker.periods import SHANGHAI
from tracker.selectors.aggregates import Scope, scope_tally
from tracker.selectors.reports import unit_reports
from tracker.services.amendments import (
    AmendmentRefused,
    amendment_assignment_add,
    amendment_assignment_remove,
    amendment_deadline_change,
    amendment_responsibility_add,
    amendment_responsibility_remove,
    amendment_target_add,
    amendment_target_remove,
)
from tracker.services.reports import ReportInput, StaleReport, report_save

pytestmark = pytest.mark.django_db
IN_Q2 = datetime(2026, 6, 20, 10, tzinfo=SHANGHAI)


@pytest.fixture
def world(units, reporter, outsider):
    return amendment_world(units, reporter, outsider)


def _kept(world):
    return (
        ProgressReport.objects.count(),
        TargetValue.objects.count(),
        sorted(ProgressReport.objects.values_list("pk", "status", "narrative")),
    )


def test_every_amendment_keeps_every_existing_report(world, supervisor, units):
    kept = _kept(world)
    task = world["task"]
    amendment_deadline_change(
        assignment=task, deadline=date(2026, 9, 30), actor=supervisor, reason=REASON
    )
    amendment_target_add(
        assignment=task,
        values={
            "indicator": "新增就业",
            "value": Decimal("2"),
            "measure_unit": "万人",
            "kind": "count",
            "comparator": ">=",
            "direction": "increase",
        },
        actor=supervisor,
        reason=REASON,
    )
    amendment_target_remove(target=world["projects"], actor=supervisor, reason=REASON)
    amendment_responsibility_remove(responsibility=world["co"], actor=supervisor, reason=REASON)
    amendment_responsibility_add(
        assignment=task, unit=units["city"], role="co", actor=supervisor, reason=REASON
    )
    amendment_assignment_remove(assignment=task, actor=supervisor, reason=REASON)
    assert _kept(world) == kept
    # Numbered in order, each audited with its reason.
    assert list(DocumentAmendment.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    events = AuditEvent.objects.filter(action__startswith="document.amend.")
    assert events.count() == 6 and {e.after["reason"] for e in events} == {REASON}
    # The reports stay readable by their units, though the task is withdrawn.
    assert world["reports"][1].pk in set(
        unit_reports(world["co"].unit.users.get()).values_list("pk", flat=True)
    )
    assert ProgressReport.objects.get(pk=world["reports"][0].pk).values.count() == 2


def test_a_withdrawn_responsibility_no_longer_counts_but_its_report_stays(world, supervisor):
    scope = Scope.of(world["q2"])
    before = scope_tally(supervisor, scope, today=date(2026, 6, 26))
    amendment_responsibility_remove(responsibility=world["co"], actor=supervisor, reason=REASON)
    after = scope_tally(supervisor, scope, today=date(2026, 6, 26))
    assert (before.expected, after.expected) == (2, 1)
    aside = Responsibility.all_objects.get(pk=world["co"].pk)
    assert aside.removed_at is not None and aside.removal_reason == REASON
    assert aside.reports.get().status == "submitted"


def test_a_withdrawn_target_keeps_its_values_and_the_report_is_judged_on_the_rest(
    world, supervisor
):
    report = world["reports"][0]
    assert report.colour == "red"
    amendment_target_remove(target=world["projects"], actor=supervisor, reason=REASON)
    assert list(world["task"].targets.all()) == [world["growth"]]
    assert Target.all_objects.get(pk=world["projects"].pk).removed_at is not None
    withdrawn = report.values.filter(target=world["projects"]).get()
    assert (withdrawn.actual, withdrawn.colour) == (Decimal("5"), "red")  # kept as judged then
    report.refresh_from_db()
    assert report.colour == "green"  # growth 6.8% against 6.5%, the target that remains


def test_a_form_opened_before_the_amendment_is_refused_as_stale(world, supervisor, reporter):
    opened_at = world["task"].version
    ProgressReport.objects.filter(pk=world["reports"][0].pk).update(status="draft")
    amendment_target_remove(target=world["projects"], actor=supervisor, reason=REASON)
    report = ProgressReport.objects.get(pk=world["reports"][0].pk)
    with pytest.raises(StaleReport, match="已调整"):
        report_save(
            responsibility=world["lead"],
            period=world["q2"],
            actor=reporter,
            report_input=ReportInput(narrative="改"),
            expected_version=report.version,
            submit=False,
            now=IN_Q2,
            assignment_version=opened_at,
        )
    world["task"].refresh_from_db()
    saved = report_save(
        responsibility=world["lead"],
        period=world["q2"],
        actor=reporter,
        report_input=ReportInput(narrative="改"),
        expected_version=report.version,
        submit=False,
        now=IN_Q2,
        assignment_version=world["task"].version,
    )
    assert saved.narrative == "改"


def test_the_units_concerned_are_told_after_commit(
    world, supervisor, django_capture_on_commit_callbacks
):
    world["co"].unit.users.update(email="charlie@czj.example.cn")
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            amendment_deadline_change(
                assignment=world["task"],
                deadline=date(2026, 9, 30),
                actor=supervisor,
                reason=REASON,
            )
        assert mail.outbox == []
        for callback in callbacks:
            callback()
    finally:
        app.conf.task_always_eager = False
    by_unit = {tuple(sorted(m.to)): m for m in mail.outbox}
    # One message per unit: its people and its contact mailbox, nobody else's.
    assert set(by_unit) == {("charlie@czj.example.cn", "czj-office@x.cn")}
    message = by_unit[("charlie@czj.example.cn", "czj-office@x.cn")]
    assert "第1次修订" in message.subject
    assert "完成时限由无调整为2026年9月30日" in message.body and REASON in message.body


def test_a_new_task_gets_its_units_and_targets_and_periods(world, supervisor, units):
    amendment = amendment_assignment_add(
        document=world["document"],
        actor=supervisor,
        reason=REASON,
        title="新增数字经济任务",
        ref="一.9",
        lead_units=[units["fgw"]],
        co_units=[units["fgw"], units["czj"]],
        targets=[
            {
                "indicator": "数字经济增加值",
                "value": Decimal("5"),
                "kind": "growth",
                "measure_unit": "%",
            }
        ],
    )
    task = amendment.assignment
    task.refresh_from_db()
    assert dict(task.responsibilities.values_list("unit__name", "role")) == {
        "云江市发展和改革委员会": "lead",
        "云江市财政局": "co",
    }
    assert task.targets.get().indicator == "数字经济增加值"
    assert task.active_until == date(2026, 12, 31)
    assert sorted(amendment.notified_units) == sorted([units["fgw"].pk, units["czj"].pk])


def test_an_amendment_needs_a_reason_a_supervisor_and_a_published_document(
    world, reporter, supervisor
):
    before = DocumentAmendment.objects.count()
    with pytest.raises(AmendmentRefused, match="原因"):
        amendment_target_remove(target=world["projects"], actor=supervisor, reason="  ")
    with pytest.raises(AmendmentRefused, match="督查"):
        amendment_target_remove(target=world["projects"], actor=reporter, reason=REASON)
    world["document"].status = "draft"
    world["document"].save()
    with pytest.raises(AmendmentRefused, match="已发布"):
        amendment_target_remove(target=world["projects"], actor=supervisor, reason=REASON)
    assert DocumentAmendment.objects.count() == before
    assert world["projects"].removed_at is None


def test_restoring_a_responsibility_brings_back_its_reports(world, supervisor):
    amendment_responsibility_remove(responsibility=world["co"], actor=supervisor, reason=REASON)
    amendment_responsibility_add(
        assignment=world["task"],
        unit=world["co"].unit,
        role="co",
        actor=supervisor,
        reason="恢复",
    )
    restored = Responsibility.objects.get(assignment=world["task"], unit=world["co"].unit)
    assert restored.pk == world["co"].pk and restored.reports.count() == 1
