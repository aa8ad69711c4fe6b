"""What several test modules share, in one place: where the repository and the shared corpus
are, a small document to import, the calendar's quarter, a dashboard's quarter of reports, and
SMTP backends that fail. Test modules import from here (and build single rows with
tests.factories), never from one another.

Database-touching builders import the models inside, so importing this module (conftest does)
needs no configured Django.
"""

from __future__ import annotations

import io
import os
import re
import smtplib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from django.core import mail

    from tracker.models import Assignment, Document, ProgressReport, ReportingPeriod

REPO = Path(__file__).resolve().parent.parent
# Developers and CI keep the shared corpus next to the clone; TRACKER_SHARED points elsewhere.
SHARED = Path(os.environ.get("TRACKER_SHARED") or REPO.parent / "shared")
CORPUS = SHARED / "corpus"
DEMO_DOCUMENTS = REPO / "tracker" / "demo" / "documents"
# The demo's units, aliases and groups (云江市), as `load_units` reads them.
ROSTER_FILE = REPO / "tracker" / "demo" / "units.json"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Shanghai's zone without importing the tracker (tracker.periods.SHANGHAI is the same zone).
SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- a small document ---------------------------------------------------------------------------

SMALL = """云江市2026年测试工作任务分工方案

一、主要任务

1.地区生产总值增长6%左右。(牵头单位:市发展改革委;责任单位:市财政局、区发改局)

2.城镇新增就业2.8万人以上。(牵头单位:市人社局)

3.规模以上工业增加值增长8%。(责任单位:市工信局、市统计局)

各牵头单位于每季度末月25日前将完成情况报送市发展改革委。
"""


# A monthly dispatch plan: "每月25日前报送" (tracker's monthly schedule, due in the month).
MONTHLY = """云江市2026年重点项目月调度工作方案

一、主要任务

1.重点项目完成投资120亿元以上。(牵头单位:市发展改革委;责任单位:市财政局)

2.新开工重点项目30个。(牵头单位:市财政局)

二、工作要求

各责任单位于每月25日前报送当月工作进展。
"""


def first(document: Document) -> Assignment:
    """A document's first assignment."""
    return document.assignments.order_by("position").first()  # type: ignore[return-value]


def document_rows() -> tuple[int, ...]:
    """How many documents, assignments, audit events, aliases and responsibilities there are:
    equal before and after, nothing was written."""
    from tracker.models import Assignment, AuditEvent, Document, Responsibility, UnitAlias

    return (
        Document.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
        UnitAlias.objects.count(),
        Responsibility.objects.count(),
    )


# --- a report to review -------------------------------------------------------------------------

# Within the second quarter's reporting window.
REVIEW_AT = datetime(2026, 6, 20, 9, 0, tzinfo=SHANGHAI)


def review_world(units: dict[str, Any]) -> dict[str, Any]:
    """One task (a revenue growth target of 5%) that 发改委 leads and 财政局 shares, with its
    periods; the second quarter is the one reported and reviewed."""
    from tests.factories import (
        make_assignment,
        make_document,
        make_periods,
        make_responsibility,
        make_target,
    )

    document = make_document()
    task = make_assignment(document, title="地方一般公共预算收入增长5%")
    target = make_target(task, value="5")
    lead = make_responsibility(task, units["fgw"], role="lead")
    co = make_responsibility(task, units["czj"], role="co")
    periods = make_periods(document)
    return {"task": task, "target": target, "lead": lead, "co": co, "period": periods[1]}


def review_submit(
    world: dict[str, Any],
    actor: Any,
    responsibility: Any,
    *,
    value: str = "4.6",
    version: int | None = None,
    at: datetime = REVIEW_AT,
) -> ProgressReport:
    """`actor` submits `responsibility`'s report for the review world's quarter."""
    from tracker.services.reports import ReportInput, TargetInput, report_save

    return report_save(
        responsibility=responsibility,
        period=world["period"],
        actor=actor,
        report_input=ReportInput(
            values={world["target"].pk: TargetInput(actual=Decimal(value))},
            narrative="上半年收入增长",
        ),
        expected_version=version,
        submit=True,
        now=at,
    )


