"""Operations (issue 18, item 6): /health/ for load balancers, and the reminders page saying when
the last sweep ran and warning when beat has stopped."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tracker.models import Heartbeat
from tracker.tasks import reminders_sweep, worker_heartbeat

pytestmark = pytest.mark.django_db


def test_healthy_when_the_sweep_and_a_worker_ran_recently(client):
    reminders_sweep()
    worker_heartbeat()
    response = client.get(reverse("health"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok" and body["database"] and body["broker"]
    assert body["sweep"] and body["worker"]
    assert set(body) == {
        "status",
        "database",
        "broker",
        "sweep",
        "sweep_age_seconds",
        "worker",
        "worker_age_seconds",
    }


def test_a_stopped_beat_fails_the_check_and_warns_on_the_reminders_page(client, supervisor):
    reminders_sweep()
    worker_heartbeat()
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        worker_heartbeat()
        response = client.get(reverse("health"))
        assert response.status_code == 503
        assert response.json()["sweep"] is False and response.json()["worker"] is True
        client.force_login(supervisor)
        page = client.get(reverse("reminder-log")).content.decode()
    assert "上次提醒扫描" in page and "可能已停止" in page


def test_nothing_ever_ran_is_unhealthy(client):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["sweep_age_seconds"] is None


def test_the_reminders_page_shows_a_recent_sweep_without_a_warning(client, supervisor):
    Heartbeat.objects.create(source="sweep", at=timezone.now())
    client.force_login(supervisor)
    page = client.get(reverse("reminder-log")).content.decode()
    assert "上次提醒扫描" in page and "可能已停止" not in page


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_the_sweep_time_is_for_supervisors_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reminder-log")).status_code == 404
