"""Every due-rule form of tracker.periods on every frequency: periods' spans, due dates in and
after the period, working days on a calendar with 调休, month-end clamping and leap years, and
the property that a rule due "after" never falls due before its period ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.periods import (
    FREQUENCIES,
    WEEKENDS_ONLY,
    DueRule,
    WorkingCalendar,
    add_months,
    day_in_month,
    due_date,
    months_in,
    nominal_due_date,
    period_bounds,
    period_number,
    period_schedule,
    periods_in_year,
    previous_period,
)

# 国庆 2026 as the State Council arranged it: 1–7 October off, Sunday 20 September and Saturday
# 10 October worked (国务院办公厅关于2026年部分节假日安排的通知).
NATIONAL_DAY_2026 = WorkingCalendar(
    holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
)


# --- spans --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "number", "span"),
    [
        ("monthly", 2, (date(2026, 2, 1), date(2026, 2, 28))),
        ("monthly", 12, (date(2026, 12, 1), date(2026, 12, 31))),
        ("quarterly", 1, (date(2026, 1, 1), date(2026, 3, 31))),
        ("half-yearly", 1, (date(2026, 1, 1), date(2026, 6, 30))),
        ("half-yearly", 2, (date(2026, 7, 1), date(2026, 12, 31))),
        ("yearly", 1, (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_a_period_spans_its_months(frequency, number, span):
    assert period_bounds(2026, frequency, number) == span
    assert period_number(span[1], frequency) == number


def test_february_of_a_leap_year_has_29_days():
    assert period_bounds(2024, "monthly", 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds(2100, "monthly", 2)[1] == date(2100, 2, 28)  # a century, not leap


def test_periods_count_and_step_back_across_the_year():
    assert [periods_in_year(f) for f in FREQUENCIES] == [12, 4, 2, 1]
    assert previous_period(2026, "monthly", 1) == (2025, 12)
    assert previous_period(2026, "half-yearly", 1) == (2025, 2)
    assert previous_period(2026, "yearly", 1) == (2025, 1)
    assert previous_period(2026, "quarterly", 3) == (2026, 2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: period_bounds(2026, "monthly", 13), "numbered 1–12"),
        (lambda: period_bounds(2026, "yearly", 2), "numbered 1–1"),
        (lambda: months_in("weekly"), "frequency"),
        (lambda: DueRule(month=1), "a month and a day"),
        (lambda: DueRule(month=0, day=5), "month must be positive"),
        (lambda: DueRule(month=1, day=32), "day must be 1–31"),
        (lambda: DueRule(working_days=5), "after the period"),
        (lambda: DueRule(after_period=True, working_days=5, calendar_days=5), "not both"),
        (lambda: DueRule(after_period=True, working_days=0), "positive"),
        (lambda: DueRule(after_period=True, month=1, day=5, working_days=5), "no month or day"),
        (lambda: due_date(2026, "quarterly", 1, DueRule(month=4, day=1)), "has no month 4"),
    ],
)
def test_impossible_rules_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- in the period ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "number", "rule", "due"),
    [
        # 每月25日前
        ("monthly", 1, DueRule(month=1, day=25), date(2026, 1, 25)),
        # 每月底前: the 31st clamps to the month's last day.
        ("monthly", 2, DueRule(month=1, day=31), date(2026, 2, 28)),
        ("monthly", 4, DueRule(month=1, day=31), date(2026, 4, 30)),
        # 于每季度末月25日前
        ("quarterly", 2, DueRule(month=3, day=25), date(2026, 6, 25)),
        # 每季度第1个月10日前
        ("quarterly", 3, DueRule(month=1, day=10), date(2026, 7, 10)),
        # 第二个月30日: February clamps.
        ("quarterly", 1, DueRule(month=2, day=30), date(2026, 2, 28)),
        # 每半年末月20日前
        ("half-yearly", 2, DueRule(month=6, day=20), date(2026, 12, 20)),
        # 年底前报送全年总结
        ("yearly", 1, DueRule(month=12, day=31), date(2026, 12, 31)),
    ],
)
def test_due_in_the_period(frequency, number, rule, due):
    assert due_date(2026, frequency, number, rule) == due
    start, end = period_bounds(2026, frequency, number)
    assert start <= due <= end


def test_in_the_period_on_a_leap_february():
    assert due_date(2024, "monthly", 2, DueRule(month=1, day=30)) == date(2024, 2, 29)
    assert due_date(2024, "quarterly", 1, DueRule(month=2, day=31)) == date(2024, 2, 29)


# --- after the period: a day of a month -------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "number", "rule", "due"),
    [
        # 次月5日前报送上月情况
        ("monthly", 1, DueRule(after_period=True, month=1, day=5), date(2026, 2, 5)),
        # December's report crosses into the next year.
        ("monthly", 12, DueRule(after_period=True, month=1, day=5), date(2027, 1, 5)),
        # 每个季度第1个月的20日前报送上季度情况
        ("quarterly", 1, DueRule(after_period=True, month=1, day=20), date(2026, 4, 20)),
        ("quarterly", 4, DueRule(after_period=True, month=1, day=20), date(2027, 1, 20)),
        # The second month after the quarter, on its last day (clamped).
        ("quarterly", 4, DueRule(after_period=True, month=2, day=31), date(2027, 2, 28)),
        # 半年结束后次月15日前
        ("half-yearly", 1, DueRule(after_period=True, month=1, day=15), date(2026, 7, 15)),
        # 次年1月31日前报送上年总结
        ("yearly", 1, DueRule(after_period=True, month=1, day=31), date(2027, 1, 31)),
    ],
)
def test_due_a_month_after_the_period(frequency, number, rule, due):
    assert due_date(2026, frequency, number, rule) == due


def test_after_the_period_into_a_leap_february():
    # January 2024's report, "次月30日前": February 2024 has 29 days.
    rule = DueRule(after_period=True, month=1, day=30)
    assert due_date(2024, "monthly", 1, rule) == date(2024, 2, 29)
    assert due_date(2025, "monthly", 1, rule) == date(2025, 2, 28)


# --- after the period: days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "number", "days", "due"),
    [
        # 每季度结束后10日内
        ("quarterly", 1, 10, date(2026, 4, 10)),
        ("monthly", 1, 10, date(2026, 2, 10)),
        # Counted through a leap day.
        ("monthly", 1, 30, date(2026, 3, 2)),
        ("yearly", 1, 15, date(2027, 1, 15)),
    ],
)
def test_due_calendar_days_after_the_period(frequency, number, days, due):
    rule = DueRule(after_period=True, calendar_days=days)
    assert due_date(2026, frequency, number, rule) == due


def test_calendar_days_through_a_leap_day():
    rule = DueRule(after_period=True, calendar_days=30)
    assert due_date(2024, "monthly", 1, rule) == date(2024, 3, 1)


def test_working_days_after_the_period_on_weekends_only():
    rule = DueRule(after_period=True, working_days=5)
    # Wednesday 30 September 2026: Thursday, Friday, Monday, Tuesday, Wednesday.
    assert due_date(2026, "quarterly", 3, rule) == date(2026, 10, 7)
    # Saturday 31 January 2026: the count starts on Monday.
    assert due_date(2026, "monthly", 1, rule) == date(2026, 2, 6)


def test_working_days_after_the_period_cross_national_day_with_its_tiaoxiu():
    rule = DueRule(after_period=True, working_days=5)
    # 8, 9, Saturday 10 (worked), 12, 13 October.
    assert due_date(2026, "quarterly", 3, rule, calendar=NATIONAL_DAY_2026) == date(2026, 10, 13)
    assert NATIONAL_DAY_2026.working_day_after(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert NATIONAL_DAY_2026.is_working_day(date(2026, 9, 20))  # a Sunday worked
    assert not NATIONAL_DAY_2026.is_working_day(date(2026, 10, 5))  # a Monday off


# --- moving a due date off a holiday ----------------------------------------------------------


def test_a_due_date_on_a_day_off_moves_only_when_asked():
    rule = DueRule(month=1, day=3)  # 每季度第1个月3日前: the fourth quarter's falls in 国庆
    assert due_date(2026, "quarterly", 4, rule, calendar=NATIONAL_DAY_2026) == date(2026, 10, 3)
    moved = due_date(
        2026, "quarterly", 4, rule, calendar=NATIONAL_DAY_2026, roll_to_working_day=True
    )
    assert moved == date(2026, 10, 8)
    # A Saturday worked for 调休 is a working day: nothing moves.
    rule = DueRule(after_period=True, month=1, day=10)  # 10 October 2026, a worked Saturday
    assert due_date(
        2026, "quarterly", 3, rule, calendar=NATIONAL_DAY_2026, roll_to_working_day=True
    ) == date(2026, 10, 10)
    # On weekends only, a Sunday moves to Monday.
    rule = DueRule(month=1, day=25)
    assert due_date(2026, "monthly", 1, rule, roll_to_working_day=True) == date(2026, 1, 26)


# --- windows and checkpoints ------------------------------------------------------------------


def test_a_monthly_period_has_one_checkpoint_and_opens_on_the_first():
    s = period_schedule(2026, "monthly", 3, DueRule(month=1, day=25))
    assert (s.opens_on, s.due_on, s.first_checkpoint_on, s.second_checkpoint_on) == (
        date(2026, 3, 1),
        date(2026, 3, 25),
        None,
        date(2026, 3, 25),
    )
    assert s.quarter == 1


def test_an_after_period_window_opens_the_day_after_the_period():
    s = period_schedule(2026, "quarterly", 1, DueRule(after_period=True, month=1, day=20))
    assert (s.starts_on, s.ends_on, s.opens_on, s.due_on) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 4, 20),
    )
    # 一季两调度: mid-quarter, then the due date, after the quarter.
    assert (s.first_checkpoint_on, s.second_checkpoint_on) == (date(2026, 2, 15), date(2026, 4, 20))


def test_longer_periods_have_their_first_checkpoint_in_their_middle_month():
    half = period_schedule(2026, "half-yearly", 2, DueRule(month=6, day=25))
    year = period_schedule(2026, "yearly", 1, DueRule(month=12, day=31))
    assert half.first_checkpoint_on == date(2026, 10, 15)
    assert year.first_checkpoint_on == date(2026, 7, 15)
    assert (half.quarter, year.quarter) == (4, 4)


def test_calendar_helpers():
    assert add_months(2026, 11, 2) == (2027, 1)
    assert add_months(2026, 1, -1) == (2025, 12)
    assert day_in_month(2026, 6, 31) == date(2026, 6, 30)
    assert WEEKENDS_ONLY.next_working_day(date(2026, 1, 24)) == date(2026, 1, 26)


# --- properties ---------------------------------------------------------------------------------

_frequency = st.sampled_from(FREQUENCIES)
_holidays = st.frozensets(st.dates(date(2000, 1, 1), date(2101, 12, 31)), max_size=40)


@st.composite
def _after_rules(draw: st.DrawFn) -> DueRule:
    form = draw(st.sampled_from(("month", "working", "calendar")))
    if form == "month":
        return DueRule(
            after_period=True, month=draw(st.integers(1, 12)), day=draw(st.integers(1, 31))
        )
    if form == "working":
        return DueRule(after_period=True, working_days=draw(st.integers(1, 60)))
    return DueRule(after_period=True, calendar_days=draw(st.integers(1, 366)))


@st.composite
def _periods(draw: st.DrawFn) -> tuple[int, str, int]:
    frequency = draw(_frequency)
    return (
        draw(st.integers(2000, 2099)),
        frequency,
        draw(st.integers(1, periods_in_year(frequency))),
    )


@given(
    period=_periods(),
    rule=_after_rules(),
    holidays=_holidays,
    workdays=_holidays,
    roll=st.booleans(),
    open_day=st.integers(1, 31),
    checkpoint_day=st.integers(1, 31),
)
def test_a_rule_due_after_the_period_is_never_due_before_it_ends(
    period, rule, holidays, workdays, roll, open_day, checkpoint_day
):
    year, frequency, number = period
    calendar = WorkingCalendar(holidays=holidays - workdays, workdays=workdays)
    s = period_schedule(
        year,
        frequency,
        number,
        rule,
        window_open_day=open_day,
        first_checkpoint_day=checkpoint_day,
        calendar=calendar,
        roll_to_working_day=roll,
    )
    assert s.due_on > s.ends_on
    assert s.ends_on < s.opens_on <= s.due_on
    assert s.second_checkpoint_on == s.due_on
    if s.first_checkpoint_on is not None:
        assert s.starts_on <= s.first_checkpoint_on <= s.due_on
    if rule.working_days is not None:
        assert calendar.is_working_day(s.due_on)
        worked = sum(
            calendar.is_working_day(s.ends_on + timedelta(days=n))
            for n in range(1, (s.due_on - s.ends_on).days + 1)
        )
        assert worked == rule.working_days


@given(
    period=_periods(),
    month=st.integers(1, 12),
    day=st.integers(1, 31),
    open_day=st.integers(1, 31),
)
def test_a_rule_due_in_the_period_falls_within_it(period, month, day, open_day):
    year, frequency, number = period
    rule = DueRule(month=min(month, months_in(frequency)), day=day)
    s = period_schedule(year, frequency, number, rule, window_open_day=open_day)
    assert s.starts_on <= s.opens_on <= s.due_on <= s.ends_on
    assert nominal_due_date(year, frequency, number, rule) == s.due_on
