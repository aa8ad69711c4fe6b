"""What the calendar sent, to whom and for which quarter, as supervisors read it (and nobody
else does)."""

from __future__ import annotations

import pytest

from tests.samples import at, calendar_world, sweep_and_send
from tracker.models import (
    ReminderDigest,
)
from tracker.selectors.reminders import reminders_sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider):
    return calendar_world(units, reporter, outsider)


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
