"""Layouts beyond the sample documents: variants of each family, confidence, measure, quarter.

Each expectation is written from what the text says, not from the extractor's output.
"""

from __future__ import annotations

import pytest

from extraction import LOW_CONFIDENCE, extract
from extraction.confidence import FACTORS, looks_like_unit, score
from extraction.dates import garbled_date
from extraction.measures import measure
from extraction.targets import quarter_of
from extraction.units import group_heading, is_leader


def _rows(text: str) -> list[tuple[str, list[str], list[str], list[str]]]:
    return [
        (a["ref"], a["lead_units"], a["responsible_units"], a["leaders"])
        for a in extract(text)["assignments"]
    ]


# --- units written once for a group --------------------------------------------------------------


def test_heading_with_a_count_and_heading_with_a_lead_label_lead_their_items() -> None:
    text = (
        "东山县2024年重点工作\n"
        "一、县发展改革局（2项）\n"
        "1.完成固定资产投资80亿元。责任单位：县财政局\n"
        "2.新开工项目30个。\n"
        "二、牵头单位：县商务局\n"
        "3.社会消费品零售总额增长7%。（责任单位：县市场监管局）\n"
        "4.举办促消费活动20场。\n"
    )
    assert _rows(text) == [
        ("一.1", ["县发展改革局"], ["县财政局"], []),
        ("一.2", ["县发展改革局"], [], []),
        ("二.3", ["县商务局"], ["县市场监管局"], []),
        ("二.4", ["县商务局"], [], []),
    ]


def test_unnumbered_lead_headings_lead_the_numbered_items_below() -> None:
    text = (
        "东山县2024年重点工作任务\n"
        "县发展改革局牵头工作（2项）\n"
        "1.完成固定资产投资80亿元。（责任单位：县财政局）\n"
        "2.新开工项目30个。（责任单位：各乡镇）\n"
        "县商务局牵头工作（1项）\n"
        "3.社会消费品零售总额增长7%。（责任单位：县市场监管局）\n"
    )
    assert _rows(text) == [
        ("1", ["县发展改革局"], ["县财政局"], []),
        ("2", ["县发展改革局"], ["各乡镇"], []),
        ("3", ["县商务局"], ["县市场监管局"], []),
    ]


def test_leader_heading_with_other_offices_records_the_person_only() -> None:
    text = (
        "东山县2024年重点工作\n"
        "一、县委常委、常务副县长张三分管工作\n"
        "1.新增就业3000人。县人社局牵头，县财政局、各乡镇配合。\n"
        "2.城镇调查失业率控制在5.5%以内。县人社局负责。\n"
    )
    assert _rows(text) == [
        ("一.1", ["县人社局"], ["县财政局", "各乡镇"], ["常务副县长张三"]),
        ("一.2", [], ["县人社局"], ["常务副县长张三"]),
    ]


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("市发展改革委牵头工作(8项)", "市发展改革委"),
        ("由市商务局牵头的工作任务", "市商务局"),
        ("市住建局、市城管局牵头工作", "市住建局、市城管局"),
        ("王志强市长主抓重点工作", "王志强市长"),
        ("李明副市长负责(6项)", "李明副市长"),
        ("市工业和信息化局(共5项)", "市工业和信息化局"),
        ("加快推进项目建设", None),
        ("强化组织领导", None),
        ("压实属地责任、部门负责", None),
    ],
)
def test_group_headings(title: str, names: str | None) -> None:
    span = group_heading(title)
    assert (title[span[0] : span[1]] if span else None) == names


@pytest.mark.parametrize(
    ("name", "leader"),
    [
        ("王志强市长", True),
        ("张副县长", True),
        ("常务副市长李明", True),
        ("分管副市长", True),
        ("市长王志强同志", True),
        ("市委常委", False),
        ("副市长", False),
        ("市发改委", False),
        ("市长热线办", False),
        ("县人社局", False),
    ],
)
def test_leaders_are_people_not_units(name: str, leader: bool) -> None:
    assert is_leader(name) is leader


