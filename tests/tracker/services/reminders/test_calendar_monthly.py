"""A monthly plan ("每月25日前报送", a 一季度开门红 dispatch) run through January to April 2026
with a frozen clock: the exact e-mails sent, and a second sweep at once sending nothing.

Each month opens on the 1st and is due on the 25th; a month has one dispatch checkpoint, on its
due date (no mid-period one). The units behave as units do:

- A1 (lead 发改委, co 财政局): 发改委 reports on the 20th; 财政局 on the 23rd, except in
  February, when it reports two days late (27 February).
- A2 (lead 统计局 alone): January is never reported — chased daily, and on the third overdue day
  (28 January) the lead unit's own missing report goes to the supervisors with one 督办 —
  until the supervisor locks January on 10 February; from February on it reports on the 24th.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_schedule,
    make_target,
)
from tests.samples import walk_calendar
from tracker.models import ProgressReport, ReportingPeriod, SupervisionAction, Unit, User
from tracker.periods import SHANGHAI
from tracker.services.reporting_periods import period_lock
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

FGW, CZJ = "fgw@yunjiang.example.cn", "czj@yunjiang.example.cn"
TJJ, DCS = "tjj@yunjiang.example.cn", "dcs@yunjiang.example.cn"
MONTHS = {1: "2026年1月", 2: "2026年2月", 3: "2026年3月", 4: "2026年4月"}


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def build_world() -> dict[str, object]:
    unit = {
        key: Unit.objects.create(name=name)
        for key, name in (
            ("fgw", "云江市发展和改革委员会"),
            ("czj", "云江市财政局"),
            ("tjj", "云江市统计局"),
        )
    }
    people = {
        key: User.objects.create_user(
            f"{key}-reporter", email=email, role=User.Role.REPORTER, unit=unit[key]
        )
        for key, email in (("fgw", FGW), ("czj", CZJ), ("tjj", TJJ))
    }
    supervisor = User.objects.create_user("dcs", email=DCS, role=User.Role.SUPERVISOR)
    document = make_document(title="云江市2026年一季度“开门红”工作方案")
    make_schedule(document, frequency="monthly", month=1, day=25, text="每月25日前报送")
    a1 = make_assignment(document, title="固定资产投资增长10%")
    a2 = make_assignment(document, title="重点项目调度")
    slot = {
        "A1/fgw": make_responsibility(a1, unit["fgw"], "lead"),
        "A1/czj": make_responsibility(a1, unit["czj"], "co"),
        "A2/tjj": make_responsibility(a2, unit["tjj"], "lead"),
    }
    periods = make_periods(document)
    assert [(p.frequency, p.number) for p in periods] == [("monthly", n) for n in range(1, 13)]
    assert [
        (p.opens_on, p.due_on, p.first_checkpoint_on, p.second_checkpoint_on) for p in periods[:4]
    ] == [(date(2026, m, 1), date(2026, m, 25), None, date(2026, m, 25)) for m in (1, 2, 3, 4)]
    return {
        "people": people,
        "slot": slot,
        "target": make_target(a1, value="10"),
        "periods": {p.number: p for p in periods},
        "supervisor": supervisor,
    }


def submit(world, key: str, month: int, when: datetime) -> None:
    responsibility = world["slot"][key]
    values = {}
    if key.startswith("A1"):
        values = {world["target"].pk: TargetInput(actual=Decimal("2.5") * month)}
    report_save(
        responsibility=responsibility,
        period=world["periods"][month],
        actor=world["people"][key.split("/")[1]],
        report_input=ReportInput(
            values=values, narrative="按月推进", assessment="" if values else "in_progress"
        ),
        expected_version=None,
        submit=True,
        now=when,
    )


def events(world) -> list[tuple[datetime, object]]:
    happen = []
    for month in (1, 2, 3, 4):
        happen.append(
            (at(month, 20, 10), lambda m=month: submit(world, "A1/fgw", m, at(m, 20, 10)))
        )
        czj_day = 27 if month == 2 else 23
        happen.append(
            (
                at(month, czj_day, 10),
                lambda m=month, d=czj_day: submit(world, "A1/czj", m, at(m, d, 10)),
            )
        )
        if month > 1:
            happen.append(
                (at(month, 24, 10), lambda m=month: submit(world, "A2/tjj", m, at(m, 24, 10)))
            )
    happen.append(
        (
            at(2, 10, 12),
            lambda: period_lock(
                period=world["periods"][1], actor=world["supervisor"], now=at(2, 10, 12)
            ),
        )
    )
    return happen


def expected_mails() -> Counter:
    """Every e-mail, written out from the rules in tracker/services/reminders/'s docstring."""
    mails: Counter = Counter()

    def add(when: datetime, recipient: str, *items: tuple[str, str, str]) -> None:
        mails[(when, recipient, frozenset(items))] += 1

    for month, label in MONTHS.items():
        # The window opens on the 1st: every slot is missing then.
        opening = {FGW: [("window_open", "A1/fgw", label)], CZJ: [("window_open", "A1/czj", label)]}
        opening[TJJ] = [("window_open", "A2/tjj", label)]
        if month == 2:
            # January, unreported and not locked yet, is chased the same morning.
            opening[TJJ].append(("overdue", "A2/tjj@2026-02-01", MONTHS[1]))
        for address, items in opening.items():
            add(at(month, 1), address, *items)
        # 7 days before the 25th: nobody has reported yet.
        for address, name in ((FGW, "A1/fgw"), (CZJ, "A1/czj"), (TJJ, "A2/tjj")):
            add(at(month, 18), address, ("due_7", name, label))
        # 3 days before: 发改委 reported on the 20th.
        for address, name in ((CZJ, "A1/czj"), (TJJ, "A2/tjj")):
            add(at(month, 22), address, ("due_3", name, label))
        # The day before: 财政局 reported on the 23rd, but in February.
        add(at(month, 24), TJJ, ("due_1", "A2/tjj", label))
        if month == 2:
            add(at(2, 24), CZJ, ("due_1", "A1/czj", label))
        # The due date is the month's one dispatch checkpoint, for the lead units.
        add(at(month, 25), FGW, ("checkpoint_2", "A1/fgw", label))
        if month == 1:
            add(at(1, 25), TJJ, ("due_day", "A2/tjj", label), ("checkpoint_2", "A2/tjj", label))
        else:
            add(at(month, 25), TJJ, ("checkpoint_2", "A2/tjj", label))
        if month == 2:
            add(at(2, 25), CZJ, ("due_day", "A1/czj", label))
            # Two days late: chased on the 26th and on the 27th (the 09:00 sweep, before it
            # reports at 10:00); the third day, when the lead unit would hear, never comes.
            for day in (26, 27):
                add(at(2, day), CZJ, ("overdue", f"A1/czj@2026-02-{day}", label))
    # January's missing lead report: chased daily from the 26th until the lock on 10 February
    # (that morning's sweep still ran before it), and on the third day to the supervisors.
    day = date(2026, 1, 26)
    while day <= date(2026, 2, 10):
        if day != date(2026, 2, 1):  # that day's chaser went with February's window
            add(at(day.month, day.day), TJJ, ("overdue", f"A2/tjj@{day.isoformat()}", MONTHS[1]))
        day += timedelta(days=1)
    add(at(1, 28), DCS, ("escalate_supervisor", "A2/tjj", MONTHS[1]))
    return mails


def test_a_monthly_plan_january_to_april_sends_exactly_its_calendar(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(at(1, 1, 0), tick=False):
        world = build_world()
    names = {r.pk: key for key, r in world["slot"].items()}
    sent = walk_calendar(
        date(2026, 1, 1),
        date(2026, 4, 30),
        events=events(world),
        names=names,
        capture=django_capture_on_commit_callbacks,
    )
    expected = expected_mails()
    assert sum(expected.values()) == 64
    missing, extra = expected - sent, sent - expected
    assert not missing and not extra, {"missing": missing, "extra": extra}
    # No first checkpoint in a month, ever.
    assert not any(kind == "checkpoint_1" for _w, _r, items in sent for kind, *_ in items)
    # One automatic 督办, for January's missing lead report.
    (urge,) = SupervisionAction.objects.filter(author=None)
    assert (urge.responsibility_id, urge.period.number) == (world["slot"]["A2/tjj"].pk, 1)
    # February's late report counts as late in February only.
    late = ProgressReport.objects.filter(is_late=True).values_list(
        "responsibility_id", "period__number"
    )
    assert list(late) == [(world["slot"]["A1/czj"].pk, 2)]
    assert ReportingPeriod.objects.get(number=1).is_locked
