"""The quarter in figures: colours, reporting rates, rankings and action lists, counted in SQL,
scoped by the access helpers, with a number of queries that does not grow with the data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_report,
    make_responsibility,
    make_target,
)
from tracker import selectors
from tracker.models import ProgressReport, Unit, User
from tracker.periods import SHANGHAI
from tracker.selectors import Scope
from tracker.selectors.bulletin import bulletin_content
from tracker.services.problems import problem_resolve
from tracker.services.reports import ReportInput, TargetInput, report_save
from tracker.services.supervision import supervision_action_record

pytestmark = pytest.mark.django_db

DUE = date(2026, 6, 25)


def _submit(responsibility, period, actual, *, days_before_due=2, problems=""):
    reporter = responsibility.unit.users.get()
    due = period.due_on
    at = datetime.combine(due - timedelta(days=days_before_due), datetime.min.time(), SHANGHAI)
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
        now=at.replace(hour=10),
    )


def build(units: int, tasks: int):
    """A document of `tasks` assignments (level targets of 100), each led by one of `units`
    units and co-owned by the next; the units report the second quarter in a pattern that yields
    every colour and every kind of timeliness."""
    document = make_document(title="分工方案")
    people = []
    for i in range(units):
        unit = Unit.objects.create(
            name=f"测试单位{document.pk}-{i:03d}", level="county" if i % 2 else "city"
        )
        people.append(User.objects.create_user(f"u{i}-{document.pk}", role="reporter", unit=unit))
    periods = None
    responsibilities = []
    for t in range(tasks):
        task = make_assignment(document, title=f"任务{t}")
        make_target(task, value="100", unit="个", kind="count")
        lead = make_responsibility(task, people[t % units].unit, role="lead")
        co = make_responsibility(task, people[(t + 1) % units].unit, role="co")
        responsibilities += [lead, co]
    periods = make_periods(document)
    q2 = periods[1]
    # Half-year, elapsed 0.5: 50 green, 46 yellow (pace 0.92), 10 red, 100 blue; some late,
    # some missing.
    pattern = [("50", 2), ("46", 1), ("10", 0), ("100", -1), (None, None)]
    for index, responsibility in enumerate(responsibilities):
        actual, days = pattern[index % len(pattern)]
        if actual is not None:
            _submit(responsibility, q2, actual, days_before_due=days)
    return document, q2


@pytest.fixture
def supervisor_user(supervisor):
    return supervisor


def test_tallies_count_colours_and_timeliness(supervisor):
    _document, q2 = build(units=4, tasks=5)  # 10 responsibilities
    today = DUE + timedelta(days=5)  # 5 days overdue: missing reports are red
    tally = selectors.scope_tally(supervisor, Scope.of(q2), today=today)
    assert tally.expected == 10
    assert tally.submitted == 8
    assert tally.late == 2  # submitted a day after the due date
    assert tally.on_time == 6
    assert tally.missing == 2
    assert tally.colours == {"blue": 2, "green": 2, "yellow": 2, "red": 2 + 2, "grey": 0}
    assert tally.reporting_rate == Decimal("0.8000")
    assert tally.timeliness == Decimal("0.6000")


def test_missing_reports_are_grey_until_three_days_overdue(supervisor):
    _document, q2 = build(units=4, tasks=5)
    tally = selectors.scope_tally(supervisor, Scope.of(q2), today=DUE + timedelta(days=3))
    assert (tally.colours["grey"], tally.colours["red"]) == (2, 2)
    tally = selectors.scope_tally(supervisor, Scope.of(q2), today=DUE + timedelta(days=4))
    assert (tally.colours["grey"], tally.colours["red"]) == (0, 4)


def test_breakdowns_by_unit_level_and_assignment_add_up(supervisor):
    _document, q2 = build(units=4, tasks=5)
    scope, today = Scope.of(q2), DUE + timedelta(days=5)
    by_unit = selectors.tally_by_unit(supervisor, scope, today=today)
    by_level = selectors.tally_by_level(supervisor, scope, today=today)
    by_task = selectors.tally_by_assignment(supervisor, scope, today=today)
    for rows in (by_unit, by_level, by_task):
        assert sum(r.tally.expected for r in rows) == 10
        assert sum(r.tally.submitted for r in rows) == 8
    assert {r.level for r in by_level} == {"city", "county"}
    assert [r.ref for r in by_task] == [f"一.{i}" for i in range(1, 6)]


def test_rankings_weight_colours_timeliness_and_problems(supervisor):
    _document, q2 = build(units=4, tasks=5)
    rows = selectors.rankings(supervisor, Scope.of(q2), today=DUE + timedelta(days=5))
    assert sorted(r.rank for r in rows) == [1, 2, 3, 4] or len({r.rank for r in rows}) < 4
    scores = [r.score for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        good = row.good_share or Decimal(0)
        on_time = row.on_time_rate or Decimal(0)
        expected = (Decimal("0.6") * good + Decimal("0.3") * on_time) / Decimal("0.9")
        assert row.score == expected.quantize(Decimal("0.0001"))
        # Nobody reported the first quarter: it has no ranking, so no previous rank, no arrow
        # (issue 13: not every unit "first" with "↑3").
        assert row.previous_rank is None
        assert row.change is None


def test_rankings_carry_the_previous_quarter(supervisor):
    document, _q2 = build(units=3, tasks=3)
    q3 = document.periods.get(quarter=3)
    for responsibility in document.assignments.first().responsibilities.all():
        _submit(responsibility, q3, "80")
    rows = selectors.rankings(supervisor, Scope.of(q3), today=date(2026, 10, 1))
    assert all(r.previous_rank is not None for r in rows)
    assert all(r.change == r.previous_rank - r.rank for r in rows)


def test_action_lists(supervisor):
    _document, q2 = build(units=4, tasks=5)
    scope, today = Scope.of(q2), DUE + timedelta(days=5)
    assert selectors.red_slots(supervisor, scope, today=today).count() == 4
    assert selectors.yellow_slots(supervisor, scope, today=today).count() == 2
    assert selectors.overdue_slots(supervisor, scope, today=today).count() == 2
    assert selectors.late_slots(supervisor, scope, today=today).count() == 2


def test_a_reporter_sees_only_its_own_and_led_slots(supervisor):
    document, q2 = build(units=4, tasks=5)
    reporter = User.objects.get(username=f"u0-{document.pk}")
    mine = selectors.slots(reporter, Scope.of(q2), today=DUE)
    unit = reporter.unit
    led = set(unit.responsibilities.filter(role="lead").values_list("assignment_id", flat=True))
    for slot in mine:
        assert slot.unit_id == unit.pk or slot.assignment_id in led
    outsider_unit = Unit.objects.create(name="局外单位")
    outsider = User.objects.create_user("nobody", role="reporter", unit=outsider_unit)
    assert selectors.scope_tally(outsider, Scope.of(q2), today=DUE).expected == 0


def test_target_rows_show_the_lead_units_value_and_last_quarter(supervisor):
    document, q2 = build(units=3, tasks=3)
    q1 = document.periods.get(quarter=1)
    lead = document.assignments.get(position=1).responsibilities.get(role="lead")
    report_save(
        responsibility=lead,
        period=q1,
        actor=lead.unit.users.get(),
        report_input=ReportInput(
            values={lead.assignment.targets.get().pk: TargetInput(actual=Decimal("20"))},
            narrative="一季度",
        ),
        expected_version=None,
        submit=True,
        now=datetime(2026, 3, 20, 10, tzinfo=SHANGHAI),
    )
    rows = selectors.target_rows(supervisor, q2)
    first = rows[0]
    assert (first.actual, first.previous_actual, first.colour) == (
        Decimal("50"),
        Decimal("20"),
        "green",
    )
    assert first.completion == Decimal("0.5000") and first.pace == Decimal("1.0000")


def _query_counts(user, size):
    units, tasks = size
    _document, q2 = build(units=units, tasks=tasks)
    scope, today = Scope.of(q2), DUE + timedelta(days=5)
    now = datetime.combine(today, datetime.min.time(), SHANGHAI)
    runs = {
        "scope_tally": lambda: selectors.scope_tally(user, scope, today=today),
        "tally_by_unit": lambda: selectors.tally_by_unit(user, scope, today=today),
        "tally_by_level": lambda: selectors.tally_by_level(user, scope, today=today),
        "tally_by_assignment": lambda: selectors.tally_by_assignment(user, scope, today=today),
        "rankings": lambda: selectors.rankings(user, scope, today=today),
        "red_slots": lambda: list(selectors.red_slots(user, scope, today=today)[:50]),
        "overdue_slots": lambda: list(selectors.overdue_slots(user, scope, today=today)[:50]),
        "late_slots": lambda: list(selectors.late_slots(user, scope, today=today)[:50]),
        "problems_past_limit": lambda: list(selectors.problems_past_limit(user, now=now)[:50]),
        "open_problems": lambda: list(selectors.open_problems(user, scope)[:50]),
        "target_rows": lambda: selectors.target_rows(user, q2),
        "quarter_trend": lambda: selectors.quarter_trend(user, scope, today=today),
        "bulletin_content": lambda: bulletin_content(user, q2, today=today, now=now),
    }
    counts = {}
    for name, run in runs.items():
        with CaptureQueriesContext(connection) as captured:
            run()
        counts[name] = len(captured)
    return counts


def test_query_counts_do_not_grow_with_the_data(supervisor):
    small = _query_counts(supervisor, (3, 4))
    large = _query_counts(supervisor, (12, 30))
    assert small == large
    # And they are small: every selector is a handful of queries.
    assert max(small.values()) <= 25, small


def test_query_counts_for_a_reporter_do_not_grow_either(supervisor):
    def counts(size):
        document, q2 = build(*size)
        reporter = User.objects.get(username=f"u0-{document.pk}")
        scope, today = Scope.of(q2), DUE + timedelta(days=5)
        out = []
        for run in (
            lambda: selectors.scope_tally(reporter, scope, today=today),
            lambda: selectors.rankings(reporter, scope, today=today),
            lambda: selectors.target_rows(reporter, q2),
        ):
            with CaptureQueriesContext(connection) as captured:
                run()
            out.append(len(captured))
        return out

    assert counts((3, 4)) == counts((12, 30))


def test_bulletin_figures(supervisor):
    document, q2 = build(units=4, tasks=5)
    co = document.assignments.get(position=2).responsibilities.get(role="co")
    report = co.reports.get(period=q2)
    problem = report.problems.create(
        unit=co.unit,
        description="资金不到位",
        raised_at=datetime(2026, 6, 20, tzinfo=SHANGHAI),
        level_deadline=datetime(2026, 6, 23, tzinfo=SHANGHAI),
    )
    problem_resolve(
        problem=problem,
        actor=supervisor,
        resolution="已拨付",
        now=datetime(2026, 6, 22, tzinfo=SHANGHAI),
    )
    supervision_action_record(
        kind="urge", unit=co.unit, period=q2, reason="进度滞后", actor=supervisor
    )
    today = DUE + timedelta(days=5)
    content = bulletin_content(
        supervisor, q2, today=today, now=datetime(2026, 6, 30, tzinfo=SHANGHAI)
    )
    assert content["period"]["label"] == "2026年二季度"
    assert content["summary"]["expected"] == 10
    assert content["summary"]["reporting_rate"] == "80.0%"
    assert content["summary"]["timeliness"] == "60.0%"
    assert content["summary"]["colours"] == {
        "blue": 2,
        "green": 2,
        "yellow": 2,
        "red": 4,
        "grey": 0,
    }
    assert len(content["targets"]) == 5
    assert len(content["red"]) == 4 and len(content["missing"]) == 2
    assert content["problem_counts"] == {"raised": 1, "resolved": 1, "in_time": 1}
    assert content["actions"][0]["kind"] == "督办"
    assert "应报送责任事项10项" in content["summary_text"]


def test_problems_count_in_the_ranking_only_once_decided(supervisor):
    document, q2 = build(units=3, tasks=3)
    responsibility = document.assignments.get(position=1).responsibilities.get(role="lead")
    report = responsibility.reports.get(period=q2)
    raised = datetime(2026, 6, 23, 10, tzinfo=SHANGHAI)
    report.problems.create(
        unit=responsibility.unit,
        description="新问题",
        raised_at=raised,
        level_deadline=raised + timedelta(days=3),
    )
    scope = Scope.of(q2)
    rows = {r.unit_id: r for r in selectors.rankings(supervisor, scope, today=date(2026, 6, 24))}
    # Raised yesterday and still within its three days: neither settled nor late.
    assert rows[responsibility.unit_id].problems_in_time is None
    rows = {r.unit_id: r for r in selectors.rankings(supervisor, scope, today=date(2026, 6, 28))}
    assert rows[responsibility.unit_id].problems_in_time == 0  # open past its first limit


def test_inactive_units_and_archived_documents_are_not_counted(supervisor):
    document, q2 = build(units=4, tasks=5)
    today = DUE + timedelta(days=5)
    unit = Unit.objects.filter(responsibilities__assignment__document=document).first()
    slots_of_unit = unit.responsibilities.count()
    unit.is_active = False
    unit.save()
    assert (
        selectors.scope_tally(supervisor, Scope.of(q2), today=today).expected == 10 - slots_of_unit
    )
    document.status = document.Status.ARCHIVED
    document.save()
    assert selectors.scope_tally(supervisor, Scope.of(q2), today=today).expected == 0


def test_exports_keep_typed_text_as_text_and_survive_control_characters(supervisor):
    import io

    import docx
    import openpyxl

    from tracker.exports import bulletin_docx, bulletin_xlsx

    document, q2 = build(units=3, tasks=3)
    responsibility = document.assignments.get(position=1).responsibilities.get(role="lead")
    raised = datetime(2026, 6, 23, 10, tzinfo=SHANGHAI)
    responsibility.reports.get(period=q2).problems.create(
        unit=responsibility.unit,
        description='=HYPERLINK("http://evil.example","点击")\x0b资金缺口',
        raised_at=raised,
        level_deadline=raised + timedelta(days=3),
    )
    now = datetime(2026, 6, 24, 10, tzinfo=SHANGHAI)
    content = bulletin_content(supervisor, q2, today=now.date(), now=now)
    workbook = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(content)))
    cell = workbook["问题清单"]["C4"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert "\x0b" not in cell.value
    text = "\n".join(
        c.text
        for t in docx.Document(io.BytesIO(bulletin_docx(content))).tables
        for r in t.rows
        for c in r.cells
    )
    assert "资金缺口" in text


def test_unit_tables_follow_the_official_order_not_the_character_codes(db):
    """排序号 decides (here 财政 before 政府办 before 发改), not the names' character codes; units
    with the same score share a rank and are listed in that order too."""
    document = make_document(title="排序")
    task = make_assignment(document, title="任务")
    make_target(task, value="100", unit="个", kind="count")
    names = [("云江市财政局", 1), ("云江市人民政府办公室", 2), ("云江市发展和改革委员会", 3)]
    responsibilities = []
    for name, position in names:
        unit = Unit.objects.create(name=name, position=position)
        responsibilities.append(make_responsibility(task, unit, "co"))
    period = make_periods(document)[1]
    # The same report from each (a quarter with no reports has no ranking at all, issue 13).
    for responsibility in responsibilities:
        make_report(
            responsibility=responsibility,
            period=period,
            status=ProgressReport.Status.SUBMITTED,
            submitted_at=datetime(2026, 6, 20, tzinfo=SHANGHAI),
            colour="green",
        )
    scope = Scope.of(period)
    supervisor = User.objects.create_user("dc", role=User.Role.SUPERVISOR)
    official = ["云江市财政局", "云江市人民政府办公室", "云江市发展和改革委员会"]
    assert sorted(n for n, _p in names) != official  # character codes would order otherwise
    tallies = selectors.tally_by_unit(supervisor, scope, today=DUE)
    assert [t.unit_name for t in tallies] == official
    ranking = selectors.rankings(supervisor, scope, today=DUE)
    assert [r.rank for r in ranking] == [1, 1, 1]
    assert [r.unit_name for r in ranking] == official
    assert [row["unit__name"] for row in selectors.matrix_units(supervisor, scope, today=DUE)] == (
        official
    )
