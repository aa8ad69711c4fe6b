"""What the supervisor's quarter shows of documents on other calendars (README, "Reporting
calendars"): each schedule's period that ends with the quarter — a quarterly document's quarter,
a monthly one's last month of it, a half-yearly one's half in the second and fourth quarters, a
yearly one's year in the fourth — so every responsibility is counted once a quarter, and a
period's own page counts that period alone, with the one before it on its schedule."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_report,
    make_responsibility,
    make_schedule,
    make_target,
)
from tracker import selectors
from tracker.models import ProgressReport, ReportingPeriod, ReportingSchedule
from tracker.periods import SHANGHAI
from tracker.selectors import Scope
from tracker.selectors.dashboard import document_period, quarter_periods

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


@pytest.fixture
def calendars(units):
    """Four documents, one task each for 发改委: quarterly, monthly, half-yearly, yearly."""
    made = {}
    for name, frequency, rule in (
        ("quarterly", "quarterly", {"month": 3, "day": 25}),
        ("monthly", "monthly", {"month": 1, "day": 25}),
        ("half", "half-yearly", {"month": 6, "day": 25}),
        ("yearly", "yearly", {"month": 12, "day": 31}),
    ):
        document = make_document(title=f"{name}方案")
        make_schedule(document, frequency=frequency, **rule)
        task = make_assignment(document, title=f"{name}任务")
        made[name] = {
            "document": document,
            "lead": make_responsibility(task, units["fgw"], "lead"),
            "periods": {p.number: p for p in make_periods(document)},
        }
    return made


def _documents(scope: Scope) -> dict[str, str]:
    return {
        period.document.title.rstrip("0123456789")[:-2]: period.label
        for period in selectors.scope_periods(scope).select_related("document")
    }


@pytest.mark.parametrize(
    ("quarter", "shown"),
    [
        (1, {"quarterly": "2026年一季度", "monthly": "2026年3月"}),
        (2, {"quarterly": "2026年二季度", "monthly": "2026年6月", "half": "2026年上半年"}),
        (3, {"quarterly": "2026年三季度", "monthly": "2026年9月"}),
        (
            4,
            {
                "quarterly": "2026年四季度",
                "monthly": "2026年12月",
                "half": "2026年下半年",
                "yearly": "2026年度",
            },
        ),
    ],
)
def test_a_quarter_holds_each_schedules_period_ending_with_it(calendars, quarter, shown):
    assert _documents(Scope(2026, quarter)) == shown


def test_each_responsibility_is_counted_once_a_quarter_and_the_trend_agrees(supervisor, calendars):
    trend = dict(selectors.quarter_trend(supervisor, Scope(2026, 1), today=TODAY))
    for quarter, expected in ((1, 2), (2, 3), (3, 2), (4, 4)):
        scope = Scope(2026, quarter)
        rows = list(selectors.slots(supervisor, scope, today=TODAY))
        assert len(rows) == expected
        assert len({row.pk for row in rows}) == expected
        assert trend[quarter].expected == expected
    documents = selectors.quarter_documents(supervisor, Scope(2026, 2), today=TODAY)
    assert sorted(row.period.label for row in documents) == [
        "2026年6月",
        "2026年上半年",
        "2026年二季度",
    ]


def test_a_months_report_is_late_in_its_month_only(supervisor, reporter, calendars):
    monthly = calendars["monthly"]
    february = monthly["periods"][2]
    make_report(
        responsibility=monthly["lead"],
        period=february,
        status=ProgressReport.Status.SUBMITTED,
        submitted_at=datetime(2026, 2, 27, 10, tzinfo=SHANGHAI),
        is_late=True,
        colour="green",
    )
    feb = selectors.scope_tally(supervisor, Scope.of(february), today=TODAY)
    assert (feb.expected, feb.submitted, feb.late) == (1, 1, 1)
    # The quarter view shows March, where nothing was reported and the due date has passed.
    q1 = selectors.scope_tally(supervisor, Scope(2026, 1, monthly["document"].pk), today=TODAY)
    assert (q1.expected, q1.submitted, q1.overdue) == (1, 0, 1)
    # A period's page compares with the month before it.
    previous = Scope.of(february).previous()
    assert previous.period_id == monthly["periods"][1].pk
    assert selectors.scope_tally(supervisor, previous, today=TODAY).late == 0
    assert Scope.of(monthly["periods"][1]).previous().period_id == 0  # nothing before January
    assert (
        selectors.scope_tally(
            supervisor, Scope.of(monthly["periods"][1]).previous(), today=TODAY
        ).expected
        == 0
    )


def test_a_monthly_document_lists_its_months_in_the_quarter(calendars):
    scope = Scope(2026, 3, calendars["monthly"]["document"].pk)
    assert document_period(scope).label == "2026年9月"
    assert [p.label for p in quarter_periods(scope)] == ["2026年7月", "2026年8月", "2026年9月"]


def test_assignments_on_a_rule_of_their_own_are_read_in_their_own_period(
    supervisor, units, reporter
):
    document = make_document(title="混合规则方案")
    quarterly_task = make_assignment(document, title="按季度报送")
    monthly_task = make_assignment(document, title="按月报送")
    own = ReportingSchedule.objects.create(
        document=document, position=2, frequency="monthly", month=1, day=25
    )
    monthly_task.schedule = own
    monthly_task.save()
    target = make_target(monthly_task, value="12", unit="个", kind="count")
    q_lead = make_responsibility(quarterly_task, units["fgw"], "lead")
    m_lead = make_responsibility(monthly_task, units["fgw"], "lead")
    periods = make_periods(document)
    assert sorted(p.frequency for p in periods).count("monthly") == 12
    march = ReportingPeriod.objects.get(schedule=own, number=3)
    report = make_report(
        responsibility=m_lead,
        period=march,
        status=ProgressReport.Status.SUBMITTED,
        submitted_at=datetime(2026, 3, 20, 10, tzinfo=SHANGHAI),
        colour="green",
    )
    report.values.create(target=target, actual=3, colour="green")
    scope = Scope(2026, 1, document.pk)
    slots = {row.pk: row.slot_period_id for row in selectors.slots(supervisor, scope, today=TODAY)}
    q1 = ReportingPeriod.objects.get(schedule__is_default=True, document=document, number=1)
    assert slots == {q_lead.pk: q1.pk, m_lead.pk: march.pk}
    # The document's row stands for its own schedule's period; its targets include the
    # monthly task's, read in March.
    assert document_period(scope) == q1
    (row,) = selectors.target_rows(supervisor, q1)
    assert (row.target, row.actual, row.report_id) == (target, 3, report.pk)
    documents = selectors.quarter_documents(supervisor, scope, today=TODAY)
    assert [(d.period, d.tally.expected) for d in documents] == [(q1, 2)]
