"""The calendar's rules and machinery, one piece at a time: milestones, the Shanghai day,
claims, reclaims, Message-IDs, SMTP failures, preferences, the preview and the command."""

from __future__ import annotations

import smtplib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import (
    NoticeKind,
    NoticePreference,
    Problem,
    ProgressReport,
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    SupervisionAction,
    UnitContact,
    User,
)
from tracker.periods import SHANGHAI
from tracker.selectors.reminders import reminders_failed, reminders_sent
from tracker.services.reminders import rules
from tracker.services.reminders.digest import message_id_for
from tracker.services.reminders.preferences import (
    ContactRefused,
    notice_preferences_update,
    unit_contact_save,
)
from tracker.services.reminders.preview import reminders_preview
from tracker.services.reminders.rules import checkpoint_kind, countdown_kind
from tracker.services.reminders.send import (
    DigestSendFailed,
    _lease,
    reminder_digest_send_one,
    retry_delay,
)
from tracker.services.reminders.sweep import (
    digests_requeue_stalled,
    reminders_sweep,
    urge_record_one,
    urges_record_pending,
)
from tracker.services.report_review import report_return
from tracker.services.reporting_periods import period_lock
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

DUE = date(2026, 6, 25)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def world(units, reporter, outsider):
    """发改委 leads one task with 财政局 as co-unit; each has a reporter with an address, and a
    supervisor watches."""
    reporter.email = "fgw@yunjiang.example.cn"
    reporter.save()
    outsider.email = "czj@yunjiang.example.cn"
    outsider.save()
    supervisor = User.objects.create_user(
        "dcs", email="dcs@yunjiang.example.cn", role=User.Role.SUPERVISOR
    )
    document = make_document()
    task = make_assignment(document, title="固定资产投资增长10%")
    target = make_target(task)
    lead = make_responsibility(task, units["fgw"], "lead")
    co = make_responsibility(task, units["czj"], "co")
    periods = make_periods(document)
    period_lock(period=periods[0], actor=supervisor, now=at(3, 31))
    return {
        "lead": lead,
        "co": co,
        "target": target,
        "period": periods[1],
        "reporter": reporter,
        "outsider": outsider,
        "supervisor": supervisor,
        "units": units,
    }


def sweep_and_send(now: datetime) -> list[mail.EmailMessage]:
    """One sweep at `now` with its digests sent in-process; the messages sent."""
    with time_machine.travel(now, tick=False):
        result = reminders_sweep(now=now)
        mail.outbox.clear()
        for digest_id in result.digest_ids + result.requeued_ids:
            reminder_digest_send_one(digest_id=digest_id, now=now)
    return list(mail.outbox)


def claimed(**filters) -> set[tuple[str, str, str]]:
    return set(ReminderLog.objects.filter(**filters).values_list("recipient", "kind", "item_key"))


# --- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (date(2026, 5, 31), None),
        (date(2026, 6, 1), "window_open"),
        (date(2026, 6, 17), "window_open"),
        (date(2026, 6, 18), "due_7"),
        (date(2026, 6, 21), "due_7"),  # missed nothing newer: 7 days' notice still current
        (date(2026, 6, 22), "due_3"),
        (date(2026, 6, 24), "due_1"),
        (date(2026, 6, 25), "due_day"),
        (date(2026, 6, 26), None),
    ],
)
def test_the_latest_milestone_reached_is_the_one_due(today, kind):
    assert countdown_kind(opens_on=date(2026, 6, 1), due_on=DUE, today=today) == kind


def test_a_window_opening_with_the_due_date_near_outranks_the_earlier_countdown():
    # Opens 5 days before the due date: on the opening day the window notice is the latest.
    opens = DUE - timedelta(days=5)
    assert countdown_kind(opens_on=opens, due_on=DUE, today=opens) == "window_open"
    assert countdown_kind(opens_on=DUE, due_on=DUE, today=DUE) == "due_day"


def test_the_rules_speak_in_the_models_kinds():
    # The pure rules cannot import the models: their kinds are NoticeKind's values, spelled out.
    kinds = {rules.WINDOW_OPEN, rules.DUE_7, rules.DUE_3, rules.DUE_1, rules.DUE_DAY}
    kinds |= {rules.CHECKPOINT_1, rules.CHECKPOINT_2}
    assert kinds <= set(NoticeKind.values) and set(rules.OPTIONAL) == kinds
    assert NoticeKind.OVERDUE not in rules.OPTIONAL


