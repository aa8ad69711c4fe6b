"""Fixtures the tracker's tests share across layers: the small draft document (tests.samples.SMALL)
as a supervisor imports it, a district unit its unknown names may be mapped to, and the demo's
roster of units loaded."""

from __future__ import annotations

import json

import pytest

from tests.samples import ROSTER_FILE, SMALL


@pytest.fixture
def draft(units, supervisor):
    from tracker.services.document_import import document_import

    return document_import(data=SMALL.encode(), source_name="small.txt", actor=supervisor).document


@pytest.fixture
def district(db):
    from tracker.models import Unit

    return Unit.objects.create(name="云江区发展和改革局", level=Unit.Level.COUNTY)


@pytest.fixture
def roster(db):
    from tracker.services.units import units_import_roster

    units_import_roster(roster=json.loads(ROSTER_FILE.read_text(encoding="utf-8")), actor=None)
