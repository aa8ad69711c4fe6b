"""A whole quarter of the calendar, hour by hour, with a frozen clock: the exact e-mails sent.

The second quarter of 2026 (window opens 1 June, due 25 June, checkpoints 15 May and 25 June) is
run from 1 May to 10 July. Every hour the sweep runs, its digests are sent, and the sweep runs
again at once — that second run must claim and send nothing. The units behave as units do:

- A1 (lead 发改委; co 财政局, 住建局): 发改委 reports early; 财政局 reports the day before the
  deadline and is returned by 发改委 (as lead unit) the day after it; 住建局 never reports.
- A2 (lead 统计局; co 商务局): 统计局 reports on the due day; 商务局 reports three days late and
  raises a problem nobody solves, so it climbs to the lead unit, then to the leader in charge.
- A3 (lead 统计局 alone): never reported; as the lead unit's own report it goes straight to
  the supervisors on the third overdue day.

Recipients: 发改委 has a reporter and an office mailbox that turned the pre-deadline reminders
off; 财政局's reporter turned the window-open notice off; 住建局 has only a contact address;
商务局's reporter reads English. An administrator, an inactive contact and an inactive user have
addresses too and must never be written to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import (
    NoticePreference,
    Problem,
    ProgressReport,
    ReminderLog,
    SupervisionAction,
    Unit,
    UnitContact,
    User,
)
from tracker.periods import SHANGHAI
from tracker.services.reminders.send import reminder_digest_send_one
from tracker.services.reminders.sweep import reminders_sweep
from tracker.services.report_review import report_return
from tracker.services.reporting_periods import period_lock
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

START = datetime(2026, 5, 1, 0, 0, tzinfo=SHANGHAI)
END = datetime(2026, 7, 10, 23, 0, tzinfo=SHANGHAI)

FGW, FGW_OFFICE = "fgw@yunjiang.example.cn", "fgw-office@yunjiang.example.cn"
CZJ, ZJJ = "czj@yunjiang.example.cn", "zjj-office@yunjiang.example.cn"
TJJ, SWJ = "tjj@yunjiang.example.cn", "swj@yunjiang.example.cn"
DCS, DCS2 = "dcs@yunjiang.example.cn", "dcs2@yunjiang.example.cn"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def build_world() -> dict[str, object]:
    """The document, units, people and responsibilities of the scenario."""
    names = {
        "fgw": "云江市发展和改革委员会",
        "czj": "云江市财政局",
        "zjj": "云江市住房和城乡建设局",
        "tjj": "云江市统计局",
        "swj": "云江市商务局",
    }
    unit = {key: Unit.objects.create(name=name) for key, name in names.items()}
    people = {}
    for key, email in (("fgw", FGW), ("czj", CZJ), ("tjj", TJJ), ("swj", SWJ)):
        people[key] = User.objects.create_user(
            f"{key}-reporter", email=email, role=User.Role.REPORTER, unit=unit[key]
        )
    User.objects.create_user("zjj-nomail", role=User.Role.REPORTER, unit=unit["zjj"])
    User.objects.create_user(
        "zjj-left",
        email="zjj-left@yunjiang.example.cn",
        role=User.Role.REPORTER,
        unit=unit["zjj"],
        is_active=False,
    )
    UnitContact.objects.create(unit=unit["fgw"], email=FGW_OFFICE, notify_reminders=False)
    UnitContact.objects.create(unit=unit["zjj"], email=ZJJ, name="住建局办公室")
    UnitContact.objects.create(
        unit=unit["swj"], email="swj-old@yunjiang.example.cn", is_active=False
    )
    NoticePreference.objects.create(user=people["czj"], notify_window_open=False)
    NoticePreference.objects.create(user=people["swj"], language="en")
    supervisor = User.objects.create_user("dcs", email=DCS, role=User.Role.SUPERVISOR)
    User.objects.create_user("dcs2", email=DCS2, role=User.Role.SUPERVISOR)
    User.objects.create_user(
        "admin", email="admin@yunjiang.example.cn", role=User.Role.ADMINISTRATOR, is_staff=True
    )

    document = make_document(title="云江市2026年重点任务分工方案")
    a1 = make_assignment(document, title="固定资产投资增长10%")
    a2 = make_assignment(document, title="社会消费品零售总额增长8%")
    a3 = make_assignment(document, title="统计监测制度建设")
    targets = {"A1": make_target(a1, value="10"), "A2": make_target(a2, value="8")}
    slot = {
        "A1/fgw": make_responsibility(a1, unit["fgw"], "lead"),
        "A1/czj": make_responsibility(a1, unit["czj"], "co"),
        "A1/zjj": make_responsibility(a1, unit["zjj"], "co"),
        "A2/tjj": make_responsibility(a2, unit["tjj"], "lead"),
        "A2/swj": make_responsibility(a2, unit["swj"], "co"),
        "A3/tjj": make_responsibility(a3, unit["tjj"], "lead"),
    }
    periods = make_periods(document)
    q1, q2 = periods[0], periods[1]
    assert (q2.opens_on, q2.due_on) == (date(2026, 6, 1), date(2026, 6, 25))
    assert (q2.first_checkpoint_on, q2.second_checkpoint_on) == (
        date(2026, 5, 15),
        date(2026, 6, 25),
    )
    # The first quarter was closed before this story starts.
    period_lock(period=q1, actor=supervisor, now=at(3, 31, 18))
    return {
        "unit": unit,
        "people": people,
        "slot": slot,
        "targets": targets,
        "q2": q2,
    }


def submit(world, key: str, when: datetime, *, problems: str = "") -> None:
    responsibility = world["slot"][key]
    target = world["targets"].get(key.split("/")[0])
    values = {target.pk: TargetInput(actual=Decimal("5"))} if target else {}
    existing = ProgressReport.objects.filter(
        responsibility=responsibility, period=world["q2"]
    ).first()
    report_save(
        responsibility=responsibility,
        period=world["q2"],
        actor=world["people"][key.split("/")[1]],
        report_input=ReportInput(
            values=values,
            narrative="按计划推进",
            problems_text=problems,
            assessment="" if target else "in_progress",
        ),
        expected_version=existing.version if existing else None,
        submit=True,
        now=when,
    )


def give_back(world, key: str, when: datetime) -> None:
    report = ProgressReport.objects.get(responsibility=world["slot"][key], period=world["q2"])
    report_return(
        report=report, actor=world["people"]["fgw"], reason="数据口径有误，请核实。", now=when
    )


def events(world) -> list[tuple[datetime, Callable[[], None]]]:
    return [
        (at(6, 20, 14, 30), lambda: submit(world, "A1/fgw", at(6, 20, 14, 30))),
        (at(6, 24, 10, 30), lambda: submit(world, "A1/czj", at(6, 24, 10, 30))),
        (at(6, 25, 15, 30), lambda: submit(world, "A2/tjj", at(6, 25, 15, 30))),
        (at(6, 26, 10, 30), lambda: give_back(world, "A1/czj", at(6, 26, 10, 30))),
        (at(6, 27, 9, 30), lambda: submit(world, "A1/czj", at(6, 27, 9, 30))),
        (
            at(6, 28, 10, 30),
            lambda: submit(world, "A2/swj", at(6, 28, 10, 30), problems="项目用地指标不足"),
        ),
    ]


def expected_mails(world) -> Counter:
    """(sweep time, recipient, frozenset of (kind, item)) for every e-mail, written out from the
    rules in the docstring of tracker/services/reminders/."""
    problem = Problem.objects.get()
    report = ProgressReport.objects.get(responsibility=world["slot"]["A1/czj"])
    returned_key = ReminderLog.objects.get(kind="returned").item_key
    assert returned_key.startswith(f"report:{report.pk}@")
    mails: Counter = Counter()

    def add(when: datetime, recipient: str, *items: tuple[str, str]) -> None:
        mails[(when, recipient, frozenset(items))] += 1

    def day(when: datetime) -> str:
        return when.date().isoformat()

    # 一季两调度: lead units, whatever their reports.
    for when, kind in ((at(5, 15), "checkpoint_1"),):
        add(when, FGW, (kind, "A1/fgw"))
        add(when, FGW_OFFICE, (kind, "A1/fgw"))
        add(when, TJJ, (kind, "A2/tjj"), (kind, "A3/tjj"))
    # The window opens: every missing slot, except to 财政局 (switched it off).
    add(at(6, 1), FGW, ("window_open", "A1/fgw"))
    add(at(6, 1), FGW_OFFICE, ("window_open", "A1/fgw"))
    add(at(6, 1), ZJJ, ("window_open", "A1/zjj"))
    add(at(6, 1), TJJ, ("window_open", "A2/tjj"), ("window_open", "A3/tjj"))
    add(at(6, 1), SWJ, ("window_open", "A2/swj"))
    # 7, 3, 1 days before and the due day: the missing slots; 发改委's office mailbox opted out.
    for when, kind, missing in (
        (at(6, 18), "due_7", ["A1/fgw", "A1/czj", "A1/zjj", "A2/tjj", "A3/tjj", "A2/swj"]),
        (at(6, 22), "due_3", ["A1/czj", "A1/zjj", "A2/tjj", "A3/tjj", "A2/swj"]),
        (at(6, 24), "due_1", ["A1/czj", "A1/zjj", "A2/tjj", "A3/tjj", "A2/swj"]),
    ):
        for unit, address in (("fgw", FGW), ("czj", CZJ), ("zjj", ZJJ), ("swj", SWJ)):
            items = [(kind, s) for s in missing if s.endswith(unit)]
            if items:
                add(when, address, *items)
        add(when, TJJ, (kind, "A2/tjj"), (kind, "A3/tjj"))
    add(at(6, 25), ZJJ, ("due_day", "A1/zjj"))
    add(at(6, 25), SWJ, ("due_day", "A2/swj"))
    add(at(6, 25), FGW, ("checkpoint_2", "A1/fgw"))
    add(at(6, 25), FGW_OFFICE, ("checkpoint_2", "A1/fgw"))
    add(
        at(6, 25),
        TJJ,
        ("due_day", "A2/tjj"),
        ("due_day", "A3/tjj"),
        ("checkpoint_2", "A2/tjj"),
        ("checkpoint_2", "A3/tjj"),
    )
    # The return, at the first sweep after it.
    add(at(6, 26, 11), CZJ, ("returned", returned_key))
    # Overdue, daily: 住建局 and 统计局's A3 to the end; 商务局 until it reported on the 28th.
    when = at(6, 26)
    while when <= END:
        add(when, ZJJ, ("overdue", f"A1/zjj@{day(when)}"))
        tjj = [("overdue", f"A3/tjj@{day(when)}")]
        if when == at(6, 28):
            tjj.append(("escalate_lead", "A2/swj"))  # third day: the co-unit's lead hears
        add(when, TJJ, *tjj)
        if when <= at(6, 28):
            add(when, SWJ, ("overdue", f"A2/swj@{day(when)}"))
        when += timedelta(days=1)
    # Third overdue day: co-units to their lead unit; the lead unit's own report to supervision.
    add(at(6, 28), FGW, ("escalate_lead", "A1/zjj"))
    add(at(6, 28), FGW_OFFICE, ("escalate_lead", "A1/zjj"))
    for address in (DCS, DCS2):
        add(at(6, 28), address, ("escalate_supervisor", "A3/tjj"))
        # Sixth overdue day: the co-unit still missing goes to supervision.
        add(at(7, 1), address, ("escalate_supervisor", "A1/zjj"))
    # 商务局's problem: raised 28 June 10:30, past its 3 days at the 11:00 sweep of 1 July
    # (lead unit), then 3 days later at the 12:00 sweep of 4 July (the leader, via supervision).
    add(at(7, 1, 11), TJJ, ("problem_lead", f"problem:{problem.pk}"))
    for address in (DCS, DCS2):
        add(at(7, 4, 12), address, ("problem_leader", f"problem:{problem.pk}"))
    return mails


def _item_name(log: ReminderLog, names: dict[int, str]) -> str:
    if log.kind == "returned" or log.problem_id:
        return log.item_key
    suffix = log.item_key.partition("@")[2]
    name = names[log.responsibility_id]
    return f"{name}@{suffix}" if suffix else name


def test_a_quarter_hour_by_hour_sends_exactly_the_calendar(django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False) as clock:
        world = build_world()
        names = {r.pk: key for key, r in world["slot"].items()}
        pending = events(world)
        sent: Counter = Counter()
        message_ids: set[str] = set()
        hour = START
        while hour <= END:
            while pending and pending[0][0] <= hour:
                when, happen = pending.pop(0)
                clock.move_to(when)
                happen()
            clock.move_to(hour)
            queued: list[int] = []
            with django_capture_on_commit_callbacks(execute=True):
                first = reminders_sweep(now=hour, enqueue=queued.extend)
            mail.outbox.clear()
            for digest_id in queued:
                assert reminder_digest_send_one(digest_id=digest_id, now=hour)
            for message in mail.outbox:
                message_id = message.extra_headers["Message-ID"]
                assert message_id not in message_ids
                message_ids.add(message_id)
                (recipient,) = message.to
                items = frozenset(
                    (log.kind, _item_name(log, names))
                    for log in ReminderLog.objects.filter(message_id=message_id)
                )
                assert len(items) == len(
                    ReminderLog.objects.filter(message_id=message_id, recipient=recipient)
                )
                sent[(hour, recipient, items)] += 1
            # The same sweep again, at once: nothing left to claim, nothing to send.
            queued.clear()
            with django_capture_on_commit_callbacks(execute=True):
                again = reminders_sweep(now=hour, enqueue=queued.extend)
            assert (again.claimed, again.urges_claimed, queued) == (0, 0, []), hour
            assert first.requeued_ids == [] and not again.problems_escalated
            hour += timedelta(hours=1)

    expected = expected_mails(world)
    missing, extra = expected - sent, sent - expected
    assert not missing and not extra, {"missing": missing, "extra": extra}
    assert sum(sent.values()) == len(message_ids)
    # Exactly one automatic 督办 per overdue (unit, period, responsibility) reaching supervision.
    urged = sorted(
        names[a.responsibility_id] for a in SupervisionAction.objects.filter(author=None)
    )
    assert urged == ["A1/zjj", "A3/tjj"]
    assert Problem.objects.get().level == Problem.Level.LEADER
    assert not ReminderLog.objects.exclude(status="sent").exists()
