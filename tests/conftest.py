"""Shared test fixtures: the three personas, and the gates for tests that need the real corpus or
real services. (Shared samples and builders: tests.samples and tests.factories.)

Outside CI a test whose services or corpus are absent is skipped with the reason; under CI=true
such a skip fails the run, so CI can never pass without having run them.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Where things are live in tests.samples; CORPUS and IN_CI stay importable from here for the
# extraction tests' conftest, which reads them from this module.
from tests.samples import CORPUS, IN_CI

__all__ = ["CORPUS", "IN_CI"]


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def services_unavailable_reason() -> str | None:
    """Why the `services` tests cannot run here; None when PostgreSQL and Redis are configured."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL
    if not database["ENGINE"].endswith("postgresql") or not broker.startswith("redis://"):
        return (
            "service tests need DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… "
            "(`make test` sets both)"
        )
    if not _reachable(
        f"postgres://{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}", 5432
    ):
        return "PostgreSQL is not reachable"
    if not _reachable(broker, 6379):
        return "Redis is not reachable"
    return None


# Tests CI may not skip. Recorded by marker, not by keyword: a keyword is also any directory on
# the test's path, and tests/tracker/services/ is not the `services` marker.
_REQUIRED_MARKERS = ("services", "corpus", "browser")
_required: set[str] = set()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _required.update(
        item.nodeid
        for item in items
        if any(item.get_closest_marker(name) for name in _REQUIRED_MARKERS)
    )
    if any(item.get_closest_marker("services") for item in items):
        reason = services_unavailable_reason()
        if reason:
            for item in items:
                if item.get_closest_marker("services"):
                    item.add_marker(pytest.mark.skip(reason=reason))
    if not CORPUS.is_dir():
        for item in items:
            if item.get_closest_marker("corpus"):
                item.add_marker(pytest.mark.skip(reason=f"the shared corpus is not at {CORPUS}"))


_skipped_required: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if IN_CI and report.skipped and report.nodeid in _required:
        _skipped_required.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped_required:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print("\nCI=true: these required tests were skipped, which CI counts as failure:")
        for nodeid in _skipped_required:
            print(f"  {nodeid}")


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """The API's and the password reset's throttle counters live in the cache; each test starts
    with none counted."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:  # and the supervisors' kept figures
        caches[alias].clear()


@pytest.fixture
def corpus() -> Path:
    return CORPUS


# --- personas ---------------------------------------------------------------------------------


@pytest.fixture
def units(db):
    from tracker.models import Unit, UnitAlias

    city = Unit.objects.create(name="云江市人民政府", kind=Unit.Kind.GOVERNMENT)
    fgw = Unit.objects.create(name="云江市发展和改革委员会", parent=city)
    czj = Unit.objects.create(name="云江市财政局", parent=city)
    UnitAlias.objects.create(alias="市发展改革委", unit=fgw)
    UnitAlias.objects.create(alias="市财政局", unit=czj)
    return {"city": city, "fgw": fgw, "czj": czj}


@pytest.fixture
def supervisor(db):
    from tracker.models import User

    return User.objects.create_user("alice", password="pw-alice", role=User.Role.SUPERVISOR)


@pytest.fixture
def reporter(units):
    from tracker.models import User

    return User.objects.create_user(
        "bob", password="pw-bob", role=User.Role.REPORTER, unit=units["fgw"]
    )


@pytest.fixture
def outsider(units):
    from tracker.models import User

    return User.objects.create_user(
        "charlie", password="pw-charlie", role=User.Role.REPORTER, unit=units["czj"]
    )