def test_checkpoints_and_their_catch_up():
    first, second = date(2026, 5, 15), DUE
    assert (
        checkpoint_kind(first=first, second=second, catch_up_days=2, today=date(2026, 5, 14))
        is None
    )
    assert (
        checkpoint_kind(first=first, second=second, catch_up_days=2, today=first) == "checkpoint_1"
    )
    assert (
        checkpoint_kind(first=first, second=second, catch_up_days=2, today=date(2026, 6, 24))
        == "checkpoint_1"
    )
    assert checkpoint_kind(first=first, second=second, catch_up_days=2, today=DUE) == "checkpoint_2"
    assert (
        checkpoint_kind(first=first, second=second, catch_up_days=2, today=date(2026, 6, 27))
        == "checkpoint_2"
    )
    assert (
        checkpoint_kind(first=first, second=second, catch_up_days=2, today=date(2026, 6, 28))
        is None
    )
    # A first checkpoint clamped onto the due date is the second one.
    assert checkpoint_kind(first=DUE, second=DUE, catch_up_days=2, today=DUE) == "checkpoint_2"


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


# --- claims ------------------------------------------------------------------------------------


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


# --- recipients and preferences ----------------------------------------------------------------


def test_optional_notices_follow_the_switches_and_mandatory_ones_cannot_be_turned_off(world):
    notice_preferences_update(
        user=world["reporter"],
        notify_window_open=False,
        notify_reminders=False,
        notify_checkpoints=False,
    )
    UnitContact.objects.create(
        unit=world["units"]["czj"], email="CZJ-Office@yunjiang.example.cn", notify_reminders=False
    )
    sweep_and_send(at(6, 1))
    sweep_and_send(at(6, 18))
    sweep_and_send(at(6, 26))
    sweep_and_send(at(6, 28))
    fgw = {k for r, k, _ in claimed() if r == "fgw@yunjiang.example.cn"}
    office = {k for r, k, _ in claimed() if r == "czj-office@yunjiang.example.cn"}
    assert fgw == {"overdue", "escalate_lead"}
    assert office == {"window_open", "overdue"}
    # There is no switch for the mandatory kinds at all.
    assert not {f.name for f in NoticePreference._meta.fields} & {"notify_overdue", "notify_all"}


def test_a_units_contacts_are_managed_by_its_people_and_supervisors_only(world):
    contact = unit_contact_save(
        unit=world["units"]["fgw"], email=" Office@YunJiang.example.cn ", actor=world["reporter"]
    )
    assert contact.email == "office@yunjiang.example.cn"
    with pytest.raises(ContactRefused):
        unit_contact_save(unit=world["units"]["fgw"], email="x@y.cn", actor=world["outsider"])
    with pytest.raises(ContactRefused):
        unit_contact_save(
            unit=world["units"]["fgw"], email="not-an-address", actor=world["reporter"]
        )
    again = unit_contact_save(
        unit=world["units"]["fgw"],
        email="office@yunjiang.example.cn",
        actor=world["supervisor"],
        is_active=False,
    )
    assert again.pk == contact.pk and not again.is_active


def test_english_readers_get_english(world):
    notice_preferences_update(
        user=world["outsider"],
        notify_window_open=True,
        notify_reminders=True,
        notify_checkpoints=True,
        language="en",
    )
    sent = {m.to[0]: m for m in sweep_and_send(at(6, 26))}
    english, chinese = sent["czj@yunjiang.example.cn"], sent["fgw@yunjiang.example.cn"]
    assert english.subject.startswith("[Task tracker] 1 notice: Overdue")
    assert "1 day overdue" in english.body and "26 Jun 2026" in english.body
    # 发改委 also leads: the second checkpoint (25 June) is still being caught up on the 26th.
    assert chinese.subject == "【任务调度】2项提醒：逾期未报送等"
    assert "已逾期1天" in chinese.body
    html = chinese.alternatives[0][0]
    assert 'lang="zh-Hans"' in html and "固定资产投资增长10%" in html


# --- sending: leases, reclaims, Message-IDs, failures ------------------------------------------


def test_message_ids_come_from_the_claim_key_and_a_resend_repeats_it(world):
    result = reminders_sweep(now=at(6, 18))
    digest = ReminderDigest.objects.get(sweep=result.token, recipient="fgw@yunjiang.example.cn")
    assert message_id_for(digest) == message_id_for(ReminderDigest.objects.get(pk=digest.pk))
    assert message_id_for(digest).startswith(f"<reminders.{result.token}.")
    with time_machine.travel(at(6, 18), tick=False):
        assert reminder_digest_send_one(digest_id=digest.pk, now=at(6, 18))
        # The crash window: SMTP accepted, the worker died before recording it.
        ReminderDigest.objects.filter(pk=digest.pk).update(status="claimed", lease_until=None)
        assert reminder_digest_send_one(digest_id=digest.pk, now=at(6, 18, 9, 20))
        assert reminder_digest_send_one(digest_id=digest.pk, now=at(6, 18, 9, 30)) is False
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert ids == [message_id_for(digest)] * 2


