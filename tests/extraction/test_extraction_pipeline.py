"""extract(): the contract's shape, spans, and robustness on arbitrary input."""

from __future__ import annotations

import logging

import pytest

from extraction import extract, prepare_text
from extraction.pipeline import extract_strict
from tests.extraction import schema

INLINE = """荆州市某区人民政府关于印发某某任务分工方案的通知
发布时间:2022-03-28

某某任务分工方案

一、主要指标分工
(一)预期性指标。
1.地区生产总值年均增速9%。(责任单位:区发改局)
(二)约束性指标。
1.森林覆盖率达到36%。(责任单位:区自规分局)
二、重点任务分工
(一)优化布局
1.优化区域发展布局。到2025年,服务业增加值突破400亿元。(牵头单位:区发改局;责任单位:区住建局,各镇、街道)
三、工作要求
(一)加强协调。各部门要形成合力。
"""

SEPARATE = """1.人均地区生产总值及增速

2023年目标任务:人均地区生产总值达4.8万元以上。

牵头单位:市发展改革委

责任单位:各县(区)党委和政府,市工业和信息化局

2.城乡居民人均可支配收入比(逆指标)

2023年目标任务:进一步缩小差距。

牵头单位:市人力资源社会保障局、市农业农村局按职责负责

责任单位:各县(区)党委和政府
"""


def check_schema(result: dict, text: str) -> None:
    schema.check_schema(result, prepare_text(text))


def test_inline_layout() -> None:
    result = extract(INLINE)
    check_schema(result, INLINE)
    assert result["title"] == "某某任务分工方案"
    assert result["issuer"] == "荆州市某区人民政府"
    assert result["date"] == "2022-03-28"
    items = {a["ref"]: a for a in result["assignments"]}
    assert list(items) == ["一.(一).1", "一.(二).1", "二.(一).1"]
    first = items["一.(一).1"]
    assert first["section"] == ["主要指标分工", "预期性指标"]
    assert first["category"] == "预期性"
    assert items["一.(二).1"]["category"] == "约束性"
    assert first["title"] == "地区生产总值年均增速9%"
    assert first["lead_units"] == [] and first["responsible_units"] == ["区发改局"]
    task = items["二.(一).1"]
    assert task["category"] is None
    assert task["deadline"] == "2025-12-31"
    assert task["responsible_units"] == ["区住建局", "各镇", "各街道"]
    assert task["text"] == "优化区域发展布局。到2025年,服务业增加值突破400亿元。"
    assert [(t["value"], t["comparator"]) for t in task["targets"]] == [(400.0, ">")]


def test_spans_cover_number_title_and_units() -> None:
    for text in (INLINE, SEPARATE):
        for item in extract(text)["assignments"]:
            start, end = item["span"]
            piece = text[start:end]
            assert piece.startswith(item["number"])
            assert item["title"] in piece
            for unit in item["lead_units"] + item["responsible_units"]:
                assert unit.lstrip("各") in piece
            assert piece == piece.strip()


def test_separate_title_layout() -> None:
    result = extract(SEPARATE)
    check_schema(result, SEPARATE)
    first, second = result["assignments"]
    assert first["title"] == "人均地区生产总值及增速"
    assert first["text"] == "2023年目标任务:人均地区生产总值达4.8万元以上。"
    assert [(t["indicator"], t["value"], t["unit"], t["comparator"]) for t in first["targets"]] == [
        ("人均地区生产总值", 4.8, "万元", ">=")
    ]
    assert second["lead_units"] == ["市人力资源社会保障局", "市农业农村局"]
    # A target set in words only is a qualitative target, lower-is-better by its title's mark.
    (qualitative,) = second["targets"]
    assert (qualitative["indicator"], qualitative["value"], qualitative["kind"]) == (
        "城乡居民人均可支配收入比",
        None,
        "qualitative",
    )
    assert (qualitative["direction"], qualitative["text"]) == ("decrease", "进一步缩小差距")


def test_spans_are_offsets_in_the_prepared_text() -> None:
    text = "\ufeff" + INLINE.replace("\n", "\r\n").replace("(", "（").replace(")", "）")
    result = extract(text)
    prepared = prepare_text(text)
    assert len(result["assignments"]) == 3
    for item in result["assignments"]:
        start, end = item["span"]
        assert prepared[start:end].startswith(item["number"])
    assert result["assignments"][2]["responsible_units"] == ["区住建局", "各镇", "各街道"]


def test_principles_and_requirements_are_not_assignments() -> None:
    titles = [a["title"] for a in extract(INLINE)["assignments"]]
    assert "加强协调" not in titles