# --- the pages of a reported quarter --------------------------------------------------------------

# The smallest file the evidence checks take for a PDF.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pages_world(units: dict[str, Any], settings: Any, tmp_path: Path) -> dict[str, Any]:
    """bob (发改委) leads a task where charlie (财政局) is a co-unit; dan (审计局) is a stranger.
    Uploaded evidence goes to `tmp_path`."""
    from tests.factories import (
        make_assignment,
        make_document,
        make_periods,
        make_responsibility,
        make_target,
    )
    from tracker.models import Unit, User

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


def work_url(world: dict[str, Any], who: str = "lead") -> str:
    """The report form of `who` ("lead" or "co") for the second quarter."""
    from django.urls import reverse

    return reverse("report-work", args=[world[who].pk, world["q2"].pk])


def submit_co(
    world: dict[str, Any], outsider: Any, value: str = "5.0", problems: str = ""
) -> ProgressReport:
    """The co-unit (财政局, charlie) submits its second-quarter report."""
    from tracker.services.reports import ReportInput, TargetInput, report_save

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


# --- the calendar's quarter ----------------------------------------------------------------------

# The second quarter of 2026 is due on 25 June.
DUE = date(2026, 6, 25)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of 2026, Shanghai time."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def calendar_world(units: dict[str, Any], reporter: Any, outsider: Any) -> dict[str, Any]:
    """发改委 leads one task with 财政局 as co-unit; each has a reporter with an address, and a
    supervisor watches. The first quarter is locked; the second is the one the calendar runs."""
    from tests.factories import (
        make_assignment,
        make_document,
        make_periods,
        make_responsibility,
        make_target,
    )
    from tracker.models import User
    from tracker.services.reporting_periods import period_lock

    reporter.email = "fgw@yunjiang.example.cn"
    reporter.save()
    outsider.email = "czj@yunjiang.example.cn"
    outsider.save()
    supervisor = User.objects.create_user(
        "dcs", email="dcs@yunjiang.example.cn", role=User.Role.SUPERVISOR
    )
    document = make_document()
    task = make_assignment(document, title="固定资产投资增长10%")
    target = make_target(task)
    lead = make_responsibility(task, units["fgw"], "lead")
    co = make_responsibility(task, units["czj"], "co")
    periods = make_periods(document)
    period_lock(period=periods[0], actor=supervisor, now=at(3, 31))
    return {
        "lead": lead,
        "co": co,
        "target": target,
        "period": periods[1],
        "reporter": reporter,
        "outsider": outsider,
        "supervisor": supervisor,
        "units": units,
    }


def sweep_and_send(now: datetime) -> list[mail.EmailMessage]:
    """One sweep at `now` with its digests sent in-process; the messages sent."""
    import time_machine
    from django.core import mail

    from tracker.services.reminders.send import reminder_digest_send_one
    from tracker.services.reminders.sweep import reminders_sweep

    with time_machine.travel(now, tick=False):
        result = reminders_sweep(now=now)
        mail.outbox.clear()
        for digest_id in result.digest_ids + result.requeued_ids:
            reminder_digest_send_one(digest_id=digest_id, now=now)
    return list(mail.outbox)


def claimed(**filters: Any) -> set[tuple[str, str, str]]:
    """(recipient, kind, item_key) of the claims matching `filters`."""
    from tracker.models import ReminderLog

    return set(ReminderLog.objects.filter(**filters).values_list("recipient", "kind", "item_key"))


class FailingBackend:
    """An SMTP backend whose server is down (or refuses with `code`): EMAIL_BACKEND =
    "tests.samples.FailingBackend"."""

    code = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        if self.code:
            raise smtplib.SMTPRecipientsRefused({"x@y.cn": (self.code, b"no such user")})
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(FailingBackend):
    """A server that refuses the recipient for good (550)."""

    code = 550


