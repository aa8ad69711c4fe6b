"""Issue 13's counting: a returned report is not 已报送 until resubmitted, 按时 is its first
submission by the due date, a quarter without reports has no ranking, a lead unit's report is
named without a figure, and the exported .xlsx holds numbers as numbers."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker import selectors
from tracker.exports import bulletin_xlsx
from tracker.models import Unit, User
from tracker.periods import SHANGHAI
from tracker.selectors import Scope
from tracker.selectors.bulletin import bulletin_content
from tracker.services.report_review import report_return
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db


def _world():
    document = make_document(title="计数")
    task = make_assignment(document, title="项目建设")
    target = make_target(task, value="400", unit="亿元", kind="level")
    units = []
    for name in ("云江市发展和改革委员会", "云江市财政局"):
        unit = Unit.objects.create(name=name)
        User.objects.create_user(f"r{len(units)}", role="reporter", unit=unit)
        units.append(unit)
    lead = make_responsibility(task, units[0], "lead")
    co = make_responsibility(task, units[1], "co")
    q2 = make_periods(document)[1]
    return document, target, lead, co, q2


def _submit(responsibility, period, target, actual, *, at, data_month=None):
    return report_save(
        responsibility=responsibility,
        period=period,
        actor=responsibility.unit.users.get(),
        report_input=ReportInput(
            values={target.pk: TargetInput(actual=None if actual is None else Decimal(actual))},
            narrative="进展",
            assessment="in_progress",
            data_month=data_month,
        ),
        expected_version=responsibility.reports.filter(period=period)
        .values_list("version", flat=True)
        .first(),
        submit=True,
        now=at,
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10)


def test_a_returned_report_counts_again_only_once_resubmitted(supervisor):
    _document, target, lead, co, q2 = _world()
    _submit(lead, q2, target, "200", at=_at(q2.due_on - timedelta(days=3)))
    report = _submit(co, q2, target, "100", at=_at(q2.due_on - timedelta(days=2)))
    scope, today = Scope.of(q2), q2.due_on + timedelta(days=10)
    tally = selectors.scope_tally(supervisor, scope, today=today)
    assert (tally.submitted, tally.on_time) == (2, 2)

    report_return(report=report, actor=supervisor, reason="数据有误", now=_at(q2.due_on))
    tally = selectors.scope_tally(supervisor, scope, today=today)
    # Returned: not 已报送, not 按时 (and overdue, as its due date has passed).
    assert (tally.submitted, tally.on_time, tally.overdue) == (1, 1, 1)
    assert tally.reporting_rate == Decimal("0.5000") and tally.timeliness == Decimal("0.5000")

    _submit(co, q2, target, "110", at=_at(q2.due_on + timedelta(days=5)))
    tally = selectors.scope_tally(supervisor, scope, today=today)
    # Resubmitted after the due date: counted, and still on time by its first submission.
    assert (tally.submitted, tally.on_time, tally.late) == (2, 2, 0)


def test_a_late_first_submission_is_not_on_time(supervisor):
    _document, target, lead, _co, q2 = _world()
    _submit(lead, q2, target, "200", at=_at(q2.due_on + timedelta(days=1)))
    tally = selectors.scope_tally(supervisor, Scope.of(q2), today=q2.due_on + timedelta(days=9))
    assert (tally.submitted, tally.on_time, tally.late) == (1, 0, 1)
    assert tally.reporting_rate == Decimal("0.5000") and tally.timeliness == Decimal(0)


def test_a_quarter_without_reports_has_no_ranking_and_no_arrows(supervisor):
    _document, target, lead, _co, q2 = _world()
    assert selectors.rankings(supervisor, Scope.of(q2), today=q2.due_on) == []
    _submit(lead, q2, target, "200", at=_at(q2.due_on - timedelta(days=1)))
    rows = selectors.rankings(supervisor, Scope.of(q2), today=q2.due_on)
    assert [r.unit_name for r in rows] == ["云江市发展和改革委员会", "云江市财政局"]
    # Q1 had no reports, so no previous rank and no change to show.
    assert all(r.previous_rank is None and r.change is None for r in rows)


def test_the_lead_units_report_is_named_without_a_figure(supervisor):
    _document, target, lead, _co, q2 = _world()
    report = _submit(lead, q2, target, None, at=_at(q2.due_on - timedelta(days=1)))
    assert report.colour == "green"  # judged on its assessment, 推进中
    (row,) = selectors.target_rows(supervisor, q2)
    assert row.unit_name == "云江市发展和改革委员会" and row.report_id == report.pk
    content = bulletin_content(supervisor, q2, today=q2.due_on, now=_at(q2.due_on))
    assert content["targets"][0]["lead_unit"] == "云江市发展和改革委员会"


def test_the_data_month_sets_the_elapsed_share(supervisor):
    _document, target, lead, co, q2 = _world()
    # 180 of 400 is 0.45: against June (0.5) a pace of 0.9, yellow; with figures to May (5/12)
    # a pace of 1.08, green.
    report = _submit(lead, q2, target, "180", at=_at(q2.due_on - timedelta(days=1)))
    value = report.values.get()
    assert (value.elapsed, value.pace, value.colour) == (Decimal("0.5"), Decimal("0.9"), "yellow")
    report = _submit(
        co, q2, target, "180", at=_at(q2.due_on - timedelta(days=1)), data_month=date(2026, 5, 1)
    )
    value = report.values.get()
    assert report.data_month == date(2026, 5, 1)
    assert (value.elapsed, value.pace, value.colour) == (
        Decimal("0.4167"),
        Decimal("1.08"),
        "green",
    )


def test_the_spreadsheet_holds_numbers_as_numbers(supervisor):
    _document, target, lead, co, q2 = _world()
    _submit(lead, q2, target, "212.5", at=_at(q2.due_on - timedelta(days=1)))
    _submit(co, q2, target, "50", at=_at(q2.due_on - timedelta(days=1)))
    content = bulletin_content(supervisor, q2, today=q2.due_on, now=_at(q2.due_on))
    book = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(content)))
    sheet = book["指标完成情况"]
    header = [c.value for c in sheet[3]]
    row = {header[i]: cell for i, cell in enumerate(sheet[4])}
    assert row["本季度累计"].value == Decimal("212.5") or row["本季度累计"].value == 212.5
    assert row["完成率"].data_type == "n" and row["完成率"].number_format == "0.0%"
    assert row["序时进度"].value == 0.5
    assert row["指标"].data_type == "s"
    ranking = book["单位排名"]
    rank_header = [c.value for c in ranking[3]]
    first = {rank_header[i]: cell for i, cell in enumerate(ranking[4])}
    assert first["排名"].value == 1 and first["综合得分"].data_type == "n"
    assert first["按时报送率"].number_format == "0.0%" and first["按时报送率"].value == 1
