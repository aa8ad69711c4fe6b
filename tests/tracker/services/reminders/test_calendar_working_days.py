""" "结束后5个工作日内" on the State Council's working-day calendar, run with a frozen clock: the
exact e-mails sent, and a second sweep at once sending nothing.

The due dates come from the official holiday arrangements, as the chinesecalendar package
(1.11.0, chinese_calendar/constants.py) records them; each test first checks the package says
what the arrangement says:

- 国务院办公厅关于2025年部分节假日安排的通知: 元旦 1 January off; 春节 28 January – 4 February
  off, Sunday 26 January and Saturday 8 February worked; 国庆节、中秋节 1–8 October off,
  Sunday 28 September and Saturday 11 October worked.
- 国务院办公厅关于2026年部分节假日安排的通知: 国庆节 1–7 October off, Sunday 20 September
  and Saturday 10 October worked.

So the third quarter's report, five working days after 30 September, is due on 14 October 2025
and 13 October 2026 (a plain Monday-to-Friday count would say 7 October). A quarter's end plus
five working days never reaches 春节 (it falls three weeks or more into the new year), so the
walk across 春节 runs the quarterly rule through the 2025 festival season and the same rule
form on a monthly plan, whose January is due across the festival: 10 February 2025.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
import time_machine

from tests.factories import (
    make_assignment,
    make_document,
    make_responsibility,
    make_schedule,
)
from tests.samples import walk_calendar
from tracker.models import SupervisionAction, Unit, User
from tracker.periods import SHANGHAI
from tracker.services.reporting_periods import assignments_activate, periods_ensure
from tracker.services.reports import ReportInput, report_save

pytestmark = pytest.mark.django_db

FGW, CZJ = "fgw@yunjiang.example.cn", "czj@yunjiang.example.cn"
DCS = "dcs@yunjiang.example.cn"


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def people() -> tuple[dict[str, Unit], dict[str, User]]:
    unit = {
        "fgw": Unit.objects.create(name="云江市发展和改革委员会"),
        "czj": Unit.objects.create(name="云江市财政局"),
    }
    users = {
        key: User.objects.create_user(
            f"{key}-r", email=email, role=User.Role.REPORTER, unit=unit[key]
        )
        for key, email in (("fgw", FGW), ("czj", CZJ))
    }
    User.objects.create_user("dcs", email=DCS, role=User.Role.SUPERVISOR)
    return unit, users


def publish_from(document, first_day: date, today: date) -> list:
    """The document's periods as publishing creates them from the period starting `first_day`."""
    assignments_activate(document)
    periods_ensure(document, reporting_from=first_day, today=today)
    return list(document.periods.order_by("ends_on"))


def submit(responsibility, period, actor, when: datetime) -> None:
    report_save(
        responsibility=responsibility,
        period=period,
        actor=actor,
        report_input=ReportInput(narrative="按期推进", assessment="in_progress"),
        expected_version=None,
        submit=True,
        now=when,
    )


def _compare(sent: Counter, expected: Counter) -> None:
    missing, extra = expected - sent, sent - expected
    assert not missing and not extra, {"missing": missing, "extra": extra}


