"""A quarter's page: locking it, reopening one unit's report with a reason, releasing the lock."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.samples import pages_world, submit_co
from tracker.models import (
    AuditEvent,
    ProgressReport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def test_period_lock_reopen_and_unlock(client, supervisor, outsider, world):
    client.force_login(supervisor)
    url = reverse("period-lock", args=[world["q2"].pk])
    client.post(url, {"action": "lock"})  # no reason: refused
    world["q2"].refresh_from_db()
    assert not world["q2"].is_locked
    client.post(url, {"action": "lock", "reason": "报送截止，进入审核汇总"})
    world["q2"].refresh_from_db()
    assert world["q2"].is_locked
    event = AuditEvent.objects.get(action="period.lock")
    assert event.after["reason"] == "报送截止，进入审核汇总"
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


def test_the_lock_asks_for_confirmation_and_a_reason(client, supervisor, world):
    client.force_login(supervisor)
    page = client.get(reverse("period-detail", args=[world["q2"].pk])).content.decode()
    assert 'class="inline-form period-lock-form" data-confirm="' in page
    assert 'id="lock-reason" name="reason" required' in page
    assert "tracker/office.js" in page


def test_the_period_list_is_in_the_supervisors_navigation(client, supervisor, outsider, world):
    submit_co(world, outsider)
    client.force_login(supervisor)
    home = client.get(reverse("review-queue")).content.decode()
    assert f'href="{reverse("period-list")}"' in home
    page = client.get(reverse("period-list")).content.decode()
    assert reverse("period-detail", args=[world["q2"].pk]) in page
    assert f"?period={world['q2'].pk}" in page  # one report waits for review
    locked = client.get(reverse("period-list"), {"locked": "yes"}).content.decode()
    assert reverse("period-detail", args=[world["q2"].pk]) not in locked


def test_the_period_list_is_not_for_reporters(client, reporter, world):
    client.force_login(reporter)
    assert client.get(reverse("period-list")).status_code == 404
    page = client.get(reverse("my-tasks")).content.decode()
    assert f'href="{reverse("period-list")}"' not in page
