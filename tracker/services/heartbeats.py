"""Recording that the background machinery is alive (tracker.models.heartbeats)."""

from __future__ import annotations

from datetime import datetime

from tracker.models import Heartbeat


def heartbeat_record(*, source: str, now: datetime) -> None:
    """One row per source, moved forward: a sweep that ran, a worker that answered."""
    Heartbeat.objects.update_or_create(source=source, defaults={"at": now})
