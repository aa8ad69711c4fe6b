"""The sweep: the Shanghai day and the daily send time, each notice claimed once, one digest per
recipient, the overdue ladder with its automatic 督办, what stops the reminders, problems and
returned reports told, lost tasks requeued."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    make_document,
    make_periods,
)
from tests.samples import at, claimed, sweep_and_send
from tracker.models import (
    Problem,
    ProgressReport,
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    SupervisionAction,
)
from tracker.services.amendments import amendment_responsibility_remove
from tracker.services.reminders.sweep import (
    reminders_sweep,
    urge_record_one,
    urges_record_pending,
)
from tracker.services.report_review import report_return
from tracker.services.reporting_periods import period_lock
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db


def test_the_day_turns_at_midnight_in_shanghai_and_notices_wait_for_half_past_eight(world):
    # 16:00 UTC on the 25th is midnight in Shanghai: the 26th, the first overdue day.
    sweep_and_send(datetime(2026, 6, 25, 16, 29, tzinfo=UTC))
    sweep_and_send(datetime(2026, 6, 26, 0, 29, tzinfo=UTC))  # 08:29 in Shanghai
    assert not ReminderLog.objects.exists()
    sweep_and_send(datetime(2026, 6, 26, 0, 30, tzinfo=UTC))  # 08:30 in Shanghai
    assert {(r, k) for r, k, _ in claimed(kind="overdue")} == {
        ("fgw@yunjiang.example.cn", "overdue"),
        ("czj@yunjiang.example.cn", "overdue"),
    }
    assert claimed(kind="overdue") >= {
        ("fgw@yunjiang.example.cn", "overdue", f"responsibility:{world['lead'].pk}@2026-06-26")
    }
    assert ReminderDay.objects.get().day == date(2026, 6, 26)


def test_the_last_utc_minute_of_the_due_day_in_shanghai_is_still_the_due_day(world):
    # 15:59 UTC on the 25th is 23:59 in Shanghai: a machine that was off all day catches up.
    sweep_and_send(datetime(2026, 6, 25, 15, 59, tzinfo=UTC))
    assert {k for _, k, _ in claimed()} == {"due_day", "checkpoint_2"}
    sweep_and_send(datetime(2026, 6, 25, 16, 0, tzinfo=UTC))  # the 26th: day notices wait
    assert {k for _, k, _ in claimed()} == {"due_day", "checkpoint_2"}


def test_a_sweep_claims_each_notice_once_and_sends_one_digest_per_recipient(world):
    sent = sweep_and_send(at(6, 18))
    assert sorted(m.to[0] for m in sent) == ["czj@yunjiang.example.cn", "fgw@yunjiang.example.cn"]
    fgw = next(m for m in sent if m.to[0] == "fgw@yunjiang.example.cn")
    # 发改委 gets the due_7 reminder and the (first) checkpoint in one e-mail.
    kinds = ReminderLog.objects.filter(message_id=fgw.extra_headers["Message-ID"])
    assert set(kinds.values_list("kind", flat=True)) == {"due_7", "checkpoint_1"}
    assert sweep_and_send(at(6, 18, 9, 10)) == []
    assert sweep_and_send(at(6, 19)) == []  # due_7 is per period, not per day
    assert ReminderLog.objects.filter(kind="due_7").count() == 2


def test_a_row_already_claimed_elsewhere_is_skipped_and_the_rest_claimed(world):
    ReminderLog.objects.create(
        recipient="czj@yunjiang.example.cn",
        item_key=f"responsibility:{world['co'].pk}",
        period=world["period"],
        kind="due_7",
        claimed_at=at(6, 18, 8),
        sweep="another-sweep",
    )
    result = reminders_sweep(now=at(6, 18))
    assert result.claimed == 2  # 发改委's due_7 and checkpoint; 财政局's was claimed already
    assert ReminderDigest.objects.get(sweep=result.token).recipient == "fgw@yunjiang.example.cn"


def test_the_claim_key_is_unique_even_for_a_racing_insert(world):
    fields = dict(
        recipient="a@example.cn", item_key="responsibility:1", period=world["period"], kind="due_3"
    )
    ReminderLog.objects.create(claimed_at=at(6, 22), sweep="a", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(claimed_at=at(6, 22), sweep="b", **fields)


def test_overdue_is_daily_then_escalates_to_the_lead_unit_then_to_supervision(world):
    for day in range(26, 31):
        sweep_and_send(at(6, day))
    sweep_and_send(at(7, 1))
    co, lead = world["co"].pk, world["lead"].pk
    assert ReminderLog.objects.filter(kind="overdue").count() == 12  # two slots × six days
    assert claimed(kind="escalate_lead") == {
        ("fgw@yunjiang.example.cn", "escalate_lead", f"responsibility:{co}")
    }
    assert claimed(kind="escalate_supervisor") == {
        ("dcs@yunjiang.example.cn", "escalate_supervisor", f"responsibility:{lead}"),
        ("dcs@yunjiang.example.cn", "escalate_supervisor", f"responsibility:{co}"),
    }
    lead_day = ReminderLog.objects.get(kind="escalate_supervisor", responsibility_id=lead).day
    co_day = ReminderLog.objects.get(kind="escalate_supervisor", responsibility_id=co).day
    assert (lead_day, co_day) == (date(2026, 6, 28), date(2026, 7, 1))
    actions = SupervisionAction.objects.filter(author=None, kind="urge")
    assert sorted(a.responsibility_id for a in actions) == sorted([lead, co])
    assert "逾期3日" in actions.get(responsibility_id=lead).reason


def test_an_urge_is_recorded_once_however_often_it_is_processed(world):
    for day in (26, 27, 28):
        sweep_and_send(at(6, day))
    urge = ReminderLog.objects.get(kind="urge")
    assert urge.status == "sent"
    assert urge_record_one(log_id=urge.pk, now=at(6, 28, 10)) is False
    assert SupervisionAction.objects.filter(author=None).count() == 1


def test_an_urge_the_supervision_service_refuses_is_recorded_failed_not_retried(world):
    other = make_periods(make_document())[1]
    urge = ReminderLog.objects.create(
        recipient="",
        item_key=f"responsibility:{world['co'].pk}",
        period=other,  # not the responsibility's document: supervision refuses it
        kind="urge",
        responsibility=world["co"],
        claimed_at=at(6, 28),
    )
    assert urges_record_pending(now=at(6, 28)) == 0
    urge.refresh_from_db()
    assert urge.status == "failed" and "不是该单位" in urge.error
    assert not SupervisionAction.objects.exists()
    assert urges_record_pending(now=at(6, 28, 10)) == 0


def test_a_locked_period_is_no_longer_chased(world):
    period_lock(period=world["period"], actor=world["supervisor"], now=at(6, 26, 8))
    assert sweep_and_send(at(6, 26)) == []


def test_a_submitted_report_stops_the_reminders_and_a_returned_one_is_notified_each_time(world):
    def submit(when: datetime) -> None:
        existing = ProgressReport.objects.filter(responsibility=world["co"]).first()
        report_save(
            responsibility=world["co"],
            period=world["period"],
            actor=world["outsider"],
            report_input=ReportInput(
                values={world["target"].pk: TargetInput(actual=Decimal("4"))}, narrative="推进中"
            ),
            expected_version=existing.version if existing else None,
            submit=True,
            now=when,
        )

    def give_back(when: datetime) -> None:
        report_return(
            report=ProgressReport.objects.get(responsibility=world["co"]),
            actor=world["reporter"],  # the lead unit returns its co-unit's input
            reason="请补充佐证材料",
            now=when,
        )

    submit(at(6, 17, 15))
    sweep_and_send(at(6, 18))
    assert ("czj@yunjiang.example.cn", "due_7") not in {(r, k) for r, k, _ in claimed()}
    give_back(at(6, 18, 10))
    first = sweep_and_send(at(6, 18, 10, 10))
    assert [m.to for m in first] == [["czj@yunjiang.example.cn"]]
    assert "请补充佐证材料" in first[0].body
    report = ProgressReport.objects.get(responsibility=world["co"])
    assert f"/work/{report.responsibility_id}/{report.period_id}/" in first[0].body
    assert sweep_and_send(at(6, 18, 10, 20)) == []
    submit(at(6, 19, 9))
    give_back(at(6, 19, 11))
    second = sweep_and_send(at(6, 19, 11, 10))
    assert [m.to for m in second] == [["czj@yunjiang.example.cn"]]
    assert ReminderLog.objects.filter(kind="returned").count() == 2


def test_a_problem_past_its_limit_climbs_and_its_new_level_is_told(world):
    report_save(
        responsibility=world["co"],
        period=world["period"],
        actor=world["outsider"],
        report_input=ReportInput(
            values={world["target"].pk: TargetInput(actual=Decimal("4"))},
            narrative="推进中",
            problems_text="资金缺口较大",
        ),
        expected_version=None,
        submit=True,
        now=at(6, 10, 10),
    )
    sweep_and_send(at(6, 13, 9))  # the day's own notices
    assert sweep_and_send(at(6, 13, 10)) == []  # deadline 6-13 10:00 is not yet past
    sent = sweep_and_send(at(6, 13, 10, 10))
    problem = Problem.objects.get()
    assert problem.level == Problem.Level.LEAD
    assert [m.to for m in sent] == [["fgw@yunjiang.example.cn"]]
    assert f"/problems/{problem.pk}/" in sent[0].body and "资金缺口较大" in sent[0].body
    sent = sweep_and_send(at(6, 16, 10, 20))
    assert [m.to for m in sent] == [["dcs@yunjiang.example.cn"]]
    assert claimed(kind="problem_leader") == {
        ("dcs@yunjiang.example.cn", "problem_leader", f"problem:{problem.pk}")
    }


def test_a_claim_whose_task_was_lost_is_requeued_by_a_later_sweep(world, settings):
    first = reminders_sweep(now=at(6, 18))
    assert first.digest_ids
    soon = reminders_sweep(now=at(6, 18, 9, 5))
    assert soon.requeued_ids == []
    later = at(6, 18) + timedelta(seconds=settings.TRACKER_REMINDER_RECLAIM_SECONDS + 60)
    assert sorted(reminders_sweep(now=later).requeued_ids) == sorted(first.digest_ids)


def test_a_responsibility_withdrawn_by_an_amendment_is_not_chased(world):
    amendment_responsibility_remove(
        responsibility=world["co"], actor=world["supervisor"], reason="不再由财政局承担"
    )
    sweep_and_send(at(6, 26))
    assert {r for r, _k, _i in claimed(kind="overdue")} == {"fgw@yunjiang.example.cn"}
    assert not claimed(kind="escalate_lead")
