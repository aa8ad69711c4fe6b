"""A quarter's page: locking it, reopening one unit's report with a reason, releasing the lock."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.samples import pages_world
from tracker.models import (
    ProgressReport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def test_period_lock_reopen_and_unlock(client, supervisor, outsider, world):
    client.force_login(supervisor)
    url = reverse("period-lock", args=[world["q2"].pk])
    client.post(url, {"action": "lock"})
    world["q2"].refresh_from_db()
    assert world["q2"].is_locked
    page = client.get(reverse("period-detail", args=[world["q2"].pk])).content.decode()
    assert "重新开放" in page
    reopen = reverse("report-reopen", args=[world["co"].pk, world["q2"].pk])
    response = client.post(reopen, {"reason": ""})
    assert response.status_code == 302 and not ProgressReport.objects.exists()
    client.post(reopen, {"reason": "系统故障，允许补报"})
    report = ProgressReport.objects.get()
    assert report.reopened_at is not None
    client.post(url, {"action": "unlock", "reason": "误锁"})
    world["q2"].refresh_from_db()
    assert not world["q2"].is_locked
