"""The files and e-mails the tracker writes, in English: built under English, the analysis
(.xlsx and .docx), the 督办单, the quarter's sheet, the roster and statistics files and every
e-mail carry no Chinese but the data (titles, unit names, what people typed, the document's own
target wording); built under Chinese they read as before. A sheet or roster filled from an
English file is read back like a Chinese one."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.samples import (
    HAN,
    amendment_world,
    calendar_world,
    data_strings,
    docx_texts,
    pages_world,
    reported_quarter,
    shashi_roster,
    xlsx_texts,
)
from tracker.exports import bulletin_docx, bulletin_filename, bulletin_xlsx
from tracker.models import NoticePreference, User
from tracker.periods import SHANGHAI
from tracker.quarter_sheets import read_sheet
from tracker.roster_files import read_roster, roster_csv, roster_xlsx
from tracker.selectors.bulletin import bulletin_content
from tracker.services.amendment_notices import amendment_announce
from tracker.services.amendments import amendment_deadline_change
from tracker.services.duban import duban_feedback_submit, duban_issue, duban_return
from tracker.services.duban_export import duban_docx
from tracker.services.people import invitation_send, person_create
from tracker.statistics_files import read_statistics, statistics_xlsx

pytestmark = pytest.mark.django_db
IN_Q2 = datetime(2026, 6, 20, 10, tzinfo=SHANGHAI)
# Names of fonts (宋体, 仿宋) live in the files' styles, not in their text: they are not read.


@pytest.fixture(autouse=True)
def back_to_chinese():
    yield
    translation.deactivate()


def chinese_left(texts: list[str], data: list[str] | None = None) -> list[str]:
    """The Chinese in `texts` once the data is taken out (a 督办单's reference number is an
    official identifier, cited as issued)."""
    text = "\n".join(texts)
    values = data_strings() if data is None else sorted(data, key=len, reverse=True)
    for value in values:
        text = text.replace(value, " ")
    text = re.sub(r"督办〔\d{4}〕\d+号", " ", text)
    found = {m.group(0) for m in re.finditer(r".{0,20}[\u3400-\u9fff]+.{0,20}", text)}
    # Chinese punctuation left beside English words (a label's colon or brackets).
    found |= {m.group(0) for m in re.finditer(r".{0,20}[：，。；（）「」《》].{0,20}", text)}
    found |= {m.group(0) for m in re.finditer(r".{0,20}[A-Za-z0-9)]、[A-Za-z0-9(].{0,20}", text)}
    return sorted(found)


# --- the quarter's analysis -------------------------------------------------------------------


@pytest.fixture
def analysis(supervisor):
    """A quarter with every kind of row: lights of every colour, late and missing reports,
    problems past their limit, a supervision action, rankings with a previous rank."""
    from tracker.models import SupervisionAction, Unit
    from tracker.services.supervision import supervision_action_record

    _document, q2 = reported_quarter(4, 10, title="云江市重点任务分工方案")
    supervision_action_record(
        kind=SupervisionAction.Kind.values[0],
        unit=Unit.objects.filter(name__startswith="测试单位").first(),
        period=q2,
        reason="进度滞后",
        actor=supervisor,
    )
    return q2


def _content(supervisor, period, language: str) -> dict:
    with translation.override(language):
        return bulletin_content(supervisor, period, today=date(2026, 6, 30), now=IN_Q2)


@pytest.mark.parametrize("render", [bulletin_xlsx, bulletin_docx])
def test_the_analysis_in_english_has_no_chinese_but_the_data(supervisor, analysis, render):
    content = _content(supervisor, analysis, "en")
    with translation.override("en"):
        data = render(content)
        name = bulletin_filename(content, "xlsx")
    texts = (xlsx_texts if render is bulletin_xlsx else docx_texts)(data)
    assert not chinese_left([*texts, name])
    joined = "\n".join(texts)
    assert "Q2 2026" in joined and "30 June 2026" in joined
    if render is bulletin_docx:
        assert "1. Overview" in texts and "2. Completion of the main indicators" in texts
        assert "(as of 30 June 2026)" in texts
    assert re.fullmatch(r"云江市重点任务分工方案\d*-Q2 2026 analysis\.xlsx", name)


def test_the_analysis_in_chinese_reads_as_before(supervisor, analysis):
    content = _content(supervisor, analysis, "zh-hans")
    with translation.override("zh-hans"):
        sheets = xlsx_texts(bulletin_xlsx(content))
        paper = docx_texts(bulletin_docx(content))
        name = bulletin_filename(content, "docx")
    assert re.fullmatch(r"云江市重点任务分工方案\d*-2026年二季度分析\.docx", name)
    title = content["document"]["title"]
    assert f"{title} 2026年二季度推进情况分析" in sheets
    assert {"概况", "指标完成情况", "滞后事项", "单位排名", "报送情况", "问题清单"} <= set(sheets)
    assert "报送周期" in sheets and "2026年二季度（截止2026年6月25日）" in sheets
    assert "一、总体情况" in paper and "九、督办、通报、面商、约谈情况" in paper
    assert "（统计截至2026年6月30日）" in paper
    assert any(t.startswith("问题：反映 ") for t in paper)
    assert "任务分工落实跟踪系统" in paper


# --- the 督办单 ---------------------------------------------------------------------------------


@pytest.fixture
def duban(units, reporter, outsider):
    world = calendar_world(units, reporter, outsider)
    now = datetime(2026, 5, 8, 10, tzinfo=SHANGHAI)
    (action,) = duban_issue(
        actor=world["supervisor"],
        units=[units["fgw"]],
        period=world["period"],
        urgency="red",
        requirement="请于5月15日前报送固定资产投资项目开工情况。",
        deadline=date(2026, 5, 15),
        now=now,
    )
    duban_feedback_submit(action=action, actor=reporter, text="已开工12个项目。", now=now)
    duban_return(action=action, actor=world["supervisor"], reason="请附照片。", now=now)
    return action


def test_the_duban_in_english_has_no_chinese_but_the_data(duban):
    with translation.override("en"):
        texts = docx_texts(duban_docx(duban))
    assert not chinese_left(texts)
    joined = "\n".join(texts)
    assert "SUPERVISION NOTICE" in joined and "by 15 May 2026" in joined
    assert "Reason for return: 请附照片。" in joined


def test_the_duban_in_chinese_reads_as_before(duban):
    with translation.override("zh-hans"):
        texts = docx_texts(duban_docx(duban))
    assert "督 办 通 知 单" in texts and "2026年5月15日前" in texts
    assert "退回意见：请附照片。" in texts and "紧急程度：特急（红）" in texts
    assert any(re.fullmatch(r"第1次反馈（2026年\d+月\d+日 \d\d:\d\d）：", t) for t in texts)


# --- the quarter's sheet ----------------------------------------------------------------------


@pytest.fixture
def sheet_world(units, reporter, outsider, settings, tmp_path):
    with time_machine.travel(IN_Q2, tick=False):
        return pages_world(units, settings, tmp_path)


def _download(client, user, world, language: str) -> tuple[bytes, str]:
    client.cookies["django_language"] = language
    client.force_login(user)
    with time_machine.travel(IN_Q2, tick=False):
        response = client.get(reverse("quarter-sheet-download", args=[world["q2"].pk]))
    assert response.status_code == 200
    return response.content, response["Content-Disposition"]


def test_the_quarter_sheet_in_english_and_back(client, reporter, sheet_world):
    data, disposition = _download(client, reporter, sheet_world, "en")
    assert not chinese_left(xlsx_texts(data))
    assert "quarter%20sheet" in disposition.lower() or "Quarter" in disposition
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    assert header[:2] == ["No.", "Version"] and "Cumulative this period" in header
    figure = header.index("Cumulative this period") + 1
    sheet.cell(row=3, column=figure, value="3.2")
    buffer = io.BytesIO()
    book.save(buffer)
    # Read back as the English file it is, whatever the reader's language.
    (row,) = read_sheet(buffer.getvalue(), "quarter.xlsx")
    assert row.get("本期累计") == "3.2" and row.responsibility_id == sheet_world["lead"].pk


def test_the_quarter_sheet_in_chinese_reads_as_before(client, reporter, sheet_world):
    data, _ = _download(client, reporter, sheet_world, "zh-hans")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["季度填报", "填写说明"]
    assert [c.value for c in book.worksheets[0][2]][:3] == ["编号", "版本", "单位"]


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("header", "encoding"),
    [
        (["编号", "版本", "本期累计", "进展情况"], "utf-8"),
        (["编号", "版本", "本期累计", "进展情况"], "utf-8-sig"),
        (["编号", "版本", "本期累计", "进展情况"], "gb18030"),
        (["No.", "Version", "Cumulative this period", "Progress"], "utf-8-sig"),
    ],
)
def test_the_quarter_sheet_is_read_from_csv_in_either_language(header, encoding):
    text = _csv(header, [["R12-T34", "3", "4.5", "完成投资"], ["", "", "", ""]])
    (row,) = read_sheet(text.encode(encoding), "季度填报表.csv")
    assert (row.number, row.responsibility_id, row.target_id, row.version) == (2, 12, 34, 3)
    assert row.get("本期累计") == "4.5" and row.get("进展情况") == "完成投资"


def test_a_csv_quarter_sheet_is_refused_like_a_workbook():
    from tracker.quarter_sheets import QuarterSheetError

    with pytest.raises(QuarterSheetError, match="第 3 行"):
        read_sheet(_csv(["编号", "本期累计"], [["R1-T1", "1"], ["X9", "2"]]).encode(), "a.csv")
    with pytest.raises(QuarterSheetError, match="编号"):
        read_sheet(_csv(["单位", "本期累计"], [["a", "1"]]).encode(), "a.csv")
    with pytest.raises(QuarterSheetError, match="编码"):
        read_sheet(b"\xff\xfe\x00\x81\x30", "a.csv")


# --- the roster and the statistics sheet --------------------------------------------------------


def test_the_roster_template_and_export_in_english_read_back(db):
    tables = shashi_roster()
    with translation.override("en"):
        template = roster_xlsx({}, notes=True)
        exported = roster_xlsx(tables)
        people_csv = roster_csv("人员", tables["人员"])
    data = [v for rows in tables.values() for row in rows for v in row if HAN.search(v)]
    assert not chinese_left(xlsx_texts(template), data)
    assert not chinese_left(xlsx_texts(exported), data)
    assert not chinese_left([people_csv.decode("utf-8-sig")], data)
    assert openpyxl.load_workbook(io.BytesIO(exported)).sheetnames == ["Units", "People", "Groups"]
    with translation.override("zh-hans"):
        chinese = roster_xlsx(tables)
    assert read_roster(exported, "roster.xlsx") == read_roster(chinese, "名册.xlsx")
    assert read_roster(people_csv, "people.csv") == [
        r for r in read_roster(chinese, "名册.xlsx") if r.sheet == "人员"
    ]


def test_the_statistics_sheet_in_english_reads_back():
    with translation.override("en"):
        data = statistics_xlsx([("地区生产总值", "亿元", "增长6%左右")], month="2026-06")
    assert not chinese_left(xlsx_texts(data), ["地区生产总值", "亿元", "增长6%左右"])
    (row,) = read_statistics(data, "statistics.xlsx")
    assert (row.name, row.unit, row.month) == ("地区生产总值", "亿元", "2026-06")
    with translation.override("zh-hans"):
        chinese = statistics_xlsx([("地区生产总值", "亿元", "增长6%左右")], month="2026-06")
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(chinese)).active[1]] == [
        "指标名称",
        "本期累计值",
        "计量单位",
        "同比增长",
        "数据截至",
        "年度目标",
    ]


# --- e-mails ------------------------------------------------------------------------------------


def _english(user: User) -> None:
    NoticePreference.objects.update_or_create(user=user, defaults={"language": "en"})


def _parts(message) -> list[str]:
    return [message.subject, message.body, message.alternatives[0][0]]


@pytest.mark.parametrize("reset", [False, True])
def test_the_invitation_reads_in_english_for_an_english_reader(units, reset):
    person = person_create(
        actor=User.objects.create_user("root", role=User.Role.ADMINISTRATOR),
        username="erin",
        full_name="艾琳",
        email="erin@x.cn",
        unit=units["fgw"],
        role=User.Role.REPORTER,
    )
    _english(person)
    if reset:
        User.objects.filter(pk=person.pk).update(last_login=IN_Q2)
    with time_machine.travel(IN_Q2, tick=False):
        assert invitation_send(user_id=person.pk)
    (message,) = mail.outbox
    assert not chinese_left(_parts(message))
    assert ("password" if reset else "account") in message.subject.lower()
    assert "Reporter" in message.body and "27 June 2026" in message.body


def test_the_invitation_stays_chinese_by_default(units):
    person = person_create(
        actor=User.objects.create_user("root", role=User.Role.ADMINISTRATOR),
        username="erin",
        full_name="艾琳",
        email="erin@x.cn",
        unit=units["fgw"],
        role=User.Role.REPORTER,
    )
    with time_machine.travel(IN_Q2, tick=False):
        invitation_send(user_id=person.pk)
    (message,) = mail.outbox
    assert message.subject.startswith("【任务调度】账号开通：") and "用户名：erin" in message.body


def test_the_amendment_reads_in_english_for_english_readers(units, reporter, outsider, supervisor):
    world = amendment_world(units, reporter, outsider)
    world["co"].unit.users.update(email="charlie@czj.example.cn")
    _english(outsider)
    amendment = amendment_deadline_change(
        assignment=world["task"], deadline=date(2026, 9, 30), actor=supervisor, reason="上级要求"
    )
    assert amendment_announce(amendment_id=amendment.pk) == 2
    by_to = {tuple(m.to): m for m in mail.outbox}
    english = by_to[("charlie@czj.example.cn",)]
    assert not chinese_left(_parts(english))
    assert "30 September 2026" in english.body and "amendment 1" in english.subject.lower()
    chinese = by_to[("czj-office@x.cn",)]
    assert "第1次修订" in chinese.subject and "2026年9月30日" in chinese.body


def test_every_e_mail_template_has_an_english_twin():
    from pathlib import Path

    from django.conf import settings

    emails = Path(settings.BASE_DIR) / "templates" / "emails"
    chinese = {p.name for p in emails.glob("*.*")}
    english = {p.name for p in (emails / "en").glob("*.*")}
    assert chinese and chinese == english


def test_the_password_reset_e_mail_reads_in_the_language_it_was_asked_in(client, reporter):
    User.objects.filter(pk=reporter.pk).update(email="bob@x.cn")
    client.cookies["django_language"] = "en"
    response = client.post(reverse("password_reset"), {"email": "bob@x.cn"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert not chinese_left([message.subject, message.body])
    assert "bob" in message.body


def test_an_amendment_in_the_inbox_reads_in_its_readers_language(
    client, units, reporter, outsider, supervisor
):
    """The inbox line is stored as written when announced (Chinese) and worded again for an
    English reader."""
    from tracker.models import Notice

    world = amendment_world(units, reporter, outsider)
    amendment = amendment_deadline_change(
        assignment=world["task"], deadline=date(2026, 9, 30), actor=supervisor, reason="上级要求"
    )
    amendment_announce(amendment_id=amendment.pk)
    person = Notice.objects.filter(kind="amendment").first().user
    client.force_login(person)
    chinese = client.get(reverse("inbox")).content.decode()
    assert "次修订：" in chinese and "完成时限由无调整为2026年9月30日" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("inbox")).content.decode()
    assert "30 September 2026" in english and "amendment 1" in english.lower()


def test_a_group_robots_digest_reads_in_the_digests_language():
    from tracker.services.reminders.webhook import markdown

    context = {
        "today": "28 June 2026",
        "count": 1,
        "sections": [
            {
                "title": "Returned",
                "intro": "please revise and submit again.",
                "items": [
                    {
                        "ref": "1",
                        "title": "固定资产投资增长6.5%",
                        "url": "https://x/1",
                        "unit": "云江市财政局",
                        "reason": "数据有误",
                    }
                ],
            }
        ],
    }
    english = markdown(context, "en")
    data = ["固定资产投资增长6.5%", "云江市财政局", "数据有误"]
    assert not chinese_left([english], data)
    assert "Reason for return: 数据有误" in english
    chinese = markdown({**context, "today": "2026年6月28日"}, "zh-hans")
    assert chinese.startswith("**任务调度提醒**（2026年6月28日，共1项）")
    assert "（云江市财政局）" in chinese and "   退回原因：数据有误" in chinese


def test_the_duban_e_mails_read_in_english_for_english_readers(units, reporter, outsider):
    """A 督办单 issued, answered, returned and overdue: every notice e-mail it causes reads in
    English for readers who chose English."""
    from datetime import timedelta

    from tests.samples import at, sweep_and_send
    from tracker.services.reminders.preferences import notice_preferences_update

    world = calendar_world(units, reporter, outsider)
    for user in (world["reporter"], world["supervisor"]):
        notice_preferences_update(
            user=user,
            notify_window_open=True,
            notify_reminders=True,
            notify_checkpoints=True,
            language="en",
        )
    (action,) = duban_issue(
        actor=world["supervisor"],
        units=[units["fgw"]],
        period=world["period"],
        urgency="red",
        requirement="请于5月15日前报送开工情况。",
        deadline=date(2026, 5, 15),
        now=at(5, 8),
    )
    sent = sweep_and_send(at(5, 8, 10))
    duban_feedback_submit(action=action, actor=reporter, text="已开工12个项目。", now=at(5, 9))
    sent += sweep_and_send(at(5, 9, 10))
    duban_return(action=action, actor=world["supervisor"], reason="请附照片。", now=at(5, 10))
    sent += sweep_and_send(at(5, 10, 10))
    sent += sweep_and_send(at(5, 10, 10) + timedelta(days=10))
    kinds = {message.extra_headers.get("X-Tracker-Notice") for message in sent}
    assert len(sent) >= 3, kinds
    data = data_strings()
    for message in sent:
        assert not chinese_left(_parts(message), data), (message.subject, kinds)


def test_the_problem_e_mails_read_in_english_for_english_readers(units, reporter, outsider):
    """A problem climbing the ladder (the lead unit, then the leader in charge): every notice
    it causes reads in English for readers who chose English."""
    from datetime import timedelta

    from tests.samples import PROBLEM_RAISED, raise_problem, sweep_and_send
    from tracker.models import LeaderScope
    from tracker.services.problems import problems_escalate_due
    from tracker.services.reminders.preferences import notice_preferences_update

    world = calendar_world(units, reporter, outsider)
    leader = User.objects.create_user(
        "wfz", email="wfz@yunjiang.example.cn", role=User.Role.LEADER, unit=units["city"]
    )
    LeaderScope.objects.create(leader=leader, unit=units["czj"])
    for user in (world["reporter"], world["outsider"], world["supervisor"], leader):
        notice_preferences_update(
            user=user,
            notify_window_open=False,
            notify_reminders=False,
            notify_checkpoints=False,
            language="en",
        )
    raise_problem(world["co"], world["target"], world["period"], outsider)
    sent = []
    for days in (4, 8):
        problems_escalate_due(now=PROBLEM_RAISED + timedelta(days=days))
        sent += sweep_and_send(PROBLEM_RAISED + timedelta(days=days, minutes=10))
    kinds = {message.extra_headers.get("X-Tracker-Notice") for message in sent}
    assert {"problem_lead", "problem_leader"} <= {k for ks in kinds for k in ks.split(",")}
    data = data_strings()
    for message in sent:
        assert not chinese_left(_parts(message), data), (message.subject, kinds)
