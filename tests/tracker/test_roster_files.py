"""The roster as a file: an .xlsx with three sheets or a .csv of one table, columns found by
their header (a title row above it is fine), numbers read as text, lists split on 、，; — and
written back in the same layout, every cell text (a spreadsheet never runs a name as a formula),
the .csv with a BOM so Excel opens it in Chinese."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.samples import roster_workbook, shashi_roster
from tracker.roster_files import (
    PEOPLE,
    UNITS,
    RosterFileError,
    read_roster,
    roster_csv,
    roster_xlsx,
    split_list,
)


def test_an_office_workbook_is_read_with_its_row_numbers(tmp_path):
    path = roster_workbook(shashi_roster(), tmp_path / "r.xlsx")
    rows = read_roster(path.read_bytes(), "名册.XLSX")
    units = [r for r in rows if r.sheet == UNITS]
    # A title row, then the header on row 2: the first unit is on row 3, as Excel shows it.
    assert units[0].number == 3
    assert units[0].get("名称") == "荆州市沙市区人民政府"
    assert units[0].get("排序号") == "1"  # a number cell, read as text
    assert {r.sheet for r in rows} == {"单位", "人员", "单位集合"}


def test_a_csv_is_recognised_by_its_header_in_utf8_or_gbk():
    text = "用户名,姓名,电子邮箱,所属单位,角色\nli,李明,li@x.cn,云江市财政局,填报员\n"
    for data in (("\ufeff" + text).encode("utf-8"), text.encode("gb18030")):
        (row,) = read_roster(data, "people.csv")
        assert (row.sheet, row.number, row.get("姓名")) == (PEOPLE, 2, "李明")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a zip", "r.xlsx", "无法读取"),
        (b"a,b\n1,2\n", "r.csv", "无法识别 .csv 的表头"),
        (b"x", "r.xls", "请上传 .xlsx 或 .csv"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_with_a_reason(data, name, message):
    with pytest.raises(RosterFileError, match=message):
        read_roster(data, name)


def test_a_workbook_without_the_sheets_is_refused():
    book = openpyxl.Workbook()
    book.active.append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(RosterFileError, match="名册模板"):
        read_roster(buffer.getvalue(), "r.xlsx")


def test_what_is_written_reads_back_and_never_as_a_formula():
    tables = {UNITS: [['=HYPERLINK("x")', "市级", "", "3", "", "甲、乙", ""]]}
    data = roster_xlsx(tables)
    sheet = openpyxl.load_workbook(io.BytesIO(data))[UNITS]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")
    (row,) = read_roster(data, "r.xlsx")
    assert row.get("名称") == '=HYPERLINK("x")' and split_list(row.get("别名")) == ["甲", "乙"]
    csv = roster_csv(UNITS, tables[UNITS])
    assert csv.startswith("\ufeff".encode()) and "名称,层级" in csv.decode("utf-8-sig")


def test_the_template_has_the_three_sheets_and_the_notes():
    book = openpyxl.load_workbook(io.BytesIO(roster_xlsx({}, notes=True)))
    assert book.sheetnames == ["单位", "人员", "单位集合", "填写说明"]
    assert [c.value for c in book["人员"][1]] == [
        "用户名",
        "姓名",
        "电子邮箱",
        "联系电话",
        "所属单位",
        "角色",
        "分管单位",
    ]
    assert read_roster(roster_xlsx({}, notes=True), "t.xlsx") == []
