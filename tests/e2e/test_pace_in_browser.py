"""Reporting at a department's pace, in a real browser (issue 16): what is typed survives a
reload, leaving with unsaved text asks first, a refused upload says why beside the field, a
submitted report is withdrawn before review.

Screenshots are saved under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import time_machine

from tests.e2e.pages import sign_in
from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import AuditEvent, ProgressReport, User
from tracker.periods import SHANGHAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quarter(units, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = make_document(title="云江市2026年重点任务分工方案")
    task = make_assignment(document, title="城镇新增就业2.8万人")
    target = make_target(task, value="2.8", unit="万人", kind="count", indicator="城镇新增就业")
    responsibility = make_responsibility(task, units["fgw"], "lead")
    periods = make_periods(document)
    User.objects.create_user(
        "fgw-reporter", password="pw-fgw-2026", role="reporter", unit=units["fgw"]
    )
    return {"target": target, "q2": periods[1], "responsibility": responsibility}


def test_typed_work_is_kept_and_leaving_asks_first(live_server, browser, camera, quarter):
    base = live_server.url
    url = f"{base}/work/{quarter['responsibility'].pk}/{quarter['q2'].pk}/"
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=True):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, base, "fgw-reporter", "pw-fgw-2026")
        page.goto(url)
        page.wait_for_load_state("load")

        # Typed, never saved by hand: the draft is on the server a moment later.
        page.locator(f"#id_target-{quarter['target'].pk}").press_sequentially("1.2")
        page.locator("#id_narrative").press_sequentially("上半年新增就业1.2万人")
        page.wait_for_selector("#autosave-status.ok:has-text('已自动保存')")
        camera.shoot(page, "autosaved")
        page.reload()
        assert page.input_value("#id_narrative") == "上半年新增就业1.2万人"
        assert page.input_value(f"#id_target-{quarter['target'].pk}") == "1.2"
        camera.shoot(page, "after-reload")

        # A figure that is not a number is refused beside its field, and nothing is saved.
        page.locator(f"#id_target-{quarter['target'].pk}").fill("")
        page.locator(f"#id_target-{quarter['target'].pk}").press_sequentially("abc")
        error = page.wait_for_selector(f"#id_target-{quarter['target'].pk}-autosave-error")
        assert error.text_content()
        camera.shoot(page, "autosave-refused-figure")
        page.locator(f"#id_target-{quarter['target'].pk}").fill("1.2")
        page.wait_for_selector("#autosave-status.ok")

        # Typing, then leaving at once: the browser asks before the text is lost.
        dialogs: list[str] = []

        def dismiss(dialog) -> None:
            dialogs.append(dialog.type)
            dialog.dismiss()

        page.on("dialog", dismiss)
        page.locator("#id_next_steps").press_sequentially("下步打算还没保存")
        page.click("nav a:has-text('我的任务')")
        page.wait_for_timeout(500)
        assert dialogs == ["beforeunload"]
        assert page.url == url  # still on the form, the text still there
        assert page.input_value("#id_next_steps") == "下步打算还没保存"
        camera.shoot(page, "stayed-on-form")

        # A refused upload says why beside the file field.
        page.set_input_files(
            "#evidence-file",
            files=[
                {
                    "name": "setup.exe",
                    "mimeType": "application/octet-stream",
                    "buffer": b"MZ\x90\x00" + b"\x00" * 64,
                }
            ],
        )
        page.click("section[aria-labelledby=evidence-title] button:has-text('上传')")
        refusal = page.wait_for_selector("#evidence-error .error")
        assert refusal.text_content()
        camera.shoot(page, "upload-refused")

    report = ProgressReport.objects.get()
    assert report.narrative == "上半年新增就业1.2万人"
    assert AuditEvent.objects.filter(action="report.autosave").exists()


def test_a_submitted_report_is_withdrawn_before_review(live_server, browser, camera, quarter):
    base = live_server.url
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=True):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, base, "fgw-reporter", "pw-fgw-2026")
        page.goto(f"{base}/work/{quarter['responsibility'].pk}/{quarter['q2'].pk}/")
        page.wait_for_load_state("load")
        page.fill(f"#id_target-{quarter['target'].pk}", "1.5")
        page.fill("#id_narrative", "上半年城镇新增就业1.5万人。")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已报送，等待审核")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("button:has-text('撤回报送')")
        page.wait_for_selector("text=报告已撤回为草稿")
        camera.shoot(page, "withdrawn")
        assert page.input_value("#id_narrative") == "上半年城镇新增就业1.5万人。"

    report = ProgressReport.objects.get()
    assert report.status == ProgressReport.Status.DRAFT and not report.is_late


def test_a_supervisor_approves_twenty_reports_at_once(live_server, browser, camera, units):
    from tests.samples import queue_world

    world = queue_world(units, tasks=22)
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, base, "duchashi", "pw-dcs-2026")
    page.goto(f"{base}/reviews/")
    camera.shoot(page, "queue")

    # Searching narrows the queue; "approve and open next" walks it.
    page.fill("#id_q", "第22项")
    page.click("form.review-filters button[type=submit]")
    page.wait_for_selector("text=共 1 份")
    page.click("a.button:has-text('审核')")
    page.click("button:has-text('通过并打开下一份')")
    page.wait_for_selector("text=该筛选条件下已没有待审核的报告")
    camera.shoot(page, "approved-and-next")

    page.goto(f"{base}/reviews/?sort=oldest")
    page.check("#select-all")
    page.uncheck(f"#pick-{world['reports'][20].pk}")  # the 21st waits for a closer look
    assert page.locator("input[name=report]:checked").count() == 20
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('批量审核通过')")
    page.wait_for_selector("text=已审核通过 20 份报告")
    camera.shoot(page, "bulk-approved")

    statuses = dict(ProgressReport.objects.values_list("pk", "status"))
    assert sum(1 for s in statuses.values() if s == "approved") == 21
    assert statuses[world["reports"][20].pk] == "submitted"
    assert AuditEvent.objects.filter(action="report.approve").count() == 21


def test_the_quarter_in_one_excel_sheet(live_server, browser, camera, units, tmp_path):
    import io

    from openpyxl import load_workbook

    from tests.samples import queue_world
    from tracker.quarter_sheets import COLUMNS, SHEET

    world = queue_world(units, tasks=20)
    ProgressReport.objects.all().delete()
    base = live_server.url
    with time_machine.travel(datetime(2026, 6, 22, 10, tzinfo=SHANGHAI), tick=True):
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        sign_in(page, base, "fgw-r", "pw-fgw-r")
        page.click("a:has-text('2026年二季度 · 云江市稳增长重点任务')")
        camera.shoot(page, "sheet-page")
        with page.expect_download() as info:
            page.click("a:has-text('下载本单位填报表')")
        data = Path(info.value.path()).read_bytes()

        def filled(bad: str) -> Path:
            workbook = load_workbook(io.BytesIO(data))
            ws = workbook[SHEET]
            assert ws.max_row == 12  # title, header, ten responsibilities
            for row in range(3, 13):
                ws.cell(row=row, column=COLUMNS.index("本期累计") + 1, value="6.1")
                ws.cell(row=row, column=COLUMNS.index("进展情况") + 1, value=f"第{row}行进展")
            ws.cell(row=7, column=COLUMNS.index("本期累计") + 1, value=bad)
            path = tmp_path / f"sheet-{bad}.xlsx"
            workbook.save(path)
            return path

        page.set_input_files("#id_file", str(filled("6.1个百分点多")))
        page.check("input[name=submit][value='1']")
        page.click("button:has-text('上传并预览')")
        page.wait_for_selector("text=尚未保存任何内容")
        assert page.locator(".sheet-errors li").first.text_content().startswith("第 7 行")
        camera.shoot(page, "sheet-refused-row")
        assert not ProgressReport.objects.exists()

        page.click("a:has-text('修改后重新上传')")
        page.set_input_files("#id_file", str(filled("6.3")))
        page.check("input[name=submit][value='1']")
        page.click("button:has-text('上传并预览')")
        page.wait_for_selector("text=全部行校验无误")
        camera.shoot(page, "sheet-preview-ok")
        page.click("button:has-text('确认提交报送')")
        page.wait_for_selector("text=已提交报送 10 项任务的报告")
        camera.shoot(page, "sheet-submitted")

    reports = ProgressReport.objects.filter(period=world["q2"])
    assert reports.count() == 10 and {r.status for r in reports} == {"submitted"}