def test_units_listed_with_commas_before_their_role_word_share_it() -> None:
    text = (
        "东山县2024年重点工作\n"
        "1.完成固定资产投资80亿元（县发改局牵头，县财政局、县住建局，各乡镇人民政府配合）。\n"
        "2.新增就业3000人（县人社局、县财政局，各乡镇负责）。\n"
        "3.开展技能培训2000人次（按程序负责）。\n"
    )
    assert _rows(text) == [
        ("1", ["县发改局"], ["县财政局", "县住建局", "各乡镇人民政府"], []),
        ("2", [], ["县人社局", "县财政局", "各乡镇"], []),
        ("3", [], [], []),
    ]


def test_leader_labels_name_the_leader_in_charge() -> None:
    text = (
        "东山县2024年重点工作\n"
        "1.完成固定资产投资80亿元。\n责任领导：王副县长\n牵头单位：县发改局\n责任单位：县财政局\n"
        "2.新增就业3000人。（分管领导：李副县长；牵头单位：县人社局）\n"
    )
    result = extract(text)
    assert _rows(text) == [
        ("1", ["县发改局"], ["县财政局"], ["王副县长"]),
        ("2", ["县人社局"], [], ["李副县长"]),
    ]
    assert all("领导" not in item["text"] for item in result["assignments"])


def test_a_leader_written_where_a_unit_goes_is_a_leader() -> None:
    text = "东山县2024年工作要点\n1.接待游客120万人次（王副县长牵头，县文旅局负责）。\n"
    assert _rows(text) == [("1", [], ["县文旅局"], ["王副县长"])]


@pytest.mark.parametrize(
    "note",
    [
        "（列第一位者为牵头单位，下同）",
        "（排在首位的为牵头单位）",
        "（第一个单位为牵头单位，下同）",
        "（牵头单位列第一位）",
    ],
)
def test_first_listed_unit_leads_and_the_note_is_never_a_unit(note: str) -> None:
    text = (
        "东山县2024年任务分工\n"
        f"1.新增就业3000人。\n责任单位：县人社局、县财政局{note}\n"
        "2.城镇调查失业率控制在5.5%以内。\n责任单位：县人社局、县统计局\n"
    )
    result = extract(text)
    assert _rows(text) == [
        ("1", ["县人社局"], ["县财政局"], []),
        ("2", ["县人社局"], ["县统计局"], []),
    ]
    for item in result["assignments"]:
        assert item["reasons"] == ["lead_inferred"]
        assert all("牵头" not in name for name in item["responsible_units"])


# --- flattened tables, cover notices, annexes ----------------------------------------------------


def test_flattened_table_rows_numbered_with_dots() -> None:
    text = (
        "东山县2024年任务分解表\n序号\n工作任务\n牵头单位\n配合单位\n完成时限\n"
        "1.\n新建5G基站300个\n县工信局\n县移动公司\n县电信公司\n2024年6月底前\n"
        "2.\n改造农村公路120公里\n县交通运输局\n各乡镇\n年内\n"
    )
    result = extract(text)
    assert _rows(text) == [
        ("1", ["县工信局"], ["县移动公司", "县电信公司"], []),
        ("2", ["县交通运输局"], ["各乡镇"], []),
    ]
    assert [a["deadline"] for a in result["assignments"]] == ["2024-06-30", "2024-12-31"]


def test_flattened_target_table_with_unit_columns() -> None:
    text = (
        "东山县2024年主要经济指标任务分解表\n序号\n指标名称\n单位\n目标值\n牵头单位\n责任单位\n"
        "1\n地区生产总值增速\n%\n6.5左右\n县发改局\n县统计局\n各乡镇\n"
        "2\n城镇新增就业\n人\n3000以上\n县人社局\n各乡镇\n"
    )
    result = extract(text)
    assert _rows(text) == [
        ("1", ["县发改局"], ["县统计局", "各乡镇"], []),
        ("2", ["县人社局"], ["各乡镇"], []),
    ]
    assert [
        (t["indicator"], t["value"], t["unit"], t["comparator"], t["kind"])
        for a in result["assignments"]
        for t in a["targets"]
    ] == [
        ("地区生产总值", 6.5, "%", "~", "growth"),
        ("城镇新增就业", 3000.0, "人", ">=", "count"),
    ]


