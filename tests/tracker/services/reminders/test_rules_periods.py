"""The calendar's rules on periods of other shapes: a report due shortly after its period (its
7-day mark before the window opens) and a monthly period's single checkpoint."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.services.reminders.rules import Ladder, checkpoint_kind, countdown_kind, period_today

LADDER = Ladder(
    overdue_max_days=30, escalate_lead_days=3, escalate_supervisor_days=6, catch_up_days=2
)


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        # February 2025, "每月结束后5个工作日内": opens 1 March, due 7 March.
        (date(2025, 2, 27), None),
        (date(2025, 2, 28), None),  # 7 days before, but the month is not over
        (date(2025, 3, 1), "window_open"),
        (date(2025, 3, 3), "window_open"),
        (date(2025, 3, 4), "due_3"),
        (date(2025, 3, 6), "due_1"),
        (date(2025, 3, 7), "due_day"),
        (date(2025, 3, 8), None),
    ],
)
def test_nothing_is_sent_before_the_window_opens(today, kind):
    assert countdown_kind(opens_on=date(2025, 3, 1), due_on=date(2025, 3, 7), today=today) == kind


def test_a_window_opening_on_the_seven_day_mark_sends_the_later_milestone():
    # The fourth quarter of 2024, five working days after 31 December: opens 1 January, due 8.
    assert (
        countdown_kind(opens_on=date(2025, 1, 1), due_on=date(2025, 1, 8), today=date(2025, 1, 1))
        == "due_7"
    )


def test_a_month_has_one_checkpoint_on_its_due_date():
    due = date(2026, 3, 25)
    for day in (date(2026, 3, 1), date(2026, 3, 24)):
        assert checkpoint_kind(first=None, second=due, today=day, catch_up_days=2) is None
    assert checkpoint_kind(first=None, second=due, today=due, catch_up_days=2) == "checkpoint_2"
    stage = period_today(
        period_id=1,
        opens_on=date(2026, 3, 1),
        due_on=due,
        first_checkpoint_on=None,
        second_checkpoint_on=due,
        today=date(2026, 3, 10),
        ladder=LADDER,
    )
    assert (stage.countdown, stage.checkpoint, stage.chased) == ("window_open", None, False)
