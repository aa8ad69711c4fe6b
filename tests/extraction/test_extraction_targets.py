"""Targets: values, units, comparators, kinds, directions and indicators."""

from __future__ import annotations

import pytest

from extraction.normalize import working_copy
from extraction.pipeline import extract_strict
from extraction.targets import find_headline_targets, find_targets
from extraction.types import Target


def targets_in(text: str, fallback: str = "", context: str = "") -> list[Target]:
    norm = working_copy(text)
    return find_targets(text, norm, 0, len(norm), fallback_indicator=fallback, context=context)


def one(text: str) -> Target:
    found = targets_in(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("人均地区生产总值达4.8万元以上", ">="),
        ("认定国家高新技术企业5户及以上", ">="),
        ("粮食产量不低于110万吨", ">="),
        ("新增就业不少于3000人", ">="),
        ("民营经济增加值占GDP比重超过60%", ">"),
        ("服务业增加值突破400亿元", ">"),
        ("增速高于全省1个百分点", ">"),
        ("地区生产总值增长7%左右", "~"),
        ("完成投资约120亿元", "~"),
        ("城镇登记失业率控制在4.5%以内", "<="),
        ("较大生产安全事故在2起以下", "<="),
        ("居民消费价格涨幅不超过3%", "<="),
        ("城镇调查失业率低于5.5%", "<="),
        ("城镇调查失业率控制在5.5%左右", "~"),
        ("综合能耗小于0.5吨标准煤", "<"),
        ("全市完成固定资产投资增长14%", "="),
        ("确保粮食产量达110万吨", "="),
    ],
)
def test_comparators(text: str, comparator: str) -> None:
    assert one(text)["comparator"] == comparator


@pytest.mark.parametrize("text", ["工业增加值增长6.5—7%", "工业增加值增长6.5-7%", "增长6.5%~7%"])
def test_ranges(text: str) -> None:
    target = one(text)
    assert (target["value"], target["value_high"], target["unit"]) == (6.5, 7.0, "%")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("人均地区生产总值达4.8万元以上", 4.8, "万元"),
        ("净培育个体工商户2.69万户以上", 2.69, "万户"),
        ("实现城镇新增就业2.95万人以上", 2.95, "万人"),
        ("抽检量达到4批次/千人以上", 4.0, "批次/千人"),
        ("新增粮食产能450万公斤", 450.0, "万公斤"),
        ("人均预期寿命79.5岁", 79.5, "岁"),
        ("每万人口高价值发明专利拥有量6件", 6.0, "件"),
        ("开展职业技能培训3万人次以上", 3.0, "万人次"),
        ("增长7%", 7.0, "%"),
    ],
)
def test_values_and_units_as_written(text: str, value: float, unit: str) -> None:
    target = one(text)
    assert (target["value"], target["unit"]) == (value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "2023年目标任务:持续推进",
        "到2035年基本实现现代化",
        "每千人口拥有3岁以下婴幼儿托位数",
        "在爱国卫生“7个专项行动”基础上",
        "紧紧抓住培养人才、吸引人才、使用人才3个环节",
        "比重0.012%(高企净增5户、企业法人总量41621户)",
        "实施500千伏输变电工程",
        "召开第5次全体会议",
        "问题限时3天内办结",
        "农产品加工产值与农业总产值比达到1.4:1",
        "PM2.5平均浓度下降",
        "国控、省控断面劣Ⅴ类水体比例为0",
    ],
)
def test_numbers_that_are_not_targets(text: str) -> None:
    values = [t["value"] for t in targets_in(text)]
    assert values in ([], [0.012]), values


def test_chinese_numeral_counts_with_a_qualified_noun() -> None:
    target = one("打造两个200亿元以上产业")
    assert (target["indicator"], target["value"], target["unit"]) == ("200亿元以上产业", 2.0, "个")
    assert targets_in("坚决做到两个维护,深化三项制度改革,统一规划") == []


def test_scope_number_inside_indicator_is_kept_in_name() -> None:
    target = one("每千人口拥有3岁以下婴幼儿托位数2个")
    assert (target["value"], target["unit"]) == (2.0, "个")
    assert target["indicator"] == "每千人口拥有3岁以下婴幼儿托位数"
    headline = one("500万元以上固定资产投资增长10%以上")
    assert headline["indicator"] == "500万元以上固定资产投资"
    assert (headline["value"], headline["comparator"]) == (10.0, ">=")


