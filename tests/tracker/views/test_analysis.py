"""The quarter's analysis (一季一分析): the printable page, its .xlsx and .docx exports, publishing
(figures frozen, audited) and withdrawing (with a reason, audited). Supervisors only."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as DocxDocument
from openpyxl import load_workbook

from tests.samples import NOW, reported_quarter
from tracker.models import AnalysisBulletin, AuditEvent, ReportingPeriod, Responsibility, User
from tracker.periods import SHANGHAI
from tracker.services.export_jobs import export_run
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECTIONS = (
    "一、总体情况",
    "二、主要指标完成情况",
    "三、严重滞后事项",
    "四、滞后事项",
    "五、单位综合排名",
    "六、逾期报送单位",
    "七、未报送单位",
    "八、未办结问题",
    "九、督办、通报、面商、约谈情况",
)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data(supervisor):
    return reported_quarter(units=4, tasks=5)


@pytest.fixture
def signed_in(client, supervisor):
    client.force_login(supervisor)
    return client


def _export(client, period, fmt):
    """Ask for the file, let the worker's service build it, download it."""
    asked = client.post(reverse("analysis-export", args=[period.pk, fmt]))
    assert asked.status_code == 302, asked.status_code
    job_id = asked["Location"].rstrip("/").rsplit("/", 1)[-1]
    export_run(job_id=job_id)
    return Downloaded(client.get(reverse("export-download", args=[job_id])))


class Downloaded:
    """A downloaded file's response, its streamed body read into `content`."""

    def __init__(self, response) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = b"".join(response.streaming_content)

    def __getitem__(self, header: str) -> str:
        return self.headers[header]


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _publish(client, period, **extra):
    return client.post(
        reverse("analysis-publish", args=[period.pk]),
        {"summary": "", "confirm": "on", **extra},
        follow=True,
    )


def _submit_missing_report(period):
    """Submit one of the quarter's missing reports (so live figures move on)."""
    responsibility = (
        Responsibility.objects.filter(assignment__document=period.document)
        .exclude(reports__period=period)
        .first()
    )
    report_save(
        responsibility=responsibility,
        period=period,
        actor=responsibility.unit.users.get(),
        report_input=ReportInput(
            values={responsibility.assignment.targets.get().pk: TargetInput(actual=Decimal(60))},
            narrative="补报",
        ),
        expected_version=None,
        submit=True,
        now=datetime(2026, 6, 29, 10, tzinfo=SHANGHAI),
    )


# --- reading ----------------------------------------------------------------------------------


def test_the_index_lists_every_quarter_with_its_analysis_published_or_not(signed_in, data):
    document, q2 = data
    _publish(signed_in, q2)
    response = signed_in.get(reverse("analysis-index"))
    page = _page(response)
    assert document.title in page
    for period in ReportingPeriod.objects.filter(document=document):
        assert reverse("analysis-detail", args=[period.pk]) in page
    assert page.count("已发布") == 1 + 0  # q2 only; the header text does not say it
    assert "未发布" in page and "季度未开始" in page


def test_the_analysis_page_shows_every_section_with_its_figures(signed_in, data):
    document, q2 = data
    response = signed_in.get(reverse("analysis-detail", args=[q2.pk]))
    page = _page(response)
    for heading in SECTIONS:
        assert heading in page
    assert f"{document.title}" in page and "2026年二季度推进情况分析" in page
    content = response.context["content"]
    assert content["summary"]["expected"] == 10 and content["summary"]["submitted"] == 8
    assert "共涉及应报送责任事项10项，已报送8项（报送率80.0%）" in page
    assert "资金未到位" in page  # an open problem
    assert "测试单位" in page  # rankings and lists name the units
    assert "未发布" in page and "导出 Excel" in page and "data-print" in page
    assert reverse("analysis-export", args=[q2.pk, "xlsx"]) in page
    assert reverse("analysis-export", args=[q2.pk, "docx"]) in page
    assert reverse("analysis-publish", args=[q2.pk]) in page


