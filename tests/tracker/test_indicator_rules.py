"""Issue 13's hand-checked table: kinds × comparators × directions × state/cumulative × cut-off
months, each row written from the rule (DESIGN §3 and tracker.progress' docstring), not from
what the code printed.

Defaults: yellow when pace ≥ 0.9 (a state level: within 0.9 of its floor, or over its cap by no
more than 1/0.9); 左右 allows 2% on a level and 0.5 points on a rate; a rate missing by at most
1 point is yellow; a rank missing by at most 2 places is yellow. 序时进度 runs from January to the
end of the month the figures run to (数据截至): month m of a calendar year is m/12.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace
from typing import NamedTuple

import pytest

from tracker import progress
from tracker.formatting import gap_text, target_text

YEAR = 2026


class Case(NamedTuple):
    why: str
    kind: str
    comparator: str
    direction: str
    measure: str
    value: str
    actual: str
    month: int  # 数据截至
    colour: str
    met: bool
    completion: str | None = None
    pace: str | None = None
    gap: str | None = None


CASES = [
    # --- state levels: the latest value against the target, no pacing --------------------------
    Case("收入比≤2.1 at 1.69 in Q3: a cap reached is met, green, 0.41 under it (issue)",
         "level", "<=", "decrease", "state", "2.1", "1.69", 9, "green", True, gap="0.41"),
    Case("收入比≤2.1 at 1.69 with the year's figures: met at the end, blue",
         "level", "<=", "decrease", "state", "2.1", "1.69", 12, "blue", True, gap="0.41"),
    Case("收入比≤2.1 exactly at 2.1: ≤ includes the cap",
         "level", "<=", "decrease", "state", "2.1", "2.1", 9, "green", True, gap="0"),
    Case("收入比<2.1 exactly at 2.1: strict, missed; 2.1×0.9 ≤ 2.1 so yellow",
         "level", "<", "decrease", "state", "2.1", "2.1", 9, "yellow", False, gap="0"),
    Case("收入比≤2.1 at 2.3: over; 2.3×0.9=2.07 ≤ 2.1, yellow",
         "level", "<=", "decrease", "state", "2.1", "2.3", 9, "yellow", False, gap="-0.2"),
    Case("收入比≤2.1 at 2.4: 2.4×0.9=2.16 > 2.1, red",
         "level", "<=", "decrease", "state", "2.1", "2.4", 9, "red", False, gap="-0.3"),
    Case("PM2.5 35左右 at 35.5: within 35×1.02=35.7, met",
         "level", "~", "decrease", "state", "35", "35.5", 6, "green", True, gap="-0.5"),
    Case("PM2.5 ≤35 at 38: 38×0.9=34.2 ≤ 35, yellow",
         "level", "<=", "decrease", "state", "35", "38", 6, "yellow", False, gap="-3"),
    Case("PM2.5 ≤35 at 40: 40×0.9=36 > 35, red",
         "level", "<=", "decrease", "state", "35", "40", 6, "red", False, gap="-5"),
    Case("每千人口医师≥3.2 at 3.3 in Q1: met without waiting for the year, green",
         "level", ">=", "increase", "state", "3.2", "3.3", 3, "green", True, gap="0.1"),
    Case("每千人口医师≥3.2 at 3.0: 3.0 ≥ 3.2×0.9=2.88, yellow",
         "level", ">=", "increase", "state", "3.2", "3.0", 3, "yellow", False, gap="-0.2"),
    Case("每千人口医师≥3.2 at 2.8: below 2.88, red",
         "level", ">=", "increase", "state", "3.2", "2.8", 3, "red", False, gap="-0.4"),
    Case("每千人口医师≥3.2 at 3.2 with December's figures: blue",
         "level", ">=", "increase", "state", "3.2", "3.2", 12, "blue", True, gap="0"),
    Case("state level 100左右 at 98.5: ≥ 100×0.98=98, met",
         "level", "~", "increase", "state", "100", "98.5", 6, "green", True, gap="-1.5"),
    Case("state level >3.2 at 3.2: strict, missed; ≥ 2.88 so yellow",
         "level", ">", "increase", "state", "3.2", "3.2", 6, "yellow", False, gap="0"),
    Case("a state count (每万人口床位 ≥ 60) at 50: 50 < 54, red, no pacing",
         "count", ">=", "increase", "state", "60", "50", 9, "red", False, gap="-10"),
    # --- cumulative floors: completion ÷ 序时进度 ------------------------------------------------
    Case("固投≥400 at 300 to September: 0.75 ÷ 0.75 = 1, green",
         "level", ">=", "increase", "cumulative", "400", "300", 9, "green", False, "0.75", "1"),
    Case("固投≥400 at 280 to September: 0.7 ÷ 0.75 = 0.9333, yellow",
         "level", ">=", "increase", "cumulative", "400", "280", 9, "yellow", False,
         "0.7", "0.9333"),
    Case("固投≥400 at 260 to September: 0.65 ÷ 0.75 = 0.8667, red",
         "level", ">=", "increase", "cumulative", "400", "260", 9, "red", False,
         "0.65", "0.8667"),
    Case("固投≥400 at 280 with figures to August: 0.7 ÷ 8/12 = 1.05, green",
         "level", ">=", "increase", "cumulative", "400", "280", 8, "green", False, "0.7", "1.05"),
    Case("Q4 due 25 Dec, figures to November: 370 of 400 is 0.925 ÷ 11/12 = 1.0091, green",
         "level", ">=", "increase", "cumulative", "400", "370", 11, "green", False,
         "0.925", "1.0091"),
    Case("the same 370 judged against 100% elapsed: 0.925, yellow (the issue's wrong light)",
         "level", ">=", "increase", "cumulative", "400", "370", 12, "yellow", False,
         "0.925", "0.925"),
    Case("340 of 400 to November: 0.85 ÷ 11/12 = 0.9273, yellow",
         "level", ">=", "increase", "cumulative", "400", "340", 11, "yellow", False,
         "0.85", "0.9273"),
    Case("340 of 400 against 100% elapsed: 0.85, red",
         "level", ">=", "increase", "cumulative", "400", "340", 12, "red", False, "0.85", "0.85"),
    Case("固投≥400 reached in June: met as soon as reached, blue",
         "level", ">=", "increase", "cumulative", "400", "400", 6, "blue", True, "1", "2"),
    Case("400左右 at 392 with the year's figures: ≥ 400×0.98, met, blue",
         "level", "~", "increase", "cumulative", "400", "392", 12, "blue", True, "0.98", "0.98"),
    Case("新增就业≥10000 at 2500 to March: 0.25 ÷ 0.25 = 1, green",
         "count", ">=", "increase", "cumulative", "10000", "2500", 3, "green", False,
         "0.25", "1"),
    Case("新增就业≥10000 at 2300 to March: 0.23 ÷ 0.25 = 0.92, yellow",
         "count", ">=", "increase", "cumulative", "10000", "2300", 3, "yellow", False,
         "0.23", "0.92"),
    Case("新增就业≥10000 at 2200 to March: 0.22 ÷ 0.25 = 0.88, red",
         "count", ">=", "increase", "cumulative", "10000", "2200", 3, "red", False,
         "0.22", "0.88"),
    Case("新增就业 2200 with figures to February: 0.22 ÷ 2/12 = 1.32, green",
         "count", ">=", "increase", "cumulative", "10000", "2200", 2, "green", False,
         "0.22", "1.32"),
    # --- cumulative ceilings (能耗总量): usage ÷ 序时进度 at most 1 ------------------------------
    Case("能耗≤1000 at 700 to September: 0.7 ÷ 0.75 = 0.9333 ≤ 1, green",
         "level", "<=", "decrease", "cumulative", "1000", "700", 9, "green", False,
         "0.7", "0.9333"),
    Case("能耗≤1000 at 800 to September: 1.0667; ×0.9 = 0.96 ≤ 1, yellow",
         "level", "<=", "decrease", "cumulative", "1000", "800", 9, "yellow", False,
         "0.8", "1.0667"),
    Case("能耗≤1000 at 900 to September: 1.2; ×0.9 = 1.08 > 1, red",
         "level", "<=", "decrease", "cumulative", "1000", "900", 9, "red", False, "0.9", "1.2"),
    Case("能耗≤1000 at 950 for the year: within at the end, met, blue",
         "level", "<=", "decrease", "cumulative", "1000", "950", 12, "blue", True,
         "0.95", "0.95"),
    Case("能耗≤1000 at 1050 for the year: over the cap, red",
         "level", "<=", "decrease", "cumulative", "1000", "1050", 12, "red", False,
         "1.05", "1.05"),
    Case("能耗≤1000 at 800 to August: 0.8 ÷ 8/12 = 1.2, red",
         "level", "<=", "decrease", "cumulative", "1000", "800", 8, "red", False, "0.8", "1.2"),
    Case("收入比≤2.1 read as cumulative: 0.8048 of the cap used ÷ 0.75, yellow (the old light)",
         "level", "<=", "decrease", "cumulative", "2.1", "1.69", 9, "yellow", False,
         "0.8048", "1.0730"),
    # --- growth rates: the gap in points, no pacing ---------------------------------------------
    Case("GDP增长6%左右 at 5.6: −0.4 + 0.5 leeway ≥ 0, met, green",
         "growth", "~", "increase", "", "6", "5.6", 9, "green", True, gap="-0.4"),
    Case("GDP增长6%左右 at 5.4: −0.6 + 0.5 = −0.1, within 1 point, yellow",
         "growth", "~", "increase", "", "6", "5.4", 9, "yellow", False, gap="-0.6"),
    Case("GDP增长6%左右 at 4.4: −1.6 + 0.5 = −1.1, red",
         "growth", "~", "increase", "", "6", "4.4", 9, "red", False, gap="-1.6"),
    Case("增长6%以上 at 6.2 for the year: met at the end, blue",
         "growth", ">=", "increase", "", "6", "6.2", 12, "blue", True, gap="0.2"),
    Case("增长6%以上 at 6.2 with figures to November: met, not yet the year, green",
         "growth", ">=", "increase", "", "6", "6.2", 11, "green", True, gap="0.2"),
    Case("增长6%以上 at −1: 7 points short, red",
         "growth", ">=", "increase", "", "6", "-1", 6, "red", False, gap="-7"),
    Case("CPI涨幅3%左右 (lower is better) at 3.4: 3 − 3.4 = −0.4 + 0.5, met",
         "growth", "~", "decrease", "", "3", "3.4", 9, "green", True, gap="-0.4"),
    # --- shares: the gap in points --------------------------------------------------------------
    Case("失业率≤5.5% at 5.3: 0.2 under the cap, met, green (not 高0.2)",
         "share", "<=", "decrease", "state", "5.5", "5.3", 9, "green", True, gap="0.2"),
    Case("失业率≤5.5% at 5.8: 0.3 over, within 1 point, yellow",
         "share", "<=", "decrease", "state", "5.5", "5.8", 9, "yellow", False, gap="-0.3"),
    Case("失业率≤5.5% at 7: 1.5 over, red",
         "share", "<=", "decrease", "state", "5.5", "7", 9, "red", False, gap="-1.5"),
    Case("城镇化率≥65% at 64.5: 0.5 short, yellow",
         "share", ">=", "increase", "state", "65", "64.5", 6, "yellow", False, gap="-0.5"),
    Case("城镇化率≥65% at 65 for the year: met, blue",
         "share", ">=", "increase", "state", "65", "65", 12, "blue", True, gap="0"),
    # --- decreases (the decline achieved, bigger is better) and ranks ---------------------------
    Case("能耗强度下降3%以上 at a 3.5 decline: 0.5 better, green",
         "decrease", ">=", "decrease", "", "3", "3.5", 9, "green", True, gap="0.5"),
    Case("能耗强度下降3%以上 at a 2.5 decline: 0.5 short, yellow",
         "decrease", ">=", "decrease", "", "3", "2.5", 9, "yellow", False, gap="-0.5"),
    Case("全省排名前10 at 8th: met, green",
         "rank", "<=", "decrease", "", "10", "8", 6, "green", True),
    Case("全省排名前10 at 12th: 2 places out, yellow",
         "rank", "<=", "decrease", "", "10", "12", 6, "yellow", False),
    Case("全省排名前10 at 13th: red",
         "rank", "<=", "decrease", "", "10", "13", 6, "red", False),
]  # fmt: skip


def _elapsed(month: int) -> D:
    return progress.elapsed_share(
        period_end=progress.month_end(date(YEAR, month, 1)),
        span_start=date(YEAR, 1, 1),
        span_end=date(YEAR, 12, 31),
    )


def test_the_table_has_forty_cases_or_more() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.why for c in CASES])
def test_light_and_figures_follow_the_rule(case: Case) -> None:
    spec = progress.TargetSpec(
        kind=case.kind,
        comparator=case.comparator,
        direction=case.direction,
        measure=case.measure,
        value=D(case.value),
    )
    outcome = progress.assess(spec, D(case.actual), elapsed=_elapsed(case.month))
    assert outcome.colour.value == case.colour
    assert outcome.met is case.met
    expected_completion = None if case.completion is None else D(case.completion)
    expected_pace = None if case.pace is None else D(case.pace)
    assert outcome.completion == expected_completion
    assert outcome.pace == expected_pace
    assert outcome.gap_pp == (None if case.gap is None else D(case.gap))
    # A cap reached is never 滞后.
    if case.direction == "decrease" and case.met:
        assert outcome.colour.label != "滞后"


@pytest.mark.parametrize(
    ("starts", "ends", "due", "month"),
    [
        # Q4 due on 25 December: November's figures are the last out.
        (date(2026, 10, 1), date(2026, 12, 31), date(2026, 12, 25), date(2026, 11, 1)),
        # Q1 due on 25 March: February.
        (date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 25), date(2026, 2, 1)),
        # Due after the period (10 January): the period's last month.
        (date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 10), date(2026, 12, 1)),
        # A month reported by the 5th of the next: that month.
        (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 5), date(2026, 3, 1)),
        # Due on the period's last day: the month before.
        (date(2026, 4, 1), date(2026, 6, 30), date(2026, 6, 30), date(2026, 5, 1)),
    ],
)
def test_data_month_is_the_last_month_out_by_the_due_date(
    starts: date, ends: date, due: date, month: date
) -> None:
    assert progress.data_month(period_starts_on=starts, period_ends_on=ends, due_on=due) == month


def test_q4_figures_to_november_are_eleven_twelfths() -> None:
    assert _elapsed(11).quantize(D("0.0001")) == D("0.9167")
    assert _elapsed(12) == 1


def _target(**fields: object) -> SimpleNamespace:
    base = {"indicator": "", "value_high": None, "measure_unit": "", "text": ""}
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"indicator": "地区生产总值", "kind": "growth", "comparator": "~",
          "direction": "increase", "value": D(6), "measure_unit": "%"}, "增长6%左右"),
        ({"indicator": "居民人均可支配收入", "kind": "level", "comparator": ">=",
          "direction": "increase", "value": D("4.8"), "measure_unit": "万元"}, "达4.8万元以上"),
        ({"indicator": "城镇调查失业率", "kind": "share", "comparator": "<=",
          "direction": "decrease", "value": D("5.5"), "measure_unit": "%"}, "控制在5.5%以内"),
        ({"indicator": "城乡居民收入比", "kind": "level", "comparator": "<=",
          "direction": "decrease", "value": D("2.1")}, "缩小至2.1以内"),
        ({"indicator": "单位GDP能耗", "kind": "decrease", "comparator": ">=",
          "direction": "decrease", "value": D(3), "measure_unit": "%"}, "下降3%以上"),
        ({"indicator": "居民消费价格", "kind": "growth", "comparator": "~",
          "direction": "decrease", "value": D(3), "measure_unit": "%"}, "控制在3%左右"),
        ({"indicator": "新增市场主体", "kind": "count", "comparator": "=",
          "direction": "increase", "value": D(1), "measure_unit": "万户"}, "达到1万户"),
        ({"indicator": "营商环境评价", "kind": "rank", "comparator": "<=",
          "direction": "decrease", "value": D(10), "measure_unit": "位"}, "前10位"),
        ({"indicator": "地区生产总值", "kind": "growth", "comparator": "~",
          "direction": "increase", "value": D("6.5"), "value_high": D(7),
          "measure_unit": "%"}, "增长6.5—7%左右"),
    ],
)  # fmt: skip
def test_a_target_reads_as_the_document_wrote_it(fields: dict[str, object], text: str) -> None:
    assert target_text(_target(**fields)) == text


@pytest.mark.parametrize(
    ("fields", "gap", "text"),
    [
        ({"kind": "share", "direction": "decrease", "measure_unit": "%"}, "0.2",
         "低于上限0.2个百分点"),
        ({"kind": "share", "direction": "decrease", "measure_unit": "%"}, "-0.3",
         "超出上限0.3个百分点"),
        ({"kind": "growth", "direction": "increase", "measure_unit": "%"}, "-0.4",
         "低于目标0.4个百分点"),
        ({"kind": "growth", "direction": "increase", "measure_unit": "%"}, "0.2",
         "高于目标0.2个百分点"),
        ({"kind": "level", "direction": "decrease", "measure_unit": ""}, "0.41", "低于上限0.41"),
        ({"kind": "level", "direction": "increase", "measure_unit": "人"}, "-0.2",
         "低于目标0.2人"),
        ({"kind": "decrease", "direction": "decrease", "measure_unit": "%"}, "0.5",
         "高于目标0.5个百分点"),
        ({"kind": "growth", "direction": "increase", "measure_unit": "%"}, "0", "与目标持平"),
    ],
)  # fmt: skip
def test_a_gap_reads_with_its_sense(fields: dict[str, object], gap: str, text: str) -> None:
    assert gap_text(_target(**fields), D(gap)) == text
