"""Issue 13 end to end below the browser: a 政府工作报告's headline targets become tracked
indicators with the indicator table's departments; a statistics sheet is matched, previewed and
saved as the indicators' reports; the headline panel shows the lights the rules give."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.samples import (
    HEADLINE_DEPARTMENTS,
    HEADLINE_REPORT,
    STATISTICS_SHEET,
    statistics_csv,
)
from tracker.formatting import target_text
from tracker.models import (
    Assignment,
    AuditEvent,
    IndicatorDepartment,
    ProgressReport,
    Responsibility,
    Target,
    Unit,
    UnitAlias,
)
from tracker.periods import SHANGHAI
from tracker.selectors.headline import headline_panel, headline_rows
from tracker.selectors.indicators import department_entry, indicator_key
from tracker.selectors.statistics import AMBIGUOUS, INVALID, MATCHED, UNKNOWN, statistics_plan
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish
from tracker.services.errors import Refused
from tracker.services.headline_indicators import indicator_department_save
from tracker.services.statistics import statistics_apply
from tracker.statistics_files import parse_month, read_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureaus(units):
    made = dict(units)
    for name, alias in HEADLINE_DEPARTMENTS.items():
        unit = Unit.objects.create(name=name, parent=units["city"])
        UnitAlias.objects.create(alias=alias, unit=unit)
        made[alias] = unit
    return made


@pytest.fixture
def published(bureaus, supervisor):
    document = document_import(
        data=HEADLINE_REPORT.encode(), source_name="2026年政府工作报告.txt", actor=supervisor
    ).document
    document_publish(document=document, actor=supervisor, today=date(2026, 1, 10))
    return document


def test_the_table_ships_the_usual_departments(db):
    gdp = IndicatorDepartment.objects.get(indicator="地区生产总值")
    assert gdp.unit_names == ["统计局", "发改委"]
    assert IndicatorDepartment.objects.get(indicator="城镇调查失业率").unit_names == ["人社局"]
    assert department_entry("规模以上工业增加值").indicator == "规上工业增加值"
    assert department_entry("全市固定资产投资增速").indicator == "固定资产投资"
    assert department_entry("城镇新增就业人数").unit_names == ["人社局"]
    assert indicator_key("全市地区生产总值增速") == indicator_key("地区生产总值")


def test_headline_targets_become_tracked_indicators_with_suggested_departments(bureaus, supervisor):
    document = document_import(
        data=HEADLINE_REPORT.encode(), source_name="报告.txt", actor=supervisor
    ).document
    assert not Target.objects.filter(document=document, assignment__isnull=True).exists()
    headline = list(document.assignments.filter(is_headline=True).order_by("position"))
    assert [a.title for a in headline][:3] == ["地区生产总值", "规模以上工业增加值", "固定资产投资"]
    assert len(headline) == 9
    gdp, industry, investment = headline[:3]
    assert gdp.lead_units_text == ["云江市统计局"]
    assert gdp.responsible_units_text == ["云江市发展和改革委员会"]
    assert industry.lead_units_text == ["云江市工业和信息化局"]
    assert investment.lead_units_text == ["云江市发展和改革委员会"]
    # Each keeps its target, worded as the document wrote it, with the extractor's measure.
    assert str(gdp.targets.get()) == "地区生产总值 增长6%左右"
    ratio = document.targets.get(indicator="城乡居民收入比")
    assert target_text(ratio) == "缩小至2.1以内" and ratio.measure == "state"
    assert target_text(document.targets.get(indicator="城镇调查失业率")) == "控制在5.5%以内"
    assert AuditEvent.objects.filter(action="document.headline_track").count() == 1


def test_the_table_is_reused_for_the_next_document(bureaus, supervisor):
    entry = IndicatorDepartment.objects.get(indicator="地区生产总值")
    indicator_department_save(
        actor=supervisor,
        entry=entry,
        indicator="地区生产总值",
        aliases=["GDP"],
        unit_names=["发改委"],
    )
    document = document_import(
        data=HEADLINE_REPORT.encode(), source_name="报告.txt", actor=supervisor
    ).document
    gdp = document.assignments.get(is_headline=True, title="地区生产总值")
    assert gdp.lead_units_text == ["云江市发展和改革委员会"] and gdp.responsible_units_text == []


def test_only_supervisors_keep_the_table(reporter):
    with pytest.raises(Refused):
        indicator_department_save(actor=reporter, indicator="X", aliases=[], unit_names=["统计局"])


def test_publishing_gives_each_headline_indicator_its_departments(published):
    gdp = published.assignments.get(is_headline=True, title="地区生产总值")
    roles = {(r.unit.name, r.role) for r in gdp.responsibilities.select_related("unit")}
    assert roles == {("云江市统计局", "lead"), ("云江市发展和改革委员会", "co")}


def test_the_statistics_preview_matches_flags_and_refuses(published):
    plan = statistics_plan(
        read_statistics(statistics_csv(STATISTICS_SHEET), "stats.csv"), year=2026
    )
    statuses = {line.row.name: line.status for line in plan.lines}
    assert statuses == {
        "地区生产总值": MATCHED,
        "规模以上工业增加值": MATCHED,
        "全市固定资产投资增速": MATCHED,
        "城镇调查失业率": MATCHED,
        "城乡居民收入比": MATCHED,
        "一般公共预算收入": MATCHED,
        "粮食产量": UNKNOWN,
        "居民人均可支配收入": AMBIGUOUS,
    }
    ambiguous = next(line for line in plan.lines if line.status == AMBIGUOUS)
    assert {c.target.indicator for c in ambiguous.candidates} == {
        "城镇居民人均可支配收入",
        "农村居民人均可支配收入",
    }
    gdp = next(line for line in plan.lines if line.row.name == "地区生产总值")
    assert gdp.month == date(2026, 9, 1)
    (placement,) = gdp.placements
    # A growth target takes the growth; the period holding September is Q3.
    assert placement.actual == Decimal("5.8") and placement.period.quarter == 3
    assert placement.responsibility.unit.name == "云江市统计局"
    # A figure in the wrong unit, or a missing month, is refused with the reason.
    bad = statistics_plan(
        read_statistics(
            statistics_csv([STATISTICS_SHEET[0], ["城乡居民收入比", "1.69", "万元", "", "2026-09"],
                  ["地区生产总值", "", "", "5.8", ""]]),
            "bad.csv",
        ),
        year=2026,
    )  # fmt: skip
    assert [line.status for line in bad.lines] == [INVALID, INVALID]
    assert "单位" in bad.lines[0].problems[0]


def test_confirming_saves_the_reports_in_one_step_and_the_panel_shows_the_lights(
    published, supervisor
):
    rows = read_statistics(statistics_csv(STATISTICS_SHEET), "stats.csv")
    now = datetime(2026, 10, 12, 10, tzinfo=SHANGHAI)
    outcome = statistics_apply(rows=rows, year=2026, actor=supervisor, now=now)
    assert len(outcome.reports) == 6 and outcome.values == 6
    report = ProgressReport.objects.get(
        responsibility__assignment__title="城乡居民收入比",
        responsibility__role=Responsibility.Role.LEAD,
    )
    assert report.status == "submitted" and report.data_month == date(2026, 9, 1)
    assert report.is_late  # due 25 September, first submitted in October
    value = report.values.get()
    assert value.actual == Decimal("1.69") and value.colour == "green" and value.met
    assert value.completion is None and value.pace is None and value.gap_pp == Decimal("0.41")
    income = ProgressReport.objects.get(
        responsibility__assignment__title="一般公共预算收入", responsibility__role="lead"
    ).values.get()
    assert income.actual == Decimal("5.2") and income.growth == Decimal("5.2")
    assert AuditEvent.objects.filter(action="report.statistics").count() == 6
    assert AuditEvent.objects.filter(action="statistics.upload").count() == 1

    rows_by_name = {r.indicator: r for r in headline_rows(supervisor, year=2026, quarter=3)}
    # 增长6%左右 at 5.8: within the 0.5-point leeway → green.
    assert rows_by_name["地区生产总值"].colour == "green"
    # 增长8% at 7.5: half a point short → yellow; 增长7% at 4: three short → red.
    assert rows_by_name["规模以上工业增加值"].colour == "yellow"
    assert rows_by_name["固定资产投资"].colour == "red"
    unemployment = rows_by_name["城镇调查失业率"]
    assert unemployment.colour == "green" and unemployment.gap == "低于上限0.2个百分点"
    ratio = rows_by_name["城乡居民收入比"]
    assert ratio.colour == "green" and ratio.is_state and ratio.elapsed is None
    assert rows_by_name["社会消费品零售总额"].colour == "grey"
    (group,) = headline_panel(supervisor, year=2026, quarter=3)
    assert group.title == published.title and len(group.rows) == 9


def test_a_statistics_reporter_may_upload_and_an_outsider_may_not(published, outsider):
    bureau = published.assignments.get(title="地区生产总值").responsibilities.get(role="lead").unit
    from tracker.models import User

    statistician = User.objects.create_user("tj", role=User.Role.REPORTER, unit=bureau)
    rows = read_statistics(statistics_csv(STATISTICS_SHEET[:2]), "stats.csv")
    assert len(statistics_apply(rows=rows, year=2026, actor=statistician).reports) == 1
    with pytest.raises(Refused):
        statistics_apply(rows=rows, year=2026, actor=outsider)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-09", (2026, 9)),
        ("2026年1-11月", (2026, 11)),
        ("2026年11月", (2026, 11)),
        ("1—11月", (2026, 11)),
        ("9月", (2026, 9)),
        ("13月", None),
        ("上半年", None),
    ],
)
def test_the_months_statistics_offices_write(text, month):
    assert parse_month(text, 2026) == month


def test_headline_assignment_stays_put_on_reextraction(bureaus, supervisor):
    from tracker.services.document_reextract import document_reextract

    document = document_import(
        data=HEADLINE_REPORT.encode(), source_name="报告.txt", actor=supervisor
    ).document
    before = set(document.assignments.filter(is_headline=True).values_list("pk", flat=True))
    document_reextract(document=document, actor=supervisor)
    assert (
        set(
            Assignment.objects.filter(document=document, is_headline=True).values_list(
                "pk", flat=True
            )
        )
        == before
    )
    assert not Target.objects.filter(document=document, assignment__isnull=True).exists()