def test_the_analysis_pages_its_long_tables_and_the_export_keeps_every_row(
    signed_in, data, monkeypatch
):
    from tracker.views import analysis as analysis_views

    _document, q2 = data
    url = reverse("analysis-detail", args=[q2.pk])
    whole = signed_in.get(url).context
    every = {key: whole["windows"][key].page.paginator.object_list for key in ("rankings",)}
    assert len(every["rankings"]) == 4
    monkeypatch.setattr(analysis_views, "ANALYSIS_ROWS", 3)
    first = signed_in.get(url)
    assert len(first.context["content"]["rankings"]) == 3
    window = first.context["windows"]["rankings"]
    assert window.next_url and "rankings_page=2" in window.next_url
    assert window.next_url.endswith("#sec-rankings") and 'id="sec-rankings"' in _page(first)
    second = signed_in.get(url, {"rankings_page": 2})
    assert first.context["content"]["rankings"] + second.context["content"]["rankings"] == list(
        every["rankings"]
    )
    # Another table keeps its own page; the figures above the tables are whole.
    assert second.context["windows"]["targets"].page.number == 1
    assert second.context["content"]["summary"]["expected"] == 10


def test_every_page_of_every_table_is_the_slice_of_the_whole_table(client, supervisor, monkeypatch):
    """The page computes only the rows it shows (LIMIT/OFFSET, counts from the tally); read page
    by page, each table is exactly the exports' whole table, and every figure above the tables
    is the exports' figure."""
    from tracker.selectors.bulletin import TABLES, bulletin_content
    from tracker.views import analysis as analysis_views

    # Five responsibilities a unit: each unit has every kind of row, a missing report too.
    _document, q2 = reported_quarter(units=4, tasks=10, per_unit=True)
    monkeypatch.setattr(analysis_views, "ANALYSIS_ROWS", 3)
    # Weeks after the quarter's due date, so the missing reports are overdue (未报送) too.
    later = NOW + timedelta(days=40)
    with time_machine.travel(later, tick=False):
        client.force_login(supervisor)
        whole = bulletin_content(supervisor, q2, today=later.astimezone(SHANGHAI).date(), now=later)
        url = reverse("analysis-detail", args=[q2.pk])
        first = client.get(url).context
        pages = {}
        for key in TABLES:
            paginator = first["windows"][key].page.paginator
            assert paginator.count == len(whole[key]), key
            pages[key] = []
            for number in paginator.page_range:
                pages[key] += client.get(url, {f"{key}_page": number}).context["content"][key]
    for key in TABLES:
        assert pages[key] == whole[key], key
    # The tables run to several pages, and every kind of row is there.
    sizes = {key: len(whole[key]) for key in TABLES}
    assert all(sizes[key] > 3 for key in ("targets", "red", "yellow", "rankings")), sizes
    assert all(sizes[key] for key in TABLES if key != "actions"), sizes
    figures = {key: value for key, value in first["content"].items() if key not in TABLES}
    assert figures == {key: value for key, value in whole.items() if key not in TABLES}


def test_an_unknown_period_is_404(signed_in, data):
    assert signed_in.get(reverse("analysis-detail", args=[99999])).status_code == 404
    assert signed_in.post(reverse("analysis-export", args=[99999, "xlsx"])).status_code == 404


# --- exports ----------------------------------------------------------------------------------