# --- a dashboard's quarter of reports -------------------------------------------------------------

# Five days after the second quarter's due date: missing reports are red (over 3 days overdue),
# problems raised two days before the due date are past their 3-day limit.
NOW = datetime(2026, 6, 30, 10, tzinfo=SHANGHAI)


def _submit(
    responsibility: Any,
    period: ReportingPeriod,
    actual: str,
    *,
    days_before_due: int = 2,
    problems: str = "",
) -> ProgressReport:
    from tracker.services.reports import ReportInput, TargetInput, report_save

    reporter = responsibility.unit.users.get()
    moment = datetime.combine(DUE - timedelta(days=days_before_due), datetime.min.time(), SHANGHAI)
    target = responsibility.assignment.targets.get()
    return report_save(
        responsibility=responsibility,
        period=period,
        actor=reporter,
        report_input=ReportInput(
            values={target.pk: TargetInput(actual=Decimal(actual))},
            narrative="进展",
            problems_text=problems,
        ),
        expected_version=None,
        submit=True,
        now=moment.replace(hour=10),
    )


def reported_quarter(
    units: int, tasks: int, *, title: str = "分工方案", per_unit: bool = False
) -> tuple[Document, ReportingPeriod]:
    """A document of `tasks` assignments (count targets of 100), each led by one of `units` units
    and co-owned by the next; the second quarter is reported in a pattern that yields every
    colour, on-time, late and missing reports, and problems past their limit. The first quarter
    is reported by the lead units, so rankings have a previous rank.

    The pattern runs over all responsibilities, or with `per_unit` over each unit's own (so
    that, with five or more each, every unit and level has every kind of row)."""
    from tests.factories import (
        make_assignment,
        make_document,
        make_periods,
        make_responsibility,
        make_target,
    )
    from tracker.models import Unit, User
    from tracker.services.reports import ReportInput, TargetInput, report_save

    document = make_document(title=title)
    people = []
    for i in range(units):
        unit = Unit.objects.create(
            name=f"测试单位{document.pk}-{i:03d}", level="county" if i % 2 else "city"
        )
        people.append(User.objects.create_user(f"u{i}-{document.pk}", role="reporter", unit=unit))
    responsibilities = []
    for t in range(tasks):
        task = make_assignment(document, title=f"任务{t}")
        make_target(task, value="100", unit="个", kind="count", indicator=f"指标{t}")
        lead = make_responsibility(task, people[t % units].unit, role="lead")
        co = make_responsibility(task, people[(t + 1) % units].unit, role="co")
        responsibilities += [lead, co]
    periods = make_periods(document)
    q1, q2 = periods[0], periods[1]
    # Half-year, elapsed 0.5: 50 green, 46 yellow (pace 0.92), 10 red, 100 blue; one in five
    # missing; the report one day after the due date is late.
    pattern = [("50", 2), ("46", 1), ("10", 0), ("100", -1), (None, None)]
    seen: dict[int, int] = {}
    for index, responsibility in enumerate(responsibilities):
        k = seen[responsibility.unit_id] = seen.get(responsibility.unit_id, -1) + 1
        step = k if per_unit else index
        actual, days = pattern[step % len(pattern)]
        if actual is not None:
            _submit(
                responsibility,
                q2,
                actual,
                days_before_due=days,
                problems="资金未到位" if step % 5 == 0 else "",
            )
    for responsibility in responsibilities[::2]:
        report_save(
            responsibility=responsibility,
            period=q1,
            actor=responsibility.unit.users.get(),
            report_input=ReportInput(
                values={
                    responsibility.assignment.targets.get().pk: TargetInput(actual=Decimal(20))
                },
                narrative="一季度",
            ),
            expected_version=None,
            submit=True,
            now=datetime(2026, 3, 20, 10, tzinfo=SHANGHAI),
        )
    return document, q2


# --- an office's own roster: the Shashi district (沙市区) --------------------------------------