def test_a_live_lease_keeps_a_second_sender_out_until_it_expires(world, settings):
    result = reminders_sweep(now=at(6, 18))
    digest_id = result.digest_ids[0]
    # A sender took the lease and died (no record of the outcome).
    assert _lease(digest_id, at(6, 18, 9, 1))
    assert reminder_digest_send_one(digest_id=digest_id, now=at(6, 18, 9, 2)) is False
    reclaim = settings.TRACKER_REMINDER_RECLAIM_SECONDS
    early = at(6, 18, 9, 1) + timedelta(seconds=reclaim - 1)
    # The other digest, never leased, is requeued; the leased one is not.
    assert digest_id not in digests_requeue_stalled(now=early)
    late = at(6, 18, 9, 1) + timedelta(seconds=reclaim + 1)
    assert digest_id in digests_requeue_stalled(now=late)
    # Requeued: not again until another reclaim period has passed.
    assert digests_requeue_stalled(now=late + timedelta(seconds=1)) == []
    with time_machine.travel(late, tick=False):
        assert reminder_digest_send_one(digest_id=digest_id, now=late)
    assert ReminderDigest.objects.get(pk=digest_id).attempts == 2


def test_a_claim_whose_task_was_lost_is_requeued_by_a_later_sweep(world, settings):
    first = reminders_sweep(now=at(6, 18))
    assert first.digest_ids
    soon = reminders_sweep(now=at(6, 18, 9, 5))
    assert soon.requeued_ids == []
    later = at(6, 18) + timedelta(seconds=settings.TRACKER_REMINDER_RECLAIM_SECONDS + 60)
    assert sorted(reminders_sweep(now=later).requeued_ids) == sorted(first.digest_ids)


class FailingBackend:
    """An SMTP backend whose server is down (or refuses with `code`)."""

    code = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if self.code:
            raise smtplib.SMTPRecipientsRefused({"x@y.cn": (self.code, b"no such user")})
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(FailingBackend):
    code = 550


def test_smtp_failures_are_recorded_retried_with_backoff_then_given_up(world, settings):
    settings.EMAIL_BACKEND = "tests.tracker.test_reminders.FailingBackend"
    settings.TRACKER_REMINDER_MAX_ATTEMPTS = 3
    result = reminders_sweep(now=at(6, 18))
    digest_id = result.digest_ids[0]
    now = at(6, 18)
    for attempt in (1, 2):
        with pytest.raises(DigestSendFailed) as failure:
            reminder_digest_send_one(digest_id=digest_id, now=now)
        digest = ReminderDigest.objects.get(pk=digest_id)
        assert (digest.status, digest.attempts) == ("retrying", attempt)
        assert "SMTPServerDisconnected" in digest.error
        base = settings.TRACKER_REMINDER_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
        assert base / 2 <= failure.value.retry_in <= base
        items = ReminderLog.objects.filter(sweep=result.token, recipient=digest.recipient)
        assert {(i.status, i.attempts) for i in items} == {("retrying", attempt)}
        assert list(reminders_failed(world["supervisor"])) and not list(
            reminders_failed(world["reporter"])
        )
        # Before its backoff is over the digest is not sent, even if a task turns up early.
        assert reminder_digest_send_one(digest_id=digest_id, now=now) is False
        now = digest.next_attempt_at
    with pytest.raises(DigestSendFailed) as failure:
        reminder_digest_send_one(digest_id=digest_id, now=now)
    assert failure.value.retry_in is None
    digest = ReminderDigest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts) == ("failed", 3)
    assert digest_id not in digests_requeue_stalled(now=now + timedelta(days=1))


def test_a_permanent_refusal_fails_at_once(world, settings):
    settings.EMAIL_BACKEND = "tests.tracker.test_reminders.RefusingBackend"
    digest_id = reminders_sweep(now=at(6, 18)).digest_ids[0]
    with pytest.raises(DigestSendFailed) as failure:
        reminder_digest_send_one(digest_id=digest_id, now=at(6, 18))
    assert failure.value.retry_in is None
    assert ReminderDigest.objects.get(pk=digest_id).status == "failed"


