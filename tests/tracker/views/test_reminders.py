"""The calendar's pages: the sent log and the preview for supervisors; notice choices and unit
contacts for everyone, each unit only its own."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_assignment, make_document, make_periods, make_responsibility
from tracker.models import AuditEvent, NoticePreference, UnitContact
from tracker.periods import SHANGHAI
from tracker.services.reminders.sweep import reminders_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(units, reporter):
    reporter.email = "bob@yunjiang.example.cn"
    reporter.save()
    document = make_document()
    make_responsibility(make_assignment(document, title="重点项目开工"), units["fgw"])
    make_periods(document)
    return document


def test_supervisor_sees_what_was_sent_and_what_is_next(client, supervisor, quarter):
    due_day = datetime(2026, 3, 25, 9, 0, tzinfo=SHANGHAI)
    client.force_login(supervisor)
    with time_machine.travel(due_day, tick=False):
        preview = client.get(reverse("reminder-preview")).content.decode()
        assert "bob@yunjiang.example.cn" in preview and "今日截止" in preview
        reminders_sweep(enqueue=lambda ids: None)
        log = client.get(reverse("reminder-log")).content.decode()
        assert "bob@yunjiang.example.cn" in log and "今日截止" in log
        filtered = client.get(reverse("reminder-log"), {"status": "failed"}).content.decode()
        assert "没有符合条件" in filtered
        bad = client.get(reverse("reminder-log"), {"status": "nonsense", "kind": "x"})
        assert bad.status_code == 200


def test_reporters_choose_their_optional_notices(client, reporter, quarter):
    client.force_login(reporter)
    url = reverse("notice-settings")
    assert "不能关闭" in client.get(url).content.decode()
    client.post(url, {"form": "me", "me-notify_reminders": "on", "me-language": "en"})
    preference = NoticePreference.objects.get(user=reporter)
    assert preference.notify_reminders and not preference.notify_window_open
    assert preference.language == "en"
    response = client.post(url, {"form": "me", "me-language": "fr"})
    assert response.status_code == 400


def test_a_unit_keeps_its_own_contacts_and_bad_input_is_kept(client, reporter, units, quarter):
    client.force_login(reporter)
    url = reverse("notice-settings")
    response = client.post(
        url,
        {
            "form": "contact",
            "contact-name": "联络员张三",
            "contact-email": "not-an-address",
            "contact-language": "zh-hans",
            "contact-is_active": "on",
        },
    )
    assert response.status_code == 400
    assert (
        "有效的电子邮箱" in response.content.decode() and "联络员张三" in response.content.decode()
    )
    client.post(
        url,
        {
            "form": "contact",
            "contact-name": "联络员张三",
            "contact-email": "lly@yunjiang.cn",
            "contact-language": "zh-hans",
            "contact-is_active": "on",
        },
    )
    contact = UnitContact.objects.get()
    assert contact.unit == units["fgw"] and contact.name == "联络员张三"
    assert AuditEvent.objects.filter(action="unit_contact.save").exists()


def test_outsiders_are_refused(client, reporter, outsider, units, quarter):
    client.force_login(outsider)
    for name in ("reminder-log", "reminder-preview"):
        assert client.get(reverse(name)).status_code == 404
    url = reverse("notice-settings") + f"?unit={units['fgw'].pk}"
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("notice-settings"),
        {
            "form": "contact",
            "unit": units["fgw"].pk,
            "contact-email": "x@y.cn",
            "contact-language": "zh-hans",
        },
    )
    assert response.status_code == 404
    assert not UnitContact.objects.exists()
    client.logout()
    assert client.get(reverse("notice-settings")).status_code == 302