SHASHI = CORPUS / "shashi-14th-fyp-task-division.txt"
SHASHI_GOVERNMENT = "荆州市沙市区人民政府"
SHASHI_ECOLOGY = "荆州市生态环境局沙市区分局"
SHASHI_TOWNS = ("岑河镇", "观音垱镇", "关沮镇", "锣场镇")
SHASHI_STREETS = tuple(
    f"{name}街道办事处" for name in ("中山", "崇文", "解放", "胜利", "朝阳", "立新", "联合")
)
# (full name, the short names the district's documents use). Two departments are listed without
# their short names, as offices often forget (their names are found by suggestion), and the
# financial office appears under its new name, which the documents do not use yet.
_SHASHI_DEPARTMENTS = (
    ("荆州市沙市区人民政府办公室", "区政府办"),
    ("荆州市沙市区发展和改革局", "区发改局"),
    ("荆州市沙市区经济和信息化局", "区经信局"),
    ("荆州市沙市区教育局", "区教育局"),
    ("荆州市沙市区科学技术局", ""),
    ("荆州市公安局沙市区分局", "区公安分局"),
    ("荆州市沙市区民政局", "区民政局"),
    ("荆州市沙市区司法局", "区司法局"),
    ("荆州市沙市区财政局", "区财政局"),
    ("荆州市沙市区人力资源和社会保障局", ""),
    ("荆州市自然资源和规划局沙市分局", "区自规分局"),
    (SHASHI_ECOLOGY, "区生态环境分局"),
    ("荆州市沙市区住房和城乡建设局", "区住建局"),
    ("荆州市沙市区城市管理执法局", "区城管局"),
    ("荆州市沙市区交通运输局", "区交通局"),
    ("荆州市沙市区水利和湖泊局", "区水利湖泊局"),
    ("荆州市沙市区农业农村局", "区农业农村局"),
    ("荆州市沙市区商务局", "区商务局"),
    ("荆州市沙市区文化和旅游局", "区文旅局"),
    ("荆州市沙市区卫生健康局", "区卫健局"),
    ("荆州市沙市区退役军人事务局", "区退役军人事务局"),
    ("荆州市沙市区应急管理局", "区应急局"),
    ("荆州市沙市区市场监督管理局", "区市场监管局"),
    ("荆州市沙市区政务服务和大数据管理局", "区政数局"),
    ("荆州市沙市区地方金融监督管理局", ""),
    ("荆州市沙市区招商服务中心", "区招商中心"),
    ("荆州市沙市区旧城改造服务中心", "区旧改中心"),
    ("荆州市沙市区城市建设投资有限公司", "区城投公司"),
    ("共青团荆州市沙市区委员会", "团区委"),
    ("荆州市沙市区妇女联合会", "区妇联"),
    ("荆州市沙市区残疾人联合会", "区残联"),
    ("中共荆州市沙市区委政法委员会", "区委政法委"),
    ("中共荆州市沙市区委统一战线工作部", "区委统战部"),
    ("中共荆州市沙市区委老干部局", "区委老干局"),
    ("荆州市沙市区人大常委会办公室", "区人大常委会办公室"),
    ("政协荆州市沙市区委员会办公室", "区政协办公室"),
    ("中共荆州市沙市区委精神文明建设委员会办公室", "区文明办"),
)


