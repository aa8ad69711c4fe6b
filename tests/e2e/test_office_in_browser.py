"""A real office's first quarter, from an empty database, in a real browser: the administrator
imports the district's roster (.xlsx), imports the Shashi task division, settles every unknown
unit name in at most three actions after defining 各镇 once, and publishes (the clock stands in
the fourth quarter of the document's year: the first period offered is that quarter, no earlier
quarter becomes overdue and another document's reporting rates stay as they were); invites a
reporter, who sets a password from the e-mail a local SMTP server received (sent by a real Celery
worker) and submits a report; then the administrator merges the reporter's unit into the roster's
unit it duplicates, and the reporter's history survives the merge.

Every page visited is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

import email
import email.header
import os
import re
import socket
import threading
import time
import uuid
from datetime import datetime

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from tests.e2e.pages import sign_in
from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_report,
    make_responsibility,
)
from tests.samples import SHASHI, SHASHI_GOVERNMENT, roster_workbook, shashi_roster
from tests.workers import celery_worker, database_url
from tracker.celery import app
from tracker.models import (
    AuditEvent,
    Document,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Unit,
    UnitGroup,
    User,
)
from tracker.periods import SHANGHAI
from tracker.selectors.aggregates import Scope, scope_tally

pytestmark = [
    pytest.mark.browser,
    pytest.mark.corpus,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "Shashi-2022-admin"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Today, in the document's year: the fourth quarter's reporting window is open.
TODAY = datetime(2022, 12, 6, 10, tzinfo=SHANGHAI)
SURVIVOR = "荆州市沙市区地方金融监督管理局"
LINK = re.compile(r"https?://\S+/accounts/invitation/\S+/")


def committed(read, expected=None, timeout: float = 15.0):
    """What the server (or the worker) committed, read afresh."""
    deadline = time.monotonic() + timeout
    value = read()
    while time.monotonic() < deadline:
        connection.close()
        value = read()
        if expected is None or value == expected:
            return value
        time.sleep(0.2)
    return value


class Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def wait_for(self, address: str, timeout: float = 60) -> email.message.Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.messages:
                    if address in str(message["To"]):
                        return message
            time.sleep(0.3)
        raise AssertionError(f"no mail for {address}")


def text_of(message: email.message.Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_and_worker(live_server, monkeypatch):
    """A local SMTP server, and a real Celery worker on the embedded broker sending to it, on a
    queue of the test's own (the services queue their tasks there)."""
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("the embedded stack: filesystem broker and SQLite")
    queue_name = f"test-office-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(
        "tracker.services.people.queue",
        lambda name, *args: app.tasks[name].apply_async(args=list(args), queue=queue_name),
    )
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue_name,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "TRACKER_SITE_URL": live_server.url,
    }
    try:
        with celery_worker(env):
            yield inbox
    finally:
        controller.stop()


