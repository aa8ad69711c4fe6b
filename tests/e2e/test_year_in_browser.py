"""The whole product in a real browser, on a real document: a supervisor imports the Lincang
plan, corrects the draft beside its source, maps an unknown unit name and publishes; the lead
unit reports the second quarter; the supervisor returns the report, the unit corrects and
resubmits, the supervisor approves; the dashboard shows the new light and ranking; the quarter's
analysis exports open as a spreadsheet and a Word document.

The clock is set to 20 June 2023 (the document's second quarter). Every page visited is saved as
a screenshot under var/artifacts/e2e/<test name>/, including phone-width views.
"""

from __future__ import annotations

import io
import os
import time
import uuid
from datetime import datetime

import docx
import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.db import connection

from tests.workers import celery_worker, database_url
from tracker.celery import app
from tracker.models import Assignment, Document, ProgressReport, Unit, User
from tracker.periods import SHANGHAI

pytestmark = [
    pytest.mark.browser,
    pytest.mark.corpus,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "Lincang-2023-pw"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def committed(read, expected=None, timeout: float = 10.0):
    """What the server committed, read afresh: the test's own connection is closed between
    tries so that no read snapshot of its own can hide the server's write (SQLite in WAL)."""
    deadline = time.monotonic() + timeout
    value = read()
    while time.monotonic() < deadline:
        connection.close()
        value = read()
        if expected is None or value == expected:
            return value
        time.sleep(0.2)
    return value


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def export_worker(monkeypatch):
    """A real Celery worker on the embedded broker, building the analysis files asked for on
    the page (queued on a queue of the test's own)."""
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("the embedded stack: filesystem broker and SQLite")
    queue_name = f"test-year-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(
        "tracker.services.export_jobs.queue",
        lambda name, *args: app.tasks[name].apply_async(args=list(args), queue=queue_name),
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue_name,
        "TRACKER_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    with celery_worker(env) as worker:
        yield worker


def test_import_review_publish_report_review_dashboard_export(
    live_server, browser, camera, corpus, export_worker
):
    base = live_server.url
    source = corpus / "lincang-2023-county-development-plan.txt"
    User.objects.create_user("duchashi", password=PASSWORD, role=User.Role.SUPERVISOR)
    # The city's development commission is on the roster under its full name; the document
    # calls it 市发展改革委, which the reviewer maps by hand.
    fgw = Unit.objects.create(name="临沧市发展和改革委员会")

    with time_machine.travel(datetime(2023, 6, 20, 10, tzinfo=SHANGHAI), tick=True):
        supervisor = browser.new_page(viewport=DESK)
        sign_in(supervisor, base, "duchashi")

        # --- import ---
        supervisor.goto(f"{base}/documents/import/")
        supervisor.set_input_files("input[name=file]", str(source))
        camera.shoot(supervisor, "import")
        supervisor.click("button:has-text('导入并识别')")
        supervisor.wait_for_selector("text=审核草稿")
        supervisor.wait_for_load_state("load")  # htmx is listening from here on
        camera.shoot(supervisor, "review")
        document = Document.objects.get()
        assert document.assignments.count() == 63

        # --- correct one assignment in place ---
        first = document.assignments.get(ref="二.(一).1")
        card = supervisor.locator(f"#a-{first.pk}")
        card.locator("a:has-text('编辑')").click()
        title = supervisor.locator(f"#a-{first.pk} input[name='a{first.pk}-title']")
        title.fill("人均地区生产总值及其增速")
        camera.shoot(supervisor, "review-editing")
        supervisor.locator(f"#a-{first.pk} button[type=submit]:has-text('保存')").click()
        # The saved card (not the form) carries the heading; it comes back once committed.
        supervisor.wait_for_selector(f"#a-{first.pk}-title:has-text('人均地区生产总值及其增速')")
        title = committed(
            lambda: Assignment.objects.get(pk=first.pk).title, expected="人均地区生产总值及其增速"
        )
        assert title == "人均地区生产总值及其增速"

        # --- map the unknown name 市发展改革委 to the roster's unit ---
        supervisor.goto(f"{base}/documents/{document.pk}/units/")
        row = supervisor.locator("form:has(input[name=mention][value='市发展改革委'])")
        row.filter(has=supervisor.locator("input[name=name]")).locator("input[name=name]").fill(
            fgw.name
        )
        camera.shoot(supervisor, "units")
        row.filter(has=supervisor.locator("input[name=name]")).locator(
            "button:has-text('对应')"
        ).click()
        supervisor.wait_for_load_state()
        assert committed(lambda: fgw.aliases.filter(alias="市发展改革委").exists(), expected=True)

        # --- publish ---
        supervisor.goto(f"{base}/documents/{document.pk}/publish/")
        camera.shoot(supervisor, "publish-confirm")
        supervisor.click("button:has-text('确认发布')")
        supervisor.wait_for_load_state()
        status = committed(
            lambda: Document.objects.get(pk=document.pk).status, expected="published"
        )
        assert status == Document.Status.PUBLISHED
        camera.shoot(supervisor, "published")
        assert fgw.responsibilities.filter(role="lead").exists()

        # --- the lead unit reports the second quarter ---
        User.objects.create_user(
            "lc-fgw",
            password=PASSWORD,
            role=User.Role.REPORTER,
            unit=fgw,
            email="fgw@lincang.example.cn",
        )
        reporter = browser.new_page(viewport=DESK)
        sign_in(reporter, base, "lc-fgw")
        camera.shoot(reporter, "my-tasks")
        lead = fgw.responsibilities.get(assignment=first)
        q2 = document.periods.get(quarter=2)
        reporter.goto(f"{base}/work/{lead.pk}/{q2.pk}/")
        target = first.targets.get()
        reporter.fill(f"#id_target-{target.pk}", "2.3")  # 2.3 of 4.8万元 at half-year: lagging
        reporter.wait_for_selector(f"#calc-{target.pk}-light:has-text('滞后')")
        reporter.fill("#id_narrative", "上半年全市人均地区生产总值2.3万元。")
        camera.shoot(reporter, "work")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送，等待审核")
        report = committed(
            lambda: ProgressReport.objects.filter(responsibility=lead, period=q2).first()
        )
        assert committed(lambda: ProgressReport.objects.get(pk=report.pk).colour, "yellow") == (
            "yellow"
        )

        # --- the supervisor returns it ---
        supervisor.goto(f"{base}/reviews/")
        camera.shoot(supervisor, "review-queue")
        supervisor.goto(f"{base}/reports/{report.pk}/")
        supervisor.fill("textarea[name=reason]", "请按统计部门反馈的初步核算数更正")
        supervisor.click("button:has-text('退回修改')")
        supervisor.wait_for_selector("text=报告已退回")
        camera.shoot(supervisor, "returned")

        # --- the unit corrects and resubmits ---
        reporter.goto(f"{base}/work/{lead.pk}/{q2.pk}/")
        reporter.wait_for_selector("text=请按统计部门反馈的初步核算数更正")
        reporter.fill(f"#id_target-{target.pk}", "2.45万元")
        reporter.fill("#id_narrative", "上半年全市人均地区生产总值2.45万元（按初步核算数更正）。")
        camera.shoot(reporter, "work-corrected")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送，等待审核")

        # --- approved ---
        supervisor.goto(f"{base}/reports/{report.pk}/")
        supervisor.click("button:has-text('审核通过')")
        supervisor.wait_for_selector("text=报告已审核通过")
        camera.shoot(supervisor, "approved")
        state = committed(
            lambda: ProgressReport.objects.values_list("status", "colour", "is_late").get(
                pk=report.pk
            ),
            expected=("approved", "green", False),
        )
        assert state == ("approved", "green", False)

        # --- the dashboard shows the new light and the unit's ranking ---
        supervisor.goto(f"{base}/dashboard/?document={document.pk}&year=2023&quarter=2")
        supervisor.wait_for_selector("text=人均地区生产总值")
        camera.shoot(supervisor, "dashboard")
        row = supervisor.locator("tr:has-text('人均地区生产总值')").first
        assert "2.45" in row.inner_text() and "正常" in row.inner_text()
        ranking = supervisor.locator("tr:has-text('临沧市发展和改革委员会')").first
        assert ranking.count() == 1
        supervisor.goto(f"{base}/dashboard/matrix/?document={document.pk}&year=2023&quarter=2")
        camera.shoot(supervisor, "matrix")

        # --- the quarter's analysis, exported ---
        supervisor.goto(f"{base}/analysis/{q2.pk}/")
        camera.shoot(supervisor, "analysis")
        # The worker builds the file; the job's page shows the progress, then the link.
        supervisor.click("button:has-text('导出 Excel')")
        supervisor.wait_for_selector("text=文件已生成", timeout=60_000)
        camera.shoot(supervisor, "export-ready")
        with supervisor.expect_download() as xlsx_download:
            supervisor.click("a:has-text('下载文件')")
        assert xlsx_download.value.suggested_filename.endswith(".xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
        cells = [[str(c.value or "") for c in row] for row in workbook["指标完成情况"].iter_rows()]
        assert any("人均地区生产总值" in " ".join(r) and "2.45" in r for r in cells)
        supervisor.goto(f"{base}/analysis/{q2.pk}/")
        supervisor.click("button:has-text('导出 Word')")
        supervisor.wait_for_selector("text=文件已生成", timeout=60_000)
        with supervisor.expect_download() as docx_download:
            supervisor.click("a:has-text('下载文件')")
        assert docx_download.value.suggested_filename.endswith(".docx")
        paper = docx.Document(io.BytesIO(docx_download.value.path().read_bytes()))
        text = "\n".join(p.text for p in paper.paragraphs)
        assert "2023年二季度推进情况分析" in text

        # --- phone width: the reporter's pages stay usable ---
        phone = browser.new_page(viewport=PHONE)
        sign_in(phone, base, "lc-fgw")
        camera.shoot(phone, "phone-my-tasks")
        phone.goto(f"{base}/work/{lead.pk}/{document.periods.get(quarter=3).pk}/")
        camera.shoot(phone, "phone-work")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
