"""督办单 pages, the inbox and group robots: each person's own only (outsiders get 404), the
forms, the .docx, and the counts by unit on the dashboard and the unit's page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.samples import at, calendar_world, sweep_and_send
from tracker.models import Notice, SupervisionAction, Webhook
from tracker.services.duban import duban_issue

pytestmark = pytest.mark.django_db
NOW = at(5, 10, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(units, reporter, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield calendar_world(units, reporter, outsider)


@pytest.fixture
def action(world):
    (issued,) = duban_issue(
        actor=world["supervisor"],
        units=[world["units"]["fgw"]],
        period=world["period"],
        urgency="red",
        requirement="请报送开工情况。",
        deadline=date(2026, 5, 15),
        now=NOW,
    )
    return issued


def test_a_supervisor_issues_a_duban_to_two_units_from_the_form(client, world, units):
    client.force_login(world["supervisor"])
    url = reverse("duban-new")
    assert client.get(url, {"period": world["period"].pk}).status_code == 200
    data = {
        "period": world["period"].pk,
        "units": [units["fgw"].pk, units["czj"].pk],
        "subject": "ranking",
        "urgency": "yellow",
        "requirement": "",
        "deadline": "2026-05-20",
    }
    assert client.post(url, data).status_code == 400
    response = client.post(url, {**data, "requirement": "排名靠后，请说明原因并提出整改措施。"})
    assert response.status_code == 302
    issued = SupervisionAction.objects.order_by("unit__name")
    assert [(a.reference, a.urgency, a.subject) for a in issued] == [
        ("督办〔2026〕1号", "yellow", "ranking")
    ] * 2
    page = client.get(reverse("duban-list")).content.decode()
    assert "duban-counts" in page and "云江市财政局" in page


def test_outsiders_never_see_another_units_duban(client, world, action):
    outsider = world["outsider"]
    client.force_login(outsider)
    assert "请报送开工情况" not in client.get(reverse("duban-list")).content.decode()
    for name in ("duban-detail", "duban-docx"):
        assert client.get(reverse(name, args=[action.pk])).status_code == 404
    posted = client.post(reverse("duban-feedback", args=[action.pk]), {"text": "x"})
    assert posted.status_code == 404
    for name in ("duban-review", "duban-link"):
        assert (
            client.post(reverse(name, args=[action.pk]), {"decision": "close"}).status_code == 404
        )
    assert client.get(reverse("duban-new")).status_code == 404


def test_the_unit_answers_with_a_file_and_only_its_people_download_it(client, world, action):
    client.force_login(world["reporter"])
    page = client.get(reverse("duban-detail", args=[action.pk])).content.decode()
    assert "督办〔2026〕1号" in page and "提交反馈" in page
    response = client.post(
        reverse("duban-feedback", args=[action.pk]),
        {"text": "已开工12个。", "files": [SimpleUploadedFile("开工.pdf", PDF)]},
    )
    assert response.status_code == 302
    evidence = action.feedback.get().evidence.get()
    url = reverse("duban-evidence", args=[evidence.pk])
    assert client.get(url).status_code == 200
    client.force_login(world["outsider"])
    assert client.get(url).status_code == 404
    # The unit cannot close its own 督办单.
    client.force_login(world["reporter"])
    closing = client.post(reverse("duban-review", args=[action.pk]), {"decision": "close"})
    assert closing.status_code == 404
    client.force_login(world["supervisor"])
    client.post(reverse("duban-review", args=[action.pk]), {"decision": "close"})
    action.refresh_from_db()
    assert action.status == "closed"
    docx = client.get(reverse("duban-docx", args=[action.pk]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("document")


def test_the_inbox_is_each_persons_own_with_the_unread_count(client, world, action):
    sweep_and_send(NOW)
    reporter, outsider = world["reporter"], world["outsider"]
    notice = Notice.objects.get(user=reporter)
    client.force_login(reporter)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert 'class="inbox-badge"' in page
    listing = client.get(reverse("inbox")).content.decode()
    assert "督办下发" in listing and "督办〔2026〕1号" in listing
    client.force_login(outsider)
    assert client.get(reverse("inbox-open", args=[notice.pk])).status_code == 404
    client.post(reverse("inbox-read"), {"notice": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is None
    assert "暂无通知" in client.get(reverse("inbox")).content.decode()
    client.force_login(reporter)
    response = client.get(reverse("inbox-open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "duban-detail", args=[action.pk]
    )
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'class="inbox-badge"' not in client.get(reverse("inbox")).content.decode()


def test_group_robots_are_added_for_oneself_or_ones_unit_only(client, world, units):
    reporter, outsider = world["reporter"], world["outsider"]
    client.force_login(reporter)
    url = reverse("webhook-list")
    hook = {
        "flavour": "dingtalk",
        "name": "发改委工作群",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
        "secret": "SECabc",
    }
    assert client.post(url, {**hook, "unit": units["fgw"].pk}).status_code == 302
    assert client.post(url, {**hook, "unit": units["czj"].pk}).status_code == 404
    assert client.post(url, {**hook, "url": "ftp://x"}).status_code == 400
    client.post(url, {**hook, "name": "我自己", "unit": ""})
    assert set(Webhook.objects.values_list("name", "unit_id", "user_id")) == {
        ("发改委工作群", units["fgw"].pk, None),
        ("我自己", None, reporter.pk),
    }
    mine = Webhook.objects.get(user=reporter)
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "发改委工作群" not in page and "我自己" not in page
    assert client.post(reverse("webhook-delete", args=[mine.pk])).status_code == 404
    assert Webhook.objects.count() == 2


def test_dashboard_and_unit_page_list_the_dubans(client, world, action, units):
    client.force_login(world["supervisor"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "duban-counts" in page
    unit_page = client.get(reverse("unit-detail", args=[units["fgw"].pk])).content.decode()
    assert "督办〔2026〕1号" in unit_page


def test_a_notice_or_summons_is_recorded_on_the_duban(client, world, action):
    client.force_login(world["supervisor"])
    url = reverse("duban-link", args=[action.pk])
    assert client.post(url, {"kind": "summon", "reason": ""}).status_code == 400
    assert client.post(url, {"kind": "urge", "reason": "x"}).status_code == 400
    response = client.post(url, {"kind": "summon", "reason": "逾期未整改，约谈主要负责人。"})
    assert response.status_code == 302
    (linked,) = action.linked_actions.all()
    assert (linked.kind, linked.unit_id, linked.status) == ("summon", action.unit_id, "")
    page = client.get(reverse("duban-detail", args=[action.pk])).content.decode()
    assert "约谈主要负责人" in page
    client.force_login(world["reporter"])
    page = client.get(reverse("duban-detail", args=[action.pk])).content.decode()
    assert "约谈主要负责人" in page and 'action="/duban/' not in page.split("关联的通报")[1]
