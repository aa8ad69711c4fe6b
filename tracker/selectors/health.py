"""Is the product able to work: the database answers, the broker accepts connections, beat's
sweep ran recently, a worker ran its heartbeat recently. For the load balancer's health
endpoint and the supervisors' reminders page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from tracker.models import Heartbeat


@dataclass(frozen=True)
class Beat:
    at: datetime | None
    stale: bool


def heartbeats(now: datetime) -> dict[str, Beat]:
    """The last sweep and worker heartbeat, each stale when older than its allowance."""
    seen = dict(Heartbeat.objects.values_list("source", "at"))
    allowances = {
        Heartbeat.Source.SWEEP: timedelta(seconds=settings.TRACKER_HEALTH_SWEEP_MAX_AGE),
        Heartbeat.Source.WORKER: timedelta(seconds=settings.TRACKER_HEALTH_WORKER_MAX_AGE),
    }
    return {
        str(source): Beat(
            at=seen.get(source), stale=seen.get(source) is None or now - seen[source] > allowance
        )
        for source, allowance in allowances.items()
    }


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        return row is not None and tuple(row) == (1,)
    except Exception:
        return False
