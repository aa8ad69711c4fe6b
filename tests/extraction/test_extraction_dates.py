"""Dates, deadlines and reporting rules."""

from __future__ import annotations

import pytest

from extraction import extract, prepare_text
from extraction.dates import (
    cn_number,
    find_deadline,
    find_escalation_days,
    find_reporting_rules,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年3月28日", "2022-03-28"),
        ("成文日期 2023-02-09", "2023-02-09"),
        ("二〇二二年三月二十八日", "2022-03-28"),
        ("2023年2月30日", None),
        ("没有日期", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_cn_number() -> None:
    assert cn_number("十") == 10
    assert cn_number("二十八") == 28
    assert cn_number("三十一") == 31
    assert cn_number("七") == 7
    assert cn_number("甲") is None


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("到2025年,服务业增加值突破400亿元", 2022, "2025-12-31"),
        ("2025年底前全面建成", 2022, "2025-12-31"),
        ("6月底前开工", 2024, "2024-06-30"),
        ("力争2月末完成", 2024, "2024-02-29"),
        ("年内建成5所幼儿园", 2024, "2024-12-31"),
        ("年底前完成验收", 2023, "2023-12-31"),
        ("2024年9月底前完成", None, "2024-09-30"),
        ("6月底前完成方案,年底前全面建成", 2024, "2024-12-31"),
        ("三季度末前完成", 2024, "2024-09-30"),
        ("2023年目标任务:全市完成固定资产投资增长14%", 2023, None),
        ("五年内累计新增就业4万人", 2022, None),
        ("6月底前开工", None, None),
    ],
)
def test_find_deadline(text: str, year: int | None, expected: str | None) -> None:
    assert find_deadline(text, year) == expected


def test_quarterly_rule_with_month_and_day() -> None:
    text = "形成分析报告,于每季度末月25日前报送至市发展改革委分析汇总。"
    assert find_reporting_rules(text) == [
        {
            "frequency": "quarterly",
            "after_period": False,
            "month_of_period": 3,
            "month_of_quarter": 3,
            "day": 25,
            "working_days": None,
            "calendar_days": None,
            "from_period": None,
            "text": "于每季度末月25日前报送至市发展改革委分析汇总",
            "span": [7, 30],
        }
    ]


# (frequency, after_period, month_of_period, month_of_quarter, day, working_days,
#  calendar_days, from_period), each written from the rule the sentence states.
Rule = tuple[str, bool, int | None, int | None, int | None, int | None, int | None, int | None]
RULES: list[tuple[str, str, Rule]] = [
    (
        "各牵头单位于每季度末月25日前报送指标完成情况。",
        "各牽頭單位於每季度末月25日前報送指標完成情況。",
        ("quarterly", False, 3, 3, 25, None, None, None),
    ),
    (
        "从第二季度起,每个季度第1个月的20日前报送上季度工作进展情况。",
        "從第二季度起,每個季度第1個月的20日前報送上季度工作進展情況。",
        ("quarterly", True, 1, 1, 20, None, None, 2),
    ),
    (
        "各责任单位应在每季度结束后5个工作日内将推进情况报县发改局。",
        "各責任單位應在每季度結束後5個工作日內將推進情況報縣發改局。",
        ("quarterly", True, None, None, None, 5, None, None),
    ),
    (
        "每季度结束后10日内报送季度工作总结。",
        "每季度結束後10日內報送季度工作總結。",
        ("quarterly", True, None, None, None, None, 10, None),
    ),
    (
        "各部门每月25日前将当月工作进展报区政府办公室。",
        "各部門每月25日前將當月工作進展報區政府辦公室。",
        ("monthly", False, 1, None, 25, None, None, None),
    ),
    (
        "请于次月5日前报送上月落实情况。",
        "請於次月5日前報送上月落實情況。",
        ("monthly", True, 1, None, 5, None, None, None),
    ),
    (
        "各单位每半年报送一次工作进展。",
        "各單位每半年報送一次工作進展。",
        ("half-yearly", False, None, None, None, None, None, None),
    ),
    (
        "各单位年底前报送全年工作总结。",
        "各單位年底前報送全年工作總結。",
        ("yearly", False, 12, None, 31, None, None, None),
    ),
    (
        "12月20日前报送全年工作总结。",
        "12月20日前報送全年工作總結。",
        ("yearly", False, 12, None, 20, None, None, None),
    ),
    (
        "自3月起,每月10日前报送上月项目建设情况。",
        "自3月起,每月10日前報送上月項目建設情況。",
        ("monthly", True, 1, None, 10, None, None, 3),
    ),
    (
        "每月10号前报送上月工作进展情况。",
        "每月10號前報送上月工作進展情況。",
        ("monthly", True, 1, None, 10, None, None, None),
    ),
    (
        "季度结束后次月10日前报送分析报告。",
        "季度結束後次月10日前報送分析報告。",
        ("quarterly", True, 1, 1, 10, None, None, None),
    ),
]


