"""督办/通报/面商/约谈 are recorded with reason and author and seen by the unit they name."""

from __future__ import annotations

import pytest

from tests.factories import make_assignment, make_document, make_periods, make_responsibility
from tracker.access import visible_actions
from tracker.models import AuditEvent, Unit
from tracker.services.supervision import ActionRefused, supervision_action_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units):
    document = make_document()
    task = make_assignment(document, title="重点项目开工")
    responsibility = make_responsibility(task, units["fgw"])
    period = make_periods(document)[0]
    return {"period": period, "resp": responsibility}


def test_a_supervisor_records_an_action_the_unit_then_sees(
    world, units, supervisor, reporter, outsider
):
    action = supervision_action_record(
        kind="urge",
        unit=units["fgw"],
        period=world["period"],
        reason="一季度进度滞后",
        actor=supervisor,
        responsibility=world["resp"],
    )
    assert action.author == supervisor
    assert list(visible_actions(reporter)) == [action]
    assert list(visible_actions(outsider)) == []
    event = AuditEvent.objects.get(action="supervision.urge")
    assert event.after["reason"] == "一季度进度滞后"


def test_reporters_cannot_record_actions(world, units, reporter):
    with pytest.raises(ActionRefused, match="督查人员"):
        supervision_action_record(
            kind="notice", unit=units["fgw"], period=world["period"], reason="x", actor=reporter
        )


@pytest.mark.parametrize(
    ("kind", "reason", "message"),
    [("urge", "  ", "事由"), ("praise", "好", "方式")],
)
def test_bad_input_is_refused(world, units, supervisor, kind, reason, message):
    with pytest.raises(ActionRefused, match=message):
        supervision_action_record(
            kind=kind, unit=units["fgw"], period=world["period"], reason=reason, actor=supervisor
        )


def test_a_unit_without_work_in_the_document_is_refused(world, supervisor):
    stranger = Unit.objects.create(name="云江市审计局")
    with pytest.raises(ActionRefused, match="没有承担任务"):
        supervision_action_record(
            kind="summon", unit=stranger, period=world["period"], reason="约谈", actor=supervisor
        )


def test_the_calendar_records_without_an_author(world, units):
    action = supervision_action_record(
        kind="urge", unit=units["fgw"], period=world["period"], reason="逾期3日未报送", actor=None
    )
    assert action.author is None