@pytest.mark.parametrize(
    ("text", "kind", "direction"),
    [
        ("全市完成固定资产投资增长14%", "growth", "increase"),
        ("地区生产总值年均增速9%", "growth", "increase"),
        ("固定资产投资占比45%", "share", "increase"),
        ("常住人口城镇化率达到90%", "share", "increase"),
        ("单位地区生产总值能耗降低2%", "decrease", "decrease"),
        ("建设用地使用面积下降率达15%", "decrease", "decrease"),
        ("城镇调查失业率5.5%", "share", "decrease"),
        ("力争净增企业1万户", "count", "increase"),
        ("新增城镇就业3000人", "count", "increase"),
        ("每千人口拥有执业(助理)医师数4.1人", "level", "increase"),
        ("粮食产量达110万吨", "level", "increase"),
        ("控制较大生产安全事故在2起以下", "count", "decrease"),
    ],
)
def test_kind_and_direction(text: str, kind: str, direction: str) -> None:
    target = one(text)
    assert (target["kind"], target["direction"]) == (kind, direction)


def test_inverse_indicator_title_sets_direction() -> None:
    target = targets_in("使用面积下降15%", context="单位地区生产总值建设用地使用面积(逆指标)")[0]
    assert target["direction"] == "decrease"


def test_rank_range_keeps_the_worst_acceptable_rank() -> None:
    found = targets_in("全年批发业销售额达237.46亿元,增长18%,全省排名第3—9名之间。")
    assert [(t["value"], t["unit"], t["kind"]) for t in found] == [
        (237.46, "亿元", "level"),
        (18.0, "%", "growth"),
        (9.0, "名", "rank"),
    ]
    assert found[2]["comparator"] == "<="
    assert found[2]["indicator"] == "批发业销售额排名"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("全市完成固定资产投资增长14%", "固定资产投资"),
        ("全市力争净增企业1万户", "净增企业"),
        ("全市2023年脱贫人口人均纯收入预计达17000元", "脱贫人口人均纯收入"),
        ("实现城镇新增就业2.95万人以上", "城镇新增就业"),
        ("其中:规上工业企业户数净增30户", "规上工业企业户数"),
        ("确保“三保”支出140.71亿元", "“三保”支出"),
        ("6月底前开工项目不少于30个", "开工项目"),
        ("争取2个县城列入全省幸福县城", "县城列入全省幸福县城"),
    ],
)
def test_indicator_is_a_clean_noun_phrase(text: str, indicator: str) -> None:
    assert one(text)["indicator"] == indicator


def test_growth_clause_inherits_the_previous_indicator() -> None:
    found = targets_in("全市完成民间投资365亿元,增长89%,固定资产投资占比45%。")
    assert [t["indicator"] for t in found] == ["民间投资", "民间投资", "固定资产投资占比"]
    found = targets_in("全市地方一般公共预算收入50.08亿元、同比增长20%")
    assert [t["indicator"] for t in found] == ["地方一般公共预算收入"] * 2


def test_values_per_place_share_one_indicator() -> None:
    found = targets_in(
        "每千人口拥有执业(助理)医师临翔区4.1人(含市直医师数)、云县2.1人、凤庆县2.1人。"
    )
    assert [t["value"] for t in found] == [4.1, 2.1, 2.1]
    assert {t["indicator"] for t in found} == {"每千人口拥有执业(助理)医师"}
    assert [t["scope"] for t in found] == ["临翔区", "云县", "凤庆县"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "城镇和农村居民人均可支配收入分别增长7%和8%左右",
            [("城镇居民人均可支配收入", 7.0, "~"), ("农村居民人均可支配收入", 8.0, "~")],
        ),
        (
            "城乡居民人均可支配收入分别增长7%、7.5%",
            [("城镇居民人均可支配收入", 7.0, "="), ("农村居民人均可支配收入", 7.5, "=")],
        ),
        (
            "城镇、农村居民人均可支配收入分别增长7.5%、9.5%左右",
            [("城镇居民人均可支配收入", 7.5, "~"), ("农村居民人均可支配收入", 9.5, "~")],
        ),
        (
            "城镇和农村居民可支配收入分别增长6.5%左右、7.5%左右",
            [("城镇居民可支配收入", 6.5, "~"), ("农村居民可支配收入", 7.5, "~")],
        ),
    ],
)
def test_respectively_gives_one_target_per_value(
    text: str, expected: list[tuple[str, float, str]]
) -> None:
    found = targets_in(text)
    assert [(t["indicator"], t["value"], t["comparator"]) for t in found] == expected


def test_text_is_the_clause() -> None:
    target = targets_in(
        "加大对外贸易力度,外贸进出口总额预期目标增长20%以上,预计完成48.72亿元以上。"
    )[0]
    assert target["text"] == "外贸进出口总额预期目标增长20%以上"


def test_headline_targets_of_a_work_report() -> None:
    text = (
        "二、2023年工作安排\n"
        "主要预期目标是:生产总值增长7%左右,城镇调查失业率控制在5.5%以内,"
        "城镇和农村居民人均可支配收入分别增长7%和8%左右。这些目标与规划衔接。\n"
        "全年完成投资100亿元。\n"
    )
    norm = working_copy(text)
    found = find_headline_targets(text, norm)
    assert [(t["indicator"], t["value"], t["comparator"]) for t in found] == [
        ("生产总值", 7.0, "~"),
        ("城镇调查失业率", 5.5, "<="),
        ("城镇居民人均可支配收入", 7.0, "~"),
        ("农村居民人均可支配收入", 8.0, "~"),
    ]


