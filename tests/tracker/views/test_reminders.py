"""The calendar's pages: the sent log and the preview for supervisors; notice choices and unit
contacts for everyone, each unit only its own."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

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


def test_the_log_pages_by_keyset_older_and_back_without_losing_a_row(
    client, supervisor, quarter, django_assert_max_num_queries
):
    from tracker.models import ReminderLog, ReportingPeriod
    from tracker.views.common import PAGE_SIZE

    period = ReportingPeriod.objects.filter(document=quarter).first()
    start = datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI)
    # Pairs share a claim time, so the primary key has to break the tie.
    ReminderLog.objects.bulk_create(
        ReminderLog(
            recipient=f"r{n:03d}@yunjiang.example.cn",
            item_key=f"responsibility:{n}",
            period=period,
            kind="due_7",
            claimed_at=start + timedelta(minutes=n // 2),
            status="sent",
        )
        for n in range(PAGE_SIZE * 2 + 7)
    )
    newest_first = list(
        ReminderLog.objects.order_by("-claimed_at", "-pk").values_list("recipient", flat=True)
    )
    client.force_login(supervisor)
    seen, pages, url = [], [], reverse("reminder-log")
    while url:
        with django_assert_max_num_queries(12):
            html = client.get(url).content.decode()
        pages.append(html)
        seen += re.findall(r"r\d{3}@yunjiang\.example\.cn", html)
        older = re.search(r'href="\?(after=[\d-]+)">下一页', html)
        url = reverse("reminder-log") + "?" + older.group(1) if older else ""
    assert seen == newest_first and len(pages) == 3
    assert "上一页" not in pages[0] and "上一页" in pages[2]
    back = re.search(r'href="\?(before=[\d-]+)">上一页', pages[2]).group(1)
    again = client.get(reverse("reminder-log") + "?" + back).content.decode()
    assert (
        re.findall(r"r\d{3}@yunjiang\.example\.cn", again)
        == newest_first[PAGE_SIZE : PAGE_SIZE * 2]
    )
    # A filter is kept across pages; a cursor that does not parse shows the first page.
    failed = client.get(reverse("reminder-log"), {"status": "sent", "after": "x-1"})
    assert (
        re.findall(r"r\d{3}@yunjiang\.example\.cn", failed.content.decode())
        == newest_first[:PAGE_SIZE]
    )
    assert "status=sent&amp;after=" in failed.content.decode()


def test_outsiders_get_no_page_of_the_log_by_cursor(client, outsider, quarter):
    client.force_login(outsider)
    assert client.get(reverse("reminder-log"), {"after": "1772325000000000-1"}).status_code == 404
