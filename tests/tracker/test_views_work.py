"""The reporter's and reviewer's pages: every one refuses an outsider with 404, every form keeps
what was typed when it is refused, and the happy paths write through the services."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import (
    AuditEvent,
    Evidence,
    Problem,
    ProgressReport,
    SupervisionAction,
    Unit,
    User,
)
from tracker.periods import SHANGHAI
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    """bob (发改委) leads a task where charlie (财政局) is a co-unit; dan (审计局) is a stranger."""
    settings.MEDIA_ROOT = tmp_path
    document = make_document(title="云江市重点任务分工方案")
    task = make_assignment(document, title="固定资产投资增长6.5%")
    target = make_target(task, value="6.5")
    lead = make_responsibility(task, units["fgw"], "lead")
    co = make_responsibility(task, units["czj"], "co")
    periods = make_periods(document)
    stranger_unit = Unit.objects.create(name="云江市审计局")
    stranger = User.objects.create_user(
        "dan", password="pw-dan", role="reporter", unit=stranger_unit
    )
    return {
        "doc": document,
        "task": task,
        "target": target,
        "lead": lead,
        "co": co,
        "q2": periods[1],
        "stranger": stranger,
    }


def work_url(world, who="lead"):
    return reverse("report-work", args=[world[who].pk, world["q2"].pk])


def submit_co(world, outsider, value="5.0", problems=""):
    return report_save(
        responsibility=world["co"],
        period=world["q2"],
        actor=outsider,
        report_input=ReportInput(
            values={world["target"].pk: TargetInput(actual=Decimal(value))},
            narrative="财政局上半年投资情况",
            problems_text=problems,
        ),
        expected_version=None,
        submit=True,
    )


# --- the work page ----------------------------------------------------------------------------


def test_my_tasks_links_each_task_to_its_work_page(client, reporter, world):
    client.force_login(reporter)
    page = client.get(reverse("my-tasks")).content.decode()
    assert "固定资产投资增长6.5%" in page
    assert reverse("report-work", args=[world["lead"].pk, world["q2"].pk]) in page or (
        "/work/" in page
    )


def test_saving_and_submitting_through_the_page(client, reporter, world):
    client.force_login(reporter)
    url = work_url(world)
    assert client.get(url).status_code == 200
    field = f"target-{world['target'].pk}"
    response = client.post(url, {field: "6.8", "narrative": "上半年投资增长6.8%", "action": "save"})
    assert response.status_code == 302
    report = ProgressReport.objects.get(responsibility=world["lead"])
    assert report.status == "draft" and report.values.get().actual == Decimal("6.8")
    response = client.post(
        url,
        {
            field: "6.8%",
            "narrative": "上半年投资增长6.8%",
            "version": report.version,
            "action": "submit",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.colour == "green"
    page = client.get(url).content.decode()
    assert "等待审核" in page and 'name="action"' not in page  # read-only once submitted


def test_a_letter_in_a_number_is_refused_and_nothing_is_lost(client, reporter, world):
    client.force_login(reporter)
    field = f"target-{world['target'].pk}"
    response = client.post(
        work_url(world),
        {
            field: "6.8x",
            "narrative": "认真写了很久的进展",
            "next_steps": "下步计划",
            "action": "submit",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "不是数字" in page or "单位不对" in page
    assert "认真写了很久的进展" in page and "下步计划" in page and 'value="6.8x"' in page
    assert not ProgressReport.objects.exists()


def test_a_share_over_100_is_refused_by_the_service_beside_its_field(client, reporter, world):
    share = make_target(world["task"], value="45", unit="%", kind="share", indicator="民间投资占比")
    client.force_login(reporter)
    response = client.post(
        work_url(world),
        {f"target-{share.pk}": "120", "narrative": "进展", "action": "save"},
    )
    assert response.status_code == 400
    assert "0 到 100" in response.content.decode()
    assert 'value="120"' in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_stale_save_shows_the_conflict_and_keeps_the_typed_figures(client, reporter, world):
    client.force_login(reporter)
    url, field = work_url(world), f"target-{world['target'].pk}"
    client.post(url, {field: "5", "narrative": "第一稿", "action": "save"})
    report = ProgressReport.objects.get()
    # A colleague saves version 2 meanwhile.
    client.post(
        url, {field: "6", "narrative": "同事的稿", "version": report.version, "action": "save"}
    )
    response = client.post(
        url, {field: "7.1", "narrative": "我的稿", "version": report.version, "action": "save"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "已被他人修改" in page and "我的稿" in page and 'value="7.1"' in page
    assert "已保存值" in page
    report.refresh_from_db()
    assert report.narrative == "同事的稿"
    # Saving again after seeing the conflict is a deliberate overwrite.
    version = re.search(r'name="version" value="(\d+)"', page)[1]
    client.post(url, {field: "7.1", "narrative": "我的稿", "version": version, "action": "save"})
    report.refresh_from_db()
    assert report.narrative == "我的稿"


def test_a_locked_period_shows_read_only_and_refuses_a_post(client, reporter, world, supervisor):
    from tracker.services.reporting_periods import period_lock

    period_lock(period=world["q2"], actor=supervisor)
    client.force_login(reporter)
    page = client.get(work_url(world)).content.decode()
    assert "已锁定" in page and 'value="submit"' not in page
    response = client.post(
        work_url(world),
        {f"target-{world['target'].pk}": "6", "narrative": "补报", "action": "submit"},
    )
    assert response.status_code == 400 and "已锁定" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_preview_computes_without_saving(client, reporter, world):
    client.force_login(reporter)
    url = reverse("report-preview", args=[world["lead"].pk, world["q2"].pk])
    response = client.post(url, {f"target-{world['target'].pk}": "6.0"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body and "滞后" in body  # 0.5 points short of 6.5
    response = client.post(url, {f"target-{world['target'].pk}": "abc"}, HTTP_HX_REQUEST="true")
    assert "不是数字" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_the_lead_unit_sees_its_co_units_reports_on_its_own_page(client, reporter, outsider, world):
    submit_co(world, outsider)
    client.force_login(reporter)
    page = client.get(work_url(world)).content.decode()
    assert "责任单位报送情况" in page and "云江市财政局" in page and "财政局上半年投资情况" in page
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False):
        lead_page = client.get(reverse("lead-tasks")).content.decode()
    assert "云江市财政局" in lead_page and "已报送" in lead_page and "2026年二季度" in lead_page


def test_history_lists_the_units_reports(client, outsider, world):
    submit_co(world, outsider)
    client.force_login(outsider)
    page = client.get(reverse("report-history")).content.decode()
    assert "固定资产投资增长6.5%" in page and "2026年二季度" in page


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_upload_download_and_delete(client, reporter, world):
    client.force_login(reporter)
    url = reverse("evidence-upload", args=[world["lead"].pk, world["q2"].pk])
    upload = SimpleUploadedFile("项目清单.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"file": upload}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "项目清单.pdf" in response.content.decode()
    evidence = Evidence.objects.get()
    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    response = client.post(reverse("evidence-delete", args=[evidence.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and not Evidence.objects.exists()


def test_a_disguised_or_oversized_file_is_refused_with_a_message(client, reporter, world, settings):
    client.force_login(reporter)
    url = reverse("evidence-upload", args=[world["lead"].pk, world["q2"].pk])
    fake = SimpleUploadedFile("照片.jpg", PDF, content_type="image/jpeg")
    response = client.post(url, {"file": fake}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "与扩展名" in response.content.decode()
    settings.TRACKER_EVIDENCE_MAX_BYTES = 10
    big = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"file": big})
    assert response.status_code == 302  # without htmx: back to the work page with the message
    assert not Evidence.objects.exists()


# --- review -----------------------------------------------------------------------------------


def test_supervisor_returns_then_approves(client, supervisor, outsider, world):
    report = submit_co(world, outsider)
    client.force_login(supervisor)
    queue = client.get(reverse("review-queue")).content.decode()
    assert "云江市财政局" in queue
    url = reverse("report-review", args=[report.pk])
    response = client.post(url, {"decision": "return", "reason": "", "version": report.version})
    assert response.status_code == 400 and "退回时请填写原因" in response.content.decode()
    client.post(url, {"decision": "return", "reason": "请补充项目清单", "version": report.version})
    report.refresh_from_db()
    assert report.status == "returned"
    # The reporter sees the reason and resubmits.
    client.force_login(outsider)
    page = client.get(work_url(world, "co")).content.decode()
    assert "请补充项目清单" in page
    client.post(
        work_url(world, "co"),
        {
            f"target-{world['target'].pk}": "5.5",
            "narrative": "已补充",
            "version": report.version,
            "action": "submit",
        },
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    client.force_login(supervisor)
    client.post(url, {"decision": "approve", "version": report.version})
    report.refresh_from_db()
    assert report.status == "approved"


def test_a_lead_unit_can_return_but_not_approve(client, reporter, outsider, world):
    report = submit_co(world, outsider)
    client.force_login(reporter)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "退回修改" in page and "审核通过" not in page
    url = reverse("report-review", args=[report.pk])
    client.post(url, {"decision": "approve", "version": report.version})
    report.refresh_from_db()
    assert report.status == "submitted"
    client.post(url, {"decision": "return", "reason": "数据口径不一致", "version": report.version})
    report.refresh_from_db()
    assert report.status == "returned"


def test_period_lock_reopen_and_unlock(client, supervisor, outsider, world):
    client.force_login(supervisor)
    url = reverse("period-lock", args=[world["q2"].pk])
    client.post(url, {"action": "lock"})
    world["q2"].refresh_from_db()
    assert world["q2"].is_locked
    page = client.get(reverse("period-detail", args=[world["q2"].pk])).content.decode()
    assert "重新开放" in page
    reopen = reverse("report-reopen", args=[world["co"].pk, world["q2"].pk])
    response = client.post(reopen, {"reason": ""})
    assert response.status_code == 302 and not ProgressReport.objects.exists()
    client.post(reopen, {"reason": "系统故障，允许补报"})
    report = ProgressReport.objects.get()
    assert report.reopened_at is not None
    client.post(url, {"action": "unlock", "reason": "误锁"})
    world["q2"].refresh_from_db()
    assert not world["q2"].is_locked


# --- problems and actions ---------------------------------------------------------------------


def test_problem_pages_and_resolution(client, outsider, reporter, world):
    submit_co(world, outsider, problems="项目用地报批慢")
    problem = Problem.objects.get()
    client.force_login(reporter)  # the lead unit may resolve it
    assert "项目用地报批慢" in client.get(reverse("problem-list")).content.decode()
    url = reverse("problem-resolve", args=[problem.pk])
    response = client.post(url, {"resolution": ""})
    assert response.status_code == 400
    client.post(url, {"resolution": "已协调自然资源局加快报批"})
    problem.refresh_from_db()
    assert problem.resolved_at is not None


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


# --- access: the outsider gets 404 everywhere ---------------------------------------------------


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


def test_a_lead_unit_reads_but_cannot_write_its_co_units_report(client, reporter, outsider, world):
    report = submit_co(world, outsider)
    client.force_login(reporter)
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 200
    assert client.get(work_url(world, "co")).status_code == 404


# --- sign-in and password reset ---------------------------------------------------------------


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
    assert client.login(username="bob", password="Yunjiang-2026-new")


def test_work_page_query_count_does_not_grow_with_co_units(client, reporter, world):
    client.force_login(reporter)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(work_url(world)).status_code == 200
        return len(captured)

    before = count()
    for i in range(12):
        unit = Unit.objects.create(name=f"协办单位{i}")
        make_responsibility(world["task"], unit, "co")
    assert count() == before


def test_evidence_on_a_new_report_hands_the_form_its_version(client, reporter, world):
    client.force_login(reporter)
    url = reverse("evidence-upload", args=[world["lead"].pk, world["q2"].pk])
    upload = SimpleUploadedFile("清单.pdf", PDF, content_type="application/pdf")
    body = client.post(url, {"file": upload}, HTTP_HX_REQUEST="true").content.decode()
    version = re.search(r'name="version" id="id_version" value="(\d+)" hx-swap-oob="true"', body)
    assert version is not None
    response = client.post(
        work_url(world),
        {
            f"target-{world['target'].pk}": "6",
            "narrative": "进展",
            "version": version[1],
            "action": "save",
        },
    )
    assert response.status_code == 302


def test_my_tasks_keeps_an_owed_quarter_in_view(client, reporter, world):
    client.force_login(reporter)
    # 28 September: Q3 is overdue and Q4's window has not opened; Q3 stays the quarter shown.
    with time_machine.travel(datetime(2026, 9, 28, 10, tzinfo=SHANGHAI), tick=False):
        page = client.get(reverse("my-tasks")).content.decode()
    assert "2026年三季度" in page and "2026年四季度" not in page
    # 5 December: Q4 has opened, Q3 (and the earlier quarters) are still owed and listed first.
    with time_machine.travel(datetime(2026, 12, 5, 10, tzinfo=SHANGHAI), tick=False):
        client.force_login(reporter)  # the first visit's session ended with its 8 hours
        page = client.get(reverse("my-tasks")).content.decode()
    assert page.index("2026年三季度") < page.index("2026年四季度")
    assert "逾期未报" in page
