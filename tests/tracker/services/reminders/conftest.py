"""The calendar's quarter (tests.samples.calendar_world) as the `world` of these tests."""

from __future__ import annotations

import pytest

from tests.samples import calendar_world


@pytest.fixture
def world(units, reporter, outsider):
    return calendar_world(units, reporter, outsider)