def test_no_headline_sentence_no_targets() -> None:
    text = "2023年目标任务:全市完成固定资产投资增长14%。"
    assert find_headline_targets(text, working_copy(text)) == []


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator"),
    [
        ("新增就业一万人", 1.0, "万人", "="),
        ("培训农村劳动力两万人次", 2.0, "万人次", "="),
        ("培育三家上市公司", 3.0, "家", "="),
        ("新建十二所幼儿园", 12.0, "所", "="),
        ("完成投资170多亿元", 170.0, "亿元", ">"),
        ("新增就业1万余人", 1.0, "万人", ">"),
        ("企业开办时间压缩至1个工作日以内", 1.0, "个工作日", "<="),
    ],
)
def test_chinese_numerals_more_than_and_time_targets(
    text: str, value: float, unit: str, comparator: str
) -> None:
    target = one(text)
    assert (target["value"], target["unit"], target["comparator"]) == (value, unit, comparator)


@pytest.mark.parametrize(
    "text",
    [
        "统一规划建设",
        "建设一个平台",
        "坚持两个毫不动摇",
        "五年累计",
        "以10个示范村为引领",
        "按照建成区每平方公里公厕不少于4座的标准",
        "实施16个乡村建设专项行动",
        "支持30万人以上县(市、区)规划建设技工院校",
    ],
)
def test_more_numbers_that_are_not_targets(text: str) -> None:
    assert targets_in(text) == []


def test_per_place_values_get_a_scope_only_when_each_has_a_place() -> None:
    found = targets_in("每千人口执业(助理)医师数:东城区3.2人、西城区2.6人、北山县2.1人", "医师数")
    assert [(t["scope"], t["value"]) for t in found] == [
        ("东城区", 3.2),
        ("西城区", 2.6),
        ("北山县", 2.1),
    ]
    counted = targets_in("开工建设云县、永德县、耿马县、孟定镇5座生活垃圾焚烧(发电)厂")
    assert [(t["scope"], t["value"]) for t in counted] == [(None, 5.0)]
    # "小区" and "开发区" end like place names but are not places.
    assert targets_in("改造城镇老旧小区120个")[0]["indicator"] == "城镇老旧小区"


def test_inverse_mark_applies_to_the_titled_indicator_only() -> None:
    found = targets_in(
        "城镇调查失业率控制在5.5%以内,城镇新增就业1200人以上",
        context="城镇调查失业率(逆指标)",
    )
    assert [t["direction"] for t in found] == ["decrease", "increase"]


def test_reaching_a_level_is_not_a_growth() -> None:
    assert one("常住人口城镇化率提高到58%")["kind"] == "share"
    assert one("城镇化率提高2个百分点")["kind"] == "growth"


@pytest.mark.parametrize(
    "text",
    [
        "综合考虑各方面因素,今年全市地区生产总值增长6%左右,一般公共预算收入增长5%,"
        "固定资产投资增长10%以上。",
        "一、主要目标\n地区生产总值增长6%左右,一般公共预算收入增长5%,固定资产投资增长10%以上。",
        "主要预期目标:\n——地区生产总值增长6%左右;\n——一般公共预算收入增长5%;\n——固定资产投资增长10%以上。",
    ],
)
def test_headline_targets_without_the_marker_sentence(text: str) -> None:
    found = find_headline_targets(text, working_copy(text))
    assert [(t["value"], t["comparator"]) for t in found] == [(6.0, "~"), (5.0, "="), (10.0, ">=")]


def test_past_results_are_not_headline_targets() -> None:
    text = "2023年,全市地区生产总值增长4.8%,一般公共预算收入增长3.2%,固定资产投资增长5%。"
    assert find_headline_targets(text, working_copy(text)) == []


def test_a_ratio_or_index_without_a_unit_is_a_target_after_its_goal_verb():
    text = (
        "1.城乡收入:城乡居民人均可支配收入比缩小至2.1以内,恩格尔系数降至30以下,"
        "农村居民收入比上年增长8%。(牵头单位:市农业农村局)"
    )
    found = [
        (t["indicator"], t["value"], t["unit"], t["comparator"], t["direction"])
        for t in extract_strict(text)["assignments"][0]["targets"]
    ]
    assert found == [
        ("城乡居民人均可支配收入比", 2.1, "", "<=", "decrease"),
        ("恩格尔系数", 30.0, "", "<=", "decrease"),
        ("农村居民收入", 8.0, "%", "=", "increase"),
    ]
