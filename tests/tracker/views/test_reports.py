"""The reporter's pages: 我的任务, the report form (a refused save keeps what was typed, a stale
one shows the conflict), the live preview, evidence files, the unit's history, and the lead
unit's view of its co-units."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
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
from tests.samples import PDF, pages_world, submit_co, work_url
from tracker.models import (
    Evidence,
    ProgressReport,
    Unit,
)
from tracker.periods import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


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


def test_a_lead_unit_reads_but_cannot_write_its_co_units_report(client, reporter, outsider, world):
    report = submit_co(world, outsider)
    client.force_login(reporter)
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 200
    assert client.get(work_url(world, "co")).status_code == 404


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


def test_the_lead_page_never_reads_a_documents_whole_text(client, reporter, outsider, world):
    """At province scale each row's document would carry its full text and extraction
    (hundreds of KB) from the database; the page shows neither."""
    submit_co(world, outsider)
    client.force_login(reporter)
    with (
        time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False),
        CaptureQueriesContext(connection) as captured,
    ):
        page = client.get(reverse("lead-tasks")).content.decode()
    assert "云江市财政局" in page
    assert not [q for q in captured if "source_text" in q["sql"] or '"extraction"' in q["sql"]]


def test_a_returned_report_stays_in_my_tasks_after_the_lock(client, outsider, supervisor, world):
    from tracker.services.report_review import report_return
    from tracker.services.reporting_periods import period_lock

    with time_machine.travel(datetime(2026, 9, 20, 10, tzinfo=SHANGHAI)):
        # The third quarter is being reported: the second is an earlier period now.
        report = submit_co(world, outsider)
        report_return(report=report, actor=supervisor, reason="请补充分县区数据")
        period_lock(period=world["q2"], actor=supervisor, reason="二季度报送截止")
        client.force_login(outsider)
        page = client.get(reverse("my-tasks")).content.decode()
    assert "2026年二季度" in page and "已退回，本期已锁定" in page
    assert reverse("report-work", args=[world["co"].pk, world["q2"].pk]) in page


def test_a_file_beyond_the_reports_limit_is_refused_with_a_message(
    client, reporter, world, settings
):
    settings.TRACKER_EVIDENCE_MAX_FILES = 1
    client.force_login(reporter)
    url = reverse("evidence-upload", args=[world["lead"].pk, world["q2"].pk])
    client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}, HTTP_HX_REQUEST="true")
    second = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    response = client.post(url, {"file": second}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "每份报告最多上传 1 个佐证材料" in response.content.decode()
    assert Evidence.objects.count() == 1


def _document_texts(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured if "source_text" in q["sql"] or '"extraction"' in q["sql"]]


def test_my_tasks_costs_the_same_queries_however_many_documents(client, reporter, units):
    """我的任务 names each period's document beside its Excel link: from the tasks' documents
    already read, not one whole document (text and extraction, hundreds of KB) per period."""
    client.force_login(reporter)

    def count():
        with (
            time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False),
            CaptureQueriesContext(connection) as captured,
        ):
            assert client.get(reverse("my-tasks")).status_code == 200
        assert not _document_texts(captured)
        return len(captured)

    def one_more_document(n):
        document = make_document(title=f"第{n}个方案")
        make_responsibility(make_assignment(document, title=f"任务{n}"), units["fgw"])
        make_periods(document)

    one_more_document(1)
    before = count()
    for n in range(2, 5):
        one_more_document(n)
    assert count() == before


def test_a_submission_through_the_page_costs_the_same_queries_however_many_targets(
    client, reporter, units
):
    """The deadline's hot path (issue 19's load test): saving and submitting through the form
    take the same statements for one target or six, and never read the document's text."""
    document = make_document()
    small = make_responsibility(make_assignment(document, title="小任务"), units["fgw"])
    make_target(small.assignment, value="6.5")
    big = make_responsibility(make_assignment(document, title="大任务"), units["fgw"])
    for n in range(6):
        make_target(big.assignment, value=str(10 + n))
    period = make_periods(document)[1]
    client.force_login(reporter)

    def statements(responsibility):
        url = reverse("report-work", args=[responsibility.pk, period.pk])
        figures = {f"target-{t.pk}": "6.8" for t in responsibility.assignment.targets.all()}
        data = {**figures, "narrative": "上半年投资增长6.8%"}
        counts = []
        with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False):
            for action in ("save", "submit"):
                report = ProgressReport.objects.filter(responsibility=responsibility).first()
                version = report.version if report else ""
                with CaptureQueriesContext(connection) as captured:
                    answer = client.post(url, {**data, "version": version, "action": action})
                assert answer.status_code == 302
                assert not _document_texts(captured)
                counts.append(len(captured))
        report = ProgressReport.objects.get(responsibility=responsibility)
        assert report.status == "submitted"
        assert report.values.count() == len(figures)
        return counts

    assert statements(small) == statements(big)