def test_cover_notice_title_with_a_remark_starts_the_document() -> None:
    text = (
        "东山县人民政府办公室关于印发东山县2024年稳增长工作方案的通知\n"
        "各乡镇：现将《东山县2024年稳增长工作方案》印发给你们，请认真贯彻落实。\n"
        "一、提高认识。各乡镇要高度重视。\n二、加强督查。县政府督查室要跟踪督办。\n"
        "东山县人民政府办公室\n2024年2月1日\n"
        "东山县2024年稳增长工作方案（试行）\n"
        "一、扩大投资\n1.完成固定资产投资80亿元。\n2.新开工项目30个。\n"
    )
    result = extract(text)
    assert [a["ref"] for a in result["assignments"]] == ["一.1", "一.2"]
    assert (result["issuer"], result["date"]) == ("东山县人民政府办公室", "2024-02-01")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2022121日", "2022-12-01"),
        ("2024年1231日", "2024-12-31"),
        ("202331日", "2023-03-01"),
        ("2024年2月20日", "2024-02-20"),
        ("2024年1399日", None),
    ],
)
def test_signature_dates_that_lost_characters(text: str, date: str | None) -> None:
    assert garbled_date(text) == date


# --- headline goals and quarters -----------------------------------------------------------------


def test_goals_on_the_numbered_heading_line_of_a_quarter_plan() -> None:
    text = (
        "雲江市2024年一季度經濟「開門紅」行動方案\n一、總體要求\n（一）工作思路\n堅持穩中求進。\n"
        "（二）目標任務。一季度，全市地區生產總值同比增長6.5%以上，規模以上工業增加值同比增長8%，"
        "固定資產投資同比增長10%。\n二、重點措施\n"
        "1.規模以上工業企業開工率達到95%以上。（牽頭單位：市工業和信息化局）\n"
    )
    result = extract(text)
    assert [(t["indicator"], t["value"], t["quarter"]) for t in result["targets"]] == [
        ("地区生产总值", 6.5, 1),
        ("规模以上工业增加值", 8.0, 1),
        ("固定资产投资", 10.0, 1),
    ]
    (item,) = result["assignments"]
    assert [t["value"] for t in item["targets"]] == [95.0]


def test_numbered_goal_lines_under_the_goals_heading_are_the_headline() -> None:
    text = (
        "东山县2024年一季度经济开门红方案\n一、总体要求\n（一）目标任务\n"
        "1.地区生产总值同比增长6.5%以上；\n2.规模以上工业增加值同比增长8%；\n"
        "3.固定资产投资同比增长10%。\n二、重点措施\n"
        "1.规模以上工业企业开工率达到95%以上。（牵头单位：县工信局）\n"
        "2.新开工项目30个。（牵头单位：县发改局）\n"
    )
    result = extract(text)
    assert [(t["indicator"], t["value"], t["quarter"]) for t in result["targets"]] == [
        ("地区生产总值", 6.5, 1),
        ("规模以上工业增加值", 8.0, 1),
        ("固定资产投资", 10.0, 1),
    ]
    assert [a["ref"] for a in result["assignments"]] == ["二.1", "二.2"]


@pytest.mark.parametrize(
    ("text", "quarter"),
    [
        ("一季度规模以上工业增加值", 1),
        ("第二季度新开工项目", 2),
        ("前三季度完成投资", None),
        ("每季度报送", None),
        ("一季度完成投资5亿元,上半年完成", None),
        ("全年完成", None),
    ],
)
def test_quarter_of_the_last_period_named(text: str, quarter: int | None) -> None:
    assert quarter_of(text) == quarter