def test_an_office_starts_from_its_own_roster(
    live_server, browser, camera, mail_and_worker, tmp_path
):
    base = live_server.url
    inbox = mail_and_worker
    User.objects.create_user(
        "admin", password=PASSWORD, role=User.Role.ADMINISTRATOR, email="admin@shashi.example.cn"
    )
    roster = roster_workbook(shashi_roster(), tmp_path / "沙市区名册.xlsx")

    with time_machine.travel(TODAY, tick=True):
        admin = browser.new_page(viewport=DESK)
        sign_in(admin, base, "admin", PASSWORD)

        # --- the roster: upload, preview row by row, confirm ---
        admin.click("nav a:has-text('单位')")
        admin.wait_for_selector("text=还没有单位")
        camera.shoot(admin, "units-empty")
        admin.click("a:has-text('导入名册')")
        admin.set_input_files("input[name=file]", str(roster))
        admin.click("button:has-text('上传并预览')")
        admin.wait_for_selector("text=确认导入")
        camera.shoot(admin, "roster-preview")
        admin.click("button:has-text('确认导入')")
        admin.wait_for_selector("text=名册已导入")
        camera.shoot(admin, "units")
        assert committed(lambda: Unit.objects.count(), expected=49) == 49

        # --- the document ---
        admin.goto(f"{base}/documents/import/")
        admin.set_input_files("input[name=file]", str(SHASHI))
        admin.click("button:has-text('导入并识别')")
        admin.wait_for_selector("text=审核草稿")
        document = committed(lambda: Document.objects.first())
        admin.goto(f"{base}/documents/{document.pk}/units/")
        admin.wait_for_load_state("load")
        camera.shoot(admin, "names-unknown")
        assert admin.locator("#unknown-count").inner_text() == "6"

        # --- 各镇, defined once: its towns come ticked from the roster ---
        admin.click("a:has-text('定义“各镇”的成员')")
        admin.wait_for_selector("text=已按名称预先勾选")
        ticked = admin.locator("input[name=members]:checked")
        assert ticked.count() == 4
        camera.shoot(admin, "group-towns")
        admin.click("button:has-text('保存单位集合')")
        admin.wait_for_selector("text=已保存单位集合“各镇”")

        # --- every other name, in at most three actions ---
        actions = 0
        admin.click("button:has-text('接受全部建议')")
        actions += 1
        admin.wait_for_selector("text=已接受 4 条建议")
        camera.shoot(admin, "names-suggestions-accepted")
        admin.click("button:has-text('其余名称全部新建为单位')")
        actions += 1
        admin.wait_for_selector("text=全部单位名称均已对应，可以发布")
        camera.shoot(admin, "names-all-mapped")
        assert actions <= 3
        created = committed(lambda: Unit.objects.get(name="区金融办"))
        assert created.parent.name == SHASHI_GOVERNMENT and created.level == "county"

        # --- the review page shows the groups' expansion; publish ---
        admin.goto(f"{base}/documents/{document.pk}/review/")
        admin.wait_for_selector("text=展开为 4 个单位")
        card = admin.locator("article.assignment:has-text('展开为 4 个单位')").first
        camera.count += 1
        card.screenshot(path=str(camera.folder / f"{camera.count:02d}-review-group-card.png"))
        # Another document of the year already reports: its third quarter is complete.
        other = make_document(title="沙市区重点项目推进方案", year=2022)
        other_task = make_assignment(other, title="重点项目开工")
        other_unit = Unit.objects.get(name=SURVIVOR)
        other_q3 = next(p for p in make_periods(other) if p.quarter == 3)
        make_report(
            responsibility=make_responsibility(other_task, other_unit),
            period=other_q3,
            status=ProgressReport.Status.SUBMITTED,
            submitted_at=datetime(2022, 9, 20, 10, tzinfo=SHANGHAI),
        )
        supervisor = User.objects.get(username="admin")
        rates = {
            quarter: scope_tally(
                supervisor, Scope(2022, quarter), today=TODAY.date()
            ).reporting_rate
            for quarter in (1, 2, 3)
        }
        assert rates[3] == 1

        # Publishing in December: the first period offered is this quarter, and nothing of the
        # year's earlier quarters becomes overdue.
        admin.goto(f"{base}/documents/{document.pk}/publish/")
        admin.wait_for_selector("text=还没有填报人员")
        chosen = admin.locator("#id_first_period option:checked").inner_text()
        assert "四季度" in chosen, chosen
        assert admin.locator("text=发布后不会产生逾期未报的报告").is_visible()
        camera.shoot(admin, "publish")
        admin.click("button:has-text('确认发布')")
        admin.wait_for_load_state()
        status = committed(lambda: Document.objects.get(pk=document.pk).status, "published")
        assert status == "published"
        periods = ReportingPeriod.objects.filter(document=document)
        assert set(periods.filter(year=2022).values_list("quarter", flat=True)) == {4}
        assert not periods.filter(due_on__lt=TODAY.date()).exists()
        assert {
            quarter: scope_tally(
                supervisor, Scope(2022, quarter), today=TODAY.date()
            ).reporting_rate
            for quarter in (1, 2, 3)
        } == rates
        towns = UnitGroup.objects.get(name="各镇").members.all()
        assert Responsibility.objects.filter(unit__in=towns).exists()

        # --- a reporter for 区金融办, invited ---
        admin.goto(f"{base}/units/{created.pk}/")
        admin.click("a:has-text('新建人员')")
        admin.fill("#id_username", "jrb")
        admin.fill("#id_full_name", "张金融")
        admin.fill("#id_email", "jrb@shashi.example.cn")
        camera.shoot(admin, "person-new")
        admin.click("button:has-text('创建账号')")
        admin.wait_for_selector("text=邀请邮件已发往 jrb@shashi.example.cn")
        camera.shoot(admin, "person-invited")

        message = inbox.wait_for("jrb@shashi.example.cn")
        assert "账号开通" in str(
            email.header.make_header(email.header.decode_header(message["Subject"]))
        )
        link = LINK.search(text_of(message)).group(0)

        # The mail is read on a phone: the link's page fits its width.
        reporter = browser.new_page(viewport=PHONE)
        reporter.goto(link)
        reporter.wait_for_selector("text=设置密码")
        camera.shoot(reporter, "set-password")
        assert reporter.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        reporter.fill("#id_new_password1", "Jinrong-2022!")
        reporter.fill("#id_new_password2", "Jinrong-2022!")
        reporter.click("button:has-text('设置密码并登录')")
        reporter.wait_for_selector("text=密码已设置")
        reporter.set_viewport_size(DESK)
        camera.shoot(reporter, "my-tasks")

        # --- the fourth quarter's report ---
        task = document.assignments.get(ref="三.(三).1")
        responsibility = Responsibility.objects.get(assignment=task, unit=created)
        q4 = document.periods.get(year=2022, quarter=4)
        reporter.goto(f"{base}/work/{responsibility.pk}/{q4.pk}/")
        reporter.wait_for_load_state("load")
        for target, figure in zip(task.targets.order_by("position"), ("380", "560"), strict=True):
            reporter.fill(f"#id_target-{target.pk}", figure)
        reporter.fill("#id_narrative", "全年金融服务业增加值稳步增长，新增规上服务业企业。")
        camera.shoot(reporter, "work")
        reporter.click("button[value=submit]")
        reporter.wait_for_selector("text=已报送，等待审核")
        report = committed(
            lambda: ProgressReport.objects.filter(responsibility=responsibility, period=q4).first()
        )
        assert report.status == "submitted"

        # --- 区金融办 is the roster's financial office under its old name: merge ---
        survivor = Unit.objects.get(name=SURVIVOR)
        counts = (
            Responsibility.all_objects.count(),
            ProgressReport.objects.count(),
            AuditEvent.objects.exclude(action__startswith="unit.merge").count(),
        )
        admin.goto(f"{base}/units/{created.pk}/merge/")
        admin.select_option("#id_into", str(survivor.pk))
        admin.click("button:has-text('查看将转移的内容')")
        admin.wait_for_selector("text=将转到")
        admin.check("#id_confirm")
        camera.shoot(admin, "merge-preview")
        admin.click("button:has-text('确认合并')")
        admin.wait_for_selector(f"text=已将“区金融办”并入“{SURVIVOR}”")
        camera.shoot(admin, "merged")

        # --- the reporter's history survived ---
        moved = committed(
            lambda: ProgressReport.objects.get(pk=report.pk).responsibility.unit_id, survivor.pk
        )
        assert moved == survivor.pk
        assert (
            Responsibility.all_objects.count(),
            ProgressReport.objects.count(),
            AuditEvent.objects.exclude(action__startswith="unit.merge").count(),
        ) == counts
        reporter.goto(f"{base}/tasks/history/")
        reporter.wait_for_selector("text=提质发展现代服务业")
        assert SURVIVOR in reporter.locator("header").inner_text()
        camera.shoot(reporter, "history-after-merge")
        assert User.objects.get(username="jrb").unit_id == survivor.pk
