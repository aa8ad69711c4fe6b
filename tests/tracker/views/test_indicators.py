"""Issue 13's pages: the indicator table, the statistics upload (preview, confirm, template),
turning headline targets into tracked indicators, and the 主要经济指标 panel; every one refuses an
outsider with 404."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.samples import HEADLINE_DEPARTMENTS, HEADLINE_REPORT, STATISTICS_SHEET, statistics_csv
from tracker.models import (
    AuditEvent,
    IndicatorDepartment,
    ProgressReport,
    Target,
    Unit,
    UnitAlias,
    User,
)
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(units, supervisor):
    for name, alias in HEADLINE_DEPARTMENTS.items():
        unit = Unit.objects.create(name=name, parent=units["city"])
        UnitAlias.objects.create(alias=alias, unit=unit)
    document = document_import(
        data=HEADLINE_REPORT.encode(), source_name="报告.txt", actor=supervisor
    ).document
    document_publish(document=document, actor=supervisor, today=date(2026, 1, 10))
    return document


def test_outsiders_get_404_on_every_new_page(client, outsider, published, supervisor):
    entry = IndicatorDepartment.objects.first()
    draft = document_import(
        data=(HEADLINE_REPORT + "另附。").encode(), source_name="草稿.txt", actor=supervisor
    ).document
    client.force_login(outsider)
    for url in ("/indicators/", "/statistics/", "/statistics/template.xlsx"):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/indicators/{entry.pk}/",
        "/statistics/confirm/",
        f"/documents/{draft.pk}/headline/",
    ):
        assert client.post(url, {"indicator": "x", "unit_names": "y"}).status_code == 404, url
    assert IndicatorDepartment.objects.filter(pk=entry.pk, indicator="x").count() == 0


def test_a_supervisor_keeps_the_indicator_table(client, supervisor):
    client.force_login(supervisor)
    page = client.get("/indicators/").content.decode()
    assert "地区生产总值" in page and "统计局、发改委" in page
    response = client.post(
        "/indicators/", {"indicator": "单位GDP水耗", "aliases": "水耗", "unit_names": "水利局"}
    )
    assert response.status_code == 302
    entry = IndicatorDepartment.objects.get(indicator="单位GDP水耗")
    assert entry.aliases == ["水耗"] and entry.unit_names == ["水利局"]
    prefix = f"e{entry.pk}"
    client.post(
        f"/indicators/{entry.pk}/",
        {
            f"{prefix}-indicator": "单位GDP水耗",
            f"{prefix}-aliases": "水耗、用水强度",
            f"{prefix}-unit_names": "水利局、发改委",
            "action": "save",
        },
    )
    entry.refresh_from_db()
    assert entry.unit_names == ["水利局", "发改委"]
    client.post(f"/indicators/{entry.pk}/", {"action": "delete"})
    assert not IndicatorDepartment.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(action__startswith="indicator_department.").count() == 3


def test_upload_preview_confirm_and_the_panel(client, supervisor, published):
    client.force_login(supervisor)
    upload = SimpleUploadedFile(
        "统计.csv", statistics_csv(STATISTICS_SHEET), content_type="text/csv"
    )
    page = client.post("/statistics/", {"year": 2026, "file": upload})
    assert page.status_code == 200
    html = page.content.decode()
    assert "未找到指标" in html and "名称不明确" in html and "确认保存已匹配的 6 行" in html
    assert not ProgressReport.objects.exists()  # a preview saves nothing
    token = page.context["token"]
    response = client.post("/statistics/confirm/", {"rows": token})
    assert response.status_code == 302
    assert ProgressReport.objects.filter(status="submitted").count() == 6
    # A tampered token saves nothing.
    assert client.post("/statistics/confirm/", {"rows": token + "x"}).status_code == 302
    assert ProgressReport.objects.count() == 6

    board = client.get("/dashboard/?year=2026&quarter=3").content.decode()
    assert "主要经济指标" in board and "低于上限0.2个百分点" in board and "不按序时" in board
    period = ProgressReport.objects.filter(period__quarter=3).first().period
    analysis = client.get(f"/analysis/{period.pk}/").content.decode()
    assert "主要经济指标" in analysis and "控制在5.5%以内" in analysis


def test_the_template_lists_the_indicators_to_fill(client, published):
    bureau = Unit.objects.get(name="云江市统计局")
    statistician = User.objects.create_user("tj", role=User.Role.REPORTER, unit=bureau)
    client.force_login(statistician)
    response = client.get("/statistics/template.xlsx?year=2026")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["指标名称", "本期累计值", "计量单位", "同比增长", "数据截至"]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names[:2] == ["地区生产总值", "规模以上工业增加值"] and len(names) == 9
    # 统计局's reporter uploads; the indicator table stays the supervisors'.
    assert client.get("/statistics/").status_code == 200
    assert client.get("/indicators/").status_code == 404


def test_the_review_page_tracks_what_re_extraction_left_behind(client, supervisor, units):
    document = document_import(
        data=HEADLINE_REPORT.encode(), source_name="报告.txt", actor=supervisor
    ).document
    # A document-level target added back (as re-extraction of an older draft would leave it).
    target = document.targets.get(indicator="地区生产总值")
    Target.objects.create(
        document=document,
        position=99,
        indicator="粮食产量",
        value="45",
        measure_unit="万吨",
        comparator=">=",
        kind="level",
    )
    client.force_login(supervisor)
    page = client.get(f"/documents/{document.pk}/review/").content.decode()
    assert "列为跟踪指标" in page and "主要指标" in page
    client.post(f"/documents/{document.pk}/headline/")
    grain = document.assignments.get(title="粮食产量")
    assert grain.is_headline and grain.lead_units_text == ["市农业农村局"]
    assert target.assignment is not None and target.assignment.is_headline


def test_the_report_form_proposes_the_data_month_and_the_preview_uses_it(client, published):
    from tracker.models import ReportingPeriod

    bureau = Unit.objects.get(name="云江市人力资源和社会保障局")
    reporter = User.objects.create_user(
        "rsj", password="pw-rsj", role=User.Role.REPORTER, unit=bureau
    )
    responsibility = published.assignments.get(title="城镇调查失业率").responsibilities.get(
        role="lead"
    )
    q4 = ReportingPeriod.objects.get(document=published, year=2026, quarter=4)
    client.force_login(reporter)
    page = client.get(f"/work/{responsibility.pk}/{q4.pk}/").content.decode()
    # Q4 due on 25 December: the figures run to November.
    assert 'value="2026-11"' in page and "数据截至" in page
    target = responsibility.assignment.targets.get()
    preview = client.post(
        f"/work/{responsibility.pk}/{q4.pk}/preview/",
        {f"target-{target.pk}": "5.3", "data_month": "2026-11"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "低于上限0.2个百分点" in preview and "高0.2个百分点" not in preview
