"""The first pages: sign-in, 我的任务, documents. Every page refuses whoever may not see it."""

import re

import pytest
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tests.samples import pages_world, submit_co
from tracker.models import Evidence, Problem, ProgressReport, Unit, User

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


def test_a_leader_in_charge_starts_at_the_problems_and_sees_no_dashboard(client, units):
    leader = User.objects.create_user("wfz", role=User.Role.LEADER, unit=units["city"])
    client.force_login(leader)
    assert client.get(reverse("home"))["Location"] == reverse("problem-list")
    assert client.get(reverse("problem-list")).status_code == 200
    assert client.get(reverse("dashboard")).status_code == 404
    assert client.get(reverse("unit-list")).status_code == 404
    # Though their account belongs to the government office, they report for no unit.
    page = client.get(reverse("problem-list")).content.decode()
    assert reverse("my-tasks") not in page


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


# --- every page of a reported quarter refuses whoever may not see it ---------------------------


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def _urls(world, outsider):
    report = submit_co(world, outsider, problems="资金缺口")
    evidence = Evidence.objects.create(
        report=report,
        file="evidence/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    problem = Problem.objects.get()
    return {
        "get": [
            reverse("report-work", args=[world["co"].pk, world["q2"].pk]),
            reverse("report-detail", args=[report.pk]),
            reverse("problem-detail", args=[problem.pk]),
            reverse("evidence-download", args=[evidence.pk]),
            reverse("review-queue"),
            reverse("period-detail", args=[world["q2"].pk]),
            reverse("period-list"),
            reverse("action-new"),
        ],
        "post": [
            reverse("report-work", args=[world["co"].pk, world["q2"].pk]),
            reverse("report-preview", args=[world["co"].pk, world["q2"].pk]),
            reverse("evidence-upload", args=[world["co"].pk, world["q2"].pk]),
            reverse("evidence-delete", args=[evidence.pk]),
            reverse("report-review", args=[report.pk]),
            reverse("problem-resolve", args=[problem.pk]),
            reverse("period-lock", args=[world["q2"].pk]),
            reverse("report-reopen", args=[world["co"].pk, world["q2"].pk]),
            reverse("report-autosave", args=[world["co"].pk, world["q2"].pk]),
            reverse("report-withdraw", args=[report.pk]),
            reverse("action-new"),
        ],
    }


def test_an_outsider_gets_404_on_every_page_and_endpoint(client, outsider, world):
    urls = _urls(world, outsider)
    client.force_login(world["stranger"])
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"reason": "x", "decision": "return"}).status_code == 404, url
    assert ProgressReport.objects.get().status == "submitted"


def test_anonymous_visitors_are_sent_to_sign_in(client, outsider, world):
    urls = _urls(world, outsider)
    for url in urls["get"] + [reverse("my-tasks"), reverse("lead-tasks"), reverse("problem-list")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_password_reset_by_email(client, reporter):
    reporter.email = "bob@yunjiang.example.cn"
    reporter.save()
    response = client.post(reverse("password_reset"), {"email": "bob@yunjiang.example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "重设密码" in mail.outbox[0].subject
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Yunjiang-2026-new", "new_password2": "Yunjiang-2026-new"},
    )
    assert response.status_code == 302
    assert client.login(request=HttpRequest(), username="bob", password="Yunjiang-2026-new")


def test_pages_are_compressed_when_the_browser_asks(client, reporter, doc):
    import gzip

    client.force_login(reporter)
    plain = client.get(reverse("my-tasks"))
    packed = client.get(reverse("my-tasks"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert "地区生产总值增长" in gzip.decompress(packed.content).decode()
    # Django pads the gzip header with up to 100 random bytes (BREACH): the ratio varies a little.
    assert len(packed.content) < len(plain.content) / 2
