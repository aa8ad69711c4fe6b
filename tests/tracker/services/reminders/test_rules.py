"""The calendar's rules, pure: the milestone a day has reached, the checkpoints and their
catch-up, the kinds they name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.samples import DUE
from tracker.models import (
    NoticeKind,
)
from tracker.services.reminders import rules
from tracker.services.reminders.rules import checkpoint_kind, countdown_kind

pytestmark = pytest.mark.django_db


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