def shashi_roster() -> dict[str, list[list[str]]]:
    """The district's roster as the three tables of the roster file (单位, 人员, 单位集合): the
    government, its departments in their official order, the towns and sub-districts; a
    supervisor and a leader in charge; the sub-districts and the departments as groups. 各镇
    is left for the office to define in the product."""
    units = [[SHASHI_GOVERNMENT, "县(区)级", "", "1", "党委政府", "区政府、区人民政府", ""]]
    for position, (name, short) in enumerate(_SHASHI_DEPARTMENTS, start=2):
        kind = "其他单位" if name.endswith("有限公司") else "部门单位"
        units.append([name, "县(区)级", SHASHI_GOVERNMENT, str(position), kind, short, ""])
    after = len(units) + 1
    for offset, name in enumerate([*SHASHI_TOWNS, *SHASHI_STREETS]):
        units.append(
            [name, "镇(街道)级", SHASHI_GOVERNMENT, str(after + offset), "党委政府", "", ""]
        )
    units[1][6] = "zfb@shashi.example.cn"
    people = [
        ["dcs", "区政府督查室", "dcs@shashi.example.cn", "", "", "督查员", ""],
        [
            "fzld",
            "王副区长",
            "fzld@shashi.example.cn",
            "",
            SHASHI_GOVERNMENT,
            "分管领导",
            f"{SHASHI_ECOLOGY}、荆州市沙市区发展和改革局",
        ],
    ]
    departments = [name for name, _short in _SHASHI_DEPARTMENTS if not name.endswith("办公室")]
    groups = [
        ["各街道", "、".join(SHASHI_STREETS), "各街道办事处"],
        ["区政府各部门", "、".join(departments), "区直各部门"],
        [
            "区营商环境工作领导小组成员单位",
            "荆州市沙市区发展和改革局、荆州市沙市区商务局、荆州市沙市区市场监督管理局、"
            "荆州市沙市区政务服务和大数据管理局、荆州市沙市区招商服务中心",
            "",
        ],
    ]
    return {"单位": units, "人员": people, "单位集合": groups}


def roster_workbook(tables: dict[str, list[list[str]]], path: Path) -> Path:
    """A roster .xlsx as an office would fill it in Excel (written with openpyxl directly, not
    with the product's own writer): a title row above the header, numbers as numbers."""
    import openpyxl

    from tracker.roster_files import COLUMNS

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in tables.items():
        ws = workbook.create_sheet(sheet)
        ws.append([f"{sheet}名册"])
        ws.append(list(COLUMNS[sheet]))
        for row in rows:
            ws.append([int(v) if v.isdigit() else (v or None) for v in row])
    workbook.save(path)
    return path


# --- calendar walks ------------------------------------------------------------------------------

# The instants of a day a walk sweeps at: before the day's notices may go out (nothing must),
# the daily digest's sweep, and one in the afternoon (again nothing new unless something happened).
WALK_TIMES = ((7, 0), (9, 0), (15, 0))


def walk_calendar(
    start: date,
    end: date,
    *,
    events: list[tuple[datetime, Any]],
    names: dict[int, str],
    capture: Any,
) -> Any:
    """Run the calendar from `start` to `end`, sweeping at WALK_TIMES each day with the clock
    frozen, the `events` (instant, callable) happening in between. Every sweep's digests are
    sent at once and the same sweep is run again, which must claim and send nothing. Returns
    a Counter of (instant, recipient, frozenset of (kind, item)) for every e-mail: an item is
    `names[responsibility_id]` and the period's label ("A1/fgw", "2026年3月"), with "@day" for
    a daily chaser; `capture` is pytest-django's django_capture_on_commit_callbacks."""
    from collections import Counter

    import time_machine
    from django.core import mail

    from tracker.models import ReminderLog
    from tracker.services.reminders.send import reminder_digest_send_one
    from tracker.services.reminders.sweep import reminders_sweep

    pending = sorted(events, key=lambda event: event[0])
    sent: Counter[tuple[datetime, str, frozenset[tuple[str, ...]]]] = Counter()
    message_ids: set[str] = set()
    day = start
    with time_machine.travel(
        datetime.combine(start, time(0), tzinfo=SHANGHAI), tick=False
    ) as clock:
        while day <= end:
            for hour, minute in WALK_TIMES:
                instant = datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)
                while pending and pending[0][0] <= instant:
                    when, happen = pending.pop(0)
                    clock.move_to(when)
                    happen()
                clock.move_to(instant)
                queued: list[int] = []
                with capture(execute=True):
                    first = reminders_sweep(now=instant, enqueue=queued.extend)
                mail.outbox.clear()
                for digest_id in queued:
                    assert reminder_digest_send_one(digest_id=digest_id, now=instant)
                for message in mail.outbox:
                    message_id = message.extra_headers["Message-ID"]
                    assert message_id not in message_ids
                    message_ids.add(message_id)
                    (recipient,) = message.to
                    logs = ReminderLog.objects.filter(
                        message_id=message_id, recipient=recipient
                    ).select_related("period")
                    items = frozenset(_walk_item(log, names) for log in logs)
                    sent[(instant, recipient, items)] += 1
                queued.clear()
                with capture(execute=True):
                    again = reminders_sweep(now=instant, enqueue=queued.extend)
                assert (again.claimed, again.urges_claimed, queued) == (0, 0, []), instant
                assert first.requeued_ids == []
            day += timedelta(days=1)
    assert not pending, "events after the walk's end"
    assert sum(sent.values()) == len(message_ids)
    return sent


