from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.periods import (
    day_in_quarter,
    end_of_day,
    local_today,
    quarter_bounds,
    quarter_of,
    quarter_schedule,
    reporting_quarter,
)


def test_default_schedule_is_25th_of_the_last_month():
    schedules = [quarter_schedule(2026, q) for q in (1, 2, 3, 4)]
    assert [s.due_on for s in schedules] == [
        date(2026, 3, 25),
        date(2026, 6, 25),
        date(2026, 9, 25),
        date(2026, 12, 25),
    ]
    assert [s.opens_on for s in schedules] == [
        date(2026, 3, 1),
        date(2026, 6, 1),
        date(2026, 9, 1),
        date(2026, 12, 1),
    ]
    # 一季两调度: mid-quarter, then the due date.
    assert schedules[0].first_checkpoint_on == date(2026, 2, 15)
    assert schedules[0].second_checkpoint_on == date(2026, 3, 25)


def test_a_document_rule_moves_the_due_date():
    # "每季度首月10日前报送上季度情况" style rules: month 1 of the quarter, day 10.
    schedule = quarter_schedule(2026, 2, due_month_of_quarter=1, due_day=10)
    assert schedule.due_on == date(2026, 4, 10)
    # The checkpoint never falls after the due date.
    assert schedule.first_checkpoint_on == date(2026, 4, 10)
    assert schedule.opens_on == date(2026, 4, 1)


def test_day_is_clamped_to_the_month():
    assert day_in_quarter(2026, 2, 3, 31) == date(2026, 6, 30)
    assert day_in_quarter(2024, 1, 2, 30) == date(2024, 2, 29)
    assert day_in_quarter(2026, 1, 2, 30) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("args", "message"),
    [((2026, 5, 1, 1), "quarter"), ((2026, 1, 4, 1), "month_of_quarter"), ((2026, 1, 1, 0), "day")],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        day_in_quarter(*args)


def test_quarter_bounds_and_membership():
    assert quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert [quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]


def test_the_day_changes_at_midnight_in_shanghai():
    assert local_today(datetime(2026, 3, 25, 15, 59, tzinfo=UTC)) == date(2026, 3, 25)
    assert local_today(datetime(2026, 3, 25, 16, 0, tzinfo=UTC)) == date(2026, 3, 26)
    with pytest.raises(ValueError):
        local_today(datetime(2026, 3, 25))  # noqa: DTZ001 - the point of the test
    assert end_of_day(date(2026, 3, 25)).astimezone(UTC) == datetime(
        2026, 3, 25, 15, 59, 59, 999999, tzinfo=UTC
    )


@given(
    year=st.integers(2000, 2100),
    quarter=st.integers(1, 4),
    month=st.integers(1, 3),
    day=st.integers(1, 31),
    open_day=st.integers(1, 31),
    checkpoint_day=st.integers(1, 31),
)
def test_every_schedule_is_ordered_and_inside_its_quarter(
    year, quarter, month, day, open_day, checkpoint_day
):
    s = quarter_schedule(
        year,
        quarter,
        due_month_of_quarter=month,
        due_day=day,
        window_open_day=open_day,
        first_checkpoint_day=checkpoint_day,
    )
    first, last = quarter_bounds(year, quarter)
    assert first <= s.opens_on <= s.due_on <= last
    assert first <= s.first_checkpoint_on <= s.second_checkpoint_on == s.due_on


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 23), (2026, 3)),  # Q4's window opens on 1 December
        (date(2026, 12, 1), (2026, 4)),
        (date(2026, 2, 10), (2025, 4)),  # across the year boundary
        (date(2026, 3, 1), (2026, 1)),
    ],
)
def test_reporting_quarter_is_the_latest_whose_window_opened(today, expected):
    assert reporting_quarter(today) == expected
