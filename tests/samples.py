"""What several test modules share, in one place: where the repository and the shared corpus
are, a small document to import, the calendar's quarter, a dashboard's quarter of reports, and
SMTP backends that fail. Test modules import from here (and build single rows with
tests.factories), never from one another.

Database-touching builders import the models inside, so importing this module (conftest does)
needs no configured Django.
"""

from __future__ import annotations

import os
import smtplib
from datetime import date, datetime, timedelta
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
