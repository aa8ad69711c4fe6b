"""The calendar's quarter (tests.samples.calendar_world) as the `world` of these tests, and a
broker queue of a test's own for the tests with real workers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.samples import calendar_world


@pytest.fixture
def world(units, reporter, outsider):
    return calendar_world(units, reporter, outsider)


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of the test's own; afterwards its broker keys go, with the unacknowledged
    messages a killed worker left behind (Redis would otherwise restore them, an hour later,
    into a queue nobody reads)."""
    name = f"test-cal-{uuid.uuid4().hex[:8]}"
    yield name
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return
    import json

    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    for tag, payload in client.hgetall("unacked").items():
        if json.loads(payload)[-1] == name:  # [message, exchange, routing key]
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