# --- what an indicator measures ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "unit", "kind", "expected"),
    [
        ("城乡居民人均可支配收入比", "", "level", "state"),
        ("常住人口城镇化率", "%", "share", "state"),
        ("城镇调查失业率", "%", "share", "state"),
        ("PM2.5平均浓度", "微克/立方米", "level", "state"),
        ("森林覆盖率", "%", "share", "state"),
        ("空气质量优良天数比例", "%", "share", "state"),
        ("民营经济增加值占比", "%", "share", "state"),
        ("营商环境评价位次", "名", "rank", "state"),
        ("每千人口执业医师数", "人", "level", "state"),
        ("企业开办时间", "个工作日", "level", "state"),
        ("地区生产总值", "%", "growth", "state"),
        ("单位地区生产总值能耗", "%", "decrease", "state"),
        ("固定资产投资", "亿元", "level", "cumulative"),
        ("规模以上工业总产值", "亿元", "level", "cumulative"),
        ("城镇新增就业", "人", "count", "cumulative"),
        ("粮食产量", "万吨", "level", "cumulative"),
        ("能耗总量", "万吨标准煤", "level", "cumulative"),
        ("建成5G基站", "个", "count", "cumulative"),
        ("规上企业营业收入", "亿元", "level", "cumulative"),
        ("引进项目", "个", "count", "cumulative"),
        ("城镇居民人均可支配收入", "元", "level", "cumulative"),
        ("资质等级建筑业企业户数", "户", "count", "cumulative"),
    ],
)
def test_measure(indicator: str, unit: str, kind: str, expected: str) -> None:
    assert measure(indicator, unit, kind) == expected  # type: ignore[arg-type]


# --- confidence ----------------------------------------------------------------------------------


def test_confidence_is_one_exactly_without_reasons_and_serious_reasons_are_low() -> None:
    assert score([]) == 1.0
    for reason in ("no_unit", "unit_unlike", "cut_off", "no_indicator", "maybe_context"):
        assert score([reason]) < LOW_CONFIDENCE, reason  # type: ignore[list-item]
    for reason in ("lead_inferred", "units_shared", "indicator_inferred"):
        assert LOW_CONFIDENCE < score([reason]) < 1.0, reason  # type: ignore[list-item]
    assert set(FACTORS) == {
        "no_unit",
        "unit_unlike",
        "cut_off",
        "no_indicator",
        "maybe_context",
        "lead_inferred",
        "units_shared",
        "indicator_inferred",
    }


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("县发改局", True),
        ("各乡镇", True),
        ("临沧银保监分局", True),
        ("南伞海关", True),
        ("市政府组成部门和直属机构", True),
        ("区", False),
        ("做好", False),
        ("按程序办理", False),
    ],
)
def test_looks_like_unit(name: str, unit: bool) -> None:
    assert looks_like_unit(name) is unit


def test_reasons_for_a_doubtful_unit_a_past_figure_and_a_missing_unit() -> None:
    text = (
        "东山县2024年工作要点\n"
        "1.目前已建成5G基站200个，今年新建300个。（牵头单位：县工信局；责任单位：按程序办理）\n"
        "2.新增就业3000人。\n"
    )
    first, second = extract(text)["assignments"]
    assert first["uncertain_units"] == [
        {"name": "按程序办理", "role": "co", "reason": "unit_unlike"}
    ]
    assert first["reasons"] == ["unit_unlike"] and first["confidence"] < LOW_CONFIDENCE
    past, goal = first["targets"]
    assert (past["value"], past["reasons"]) == (200.0, ["maybe_context"])
    assert (goal["value"], goal["reasons"], goal["confidence"]) == (300.0, [], 1.0)
    assert second["reasons"] == ["no_unit"] and second["confidence"] < LOW_CONFIDENCE


def test_the_starting_value_of_a_change_is_not_a_target() -> None:
    text = "东山县2024年工作要点\n1.森林覆盖率由60.5%提高到62%。（牵头单位：县林业局）\n"
    (item,) = extract(text)["assignments"]
    assert [(t["value"], t["comparator"]) for t in item["targets"]] == [(62.0, "=")]


def test_a_bare_last_line_is_a_fragment_not_part_of_the_last_task() -> None:
    text = (
        "东山县2024年工作要点\n"
        "1.新增就业3000人。（牵头单位：县人社局）\n"
        "2.新建公办幼儿园3所。（牵头单位：县教育局）\n"
        "区\n"
    )
    result = extract(text)
    assert [f["text"] for f in result["fragments"]] == ["区"]
    last = result["assignments"][-1]
    assert last["text"].endswith("新建公办幼儿园3所。") or "区" not in last["text"].split("\n")
    assert last["reasons"] == ["cut_off"]