def _walk_item(log: Any, names: dict[int, str]) -> tuple[str, ...]:
    name = names.get(log.responsibility_id, log.item_key)
    suffix = log.item_key.partition("@")[2]
    if suffix:
        name = f"{name}@{suffix}"
    return (log.kind, name, log.period.label)


# --- a supervisor's review queue at volume (issue 16) -------------------------------------------


def queue_world(units: dict[str, Any], tasks: int = 6) -> dict[str, Any]:
    """A published document of `tasks` tasks, each with a growth target; 发改委 (fgw) leads the
    odd ones, 财政局 (czj) the even ones, and each unit has a reporter (fgw-r, czj-r). Every
    responsibility submits its second-quarter report, one a day from 1 June (figures 5.0, 5.1,
    …, so the lights differ), and `reports` lists them in that order."""
    from tests.factories import (
        make_assignment,
        make_document,
        make_periods,
        make_responsibility,
        make_target,
    )
    from tracker.models import User
    from tracker.services.reports import ReportInput, TargetInput, report_save

    document = make_document(title="云江市稳增长重点任务")
    people = {
        "fgw": User.objects.create_user("fgw-r", password="pw-fgw-r", unit=units["fgw"]),
        "czj": User.objects.create_user("czj-r", password="pw-czj-r", unit=units["czj"]),
    }
    rows = []
    for n in range(1, tasks + 1):
        task = make_assignment(document, title=f"第{n}项重点工程投资增长6.5%")
        target = make_target(task, value="6.5", indicator=f"第{n}项投资增速")
        unit = "fgw" if n % 2 else "czj"
        rows.append((make_responsibility(task, units[unit], "lead"), target, unit))
    periods = make_periods(document)
    q2 = periods[1]
    reports = []
    for i, (responsibility, target, unit) in enumerate(rows):
        reports.append(
            report_save(
                responsibility=responsibility,
                period=q2,
                actor=people[unit],
                report_input=ReportInput(
                    values={target.pk: TargetInput(actual=Decimal("5.0") + Decimal(i) / 10)},
                    narrative=f"第{i + 1}项工程进展顺利",
                ),
                expected_version=None,
                submit=True,
                now=datetime(2026, 6, 1 + i % 20, 9, tzinfo=SHANGHAI),
            )
        )
    return {"doc": document, "q2": q2, "reports": reports, "people": people}


# A draft with something to doubt in most items (issue 15): a heading naming a leader in charge
# (一.1, 一.2), a past figure beside a target (二.3), a name unlike a unit (二.4), no unit at all
# (二.5), and a text cut off in the middle of a unit list (二.6, its "县" a fragment).
DOUBTFUL = """东湖县2024年重点工作任务分工方案

一、张建国副县长分管工作
1.规模以上工业增加值增长8%。（牵头单位：县工信局；责任单位：县统计局）
2.新开工亿元以上项目20个。（牵头单位：县发改局）
二、民生实事
3.新建城市书房5个，2023年已建成3个。（牵头单位：县文旅局）
4.完成老旧小区改造12个。（牵头单位：县住建局；责任单位：城东片）
5.新增城镇就业1500人。
6.新增城市绿地10万平方米。（牵头单位：县园林中心；责任单位：县住建局、县
"""


