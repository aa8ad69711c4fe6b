""" "从第二季度起每个季度第1个月的20日前报送上季度情况" run through 2026 (and into January 2027)
with a frozen clock: the exact e-mails sent, and a second sweep at once sending nothing.

The rule is due after the quarter it reports: the first quarter is reported by 20 April (the
reporting starts in the second quarter), the fourth by 20 January 2027. A quarter's window opens
the day after it ends; its first dispatch checkpoint is mid-quarter (15 February, May, August,
November) and its second is the due date.

- A1 (lead 发改委, co 财政局): 发改委 reports on the 10th of the month it is due in; 财政局 on
  the due day, after the morning's reminder, except the third quarter, reported on 24 October:
  four days late, so on the third overdue day (23 October) the lead unit hears of it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
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
from tracker.models import ProgressReport, Unit, User
from tracker.periods import SHANGHAI
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

FGW, CZJ = "fgw@yunjiang.example.cn", "czj@yunjiang.example.cn"
QUARTERS = {1: "2026年一季度", 2: "2026年二季度", 3: "2026年三季度", 4: "2026年四季度"}
# Where each quarter is due: the 20th of the first month after it.
DUE = {1: date(2026, 4, 20), 2: date(2026, 7, 20), 3: date(2026, 10, 20), 4: date(2027, 1, 20)}
CZJ_REPORTS = {1: DUE[1], 2: DUE[2], 3: date(2026, 10, 24), 4: DUE[4]}


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def build_world() -> dict[str, object]:
    fgw = Unit.objects.create(name="云江市发展和改革委员会")
    czj = Unit.objects.create(name="云江市财政局")
    people = {
        "fgw": User.objects.create_user("fgw-r", email=FGW, role=User.Role.REPORTER, unit=fgw),
        "czj": User.objects.create_user("czj-r", email=CZJ, role=User.Role.REPORTER, unit=czj),
    }
    User.objects.create_user("dcs", email="dcs@yunjiang.example.cn", role=User.Role.SUPERVISOR)
    document = make_document(title="云江市2026年重大项目推进方案")
    make_schedule(
        document,
        frequency="quarterly",
        after_period=True,
        month=1,
        day=20,
        from_period=2,
        text="从第二季度起每个季度第1个月的20日前报送上季度情况",
    )
    task = make_assignment(document, title="重大项目完成投资120亿元")
    slot = {
        "A1/fgw": make_responsibility(task, fgw, "lead"),
        "A1/czj": make_responsibility(task, czj, "co"),
    }
    periods = make_periods(document)
    assert [
        (p.number, p.starts_on, p.ends_on, p.opens_on, p.due_on, p.first_checkpoint_on)
        for p in periods
    ] == [
        (1, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), DUE[1], date(2026, 2, 15)),
        (2, date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 1), DUE[2], date(2026, 5, 15)),
        (3, date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 1), DUE[3], date(2026, 8, 15)),
        (4, date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 1), DUE[4], date(2026, 11, 15)),
    ]
    assert all(p.second_checkpoint_on == p.due_on for p in periods)
    return {
        "people": people,
        "slot": slot,
        "target": make_target(task, value="120", unit="亿元", kind="level"),
        "periods": {p.number: p for p in periods},
    }


def submit(world, key: str, quarter: int, when: datetime) -> None:
    report_save(
        responsibility=world["slot"][key],
        period=world["periods"][quarter],
        actor=world["people"][key.split("/")[1]],
        report_input=ReportInput(
            values={world["target"].pk: TargetInput(actual=Decimal(30 * quarter))},
            narrative="项目按计划推进",
        ),
        expected_version=None,
        submit=True,
        now=when,
    )


def events(world) -> list[tuple[datetime, object]]:
    happen = []
    for quarter, due in DUE.items():
        fgw_at = moment(due.replace(day=10), 10)
        czj_at = moment(CZJ_REPORTS[quarter], 15, 30)
        happen.append((fgw_at, lambda q=quarter, w=fgw_at: submit(world, "A1/fgw", q, w)))
        happen.append((czj_at, lambda q=quarter, w=czj_at: submit(world, "A1/czj", q, w)))
    return happen


def expected_mails() -> Counter:
    """Every e-mail, written out from the rules in tracker/services/reminders/'s docstring."""
    mails: Counter = Counter()

    def add(day: date, recipient: str, *items: tuple[str, str, str]) -> None:
        mails[(moment(day), recipient, frozenset(items))] += 1

    checkpoints = {1: date(2026, 2, 15), 2: date(2026, 5, 15), 3: date(2026, 8, 15)}
    checkpoints[4] = date(2026, 11, 15)
    for quarter, label in QUARTERS.items():
        due = DUE[quarter]
        # Mid-quarter, the lead unit's first dispatch checkpoint.
        add(checkpoints[quarter], FGW, ("checkpoint_1", "A1/fgw", label))
        # The day after the quarter ends, the window opens for both.
        opens = due.replace(day=1)
        add(opens, FGW, ("window_open", "A1/fgw", label))
        add(opens, CZJ, ("window_open", "A1/czj", label))
        # 发改委 reported on the 10th: the countdown is 财政局's alone.
        add(due.replace(day=13), CZJ, ("due_7", "A1/czj", label))
        add(due.replace(day=17), CZJ, ("due_3", "A1/czj", label))
        add(due.replace(day=19), CZJ, ("due_1", "A1/czj", label))
        add(due, CZJ, ("due_day", "A1/czj", label))
        add(due, FGW, ("checkpoint_2", "A1/fgw", label))
    # The third quarter, four days late: chased each morning until it reports; the co-unit's
    # lead hears on the third overdue day.
    for day in (21, 22, 23, 24):
        add(date(2026, 10, day), CZJ, ("overdue", f"A1/czj@2026-10-{day}", QUARTERS[3]))
    add(date(2026, 10, 23), FGW, ("escalate_lead", "A1/czj", QUARTERS[3]))
    return mails


def test_quarters_reported_in_the_next_quarters_first_month_through_a_year(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(moment(date(2026, 1, 1), 0), tick=False):
        world = build_world()
    names = {r.pk: key for key, r in world["slot"].items()}
    sent = walk_calendar(
        date(2026, 1, 1),
        date(2027, 1, 31),
        events=events(world),
        names=names,
        capture=django_capture_on_commit_callbacks,
    )
    expected = expected_mails()
    assert sum(expected.values()) == 37
    missing, extra = expected - sent, sent - expected
    assert not missing and not extra, {"missing": missing, "extra": extra}
    late = ProgressReport.objects.filter(is_late=True).values_list(
        "responsibility_id", "period__number"
    )
    assert list(late) == [(world["slot"]["A1/czj"].pk, 3)]
