"""Headings, items, tables and document metadata."""

from __future__ import annotations

import pytest

from extraction import extract
from extraction.normalize import working_copy
from extraction.structure import (
    build_tree,
    find_issuer_and_date,
    find_tables,
    find_title,
    find_year,
    match_numbering,
    split_lines,
)


@pytest.mark.parametrize(
    ("line", "style", "number"),
    [
        ("一、主要任务", "cn", "一"),
        ("十二、工作要求", "cn", "十二"),
        ("(一)综合指标", "pcn", "一"),
        ("1.人均地区生产总值及增速", "num", "1"),
        ("12、加快项目建设", "num", "12"),
        ("(3)完善机制", "pnum", "3"),
        ("2)落实责任", "numr", "2"),
        ("①强化保障", "circ", "①"),
        ("第二章 主要任务", "chapter", "二"),
    ],
)
def test_numbering_styles(line: str, style: str, number: str) -> None:
    found = match_numbering(working_copy(line))
    assert found is not None and found[:2] == (style, number)


@pytest.mark.parametrize(
    "line",
    ["2023年目标任务:不断做大GDP总量", "2.95万人以上", "3.5%", "一是加强领导", "(此件发至县级)"],
)
def test_not_numbering(line: str) -> None:
    assert match_numbering(line) is None


def tree_of(text: str):
    norm = working_copy(text)
    roots, preamble = build_tree(split_lines(norm))
    return roots, preamble


def test_levels_come_from_the_order_of_styles() -> None:
    roots, preamble = tree_of(
        "前言一段。\n一、主要任务\n(一)综合指标\n1.甲\n正文\n2.乙\n(二)补充指标\n1.丙\n二、保障措施\n(一)丁\n"
    )
    assert [line.text for line in preamble] == ["前言一段。"]
    assert [r.token for r in roots] == ["一", "二"]
    first = roots[0]
    assert [c.token for c in first.children] == ["(一)", "(二)"]
    assert [c.token for c in first.children[0].children] == ["1", "2"]
    assert [line.text for line in first.children[0].children[0].lines] == ["正文"]
    assert [c.token for c in first.children[1].children] == ["1"]
    assert [c.token for c in roots[1].children] == ["(一)"]


def test_document_starting_at_second_level() -> None:
    roots, _ = tree_of("(一)甲\n1.子项\n(二)乙\n")
    assert [r.token for r in roots] == ["(一)", "(二)"]
    assert roots[0].children[0].token == "1"


def test_title_broken_over_lines_is_joined() -> None:
    text = (
        "关于《某市2023年促进高质量发展实施方案》(征求意见稿)的公告\n"
        "现将《某市2023年促进高质量发展实施方案》印发给你们。\n\n"
        "某市2023年促进高质量发展\n\n实施方案\n\n根据要求,制定本方案。\n一、目标要求\n"
    )
    assert extract(text)["title"] == "某市2023年促进高质量发展实施方案"


def test_title_from_first_line_of_a_report() -> None:
    text = "2023年某市政府工作报告\n各位代表:\n一、2022年工作回顾\n"
    norm = working_copy(text)
    lines = split_lines(norm)
    found = find_title(norm, lines, norm.index("一、"))
    assert found is not None
    assert norm[found[0] : found[1]] == "2023年某市政府工作报告"


def test_debris_is_never_the_title() -> None:
    text = "设为首页| 加入收藏\n当前位置: 首页 >> 通知\n打印|关闭\n"
    assert extract(text)["title"] is None


def test_signature_gives_issuer_and_date() -> None:
    text = "各镇人民政府:\n现将方案印发给你们。\n\n荆州市沙市区人民政府\n\n2022年3月28日\n"
    norm = working_copy(text)
    issuer, date = find_issuer_and_date(norm, split_lines(norm))
    assert date == "2022-03-28"
    assert isinstance(issuer, list) and [line.text for line in issuer] == ["荆州市沙市区人民政府"]


def test_metadata_table_wins() -> None:
    text = (
        "发布机构 | 通辽市人民政府 | 文 号 | 通政发〔2023〕21 号 |\n"
        "成文日期 | 2023-02-09 | 公文时效 | 有效 |\n"
        "发布时间:\n2023-02-17 11:40\n2023年2月9日\n"
    )
    result = extract(text)
    assert (result["issuer"], result["date"]) == ("通辽市人民政府", "2023-02-09")


def test_publication_date_as_last_resort() -> None:
    assert extract("某某通知\n发布时间:2022-03-28\n正文。")["date"] == "2022-03-28"


def test_issuer_from_a_notice_title() -> None:
    text = "荆州市沙市区人民政府关于印发某某方案的通知\n正文。\n"
    assert extract(text)["issuer"] == "荆州市沙市区人民政府"


@pytest.mark.parametrize(
    ("title", "date", "year"),
    [
        ("临沧市2023年促进县(区)高质量发展实施方案", "2023-06-25", 2023),
        (
            "某区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要任务分工方案",
            "2022-03-28",
            2022,
        ),
        ("二〇二四年重点工作安排", None, 2024),
        ("某某方案", "2021-05-01", 2021),
        (None, None, None),
    ],
)
def test_year(title: str | None, date: str | None, year: int | None) -> None:
    assert find_year(title, date) == year


def test_tables_with_header_and_section_rows() -> None:
    text = (
        "序号\t重点任务\t目标值\t牵头单位\t责任单位\t完成时限\n"
        "一、经济发展\n"
        "1\t地区生产总值增长\t增长6%左右\t县发改局\t县统计局、各乡镇\t2024年12月底\n"
        "二、民生\n"
        "1\t新增城镇就业\t3000人\t县人社局\t各乡镇、街道\t年内\n"
        "以上任务请认真落实。\n"
    )
    rows = find_tables(split_lines(working_copy(text)))
    assert [(r.sections[0][0], r.cells["task"].text) for r in rows] == [
        ("一", "地区生产总值增长"),
        ("二", "新增城镇就业"),
    ]


def test_leader_column_is_not_a_unit_column() -> None:
    text = (
        "序号\t工作任务\t牵头领导\t牵头单位\t责任单位\t时间节点\n"
        "1\t新建公园3个\t张某某\t县住建局\t县城管局\t2024年9月底\n"
    )
    (row,) = find_tables(split_lines(working_copy(text)))
    assert (row.cells["lead"].text, row.cells["responsible"].text) == ("县住建局", "县城管局")
    assert "leader" in row.cells and row.cells["deadline"].text == "2024年9月底"


def test_space_aligned_row_with_an_empty_cell_keeps_its_columns() -> None:
    text = (
        "序号  工作任务              完成时限      牵头单位      责任单位\n"
        "1     新建公园3个           年内          县住建局      县城管局\n"
        "2     改造公厕20座                        县城管局      各乡镇\n"
    )
    rows = find_tables(split_lines(working_copy(text)))
    assert [r.cells["lead"].text for r in rows] == ["县住建局", "县城管局"]
    assert [r.cells["deadline"].text for r in rows] == ["年内", ""]
    assert rows[1].cells["responsible"].text == "各乡镇"


def test_metadata_issuer_ends_at_a_run_of_spaces() -> None:
    text = "时间:2026-02-18     发布机构:云江市发展和改革委员会     浏览: 次\n某某方案\n"
    assert extract(text)["issuer"] == "云江市发展和改革委员会"