def test_the_backoff_grows_exponentially_with_jitter_up_to_its_cap(settings):
    settings.TRACKER_REMINDER_RETRY_BASE_SECONDS = 60
    settings.TRACKER_REMINDER_RETRY_MAX_SECONDS = 600
    delays = {attempt: [retry_delay(attempt) for _ in range(50)] for attempt in (1, 2, 3, 8)}
    assert all(30 <= d <= 60 for d in delays[1]) and all(60 <= d <= 120 for d in delays[2])
    assert all(120 <= d <= 240 for d in delays[3]) and all(300 <= d <= 600 for d in delays[8])
    assert len(set(delays[1])) > 1


# --- the preview, the selectors, the command, the tasks ----------------------------------------


def test_the_preview_is_exactly_what_the_sweep_then_claims_and_writes_nothing(world):
    UnitContact.objects.create(unit=world["units"]["fgw"], email="office@yunjiang.example.cn")
    for when in (at(6, 18), at(6, 28)):
        counts = (ReminderLog.objects.count(), ReminderDigest.objects.count())
        preview = reminders_preview(world["supervisor"], now=when)
        assert (ReminderLog.objects.count(), ReminderDigest.objects.count()) == counts
        previewed = {
            (n.recipient, n.kind, n.item_key) for d in preview.digests for n in d.notices
        } | {(n.recipient, n.kind, n.item_key) for n in preview.urges}
        result = reminders_sweep(now=when)
        assert previewed == claimed(sweep=result.token) and previewed
    labels = [n.label for d in preview.digests for n in d.notices]
    assert any("云江市财政局 · 一.1 固定资产投资增长10%" in label for label in labels)
    assert reminders_preview(world["reporter"], now=at(7, 1)).digests == []


def test_supervisors_see_what_was_sent_to_whom_per_period(world):
    sweep_and_send(at(6, 18))
    sent = reminders_sent(world["supervisor"], period_ids=[world["period"].pk])
    assert {(log.recipient, log.kind, log.status) for log in sent} == {
        ("fgw@yunjiang.example.cn", "due_7", "sent"),
        ("fgw@yunjiang.example.cn", "checkpoint_1", "sent"),
        ("czj@yunjiang.example.cn", "due_7", "sent"),
    }
    assert all(log.sent_at and log.message_id for log in sent)
    assert not reminders_sent(world["supervisor"], period_ids=[world["period"].pk - 1]).exists()
    assert not reminders_sent(world["reporter"]).exists()
    assert ReminderDigest.objects.filter(status="sent").count() == 2


def test_send_reminders_dry_run_prints_the_preview_and_writes_nothing(world):
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2026-06-28T09:00", stdout=out)
    text = out.getvalue()
    assert "czj@yunjiang.example.cn" in text and "逾期提请牵头单位督促" in text
    assert "督办" in text
    assert not ReminderLog.objects.exists() and not ReminderDay.objects.exists()
    out = StringIO()
    call_command("send_reminders", "--inline", "--now", "2026-06-28T09:00", stdout=out)
    assert "已发送 3 封" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "czj@yunjiang.example.cn",
        "dcs@yunjiang.example.cn",
        "fgw@yunjiang.example.cn",
    ]


def test_the_tasks_queue_after_commit_and_send(world, settings, django_capture_on_commit_callbacks):
    from tracker.celery import app
    from tracker.tasks import reminder_digest_send
    from tracker.tasks import reminders_sweep as sweep_task

    app.conf.task_always_eager = True
    try:
        with time_machine.travel(at(6, 18), tick=False):
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                assert sweep_task() == 2
            assert mail.outbox == []  # nothing leaves before the claim commits
            for callback in callbacks:
                callback()
        assert len(mail.outbox) == 2
        settings.EMAIL_BACKEND = "tests.tracker.test_reminders.FailingBackend"
        with time_machine.travel(at(6, 26), tick=False):
            result = reminders_sweep(now=at(6, 26))
            # Eagerly, a retry runs at once; the service refuses it until the backoff is over.
            assert reminder_digest_send.delay(result.digest_ids[0]).get() is False
        digest = ReminderDigest.objects.get(pk=result.digest_ids[0])
        assert (digest.status, digest.attempts) == ("retrying", 1)
    finally:
        app.conf.task_always_eager = False


def test_celery_configuration_for_the_calendar(settings):
    from tracker.celery import app
    from tracker.tasks import reminder_digest_send
    from tracker.tasks import reminders_sweep as sweep_task

    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert tasks == {"tracker.tasks.reminders_sweep", "tracker.tasks.broker_processed_prune"}
    assert len(schedule) == 3
    assert settings.CELERY_TASK_SERIALIZER == "json" and settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert sweep_task.acks_late and reminder_digest_send.acks_late
    annotations = app.conf.task_annotations
    limit = annotations["tracker.tasks.reminder_digest_send"]["time_limit"]
    assert limit < settings.TRACKER_REMINDER_RECLAIM_SECONDS