def _as_tuple(rule: dict[str, object]) -> Rule:
    keys = (
        "frequency",
        "after_period",
        "month_of_period",
        "month_of_quarter",
        "day",
        "working_days",
        "calendar_days",
        "from_period",
    )
    return tuple(rule[key] for key in keys)  # type: ignore[return-value]


@pytest.mark.parametrize(("simplified", "traditional", "expected"), RULES)
def test_reporting_rules_in_both_scripts(simplified: str, traditional: str, expected: Rule) -> None:
    for text in (simplified, traditional):
        prepared = prepare_text(text)
        rules = extract(text)["reporting"]
        assert [_as_tuple(rule) for rule in rules] == [expected], text
        (rule,) = rules
        start, end = rule["span"]
        # The span points at the clause in the prepared text, as written there.
        assert prepared[start:end] == rule["text"] != ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请于每季度首月10日前报送上季度进展", ("quarterly", 1, 10)),
        ("每月5日前将进展情况上报区政府办", ("monthly", None, 5)),
        ("每年12月20日前提交年度总结", ("yearly", None, 20)),
        ("各单位每季度报送一次工作进展", ("quarterly", None, None)),
    ],
)
def test_other_reporting_rules(text: str, expected: tuple[str, int | None, int | None]) -> None:
    rules = find_reporting_rules(text)
    assert [(r["frequency"], r["month_of_quarter"], r["day"]) for r in rules] == [expected]


def test_reporting_the_period_before_is_an_after_period_rule() -> None:
    (rule,) = find_reporting_rules("请于每季度首月10日前报送上季度进展")
    assert (rule["after_period"], rule["month_of_period"]) == (True, 1)
    (rule,) = find_reporting_rules("每月5日前将上月进展情况上报区政府办")
    assert (rule["after_period"], rule["month_of_period"], rule["day"]) == (True, 1, 5)


def test_a_document_with_several_rules_keeps_each_once() -> None:
    text = (
        "各责任单位每月5日前报送上月工作进展,每季度末月25日前报送季度分析报告;"
        "每季度末月25日前报送的报告抄送县政府办。"
    )
    rules = find_reporting_rules(text)
    assert [(r["frequency"], r["month_of_period"], r["day"]) for r in rules] == [
        ("monthly", 1, 5),
        ("quarterly", 3, 25),
    ]


def test_no_rule_without_a_reporting_verb() -> None:
    assert find_reporting_rules("定期调度在每季度数据上报前和省季度通报后开展。") == []
    assert find_reporting_rules("每季度末月25日前完成监测。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一季度规模以上工业增加值同比增长10%", "2024-03-31"),
        ("第二季度末前完成", "2024-06-30"),
        ("前三季度完成投资", "2024-09-30"),
        ("4月份集中开工", "2024-04-30"),
        ("3月末前完成项目前期手续", "2024-03-31"),
        ("上半年城镇新增就业800人", "2024-06-30"),
        ("下半年启动", "2024-12-31"),
        ("每季度调度一次", None),
    ],
)
def test_periods_of_the_documents_year(text: str, expected: str | None) -> None:
    assert find_deadline(text, 2024) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("企业反映的问题限时3日内办结", 3),
        ("问题须在三个工作日内答复", 3),
        ("县级层面限时3日内解决,否则提交市级部门", 3),
        ("力争3天内完成", None),
        ("没有时限", None),
    ],
)
def test_escalation_days(text: str, days: int | None) -> None:
    assert find_escalation_days(text) == days