# --- amendments and problems, shared by their tests and the inbox's and 督办's ------------------

AMENDMENT_REASON = "经区政府常务会议研究调整"
PROBLEM_RAISED = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)


def amendment_world(units: dict[str, Any], reporter: Any, outsider: Any) -> dict[str, Any]:
    """A published document with one task (a growth and a count target) led by 发改委 (fgw)
    with 财政局 (czj) as co-unit, both having submitted their second-quarter reports: what the
    amendment and inbox tests change."""
    from tests.factories import (
        make_assignment,
        make_document,
        make_periods,
        make_responsibility,
        make_target,
    )
    from tracker.models import UnitContact
    from tracker.services.reports import ReportInput, TargetInput, report_save

    document = make_document()
    task = make_assignment(document, title="固定资产投资增长6.5%")
    growth = make_target(task, value="6.5", indicator="固定资产投资")
    projects = make_target(task, value="40", unit="个", kind="count", indicator="重点项目开工")
    lead = make_responsibility(task, units["fgw"], "lead")
    co = make_responsibility(task, units["czj"], "co")
    periods = make_periods(document)
    q2 = periods[1]
    reports = [
        report_save(
            responsibility=r,
            period=q2,
            actor=actor,
            report_input=ReportInput(
                values={
                    growth.pk: TargetInput(actual=Decimal("6.8")),
                    # 5 of 40 projects at half-year: red, the task's worst figure.
                    projects.pk: TargetInput(actual=Decimal("5")),
                },
                narrative="上半年推进情况",
            ),
            expected_version=None,
            submit=True,
            now=datetime(2026, 6, 20, 10, tzinfo=SHANGHAI),
        )
        for r, actor in ((lead, reporter), (co, outsider))
    ]
    UnitContact.objects.create(unit=units["czj"], email="czj-office@x.cn")
    return {
        "document": document,
        "task": task,
        "growth": growth,
        "projects": projects,
        "lead": lead,
        "co": co,
        "q2": q2,
        "reports": reports,
    }


def raise_problem(
    responsibility: Any, target: Any, period: Any, actor: Any, text: str = "用地指标不足"
) -> Any:
    """Submit a report raising `text` as a problem (at PROBLEM_RAISED) and return the problem."""
    from tracker.models import Problem
    from tracker.services.reports import ReportInput, TargetInput, report_save

    report_save(
        responsibility=responsibility,
        period=period,
        actor=actor,
        report_input=ReportInput(
            values={target.pk: TargetInput(actual=Decimal("3"))},
            narrative="推进中",
            problems_text=text,
        ),
        expected_version=None,
        submit=True,
        now=PROBLEM_RAISED,
    )
    return Problem.objects.get(description=text)


# --- the reminder stack's quarter: a dozen units, each with a contact address, due in 7 days ---

STACK_UNITS = 12


def a_quarter_due_in_seven_days() -> set[str]:
    """Today's quarter, due in seven days, for STACK_UNITS units with a contact address each
    (the first leads); their addresses."""
    from django.utils import timezone

    from tests.factories import make_assignment, make_document, make_responsibility
    from tracker.models import ReportingPeriod, Unit, UnitContact, User
    from tracker.periods import local_today

    today = local_today(timezone.now())
    document = make_document(year=today.year)
    assignment = make_assignment(document, title="重点项目建设")
    ReportingPeriod.objects.create(
        document=document,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=20),
        opens_on=today - timedelta(days=3),
        due_on=today + timedelta(days=7),
        first_checkpoint_on=today + timedelta(days=30),
        second_checkpoint_on=today + timedelta(days=30),
    )
    addresses = set()
    for n in range(STACK_UNITS):
        unit = Unit.objects.create(name=f"测试单位{n:02d}")
        make_responsibility(assignment, unit, "lead" if n == 0 else "co")
        address = f"unit{n:02d}@yunjiang.example.cn"
        UnitContact.objects.create(unit=unit, email=address)
        addresses.add(address)
    User.objects.create_user("dcs", email="dcs@yunjiang.example.cn", role=User.Role.SUPERVISOR)
    return addresses


