"""Finding 牵头单位/责任单位 clauses and splitting them into one unit per entry."""

from __future__ import annotations

import pytest

from extraction.normalize import working_copy
from extraction.units import find_clauses, split_units


def units_of(text: str) -> dict[str, list[str]]:
    norm = working_copy(text)
    out: dict[str, list[str]] = {"lead": [], "responsible": []}
    for clause in find_clauses(norm, 0, len(norm)):
        out[clause.role].extend(split_units(text, norm, clause.list_start, clause.list_end))
    return out


def test_separate_lines() -> None:
    found = units_of(
        "牵头单位:市发展改革委\n责任单位:各县(区)党委和政府,市工业和信息化局、市商务局\n"
    )
    assert found == {
        "lead": ["市发展改革委"],
        "responsible": ["各县(区)党委和政府", "市工业和信息化局", "市商务局"],
    }


def test_inline_brackets_with_both_roles() -> None:
    found = units_of("1.优化布局。正文。(牵头单位:区发改局;责任单位:区住建局、区商务局,各镇、街道)")
    assert found == {
        "lead": ["区发改局"],
        "responsible": ["区住建局", "区商务局", "各镇", "各街道"],
    }


def test_responsible_only_inline() -> None:
    assert units_of("1.城镇调查失业率5.5%。(责任单位:区人社局)") == {
        "lead": [],
        "responsible": ["区人社局"],
    }


def test_full_width_punctuation_keeps_brackets_as_written() -> None:
    found = units_of("（牵头单位：区发改局；责任单位：各县（区）党委和政府、市新闻出版（版权）局）")
    assert found["responsible"] == ["各县（区）党委和政府", "市新闻出版（版权）局"]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("牵头单位:市商务局、市发展改革委按职责负责", ["市商务局", "市发展改革委"]),
        ("牵头单位:市投资促进局、市商务局按职责分工负责", ["市投资促进局", "市商务局"]),
        ("牵头单位:区财政局负责", ["区财政局"]),
    ],
)
def test_duty_phrases_are_removed(clause: str, expected: list[str]) -> None:
    assert units_of(clause)["lead"] == expected


def test_collective_after_each_inherits_each() -> None:
    assert units_of("责任单位:区科技局,各镇、街道")["responsible"] == ["区科技局", "各镇", "各街道"]
    # Without a preceding 各… entry a bare 街道 is left as written.
    assert units_of("责任单位:区城投公司,街道")["responsible"] == ["区城投公司", "街道"]


def test_group_after_et_is_its_own_entry() -> None:
    found = units_of(
        "责任单位:市投资促进局、市政府金融办等市优化营商环境促进市场主体倍增领导小组成员单位"
    )
    assert found["responsible"] == [
        "市投资促进局",
        "市政府金融办",
        "市优化营商环境促进市场主体倍增领导小组成员单位",
    ]


def test_generic_et_tail_is_dropped() -> None:
    assert units_of("责任单位:县市场监管局等相关部门")["responsible"] == ["县市场监管局"]


def test_and_each_splits() -> None:
    found = units_of("责任单位:市商务局及各产业园区")
    assert found["responsible"] == ["市商务局", "各产业园区"]


def test_collective_groups_stay_whole() -> None:
    found = units_of("责任单位:各县(区)党委和政府,市安委会各成员单位,区政府各部门。")
    assert found["responsible"] == ["各县(区)党委和政府", "市安委会各成员单位", "区政府各部门"]


def test_cooperating_units_are_responsible() -> None:
    found = units_of("牵头单位:县人社局\n配合单位:县财政局")
    assert found == {"lead": ["县人社局"], "responsible": ["县财政局"]}


def test_label_alone_on_its_line() -> None:
    found = units_of("牵头单位:\n县商务局\n责任单位:县市场监管局")
    assert found == {"lead": ["县商务局"], "responsible": ["县市场监管局"]}


def test_unlabelled_lead_and_cooperate() -> None:
    found = units_of("开工项目不少于30个。(县发展改革局牵头,县住建局、县自然资源局配合)")
    assert found == {"lead": ["县发展改革局"], "responsible": ["县住建局", "县自然资源局"]}


def test_brackets_that_are_not_units_are_ignored() -> None:
    assert units_of("比重0.012%(高企净增5户、企业法人总量41621户)") == {
        "lead": [],
        "responsible": [],
    }


def test_bracketed_labels() -> None:
    found = units_of(
        "政务服务“一网通办”率达到95%。【牵头单位】县政务服务中心【责任单位】县直各部门"
    )
    assert found == {"lead": ["县政务服务中心"], "responsible": ["县直各部门"]}


def test_sole_unit_named_with_fuze() -> None:
    assert units_of("新增就业3000人以上(县人社局负责)") == {
        "lead": [],
        "responsible": ["县人社局"],
    }
    # A bracket ending in 负责 that names no unit is not a unit clause.
    assert units_of("完成任务(按程序负责)") == {"lead": [], "responsible": []}


def test_leadership_lines_are_not_unit_labels() -> None:
    found = units_of("牵头领导:张某某\n牵头单位:县发改局\n责任单位:县财政局")
    assert found == {"lead": ["县发改局"], "responsible": ["县财政局"]}
