"""The first pages: sign-in, 我的任务, documents. Every page refuses whoever may not see it."""

import pytest
from django.urls import reverse

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import ProgressReport, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(units):
    document = make_document(title="云江市测试方案")
    periods = make_periods(document)
    task = make_assignment(document, title="地区生产总值增长")
    make_target(task, value="6.5")
    lead = make_responsibility(task, units["fgw"], "lead")
    ProgressReport.objects.create(responsibility=lead, period=periods[3])
    secret = make_document(title="商务局专项方案")
    make_responsibility(
        make_assignment(secret, title="外贸进出口"), Unit.objects.create(name="云江市商务局")
    )
    return {"doc": document, "secret": secret}


@pytest.mark.parametrize("name", ["home", "my-tasks", "document-list"])
def test_pages_require_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_document_detail_requires_sign_in(client, doc):
    response = client.get(reverse("document-detail", args=[doc["doc"].pk]))
    assert response.status_code == 302


def test_login_with_a_wrong_password_says_so_and_keeps_the_username(client, reporter):
    response = client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名或密码不正确" in page
    assert 'value="bob"' in page


def test_home_sends_each_role_to_its_page(client, reporter, supervisor):
    client.force_login(reporter)
    assert client.get(reverse("home"))["Location"] == reverse("my-tasks")
    client.force_login(supervisor)
    assert client.get(reverse("home"))["Location"] == reverse("dashboard")


def test_my_tasks_lists_the_units_responsibilities_with_this_quarters_status(client, reporter, doc):
    client.force_login(reporter)
    page = client.get(reverse("my-tasks")).content.decode()
    assert "地区生产总值增长" in page
    assert "外贸进出口" not in page
    assert "牵头" in page


def test_my_tasks_of_an_outsider_shows_none_of_bobs_work(client, outsider, doc):
    client.force_login(outsider)
    page = client.get(reverse("my-tasks")).content.decode()
    assert "地区生产总值增长" not in page
    assert "本单位目前没有需要填报的任务" in page


def test_document_detail_for_an_outsider_is_404(client, outsider, doc):
    client.force_login(outsider)
    assert client.get(reverse("document-detail", args=[doc["doc"].pk])).status_code == 404
    assert client.get(reverse("document-detail", args=[doc["secret"].pk])).status_code == 404
    assert "云江市测试方案" not in client.get(reverse("document-list")).content.decode()


def test_document_detail_shows_targets_units_and_periods(client, reporter, doc):
    client.force_login(reporter)
    response = client.get(reverse("document-detail", args=[doc["doc"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "地区生产总值增长" in page
    assert "6.5%" in page
    assert "云江市发展和改革委员会" in page
    assert "12月25日" in page


def test_supervisor_sees_all_documents(client, supervisor, doc):
    client.force_login(supervisor)
    page = client.get(reverse("document-list")).content.decode()
    assert "云江市测试方案" in page and "商务局专项方案" in page


def test_english_is_available(client, reporter, doc):
    client.force_login(reporter)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("my-tasks")})
    assert response.status_code == 302
    page = client.get(reverse("my-tasks")).content.decode()
    assert '<html lang="en">' in page


def test_chinese_is_the_default_whatever_the_browser_asks(client, reporter, doc):
    client.force_login(reporter)
    page = client.get(reverse("my-tasks"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page
