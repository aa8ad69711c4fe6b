"""The roster as a file (名册): the office's units, people and groups in a spreadsheet an
administrator fills in, the same layout the product exports, and the template it ships.

An .xlsx workbook holds three sheets — 单位, 人员, 单位集合 — each a header row and one row per
entry; a .csv file holds one of those tables (told apart by its header). Columns are found by
their header, in any order; lists in a cell (aliases, contact addresses, members) are separated
by 、，,；; or new lines. What the rows mean is decided by tracker.selectors.rosters; this module
only reads and writes files. Tables and columns are named by their Chinese headings; a file is
written in the reader's language and read back in either.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tracker.l10n import headings
from tracker.spreadsheets import csv_text, workbook_open

# The sheets' names are words used elsewhere too ("单位" is also a column): their English
# comes with its own context.
UNITS = "单位"
PEOPLE = "人员"
GROUPS = "单位集合"
SHEETS = (UNITS, PEOPLE, GROUPS)


def sheet_name(sheet: str) -> str:
    """A table's name in the reader's language: 单位 or Units, 人员 or People…"""
    return {
        UNITS: pgettext("roster sheet", "单位"),
        PEOPLE: pgettext("roster sheet", "人员"),
        GROUPS: pgettext("roster sheet", "单位集合"),
    }[sheet]


def _sheet_of(title: str) -> str | None:
    """The table a sheet's name (in either language) stands for."""
    for sheet in SHEETS:
        with_english = {sheet}
        with translation.override("en"):
            with_english.add(sheet_name(sheet))
        if title in with_english:
            return sheet
    return None


COLUMNS: Mapping[str, tuple[str, ...]] = {
    UNITS: (
        gettext_noop("名称"),
        gettext_noop("层级"),
        gettext_noop("上级单位"),
        gettext_noop("排序号"),
        gettext_noop("类别"),
        gettext_noop("别名"),
        gettext_noop("联系邮箱"),
    ),
    PEOPLE: (
        gettext_noop("用户名"),
        gettext_noop("姓名"),
        gettext_noop("电子邮箱"),
        gettext_noop("联系电话"),
        gettext_noop("所属单位"),
        gettext_noop("角色"),
        gettext_noop("分管单位"),
    ),
    GROUPS: (gettext_noop("名称"), gettext_noop("成员单位"), gettext_noop("别名")),
}
# The column a table is recognised by, and that a row must fill.
KEY_COLUMN = {UNITS: "名称", PEOPLE: "用户名", GROUPS: "名称"}
# What tells the tables apart in a .csv file (units and groups both have 名称).
_SIGNATURE = {UNITS: "层级", PEOPLE: "用户名", GROUPS: "成员单位"}

NOTES = (
    (
        UNITS,
        "名称",
        gettext_noop("单位全称，如“荆州市沙市区发展和改革局”；已有单位按名称更新，新名称将新建。"),
    ),
    (
        UNITS,
        "层级",
        gettext_noop("省级、市级、县(区)级、镇(街道)级；留空时按名称推断（新单位）或保持不变。"),
    ),
    (
        UNITS,
        "上级单位",
        gettext_noop("上级单位的全称，可以是本表中的单位，也可以是系统中已有的单位。"),
    ),
    (
        UNITS,
        "排序号",
        gettext_noop("正整数，各类单位列表和排名表按此排序；留空排在最后。"),
    ),
    (
        UNITS,
        "类别",
        gettext_noop("党委政府、部门单位、集合名称、其他单位；留空为部门单位。"),
    ),
    (
        UNITS,
        "别名",
        gettext_noop("文件中常用的简称，如“区发改局”，多个用顿号分隔。"),
    ),
    (
        UNITS,
        "联系邮箱",
        gettext_noop("单位接收提醒的邮箱（如办公室邮箱），多个用顿号分隔。"),
    ),
    (
        PEOPLE,
        "用户名",
        gettext_noop("登录用的用户名，字母、数字或 @ . + - _。"),
    ),
    (
        PEOPLE,
        "电子邮箱",
        gettext_noop("新人员必填：系统向此邮箱发送设置密码的邀请链接。"),
    ),
    (
        PEOPLE,
        "所属单位",
        gettext_noop("单位全称；填报员和牵头审核员必填。"),
    ),
    (
        PEOPLE,
        "角色",
        gettext_noop("填报员、牵头审核员、督查员、分管领导、管理员；留空为填报员。"),
    ),
    (
        PEOPLE,
        "分管单位",
        gettext_noop("仅分管领导填写：所分管单位的全称，多个用顿号分隔。"),
    ),
    (
        GROUPS,
        "名称",
        gettext_noop("文件中出现的集合名称，如“各镇”“区政府各部门”。"),
    ),
    (
        GROUPS,
        "成员单位",
        gettext_noop("成员单位全称，用顿号分隔；发布文件时集合展开为这些单位。"),
    ),
    (
        GROUPS,
        "别名",
        gettext_noop("集合的其他写法，如“各镇人民政府”。"),
    ),
)

