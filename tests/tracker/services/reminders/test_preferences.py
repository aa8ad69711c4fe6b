"""Who gets which notices: the optional ones follow each recipient's switches, the mandatory ones
cannot be turned off; a unit's contacts are kept by its own people and supervisors; English
readers get English."""

from __future__ import annotations

import pytest

from tests.samples import at, claimed, sweep_and_send
from tracker.models import (
    NoticePreference,
    UnitContact,
)
from tracker.services.reminders.preferences import (
    ContactRefused,
    notice_preferences_update,
    unit_contact_save,
)

pytestmark = pytest.mark.django_db


def test_optional_notices_follow_the_switches_and_mandatory_ones_cannot_be_turned_off(world):
    notice_preferences_update(
        user=world["reporter"],
        notify_window_open=False,
        notify_reminders=False,
        notify_checkpoints=False,
    )
    UnitContact.objects.create(
        unit=world["units"]["czj"], email="CZJ-Office@yunjiang.example.cn", notify_reminders=False
    )
    sweep_and_send(at(6, 1))
    sweep_and_send(at(6, 18))
    sweep_and_send(at(6, 26))
    sweep_and_send(at(6, 28))
    fgw = {k for r, k, _ in claimed() if r == "fgw@yunjiang.example.cn"}
    office = {k for r, k, _ in claimed() if r == "czj-office@yunjiang.example.cn"}
    assert fgw == {"overdue", "escalate_lead"}
    assert office == {"window_open", "overdue"}
    # There is no switch for the mandatory kinds at all.
    assert not {f.name for f in NoticePreference._meta.fields} & {"notify_overdue", "notify_all"}


def test_a_units_contacts_are_managed_by_its_people_and_supervisors_only(world):
    contact = unit_contact_save(
        unit=world["units"]["fgw"], email=" Office@YunJiang.example.cn ", actor=world["reporter"]
    )
    assert contact.email == "office@yunjiang.example.cn"
    with pytest.raises(ContactRefused):
        unit_contact_save(unit=world["units"]["fgw"], email="x@y.cn", actor=world["outsider"])
    with pytest.raises(ContactRefused):
        unit_contact_save(
            unit=world["units"]["fgw"], email="not-an-address", actor=world["reporter"]
        )
    again = unit_contact_save(
        unit=world["units"]["fgw"],
        email="office@yunjiang.example.cn",
        actor=world["supervisor"],
        is_active=False,
    )
    assert again.pk == contact.pk and not again.is_active


def test_english_readers_get_english(world):
    notice_preferences_update(
        user=world["outsider"],
        notify_window_open=True,
        notify_reminders=True,
        notify_checkpoints=True,
        language="en",
    )
    sent = {m.to[0]: m for m in sweep_and_send(at(6, 26))}
    english, chinese = sent["czj@yunjiang.example.cn"], sent["fgw@yunjiang.example.cn"]
    assert english.subject.startswith("[Task tracker] 1 notice: Overdue")
    assert "1 day overdue" in english.body and "26 Jun 2026" in english.body
    # 发改委 also leads: the second checkpoint (25 June) is still being caught up on the 26th.
    assert chinese.subject == "【任务调度】2项提醒：逾期未报送等"
    assert "已逾期1天" in chinese.body
    html = chinese.alternatives[0][0]
    assert 'lang="zh-Hans"' in html and "固定资产投资增长10%" in html
