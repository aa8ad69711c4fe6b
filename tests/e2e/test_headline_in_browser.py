"""Headline indicators in a real browser (issue 13): a supervisor imports a 政府工作报告 from the
shared corpus, sees its 主要预期目标 as tracked indicators with suggested departments, publishes,
uploads 统计局's sheet of 8 rows (one unknown, one ambiguous), confirms, and the dashboard's
主要经济指标 panel shows the lights the rules give.

Each page visited is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

import csv
import importlib
from datetime import datetime

import pytest
import time_machine
from django.apps import apps as django_apps

from tests.e2e.pages import sign_in
from tests.samples import CORPUS
from tracker.models import Document, ProgressReport, Unit, UnitAlias, User
from tracker.periods import SHANGHAI

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]
DESK = {"width": 1280, "height": 900}
REPORT = "reports/21.txt"  # 2023年忻州市政府工作报告: ten headline targets

BUREAUS = {
    "忻州市人民政府": [],
    "忻州市统计局": ["市统计局"],
    "忻州市发展和改革委员会": ["市发改委", "市发展改革委"],
    "忻州市工业和信息化局": ["市工信局"],
    "忻州市财政局": ["市财政局"],
    "忻州市商务局": ["市商务局"],
    "忻州市人力资源和社会保障局": ["市人社局"],
    "忻州市农业农村局": ["市农业农村局"],
}

# Q3 is due on 25 September; on the 20th the figures run to August (1-8月).
SHEET = [
    ["指标名称", "本期累计值", "计量单位", "同比增长", "数据截至"],
    ["地区生产总值", "1012.5", "亿元", "5.8", "2023年1-8月"],  # 6%左右: within 0.5 → green
    ["规模以上工业增加值", "", "", "5.5", "2023年1-8月"],  # 7%左右: 1 point short → yellow
    ["固定资产投资", "", "", "3", "2023年1-8月"],  # 7.5%以上: 4.5 short → red
    ["城镇新增就业人数", "2.3", "万人", "", "2023年1-8月"],  # 0.697 ÷ 8/12 = 1.05 → green
    ["城镇调查失业率", "5.2", "%", "", "2023年1-8月"],  # ≤5.5: 0.3 under the cap → green
    ["一般公共预算收入", "45.6", "亿元", "5.6", "2023年1-8月"],  # 增长5%: met → green
    ["粮食产量", "120", "万吨", "1.0", "2023年1-8月"],  # not a target of the report
    ["居民人均可支配收入", "20100", "元", "6.0", "2023年1-8月"],  # 城镇 or 农村?
]


def test_headline_indicators_from_import_to_the_panel(live_server, browser, camera, tmp_path):
    # The indicator table as migration 0011 ships it (a transactional test before this one
    # flushed the tables).
    importlib.import_module("tracker.migrations.0011_headline_indicators").seed_and_backfill(
        django_apps, None
    )
    city = None
    for name, aliases in BUREAUS.items():
        unit = Unit.objects.create(name=name, parent=city)
        city = city or unit
        for alias in aliases:
            UnitAlias.objects.create(alias=alias, unit=unit)
    User.objects.create_user("duchashi", password="pw-dcs-2023", role="supervisor")
    sheet = tmp_path / "忻州统计数据.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(SHEET)
    base = live_server.url
    with time_machine.travel(datetime(2023, 9, 20, 10, tzinfo=SHANGHAI), tick=True):
        page = browser.new_page(viewport=DESK)
        sign_in(page, base, "duchashi", "pw-dcs-2023")
        page.goto(f"{base}/documents/import/")
        page.set_input_files("#id_file", str(CORPUS / REPORT))
        page.click("button:has-text('导入并识别')")
        page.wait_for_selector("text=主要指标")
        document = Document.objects.get()
        assert document.assignments.filter(is_headline=True).count() == 10
        gdp = page.locator("article.assignment", has_text="地区生产总值").first
        gdp.scroll_into_view_if_needed()
        assert "增长6%左右" in gdp.inner_text()
        assert "忻州市统计局" in gdp.inner_text() and "忻州市发展和改革委员会" in gdp.inner_text()
        jobs = page.locator("article.assignment", has_text="城镇新增就业人数").first
        assert "忻州市人力资源和社会保障局" in jobs.inner_text()
        camera.shoot(page, "review-headline")

        page.click("a:has-text('发布…')")
        page.wait_for_selector("text=确认发布")
        camera.shoot(page, "publish")
        page.click("button:has-text('确认发布')")
        page.wait_for_load_state()
        document.refresh_from_db()
        assert document.status == "published"

        page.goto(f"{base}/statistics/?year=2023")
        page.fill("#id_year", "2023")
        page.set_input_files("#id_file", str(sheet))
        page.click("button:has-text('上传并预览')")
        page.wait_for_selector("#preview")
        preview = page.inner_text("#preview")
        assert "确认保存已匹配的 6 行" in preview
        assert page.locator("tr.statistics-unknown").count() == 1
        assert page.locator("tr.statistics-ambiguous").count() == 1
        assert "农村居民人均可支配收入" in page.inner_text("tr.statistics-ambiguous")
        camera.shoot(page, "statistics-preview")
        page.click("button:has-text('确认保存')")
        page.wait_for_selector("text=已保存 6 个指标值")
        assert ProgressReport.objects.filter(status="submitted").count() == 6

        page.goto(f"{base}/dashboard/?year=2023&quarter=3")
        panel = page.locator("section.headline-panel")
        panel.wait_for()
        lights = {
            row.locator("th").inner_text().split()[0]: row.locator("span.light").get_attribute(
                "class"
            )
            for row in panel.locator("tbody tr").all()
        }
        assert lights["地区生产总值"] == "light green"
        assert lights["规上工业增加值"] == "light yellow"
        assert lights["固定资产投资"] == "light red"
        assert lights["城镇新增就业人数"] == "light green"
        assert lights["城镇调查失业率"] == "light green"
        assert lights["一般公共预算收入"] == "light green"
        assert lights["社会消费品零售总额"] == "light grey"
        text = panel.inner_text()
        assert "低于上限0.3个百分点" in text and "数据截至8月" in text and "66.7%" in text
        panel.scroll_into_view_if_needed()
        camera.shoot(page, "headline-panel")
