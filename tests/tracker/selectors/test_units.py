"""The unit directory: what a name the documents use means, and which units an unknown name
probably means."""

from __future__ import annotations

import pytest

from tracker.selectors.units import UnitDirectory

pytestmark = pytest.mark.django_db


def test_suggestions_leave_out_unrelated_names(units):
    directory = UnitDirectory.load()
    assert directory.suggest("市教育局") == []