# --- across 国庆 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "due", "days_off", "worked"),
    [
        (2025, date(2025, 10, 14), range(1, 9), [date(2025, 9, 28), date(2025, 10, 11)]),
        (2026, date(2026, 10, 13), range(1, 8), [date(2026, 9, 20), date(2026, 10, 10)]),
    ],
)
def test_five_working_days_after_the_third_quarter_cross_national_day(
    year, due, days_off, worked, django_capture_on_commit_callbacks
):
    # The arrangement as the package records it.
    assert all(chinese_calendar.is_holiday(date(year, 10, day)) for day in days_off)
    assert all(chinese_calendar.is_workday(day) and day.weekday() >= 5 for day in worked)

    label = f"{year}年三季度"
    with time_machine.travel(moment(date(year, 7, 31), 12), tick=False):
        unit, users = people()
        document = make_document(title=f"云江市{year}年重点工作推进方案", year=year)
        make_schedule(document, after_period=True, working_days=5, text="每季度结束后5个工作日内")
        task = make_assignment(document, title="重点工作")
        lead = make_responsibility(task, unit["fgw"], "lead")
        co = make_responsibility(task, unit["czj"], "co")
        # Published at the end of July: reporting starts with the third quarter.
        periods = publish_from(document, date(year, 7, 1), date(year, 7, 31))
    q3 = periods[0]
    assert [p.number for p in periods] == [3, 4]
    assert (q3.opens_on, q3.due_on, q3.first_checkpoint_on) == (
        date(year, 10, 1),
        due,
        date(year, 8, 15),
    )
    reported = moment(date(year, 10, 9), 10)  # a working day after the holidays
    sent = walk_calendar(
        date(year, 8, 1),
        date(year, 10, 31),
        events=[(reported, lambda: submit(lead, q3, users["fgw"], reported))],
        names={lead.pk: "A1/fgw", co.pk: "A1/czj"},
        capture=django_capture_on_commit_callbacks,
    )

    expected: Counter = Counter()

    def add(day: date, recipient: str, *items: tuple[str, str, str]) -> None:
        expected[(moment(day), recipient, frozenset(items))] += 1

    add(date(year, 8, 15), FGW, ("checkpoint_1", "A1/fgw", label))
    add(date(year, 10, 1), FGW, ("window_open", "A1/fgw", label))
    add(date(year, 10, 1), CZJ, ("window_open", "A1/czj", label))
    add(due - timedelta(days=7), FGW, ("due_7", "A1/fgw", label))
    add(due - timedelta(days=7), CZJ, ("due_7", "A1/czj", label))
    # 发改委 reported on 9 October: what follows is 财政局's.
    add(due - timedelta(days=3), CZJ, ("due_3", "A1/czj", label))
    add(due - timedelta(days=1), CZJ, ("due_1", "A1/czj", label))
    add(due, CZJ, ("due_day", "A1/czj", label))
    add(due, FGW, ("checkpoint_2", "A1/fgw", label))
    day = due + timedelta(days=1)
    while day <= date(year, 10, 31):
        add(day, CZJ, ("overdue", f"A1/czj@{day.isoformat()}", label))
        day += timedelta(days=1)
    add(due + timedelta(days=3), FGW, ("escalate_lead", "A1/czj", label))
    add(due + timedelta(days=6), DCS, ("escalate_supervisor", "A1/czj", label))
    _compare(sent, expected)
    assert SupervisionAction.objects.filter(author=None, responsibility=co).count() == 1


# --- across 春节 ----------------------------------------------------------------------------