def test_the_xlsx_export_opens_and_carries_the_figures(signed_in, data):
    document, q2 = data
    response = _export(signed_in, q2, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    name = f"{document.title}-2026年二季度分析.xlsx"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert 'filename="analysis-2026' in disposition  # an ASCII name for old clients
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["概况", "指标完成情况"]
    overview = {
        row[0]: row[1] for row in workbook["概况"].iter_rows(min_row=3, values_only=True) if row[0]
    }
    assert overview["应报送事项"] == "10"
    assert overview["已报送"] == "8（报送率 80.0%）"
    targets = [row for row in workbook["指标完成情况"].iter_rows(min_row=4, values_only=True)]
    assert len(targets) == 5 and targets[0][1] == "指标0"


def test_the_docx_export_opens_and_carries_the_figures(signed_in, data):
    document, q2 = data
    response = _export(signed_in, q2, "docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert quote(f"{document.title}-2026年二季度分析.docx") in response["Content-Disposition"]
    doc = DocxDocument(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年二季度推进情况分析" in text
    for heading in SECTIONS:
        assert heading in text
    assert "已报送8项（报送率80.0%）" in text
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert "指标0" in cells


def test_an_unknown_export_format_is_404(signed_in, data):
    _document, q2 = data
    assert signed_in.post(reverse("analysis-export", args=[q2.pk, "pdf"])).status_code == 404
    assert signed_in.get(reverse("analysis-export", args=[q2.pk, "xlsx"])).status_code == 405


# --- publishing and withdrawing -------------------------------------------------------------


def test_publishing_freezes_the_figures_and_is_audited(signed_in, supervisor, data):
    _document, q2 = data
    response = _publish(signed_in, q2, summary="二季度总体平稳，部分单位报送滞后。")
    page = _page(response)
    assert "季度分析已发布" in page and "已发布" in page
    bulletin = AnalysisBulletin.objects.get(period=q2)
    assert bulletin.published_by == supervisor
    assert bulletin.summary == "二季度总体平稳，部分单位报送滞后。"
    event = AuditEvent.objects.get(action="bulletin.publish")
    assert event.actor == supervisor and event.object_id == str(bulletin.pk)
    assert reverse("analysis-withdraw", args=[q2.pk]) in page
    # A report submitted afterwards changes the live figures, not the published analysis.
    _submit_missing_report(q2)
    response = signed_in.get(reverse("analysis-detail", args=[q2.pk]))
    assert response.context["content"]["summary"]["submitted"] == 8
    assert "二季度总体平稳" in _page(response)
    exported = load_workbook(io.BytesIO(_export(signed_in, q2, "xlsx").content))
    overview = {r[0]: r[1] for r in exported["概况"].iter_rows(min_row=3, values_only=True)}
    assert overview["已报送"].startswith("8（")


def test_a_published_analysis_is_read_as_frozen_and_paged_without_computing(
    signed_in, data, monkeypatch
):
    from tracker.views import analysis as analysis_views

    _document, q2 = data
    _publish(signed_in, q2)
    frozen = AnalysisBulletin.objects.get(period=q2).content

    def computing(*args, **kwargs):
        raise AssertionError("a published analysis is not computed again")

    monkeypatch.setattr(analysis_views, "bulletin_tables", computing)
    monkeypatch.setattr(analysis_views, "ANALYSIS_ROWS", 3)
    response = signed_in.get(reverse("analysis-detail", args=[q2.pk]), {"rankings_page": 2})
    assert response.status_code == 200
    assert response.context["content"]["rankings"] == frozen["rankings"][3:6]
    assert response.context["content"]["targets"] == frozen["targets"][:3]
    assert response.context["content"]["summary"] == frozen["summary"]


def test_publishing_needs_the_confirmation(signed_in, data):
    _document, q2 = data
    response = signed_in.post(reverse("analysis-publish", args=[q2.pk]), {"summary": "综述"})
    page = _page(response)
    assert "请勾选确认后再发布" in page
    assert "综述" in page  # the text typed is kept
    assert not AnalysisBulletin.objects.exists()


def test_publishing_twice_is_refused_with_a_clear_message(signed_in, data):
    _document, q2 = data
    _publish(signed_in, q2)
    page = _page(_publish(signed_in, q2))
    assert "本季度分析已发布；如需更正，请先撤回后重新发布。" in page
    assert AnalysisBulletin.objects.filter(period=q2).count() == 1


def test_withdrawing_needs_a_reason_and_keeps_the_form(signed_in, data):
    _document, q2 = data
    _publish(signed_in, q2)
    response = signed_in.post(reverse("analysis-withdraw", args=[q2.pk]), {"reason": "   "})
    page = _page(response)
    assert "请填写撤回原因" in page
    assert '<details class="panel no-print" open>' in page
    assert AnalysisBulletin.objects.filter(period=q2).exists()
    assert not AuditEvent.objects.filter(action="bulletin.withdraw").exists()


def test_withdrawing_with_a_reason_restores_the_live_figures_and_is_audited(
    signed_in, supervisor, data
):
    _document, q2 = data
    _publish(signed_in, q2)
    _submit_missing_report(q2)
    response = signed_in.post(
        reverse("analysis-withdraw", args=[q2.pk]),
        {"reason": "数据有误，更正后重新发布"},
        follow=True,
    )
    page = _page(response)
    assert "季度分析已撤回" in page
    assert not AnalysisBulletin.objects.filter(period=q2).exists()
    event = AuditEvent.objects.get(action="bulletin.withdraw")
    assert event.actor == supervisor and event.after == {"reason": "数据有误，更正后重新发布"}
    # The frozen figures stay in the trail.
    assert event.before["content"]["summary"]["submitted"] == 8  # as published
    assert response.context["content"]["summary"]["submitted"] == 9


def test_withdrawing_what_is_not_published_says_so(signed_in, data):
    _document, q2 = data
    response = signed_in.post(
        reverse("analysis-withdraw", args=[q2.pk]), {"reason": "x"}, follow=True
    )
    assert "尚未发布或已撤回" in _page(response)


def test_publish_and_withdraw_take_posts_only(signed_in, data):
    _document, q2 = data
    assert signed_in.get(reverse("analysis-publish", args=[q2.pk])).status_code == 405
    assert signed_in.get(reverse("analysis-withdraw", args=[q2.pk])).status_code == 405


# --- access -----------------------------------------------------------------------------------


def _urls(period):
    return [
        ("get", reverse("analysis-index")),
        ("get", reverse("analysis-detail", args=[period.pk])),
        ("post", reverse("analysis-export", args=[period.pk, "xlsx"])),
        ("post", reverse("analysis-export", args=[period.pk, "docx"])),
        ("post", reverse("analysis-publish", args=[period.pk])),
        ("post", reverse("analysis-withdraw", args=[period.pk])),
    ]


def test_a_reporter_gets_404_everywhere_and_changes_nothing(client, signed_in, data):
    document, q2 = data
    _publish(signed_in, q2)
    reporter = User.objects.get(username=f"u0-{document.pk}")
    client.force_login(reporter)
    for method, url in _urls(q2):
        response = getattr(client, method)(url, {"confirm": "on", "reason": "想撤回"})
        assert response.status_code == 404, url
        if method == "post":
            assert client.get(url).status_code == 404
    assert AnalysisBulletin.objects.filter(period=q2).exists()
    assert not AuditEvent.objects.filter(action="bulletin.withdraw").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, data):
    _document, q2 = data
    for method, url in _urls(q2):
        response = getattr(client, method)(url, {"confirm": "on", "reason": "x"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    assert not AnalysisBulletin.objects.exists()


# --- queries ----------------------------------------------------------------------------------


def _query_counts(client, period) -> dict[str, int]:
    counts = {}
    for name, url in (
        ("index", reverse("analysis-index")),
        ("detail", reverse("analysis-detail", args=[period.pk])),
    ):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured)
    # The files: the worker's queries to build each one.
    for fmt in ("xlsx", "docx"):
        asked = client.post(reverse("analysis-export", args=[period.pk, fmt]))
        job_id = asked["Location"].rstrip("/").rsplit("/", 1)[-1]
        with CaptureQueriesContext(connection) as captured:
            assert export_run(job_id=job_id)
        counts[fmt] = len(captured)
    return counts


def test_query_counts_do_not_grow_with_the_data(signed_in):
    small = _query_counts(signed_in, reported_quarter(units=3, tasks=8, per_unit=True)[1])
    large = _query_counts(signed_in, reported_quarter(units=15, tasks=40, per_unit=True)[1])
    assert small == large
    # Published, the page reads the frozen content instead of computing it.
    _publish(signed_in, ReportingPeriod.objects.order_by("-pk").filter(quarter=2).first())
    published = _query_counts(
        signed_in, ReportingPeriod.objects.order_by("-pk").filter(quarter=2).first()
    )
    assert published["detail"] < large["detail"]
