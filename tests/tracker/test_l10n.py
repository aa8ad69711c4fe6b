"""Dates, period names and due rules in the reader's language: Chinese as a document writes
them, English as an English reader expects them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils import translation

from tracker import l10n
from tracker.periods import SHANGHAI, DueRule


@pytest.fixture(params=["zh-hans", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


def _pick(language: str, chinese: str, english: str) -> str:
    return chinese if language == "zh-hans" else english


def test_dates(language):
    assert l10n.date_text(date(2026, 12, 6)) == _pick(language, "2026年12月6日", "6 December 2026")
    # A moment is read in Shanghai: 23:30 UTC on 5 December is the 6th there.
    moment = datetime(2026, 12, 6, 7, 30, tzinfo=SHANGHAI)
    assert l10n.datetime_text(moment) == _pick(
        language, "2026年12月6日 07:30", "6 December 2026, 07:30"
    )
    assert l10n.month_day_text(date(2026, 6, 30)) == _pick(language, "6月30日", "30 June")
    assert l10n.date_text(None) == l10n.datetime_text(None) == ""


@pytest.mark.parametrize(
    ("frequency", "number", "chinese", "english"),
    [
        ("quarterly", 3, "2026年三季度", "Q3 2026"),
        ("monthly", 3, "2026年3月", "March 2026"),
        ("half-yearly", 1, "2026年上半年", "H1 2026"),
        ("yearly", 1, "2026年度", "2026"),
    ],
)
def test_period_names(language, frequency, number, chinese, english):
    assert l10n.period_text(2026, frequency, number) == _pick(language, chinese, english)


@pytest.mark.parametrize(
    ("frequency", "number", "chinese", "english"),
    [
        ("quarterly", 3, "前三季度", "Q1–Q3"),
        ("quarterly", 4, "全年", "full year"),
        ("monthly", 3, "1—3月", "January–March"),
        ("monthly", 1, "1月", "January"),
        ("half-yearly", 1, "上半年", "H1"),
    ],
)
def test_what_cumulative_figures_cover(language, frequency, number, chinese, english):
    assert l10n.cumulative_text(frequency, number) == _pick(language, chinese, english)


@pytest.mark.parametrize(
    ("frequency", "rule", "from_period", "chinese", "english"),
    [
        (
            "quarterly",
            DueRule(month=3, day=25),
            None,
            "每季度末月25日前",
            "by the 25th of each quarter's last month",
        ),
        (
            "quarterly",
            DueRule(after_period=True, month=1, day=20),
            2,
            "从第二季度起，每季度结束后次月20日前报送上季度",
            "from Q2, by the 20th of the month after each quarter",
        ),
        (
            "monthly",
            DueRule(after_period=True, working_days=5),
            None,
            "每月结束后5个工作日内",
            "within 5 working days after each month",
        ),
        ("monthly", DueRule(month=1, day=22), None, "每月22日前", "by the 22nd of each month"),
        ("yearly", DueRule(month=12, day=1), None, "每年12月1日前", "by 1 December each year"),
    ],
)
def test_due_rules(language, frequency, rule, from_period, chinese, english):
    assert l10n.rule_text(frequency, rule, from_period=from_period) == _pick(
        language, chinese, english
    )


def test_sections_festivals_and_lists(language):
    assert l10n.section_number(2) == _pick(language, "二、", "2. ")
    assert l10n.festival_text("春节") == _pick(language, "春节", "Spring Festival")
    assert l10n.festival_text("补班") == "补班"  # a correction's own note, shown as typed
    assert l10n.list_text(["甲", "乙"]) == _pick(language, "甲、乙", "甲, 乙")


def _target(**fields: object) -> SimpleNamespace:
    base = {"indicator": "", "value_high": None, "measure_unit": "", "text": ""}
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "chinese", "english"),
    [
        ({"indicator": "地区生产总值", "kind": "growth", "comparator": "~",
          "direction": "increase", "value": D(6), "measure_unit": "%"},
         "增长6%左右", "growth of about 6%"),
        ({"indicator": "居民人均可支配收入", "kind": "level", "comparator": ">=",
          "direction": "increase", "value": D("4.8"), "measure_unit": "万元"},
         "达4.8万元以上", "at least 4.8万元"),
        ({"indicator": "城镇调查失业率", "kind": "share", "comparator": "<=",
          "direction": "decrease", "value": D("5.5"), "measure_unit": "%"},
         "控制在5.5%以内", "at most 5.5%"),
        ({"indicator": "城乡居民收入比", "kind": "level", "comparator": "<=",
          "direction": "decrease", "value": D("2.1")}, "缩小至2.1以内", "narrowed to at most 2.1"),
        ({"indicator": "单位GDP能耗", "kind": "decrease", "comparator": ">=",
          "direction": "decrease", "value": D(3), "measure_unit": "%"},
         "下降3%以上", "a decrease of at least 3%"),
        ({"indicator": "新增市场主体", "kind": "count", "comparator": "=",
          "direction": "increase", "value": D(1), "measure_unit": "万户"}, "达到1万户", "1万户"),
        ({"indicator": "营商环境评价", "kind": "rank", "comparator": "<=",
          "direction": "decrease", "value": D(10), "measure_unit": "位"}, "前10位", "top 10"),
        ({"indicator": "地区生产总值", "kind": "growth", "comparator": "~",
          "direction": "increase", "value": D("6.5"), "value_high": D(7),
          "measure_unit": "%"}, "增长6.5—7%左右", "growth of about 6.5—7%"),
        ({"indicator": "重点项目", "kind": "qualitative", "comparator": "",
          "direction": "increase", "value": None, "text": "按期完工"}, "按期完工", "按期完工"),
    ],
)  # fmt: skip
def test_targets(language, fields, chinese, english):
    assert l10n.target_text(_target(**fields)) == _pick(language, chinese, english)


@pytest.mark.parametrize(
    ("fields", "gap", "chinese", "english"),
    [
        ({"kind": "share", "direction": "decrease", "measure_unit": "%"}, "0.2",
         "低于上限0.2个百分点", "0.2 percentage points below the cap"),
        ({"kind": "share", "direction": "decrease", "measure_unit": "%"}, "-0.3",
         "超出上限0.3个百分点", "0.3 percentage points over the cap"),
        ({"kind": "growth", "direction": "increase", "measure_unit": "%"}, "-1",
         "低于目标1个百分点", "1 percentage point below the target"),
        ({"kind": "growth", "direction": "increase", "measure_unit": "%"}, "0.2",
         "高于目标0.2个百分点", "0.2 percentage points above the target"),
        ({"kind": "level", "direction": "decrease", "measure_unit": ""}, "0.41",
         "低于上限0.41", "0.41 below the cap"),
        ({"kind": "growth", "direction": "increase", "measure_unit": "%"}, "0",
         "与目标持平", "on target"),
        ({"kind": "rank", "direction": "decrease", "measure_unit": "位"}, "0",
         "等于上限", "at the cap"),
        ({"kind": "growth", "direction": "increase", "measure_unit": "%"}, None, "—", "—"),
    ],
)  # fmt: skip
def test_gaps(language, fields, gap, chinese, english):
    figure = None if gap is None else D(gap)
    assert l10n.gap_text(_target(**fields), figure) == _pick(language, chinese, english)


def test_signed_points(language):
    assert l10n.signed_points(D("0.3")) == _pick(
        language, "高0.3个百分点", "0.3 percentage points higher"
    )
    assert l10n.signed_points(D(-1)) == _pick(language, "低1个百分点", "1 percentage point lower")
    assert l10n.signed_points(D(0)) == _pick(language, "持平", "level")
    assert l10n.signed_points(None) == "—"