# Lists inside one cell.
_SEPARATORS = re.compile(r"[\n\r,，、;；]+")
# A cell a spreadsheet would read as a formula is written with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_ROWS = 50_000


class RosterFileError(ValueError):
    """The file cannot be read as a roster; the message says why, in the reader's language."""


@dataclass(frozen=True)
class RosterRow:
    """One filled row: its table, its number as the spreadsheet shows it, and its cells by
    column header."""

    sheet: str
    number: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def split_list(text: str) -> list[str]:
    """A cell's list, each entry once, in order."""
    seen: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        part = " ".join(part.split())
        if part and part not in seen:
            seen.append(part)
    return seen


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if text.startswith("'") and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


def _rows_of(sheet: str, table: Sequence[Sequence[Any]]) -> list[RosterRow]:
    """The filled rows under the table's header (found in its first five rows)."""
    key = KEY_COLUMN[sheet]
    names = headings(COLUMNS[sheet])
    header_at = next(
        (
            i
            for i, row in enumerate(table[:5])
            if key in {names.get(_cell_text(c), "") for c in row}
        ),
        None,
    )
    if header_at is None:
        raise RosterFileError(
            _("“%(sheet)s”表缺少表头“%(column)s”列，请使用系统提供的名册模板。")
            % {"sheet": sheet_name(sheet), "column": _(key)}
        )
    header = [names.get(_cell_text(c), "") for c in table[header_at]]
    rows = []
    for index, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        values = {
            column: _cell_text(raw[i]) if i < len(raw) else ""
            for i, column in enumerate(header)
            if column in COLUMNS[sheet]
        }
        if any(values.values()):
            rows.append(RosterRow(sheet, index, values))
    if len(rows) > MAX_ROWS:
        raise RosterFileError(
            _("“%(sheet)s”表超过 %(count)s 行，请分批导入。")
            % {"sheet": sheet_name(sheet), "count": MAX_ROWS}
        )
    return rows


def read_roster(data: bytes, filename: str) -> list[RosterRow]:
    """Every filled row of a roster file (.xlsx or .csv), table by table."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise RosterFileError(_("请上传 .xlsx 或 .csv 格式的名册文件。"))


def _read_xlsx(data: bytes) -> list[RosterRow]:
    workbook = workbook_open(data, RosterFileError)
    try:
        found = {
            sheet: title for title in workbook.sheetnames if (sheet := _sheet_of(title)) is not None
        }
        if not found:
            raise RosterFileError(
                _("工作簿中没有“单位”“人员”或“单位集合”工作表，请使用系统提供的名册模板。")
            )
        rows: list[RosterRow] = []
        for sheet in SHEETS:
            if sheet in found:
                table = [list(r) for r in workbook[found[sheet]].iter_rows(values_only=True)]
                rows.extend(_rows_of(sheet, table))
        return rows
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[RosterRow]:
    table = list(csv.reader(io.StringIO(csv_text(data, RosterFileError))))
    for sheet in (PEOPLE, GROUPS, UNITS):
        names = headings(COLUMNS[sheet])
        headers = [{names.get(_cell_text(c), "") for c in row} for row in table[:5]]
        if any(_SIGNATURE[sheet] in header for header in headers):
            return _rows_of(sheet, table)
    raise RosterFileError(
        _(
            "无法识别 .csv 的表头：单位表须有“名称”“层级”列，人员表须有“用户名”列，"
            "单位集合表须有“名称”“成员单位”列。"
        )
    )


def _safe(value: str) -> str:
    value = _XML_ILLEGAL.sub(" ", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def roster_xlsx(tables: Mapping[str, Sequence[Sequence[str]]], *, notes: bool = False) -> bytes:
    """A workbook with a sheet per table (header row, then the rows), every cell as text; with
    `notes`, a 填写说明 sheet explaining the columns (the shipped template)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet_name(sheet))
        columns = COLUMNS[sheet]
        for col, heading in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=col, value=_(heading))
            cell.font = Font(name="宋体", bold=True)
            ws.column_dimensions[get_column_letter(col)].width = 14 if col > 1 else 30
        for r, cells in enumerate(tables.get(sheet, ()), start=2):
            for col, value in enumerate(cells, start=1):
                cell = ws.cell(row=r, column=col, value=_safe(str(value)))
                cell.data_type = "s"
        ws.freeze_panes = "A2"
    if notes:
        ws = workbook.create_sheet(_("填写说明"))
        ws.append([_("工作表"), _("列"), _("说明")])
        for sheet, column, text in NOTES:
            ws.append([sheet_name(sheet), _(column), _(text)])
        for letter, width in (("A", 12), ("B", 12), ("C", 80)):
            ws.column_dimensions[letter].width = width
        for note_cells in ws.iter_rows(min_row=2):
            note_cells[2].alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_csv(sheet: str, rows: Sequence[Sequence[str]]) -> bytes:
    """One table as CSV, UTF-8 with a byte-order mark so that Excel opens it in Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_(column) for column in COLUMNS[sheet]])
    for row in rows:
        writer.writerow([_safe(str(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