# --- the government work report's headline indicators and a statistics sheet -------------------

HEADLINE_REPORT = """2026年云江市政府工作报告
各位代表：
现在，我代表市人民政府向大会报告工作，请予审议。
一、2026年主要预期目标
今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右；规模以上工业增加值增长8%；\
固定资产投资增长7%；社会消费品零售总额增长6.5%；一般公共预算收入增长5%；城镇居民人均可支配收入\
增长6.5%；农村居民人均可支配收入增长7.5%；城镇调查失业率控制在5.5%以内；城乡居民收入比缩小至2.1以内。
二、重点工作
（一）扩大有效投资。全年实施重点项目200个，完成投资400亿元。（牵头单位：市发展改革委）
"""

HEADLINE_DEPARTMENTS = {
    "云江市统计局": "市统计局",
    "云江市工业和信息化局": "市工信局",
    "云江市商务局": "市商务局",
    "云江市人力资源和社会保障局": "市人社局",
    "云江市农业农村局": "市农业农村局",
}

# 8 rows: six the report tracks, one it does not (粮食产量), one that could be either income.
STATISTICS_SHEET = [
    ["指标名称", "本期累计值", "计量单位", "同比增长", "数据截至"],
    ["地区生产总值", "1012.5", "亿元", "5.8", "2026年1-9月"],
    ["规模以上工业增加值", "", "", "7.5", "2026-09"],
    ["全市固定资产投资增速", "", "", "4", "2026-09"],
    ["城镇调查失业率", "5.3", "%", "", "2026-09"],
    ["城乡居民收入比", "1.69", "", "", "2026-09"],
    ["一般公共预算收入", "86.2", "亿元", "5.2", "9月"],
    ["粮食产量", "45.1", "万吨", "1.2", "2026-09"],
    ["居民人均可支配收入", "38000", "元", "6.0", "2026-09"],
]


def statistics_csv(rows: list[list[str]]) -> bytes:
    """Rows as a statistics bureau's CSV export (UTF-8 with BOM, as Excel saves it)."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


# --- what is data in a page or a file -------------------------------------------------------------

# Han characters (CJK unified ideographs and extension A).
HAN = re.compile(r"[\u3400-\u9fff]")


def data_strings() -> list[str]:
    """Every Chinese text stored in the tracker's tables (titles, unit names, aliases,
    indicators, narratives, problems, reasons…): data, shown as written in any language.
    Longest first, so a title is removed before a unit name inside it."""
    from django.apps import apps
    from django.db import models as dj_models

    found: set[str] = set()
    for model in apps.get_app_config("tracker").get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (dj_models.CharField, dj_models.TextField)) and not f.choices
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            found.update(v.strip() for v in row if isinstance(v, str) and HAN.search(v))
    # A stored text is often shown one line at a time.
    found |= {line.strip() for text in list(found) for line in text.splitlines() if line.strip()}
    return sorted(found, key=len, reverse=True)


def xlsx_texts(data: bytes) -> list[str]:
    """What a reader of a workbook sees: sheet names, every cell, its title and author."""

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = [book.properties.title or "", book.properties.creator or ""]
    for sheet in book.worksheets:
        texts.append(sheet.title)
        texts += [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    return texts


def docx_texts(data: bytes) -> list[str]:
    """What a reader of a Word file sees: its paragraphs, table cells, title and author. (Font
    names such as 宋体 live in its styles, not in its text.)"""

    import docx

    paper = docx.Document(io.BytesIO(data))
    texts = [paper.core_properties.title or "", paper.core_properties.author or ""]
    texts += [p.text for p in paper.paragraphs]
    texts += [c.text for t in paper.tables for row in t.rows for c in row.cells]
    return texts
