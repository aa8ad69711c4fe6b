"""A whole year of the quarterly cycle on a real document, with a frozen clock.

The Lincang implementation plan (临沧市2023年促进县(区)高质量发展实施方案, 63 assignments, 331
responsibilities once published) is imported and published; six of its responsibilities report
through four quarters — some on time, some late, one returned and resubmitted, one unit missing a
quarter — a problem climbs the ladder, supervisors record actions, and at each quarter's analysis
the colours, reporting rates, rankings and bulletin figures are checked against values worked out
by hand below (elapsed share: Q1 25 %, Q2 50 %, Q3 75 %, Q4 100 %).
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import docx
import openpyxl
import pytest
import time_machine

from tracker import selectors
from tracker.exports import bulletin_docx, bulletin_xlsx
from tracker.models import (
    AuditEvent,
    Document,
    Problem,
    ProgressReport,
    Responsibility,
    SupervisionAction,
    User,
)
from tracker.periods import SHANGHAI
from tracker.selectors import Scope
from tracker.selectors.bulletin import bulletin_content
from tracker.services.bulletin import bulletin_publish
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish
from tracker.services.problems import problem_resolve, problems_escalate_due
from tracker.services.report_review import report_approve, report_return
from tracker.services.reporting_periods import period_lock
from tracker.services.reports import ReportInput, TargetInput, report_save
from tracker.services.supervision import supervision_action_record

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

FGW, GXJ, CZJ, SCJ, SWJ = "市发展改革委", "市工业和信息化局", "市财政局", "市市场监管局", "市商务局"


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=SHANGHAI)


class Year:
    """The document, its people and the six responsibilities that report."""

    def __init__(self, corpus) -> None:
        path = corpus / "lincang-2023-county-development-plan.txt"
        self.supervisor = User.objects.create_user(
            "duchashi", password="x", role=User.Role.SUPERVISOR
        )
        with time_machine.travel(at(1, 10), tick=False):
            imported = document_import(
                data=path.read_bytes(), source_name=path.name, actor=self.supervisor
            )
            document_publish(document=imported.document, actor=self.supervisor)
        self.document = Document.objects.get(pk=imported.document.pk)
        self.periods = {p.quarter: p for p in self.document.periods.all()}
        self.people: dict[str, User] = {}
        for name in (FGW, GXJ, CZJ, SCJ, SWJ):
            resp = Responsibility.objects.filter(
                assignment__document=self.document, unit__name=name
            ).first()
            assert resp is not None, name
            self.people[name] = User.objects.create_user(
                f"user-{resp.unit_id}", password="x", role=User.Role.REPORTER, unit=resp.unit
            )
        self.r1 = self.responsibility("二.(一).1", FGW)
        self.r2 = self.responsibility("二.(一).2", FGW)
        self.r4 = self.responsibility("二.(一).4", GXJ)
        self.r5 = self.responsibility("二.(一).5", GXJ)
        self.r6 = self.responsibility("二.(一).6", CZJ)
        self.r7 = self.responsibility("二.(一).7", SCJ)
        self.rc = self.responsibility("二.(一).1", SWJ)

    def responsibility(self, ref: str, unit: str) -> Responsibility:
        return Responsibility.objects.select_related("unit", "assignment").get(
            assignment__document=self.document, assignment__ref=ref, unit__name=unit
        )

    def submit(self, resp, quarter, when, actuals, *, problems="", version=None):
        targets = list(resp.assignment.targets.order_by("position"))
        assert len(targets) == len(actuals)
        with time_machine.travel(when, tick=False):
            return report_save(
                responsibility=resp,
                period=self.periods[quarter],
                actor=self.people[resp.unit.name],
                report_input=ReportInput(
                    values={
                        t.pk: TargetInput(actual=Decimal(a))
                        for t, a in zip(targets, actuals, strict=True)
                    },
                    narrative=f"{resp.unit.name}{quarter}季度进展",
                    problems_text=problems,
                    next_steps="继续推进",
                ),
                expected_version=version,
                submit=True,
            )

    def colours(self, quarter: int, today_: datetime) -> dict[str, str]:
        scope = Scope.of(self.periods[quarter])
        rows = selectors.slots(self.supervisor, scope, today=today_.date())
        wanted = {r.pk: name for name, r in self.named().items()}
        return {wanted[r.pk]: r.slot_colour for r in rows if r.pk in wanted}

    def named(self) -> dict[str, Responsibility]:
        return {
            "r1": self.r1,
            "r2": self.r2,
            "r4": self.r4,
            "r5": self.r5,
            "r6": self.r6,
            "r7": self.r7,
            "rc": self.rc,
        }

    def unit_slots(self, name: str) -> int:
        return Responsibility.objects.filter(
            assignment__document=self.document, unit__name=name
        ).count()


def score(good: int, on_time: int, slots: int, problems: Decimal | None = None) -> Decimal:
    """The ranking score of DESIGN §3 with the default weights 0.6 / 0.3 / 0.1."""
    total = Decimal("0.6") * good / slots + Decimal("0.3") * on_time / slots
    weight = Decimal("0.9")
    if problems is not None:
        total += Decimal("0.1") * problems
        weight = Decimal("1.0")
    return (total / weight).quantize(Decimal("0.0001"))


def test_a_year_of_the_lincang_plan(corpus):
    year = Year(corpus)
    sup = year.supervisor
    total = Responsibility.objects.filter(assignment__document=year.document).count()
    assert total == 331
    assert [(p.quarter, p.due_on.isoformat()) for p in year.periods.values()] == [
        (1, "2023-03-25"),
        (2, "2023-06-25"),
        (3, "2023-09-25"),
        (4, "2023-12-25"),
    ]

    # --- Q1: two on time, one co-unit with a problem, two late, market supervision missing ---
    year.submit(year.r1, 1, at(3, 20), ["1.25"])  # 1.25/4.8 = 26.0 %, pace 1.04: green
    year.submit(year.r2, 1, at(3, 20), ["15"])  # growth 15 vs 14: met, green
    year.submit(year.rc, 1, at(3, 22), ["1.1"], problems="外贸企业融资难，出口订单下滑")
    year.submit(year.r6, 1, at(3, 24), ["13", "60", "19"])  # green, yellow, yellow
    year.submit(year.r4, 1, at(3, 27), ["61"])  # > 60: green, but late
    year.submit(year.r5, 1, at(3, 27), ["18.5"])  # 1.5 points short: red, late
    problem = Problem.objects.get()
    assert problem.level_deadline == at(3, 25)
    with time_machine.travel(at(3, 25, 12), tick=False):
        assert problems_escalate_due() == [problem.pk]
    with time_machine.travel(at(3, 28, 13), tick=False):
        assert problems_escalate_due() == [problem.pk]
    problem.refresh_from_db()
    assert problem.level == Problem.Level.LEADER
    with time_machine.travel(at(4, 1, 9), tick=False):
        supervision_action_record(
            kind="urge",
            unit=year.r7.unit,
            period=year.periods[1],
            reason="一季度逾期未报送",
            actor=sup,
            responsibility=year.r7,
        )
        period_lock(period=year.periods[1], actor=sup)

    q1_day = at(3, 31, 18)
    assert year.colours(1, q1_day) == {
        "r1": "green",
        "r2": "green",
        "rc": "yellow",
        "r6": "yellow",
        "r4": "green",
        "r5": "red",
        "r7": "red",
    }
    tally = selectors.scope_tally(sup, Scope.of(year.periods[1]), today=q1_day.date())
    assert (tally.expected, tally.submitted, tally.on_time, tally.late, tally.missing) == (
        331,
        6,
        4,
        2,
        325,
    )
    assert tally.colours == {"blue": 0, "green": 3, "yellow": 2, "red": 326, "grey": 0}
    assert tally.reporting_rate == Decimal("0.0181")  # 6 / 331

    # --- The Q1 analysis, as it stands at the end of March, published and frozen ---
    with time_machine.travel(q1_day, tick=False):
        content = bulletin_content(sup, year.periods[1], today=q1_day.date(), now=q1_day)
    assert content["summary"]["expected"] == 331
    assert content["summary"]["submitted"] == 6
    assert content["summary"]["reporting_rate"] == "1.8%"
    assert content["summary"]["timeliness"] == "1.2%"
    gdp = next(t for t in content["targets"] if t["ref"] == "二.(一).1")
    assert (gdp["actual"], gdp["completion"], gdp["elapsed"], gdp["colour"]) == (
        "1.25",
        "26.0%",
        "25%",
        "green",
    )
    growth = next(t for t in content["targets"] if t["ref"] == "二.(一).5")
    assert (growth["actual"], growth["gap"], growth["colour_label"]) == (
        "18.5",
        "低于目标1.5个百分点",  # a floor missed, worded with its sense (issue 13)
        "严重滞后",
    )
    assert {row["unit"] for row in content["late"]} == {GXJ}
    assert len(content["missing"]) == 325
    assert content["problems"][0]["level"] == "分管领导"
    assert content["problems"][0]["past_limit"] is True
    assert [a["kind"] for a in content["actions"]] == ["督办"]
    with time_machine.travel(at(4, 2), tick=False):
        bulletin = bulletin_publish(period=year.periods[1], actor=sup)
    assert bulletin.content["summary"]["submitted"] == 6
    workbook = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(bulletin.content)))
    assert workbook.sheetnames == [
        "概况",
        "指标完成情况",
        "滞后事项",
        "单位排名",
        "报送情况",
        "问题清单",
        "督办情况",
    ]
    sheet = workbook["指标完成情况"]
    first = [cell.value for cell in sheet[4]]
    # The target as the document words it; figures as numbers (issue 13).
    assert first[:3] == ["二.(一).1", "人均地区生产总值", "达4.8万元以上"]
    assert first[5] == 1.25 and round(first[6], 3) == 0.26 and first[-1] == "正常"
    assert sheet.cell(row=4, column=7).number_format == "0.0%"
    assert workbook["单位排名"].max_row == 3 + len(bulletin.content["rankings"])
    paper = docx.Document(io.BytesIO(bulletin_docx(bulletin.content)))
    text = "\n".join(p.text for p in paper.paragraphs)
    assert "2023年一季度推进情况分析" in text and "一、总体情况" in text
    assert "应报送责任事项331项，已报送6项" in text
    assert paper.tables[0].rows[1].cells[5].text == "1.25"

    # --- Q2: a return and resubmission, a late finance report, market supervision catches up ---
    first = year.submit(year.r1, 2, at(6, 20), ["2.3"])  # pace 0.958: yellow
    with time_machine.travel(at(6, 21), tick=False):
        returned = report_return(
            report=first, actor=sup, reason="请按统计部门反馈口径核实人均生产总值"
        )
    again = year.submit(year.r1, 2, at(6, 27), ["2.45"], version=returned.version)
    assert not again.is_late  # the first submission, on 20 June, was on time
    with time_machine.travel(at(6, 28), tick=False):
        report_approve(report=again, actor=sup)
    year.submit(year.r2, 2, at(6, 20), ["13.6"])  # 0.4 short: yellow
    year.submit(year.r4, 2, at(6, 24), ["59"])  # 1 short: yellow
    year.submit(year.r5, 2, at(6, 24), ["20.5"])  # green
    year.submit(year.r6, 2, at(6, 26), ["26", "130", "20"])  # all green, late
    year.submit(year.r7, 2, at(6, 23), ["0.52", "1.2"])  # green, and 1.2/2.69 pace 0.89: red
    resolved = problem_resolve(
        problem=problem, actor=sup, resolution="协调金融机构开展银企对接", now=at(6, 10)
    )
    assert not resolved.resolved_in_time  # the leader's three days ended on 31 March

    q2_day = at(6, 30, 18)
    assert year.colours(2, q2_day) == {
        "r1": "green",
        "r2": "yellow",
        "r4": "yellow",
        "r5": "green",
        "r6": "green",
        "r7": "red",
        "rc": "red",
    }
    tally = selectors.scope_tally(sup, Scope.of(year.periods[2]), today=q2_day.date())
    assert (tally.submitted, tally.on_time, tally.late, tally.missing) == (6, 5, 1, 325)
    assert tally.colours == {"blue": 0, "green": 3, "yellow": 2, "red": 326, "grey": 0}

    # --- Q3: industry misses the quarter; market supervision submits at the last minute ---
    year.submit(year.r1, 3, at(9, 20), ["3.7"])  # 0.771/0.75 = 1.03: green
    year.submit(year.r2, 3, at(9, 20), ["14.2"])  # green
    year.submit(year.r6, 3, at(9, 22), ["38", "200", "19.5"])  # green, green, yellow
    year.submit(year.r7, 3, at(9, 25, 23, 59), ["0.8", "2.1"])  # on time, green
    year.submit(year.rc, 3, at(9, 21), ["3.5"])  # 0.729/0.75 = 0.97: yellow
    with time_machine.travel(at(9, 28), tick=False):
        supervision_action_record(
            kind="notice",
            unit=year.r4.unit,
            period=year.periods[3],
            reason="三季度未按时报送进展情况",
            actor=sup,
        )
    q3_day = at(9, 30, 18)
    assert year.colours(3, q3_day) == {
        "r1": "green",
        "r2": "green",
        "r6": "yellow",
        "r7": "green",
        "rc": "yellow",
        "r4": "red",
        "r5": "red",
    }

    # --- Q4: the year's results ---
    year.submit(year.r1, 4, at(12, 20), ["4.9"])  # ≥ 4.8 met: blue
    year.submit(year.r2, 4, at(12, 20), ["14"])  # met at year end: blue
    year.submit(year.r4, 4, at(12, 21), ["60"])  # "> 60" not met, 0 points short: yellow
    year.submit(year.r5, 4, at(12, 21), ["19.2"])  # 0.8 short: yellow
    year.submit(year.r6, 4, at(12, 26), ["50.08", "250", "20.03"])  # blue, yellow, blue; late
    year.submit(year.r7, 4, at(12, 22), ["1.02", "2.69"])  # both met: blue
    year.submit(year.rc, 4, at(12, 22), ["4.6"])  # 0.958: yellow
    q4_day = at(12, 31, 18)
    assert year.colours(4, q4_day) == {
        "r1": "blue",
        "r2": "blue",
        "r4": "yellow",
        "r5": "yellow",
        "r6": "yellow",
        "r7": "blue",
        "rc": "yellow",
    }
    tally = selectors.scope_tally(sup, Scope.of(year.periods[4]), today=q4_day.date())
    assert (tally.submitted, tally.on_time, tally.late) == (7, 6, 1)
    assert tally.colours == {"blue": 3, "green": 0, "yellow": 4, "red": 324, "grey": 0}

    # --- Rankings at the end of Q4, with Q3's rank beside them ---
    n = {name: year.unit_slots(name) for name in (FGW, GXJ, CZJ, SCJ, SWJ)}
    rows = selectors.rankings(sup, Scope.of(year.periods[4]), today=q4_day.date())
    by_name = {r.unit_name: r for r in rows}
    assert by_name[FGW].score == score(2, 2, n[FGW])
    assert by_name[GXJ].score == score(0, 2, n[GXJ])
    assert by_name[CZJ].score == score(0, 0, n[CZJ])  # late, and yellow
    assert by_name[SCJ].score == score(1, 1, n[SCJ])
    # The commerce bureau's only problem was raised in Q1, so Q4 has no problem component.
    assert by_name[SWJ].score == score(0, 1, n[SWJ])
    top = sorted(rows, key=lambda r: (r.rank, r.unit_name))
    expected_order = sorted(
        (FGW, GXJ, SCJ, SWJ), key=lambda name: (-by_name[name].score, by_name[name].unit_id)
    )
    assert [r.unit_name for r in top[:4]] == expected_order
    assert all(r.score == 0 for r in top[4:])
    q3_rows = {
        r.unit_name: r
        for r in selectors.rankings(sup, Scope.of(year.periods[3]), today=q4_day.date())
    }
    assert q3_rows[GXJ].score == 0 and by_name[GXJ].change > 0  # industry climbed back
    for name in (FGW, GXJ, CZJ, SCJ, SWJ):
        assert by_name[name].previous_rank == q3_rows[name].rank
        assert by_name[name].change == q3_rows[name].rank - by_name[name].rank

    # --- Reporting rates by unit level: all five focus units are city departments ---
    levels = {
        row.level: row
        for row in selectors.tally_by_level(sup, Scope.of(year.periods[4]), today=q4_day.date())
    }
    assert sum(row.tally.expected for row in levels.values()) == 331
    assert sum(row.tally.submitted for row in levels.values()) == 7

    # --- The trail: every state change recorded ---
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("report.submit") == 6 + 7 + 5 + 7
    assert actions.count("report.return") == 1
    assert actions.count("report.approve") == 1
    assert actions.count("problem.escalate") == 2
    assert actions.count("problem.resolve") == 1
    assert actions.count("supervision.urge") == 1 and actions.count("supervision.notice") == 1
    assert actions.count("period.lock") == 1
    assert actions.count("bulletin.publish") == 1
    assert actions.count("document.publish") == 1
    assert ProgressReport.objects.filter(status="approved").count() == 1
    assert SupervisionAction.objects.count() == 2
