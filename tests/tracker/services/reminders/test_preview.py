"""The preview: exactly what the next sweep claims, and nothing written."""

from __future__ import annotations

import pytest

from tests.samples import at, claimed
from tracker.models import (
    ReminderDigest,
    ReminderLog,
    UnitContact,
)
from tracker.services.reminders.preview import reminders_preview
from tracker.services.reminders.sweep import (
    reminders_sweep,
)

pytestmark = pytest.mark.django_db


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