def test_document_without_units_lists_its_tasks() -> None:
    text = (
        "一、总体要求\n(一)指导思想。坚持新发展理念。\n"
        "二、重点任务\n(一)扩大投资。完成投资100亿元。\n(二)促进消费。\n"
    )
    items = extract(text)["assignments"]
    assert [a["ref"] for a in items] == ["二.(一)", "二.(二)"]
    assert items[0]["targets"][0]["value"] == 100.0


@pytest.mark.parametrize(
    "text", ["", " ", "\n\n", "随便一段没有结构的文字。", "1.", "(", "一、", "牵头单位:"]
)
def test_no_structure_gives_the_empty_schema(text: str) -> None:
    result = extract_strict(text)
    check_schema(result, text)
    assert result["assignments"] == []


def test_extract_logs_and_returns_empty_on_internal_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("rule failed")

    monkeypatch.setattr("extraction.pipeline.structure.build_tree", boom)
    with caplog.at_level(logging.ERROR, logger="extraction.pipeline"):
        result = extract(INLINE)
    assert result["assignments"] == [] and set(result) == schema.TOP_KEYS
    assert "extraction failed" in caplog.text


def test_unit_lines_after_sub_points_belong_to_the_item() -> None:
    text = (
        "一、重点任务\n1.加快项目建设\n(1)新开工项目30个以上。\n(2)完成投资100亿元。\n"
        "牵头单位:县发改局\n责任单位:县财政局(牵头)、县住建局\n"
        "2.扩大消费\n(1)社会消费品零售总额增长7%。\n牵头单位:县商务局\n责任单位:各乡镇、街道\n\n"
        "某某县人民政府办公室\n2024年2月1日\n"
    )
    first, second = extract(text)["assignments"]
    assert (first["ref"], first["title"]) == ("一.1", "加快项目建设")
    assert first["lead_units"] == ["县发改局", "县财政局"]  # "(牵头)" inside the list
    assert first["responsible_units"] == ["县住建局"]
    assert [t["indicator"] for t in first["targets"]] == ["新开工项目", "投资"]
    assert second["responsible_units"] == ["各乡镇", "各街道"]
    assert "人民政府办公室" not in second["text"]


def test_units_under_a_heading_apply_to_its_items() -> None:
    text = "(一)稳定增长(牵头单位:县发改局)\n1.投资增长10%。\n2.消费增长7%。\n"
    items = extract(text)["assignments"]
    assert [(a["ref"], a["lead_units"]) for a in items] == [
        ("(一).1", ["县发改局"]),
        ("(一).2", ["县发改局"]),
    ]


def test_title_before_a_colon() -> None:
    text = "1.加快项目建设:全年完成投资100亿元。(牵头单位:县发改局)\n"
    assert extract(text)["assignments"][0]["title"] == "加快项目建设"


def test_task_table() -> None:
    text = (
        "2024年重点任务分工表\n\n"
        "序号\t重点任务\t目标值\t牵头单位\t责任单位\t完成时限\n"
        "一、经济发展\n"
        "1\t地区生产总值增长\t增长6%左右\t县发改局\t县统计局、各乡镇\t2024年12月底\n"
        "2\t新建5G基站\t300个以上\t县工信局\t县移动公司\t6月底前\n"
    )
    result = extract(text)
    check_schema(result, text)
    first, second = result["assignments"]
    assert (first["ref"], first["section"], first["title"]) == (
        "一.1",
        ["经济发展"],
        "地区生产总值增长",
    )
    assert (first["lead_units"], first["responsible_units"]) == (
        ["县发改局"],
        ["县统计局", "各乡镇"],
    )
    assert [(t["indicator"], t["value"], t["comparator"]) for t in first["targets"]] == [
        ("地区生产总值", 6.0, "~")
    ]
    assert first["deadline"] == "2024-12-31"
    assert second["deadline"] == "2024-06-30"
    start, end = second["span"]
    assert text[start:end].startswith("2\t新建5G基站")


def test_traditional_document() -> None:
    text = (
        "臺北縣2024年經濟發展工作方案\n\n一、主要指標\n"
        "1.地區生產總值增長5%左右,居民消費價格漲幅控制在3%以內。"
        "(牽頭單位:經濟發展局;責任單位:財政局、統計局)\n"
    )
    result = extract(text)
    assert result["script"] == "traditional"
    item = result["assignments"][0]
    assert item["lead_units"] == ["经济发展局"]  # as written, in simplified characters
    assert [(t["indicator"], t["unit"]) for t in item["targets"]] == [
        ("地区生产总值", "%"),  # indicators in simplified characters
        ("居民消费价格", "%"),
    ]