def test_five_working_days_across_the_spring_festival(django_capture_on_commit_callbacks):
    # 元旦 and 春节 2025 as the package records them.
    assert chinese_calendar.is_holiday(date(2025, 1, 1))
    assert all(chinese_calendar.is_holiday(date(2025, 1, 28) + timedelta(n)) for n in range(8))
    assert chinese_calendar.is_workday(date(2025, 1, 26))  # a Sunday
    assert chinese_calendar.is_workday(date(2025, 2, 8))  # a Saturday

    with time_machine.travel(moment(date(2024, 10, 31), 12), tick=False):
        unit, users = people()
        # A 2024 plan reporting each quarter five working days after it ends, published from
        # the fourth quarter.
        quarterly = make_document(title="云江市2024年重点工作推进方案", year=2024)
        make_schedule(quarterly, after_period=True, working_days=5, text="每季度结束后5个工作日内")
        a1 = make_assignment(quarterly, title="重点工作")
        a1_lead = make_responsibility(a1, unit["fgw"], "lead")
        (q4,) = publish_from(quarterly, date(2024, 10, 1), date(2024, 10, 31))
        # A 2025 monthly plan with the same rule form, from January.
        monthly = make_document(title="云江市2025年一季度重点项目月调度方案", year=2025)
        make_schedule(
            monthly,
            frequency="monthly",
            after_period=True,
            working_days=5,
            text="每月结束后5个工作日内",
        )
        b1 = make_assignment(monthly, title="重点项目月调度")
        b1_lead = make_responsibility(b1, unit["fgw"], "lead")
        b1_co = make_responsibility(b1, unit["czj"], "co")
        january = publish_from(monthly, date(2025, 1, 1), date(2024, 10, 31))[0]
    # Thursday 2 January is the first working day after 31 December; 1 January is 元旦.
    assert (q4.opens_on, q4.due_on) == (date(2025, 1, 1), date(2025, 1, 8))
    # Friday 31 January falls in the festival; 5, 6, 7, (Saturday) 8 and 10 February.
    assert (january.opens_on, january.due_on, january.first_checkpoint_on) == (
        date(2025, 2, 1),
        date(2025, 2, 10),
        None,
    )

    events = [
        (
            moment(date(2025, 1, 6), 10),
            lambda: submit(a1_lead, q4, users["fgw"], moment(date(2025, 1, 6), 10)),
        ),
        (
            moment(date(2025, 2, 7), 10),
            lambda: submit(b1_lead, january, users["fgw"], moment(date(2025, 2, 7), 10)),
        ),
        (
            moment(date(2025, 2, 12), 10),
            lambda: submit(b1_co, january, users["czj"], moment(date(2025, 2, 12), 10)),
        ),
    ]
    sent = walk_calendar(
        date(2024, 11, 1),
        date(2025, 2, 28),
        events=events,
        names={a1_lead.pk: "A1/fgw", b1_lead.pk: "B1/fgw", b1_co.pk: "B1/czj"},
        capture=django_capture_on_commit_callbacks,
    )

    q4_label, jan_label = "2024年四季度", "2025年1月"
    expected: Counter = Counter()

    def add(day: date, recipient: str, *items: tuple[str, str, str]) -> None:
        expected[(moment(day), recipient, frozenset(items))] += 1

    # The fourth quarter: its mid-quarter checkpoint; on 1 January the window opens seven days
    # before the due date, so only the later milestone is sent; 发改委 reports on 6 January.
    add(date(2024, 11, 15), FGW, ("checkpoint_1", "A1/fgw", q4_label))
    add(date(2025, 1, 1), FGW, ("due_7", "A1/fgw", q4_label))
    add(date(2025, 1, 5), FGW, ("due_3", "A1/fgw", q4_label))
    add(date(2025, 1, 8), FGW, ("checkpoint_2", "A1/fgw", q4_label))
    # January, due 10 February: the window opens on 1 February, in the middle of the festival.
    add(date(2025, 2, 1), FGW, ("window_open", "B1/fgw", jan_label))
    add(date(2025, 2, 1), CZJ, ("window_open", "B1/czj", jan_label))
    add(date(2025, 2, 3), FGW, ("due_7", "B1/fgw", jan_label))
    add(date(2025, 2, 3), CZJ, ("due_7", "B1/czj", jan_label))
    add(date(2025, 2, 7), FGW, ("due_3", "B1/fgw", jan_label))
    add(date(2025, 2, 7), CZJ, ("due_3", "B1/czj", jan_label))
    add(date(2025, 2, 9), CZJ, ("due_1", "B1/czj", jan_label))
    add(date(2025, 2, 10), CZJ, ("due_day", "B1/czj", jan_label))
    add(date(2025, 2, 10), FGW, ("checkpoint_2", "B1/fgw", jan_label))
    # 财政局 reports two days late.
    add(date(2025, 2, 11), CZJ, ("overdue", "B1/czj@2025-02-11", jan_label))
    add(date(2025, 2, 12), CZJ, ("overdue", "B1/czj@2025-02-12", jan_label))
    _compare(sent, expected)
