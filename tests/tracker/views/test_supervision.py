"""督办、通报、面商、约谈 pages: recording one (a refused form keeps its input), and a unit seeing
only those addressed to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.samples import pages_world
from tracker.models import (
    AuditEvent,
    SupervisionAction,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def test_recording_an_action_with_bad_input_keeps_the_form(client, supervisor, world, units):
    client.force_login(supervisor)
    url = reverse("action-new")
    data = {"kind": "urge", "period": world["q2"].pk, "unit": units["czj"].pk, "reason": ""}
    response = client.post(url, data)
    assert response.status_code == 400
    data["reason"] = "上半年进度滞后，请加快推进"
    stranger = world["stranger"].unit
    response = client.post(url, {**data, "unit": stranger.pk})
    assert response.status_code == 400  # not a unit of this document
    assert not SupervisionAction.objects.exists()
    client.post(url, data)
    action = SupervisionAction.objects.get()
    assert action.unit == units["czj"] and action.author == supervisor
    assert AuditEvent.objects.filter(action="supervision.urge").exists()


def test_a_unit_sees_actions_addressed_to_it_only(
    client, supervisor, outsider, reporter, world, units
):
    from tracker.services.supervision import supervision_action_record

    supervision_action_record(
        kind="notice", unit=units["czj"], period=world["q2"], reason="通报", actor=supervisor
    )
    client.force_login(outsider)
    assert "通报" in client.get(reverse("action-list")).content.decode()
    client.force_login(reporter)
    assert "暂无督办记录" in client.get(reverse("action-list")).content.decode()
