"""The 督办单 loop in a real browser, with a real SMTP server: a supervisor issues a 红 督办 to
a unit → the unit's reporter sees the unread badge and the e-mail → answers with a file → the
supervisor returns it → the unit answers again → 办结; a second 督办 passes its deadline and
escalates to the unit's leader in charge and shows red; the .docx opens with the reference, the
requirement, the deadline and the 反馈.

Each page visited is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone
from docx import Document as DocxDocument

from tests.e2e.pages import sign_in
from tests.factories import make_assignment, make_document, make_periods, make_responsibility
from tests.workers import Mailbox, free_port, smtp_server
from tracker.models import LeaderScope, Notice, SupervisionAction, User
from tracker.periods import SHANGHAI
from tracker.services.reminders.send import reminder_digest_send_one
from tracker.services.reminders.sweep import reminders_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESK = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REQUIREMENT = "请于5月15日前书面报告固定资产投资项目开工情况，逐项说明滞后原因和整改措施。"


def beat() -> None:
    """What Celery beat and a worker do: a sweep, its digests sent."""
    result = reminders_sweep(now=timezone.now())
    for digest_id in result.digest_ids + result.requeued_ids:
        reminder_digest_send_one(digest_id=digest_id)


def test_a_red_duban_goes_round_the_loop_and_a_late_one_escalates(
    live_server, browser, camera, units, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    mailbox, port = Mailbox(), free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    document = make_document(title="云江市2026年重点任务分工方案")
    task = make_assignment(document, title="稳投资扩内需")
    make_responsibility(task, units["fgw"], "lead")
    make_responsibility(task, units["czj"], "co")
    q2 = make_periods(document)[1]
    User.objects.create_user(
        "fgw-tb", password="pw-fgw-2026", email="fgw-tb@yunjiang.example.cn", unit=units["fgw"]
    )
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    leader = User.objects.create_user("wfz", password="pw-wfz-2026", role="leader")
    LeaderScope.objects.create(leader=leader, unit=units["czj"])
    base = live_server.url
    with (
        smtp_server(mailbox, port),
        time_machine.travel(datetime(2026, 5, 10, 10, tzinfo=SHANGHAI), tick=True) as clock,
    ):
        supervisor = browser.new_page(viewport=DESK)
        sign_in(supervisor, base, "duchashi", "pw-dcs-2026")
        supervisor.goto(f"{base}/duban/new/?period={q2.pk}")
        supervisor.get_by_label("云江市发展和改革委员会").check()
        supervisor.get_by_label("特急（红）").check()
        supervisor.fill("#id_requirement", REQUIREMENT)
        supervisor.fill("#id_deadline", "2026-05-15")
        camera.shoot(supervisor, "issue")
        supervisor.click("button:has-text('下发')")
        supervisor.wait_for_selector("text=已下发督办〔2026〕1号")
        camera.shoot(supervisor, "issued")
        action = SupervisionAction.objects.get()

        beat()
        (received,) = mailbox.received
        assert received.to == ("fgw-tb@yunjiang.example.cn",)

        reporter = browser.new_page(viewport=DESK)
        sign_in(reporter, base, "fgw-tb", "pw-fgw-2026")
        assert reporter.inner_text(".inbox-badge") == "1"
        camera.shoot(reporter, "badge")
        reporter.click("a.inbox-link")
        reporter.wait_for_selector("text=督办下发")
        camera.shoot(reporter, "inbox")
        reporter.click(".inbox-item a")
        reporter.wait_for_selector("text=督 办 通 知 单")
        assert reporter.locator(".inbox-badge").count() == 0
        reporter.fill("#id_text", "已开工12个项目，其余3个因用地审批延后，5月底前开工。")
        reporter.set_input_files(
            "#duban-files",
            files=[{"name": "开工情况.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        camera.shoot(reporter, "answer")
        reporter.click("button:has-text('提交反馈')")
        reporter.wait_for_selector("text=第1次反馈")
        camera.shoot(reporter, "answered")

        supervisor.goto(f"{base}/duban/{action.pk}/")
        supervisor.fill("#id_reason", "请逐个说明3个未开工项目的原因和开工时间。")
        camera.shoot(supervisor, "review")
        supervisor.click("button[value=return]")
        supervisor.wait_for_selector("text=退回意见")
        camera.shoot(supervisor, "returned")

        beat()
        reporter.goto(f"{base}/duban/{action.pk}/")
        assert reporter.inner_text(".inbox-badge") == "1"
        reporter.wait_for_selector("text=重新反馈")
        reporter.fill("#id_text", "甲项目用地6月1日获批，乙、丙项目已于5月12日开工。")
        reporter.click("button:has-text('提交反馈')")
        reporter.wait_for_selector("text=第2次反馈")
        camera.shoot(reporter, "answered-again")

        supervisor.goto(f"{base}/duban/{action.pk}/")
        supervisor.click("button[value=close]")
        supervisor.wait_for_selector("text=已办结")
        camera.shoot(supervisor, "closed")
        action.refresh_from_db()
        assert (action.status, action.round) == ("closed", 2)

        with supervisor.expect_download() as download:
            supervisor.click("a:has-text('导出 Word')")
        word = DocxDocument(io.BytesIO(open(download.value.path(), "rb").read()))
        text = "\n".join(p.text for p in word.paragraphs)
        cells = "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
        assert "督办〔2026〕1号" in text and REQUIREMENT in cells and "2026年5月15日前" in cells
        assert "已开工12个项目" in text and "乙、丙项目已于5月12日开工" in text

        # A second 督办单, to 财政局, lets its deadline pass.
        supervisor.goto(f"{base}/duban/new/?period={q2.pk}")
        supervisor.get_by_label("云江市财政局").check()
        supervisor.get_by_label("加急（黄）").check()
        supervisor.fill("#id_requirement", "请报送财政资金拨付进度。")
        supervisor.fill("#id_deadline", "2026-05-12")
        supervisor.click("button:has-text('下发')")
        supervisor.wait_for_selector("text=已下发督办〔2026〕2号")
        beat()
        clock.move_to(datetime(2026, 5, 13, 10, tzinfo=SHANGHAI))
        beat()
        late = SupervisionAction.objects.get(reference_number=2)
        assert Notice.objects.filter(user=leader, kind="duban_overdue", action=late).exists()
        # Three days on, the idle session has ended: sign in again.
        sign_in(supervisor, base, "duchashi", "pw-dcs-2026")
        supervisor.goto(f"{base}/duban/")
        row = supervisor.locator("tr.duban-overdue")
        assert row.count() == 1 and "督办〔2026〕2号" in row.inner_text()
        assert re.search(r"已超期", row.inner_text())
        camera.shoot(supervisor, "overdue-list")
        chief = browser.new_page(viewport=DESK)
        sign_in(chief, base, "wfz", "pw-wfz-2026")
        chief.goto(f"{base}/inbox/")
        chief.wait_for_selector("text=督办逾期")
        camera.shoot(chief, "leader-inbox")
        chief.click(".inbox-item a")
        chief.wait_for_selector(".duban-sheet.duban-overdue")
        camera.shoot(chief, "leader-sees-red")
