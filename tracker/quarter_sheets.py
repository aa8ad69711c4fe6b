"""The quarter in one sheet (季度填报表): a unit's reports of one period as an .xlsx workbook,
one row per responsibility × target, filled offline and read back.

This module only writes and reads the file; what a row means (which report, which target, is
the figure valid) is decided by tracker.forms.quarter_sheets with the report form's own rules.
The columns are named by their Chinese headings; the file is written in the reader's language
and read back in either, from .xlsx or from .csv (UTF-8 with or without a byte-order mark, or
GB18030 as Excel in China saves it).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tracker.l10n import english, headings
from tracker.spreadsheets import csv_text, workbook_open

SHEET = gettext_noop("季度填报")
NOTES_SHEET = gettext_noop("填写说明")
# 编号 names the row (R<responsibility>-T<target>, or R<responsibility> for a task without
# targets) and 版本 the report's version when the sheet was made: an edit made since on the
# page makes the upload stale, as on the form.
KEY = gettext_noop("编号")
VERSION = gettext_noop("版本")
FIGURE = gettext_noop("本期累计")
ASSESSMENT = gettext_noop("自评")
NOTE = gettext_noop("说明")
NARRATIVE = gettext_noop("进展情况")
PROBLEMS = gettext_noop("存在问题")
NEXT_STEPS = gettext_noop("下步打算")
TASK = gettext_noop("任务")
COLUMNS = (
    KEY,
    VERSION,
    gettext_noop("单位"),
    gettext_noop("任务编号"),
    TASK,
    gettext_noop("指标"),
    gettext_noop("年度目标"),
    gettext_noop("计量单位"),
    gettext_noop("上期累计"),
    FIGURE,
    ASSESSMENT,
    NOTE,
    NARRATIVE,
    PROBLEMS,
    NEXT_STEPS,
)
# What the person fills in; every other column is for reading.
EDITABLE = (FIGURE, ASSESSMENT, NOTE, NARRATIVE, PROBLEMS, NEXT_STEPS)
_WIDTHS = {KEY: 12, VERSION: 6, TASK: 36, NARRATIVE: 40, PROBLEMS: 30, NEXT_STEPS: 30}
_KEY_PATTERN = re.compile(r"^R([0-9]{1,18})(?:-T([0-9]{1,18}))?$")
_FORMULA_START = ("=", "+", "-", "@")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_ROWS = 5000
NOTES = (
    gettext_noop(
        "每行是一项任务的一个指标；同一任务的进展情况、存在问题、下步打算填在该任务任一行即可。"
    ),
    gettext_noop(
        "本期累计：截至本期末的累计值，按“计量单位”填写（增速类填累计同比增速，可为负数）。"
    ),
    gettext_noop("自评：定性指标或没有量化指标的任务填写“未启动”“推进中”或“已完成”。"),
    gettext_noop(
        "请勿修改“编号”“版本”两列；上传后系统逐行校验，全部无误才保存（也可选择只保存无误的任务）。"
    ),
)


class QuarterSheetError(ValueError):
    """The file cannot be read as a quarter's sheet; the message says why, in the reader's
    language."""


@dataclass(frozen=True)
class SheetRow:
    """One filled row: its number as the spreadsheet shows it, the responsibility and target it
    names (target None for a task without targets), the version it was made at, and its cells."""

    number: int
    responsibility_id: int
    target_id: int | None
    version: int | None
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def row_key(responsibility_id: int, target_id: int | None) -> str:
    return f"R{responsibility_id}" + (f"-T{target_id}" if target_id is not None else "")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A figure typed into a number cell: keep what the person saw, not a binary float.
        value = int(value) if value.is_integer() else repr(value)
    text = str(value).replace("\r\n", "\n").strip()
    if text.startswith("'") and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


def _safe(value: str) -> str:
    value = _XML_ILLEGAL.sub(" ", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_sheet(title: str, rows: Sequence[Sequence[str]]) -> bytes:
    """The workbook: a title line, the header, one line per row (every cell as text, the
    columns to fill shaded), and a 填写说明 sheet."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = _(SHEET)
    ws.cell(row=1, column=1, value=_safe(title)).font = Font(name="宋体", bold=True, size=13)
    fill = PatternFill("solid", fgColor="FFF8E1")
    for col, heading in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=col, value=_(heading))
        cell.font = Font(name="宋体", bold=True)
        if heading in EDITABLE:
            cell.fill = fill
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(heading, 14)
    for r, cells in enumerate(rows, start=3):
        for col, value in enumerate(cells, start=1):
            cell = ws.cell(row=r, column=col, value=_safe(str(value)))
            cell.data_type = "s"
            if COLUMNS[col - 1] in EDITABLE:
                cell.fill = fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C3"
    notes = workbook.create_sheet(_(NOTES_SHEET))
    for line in NOTES:
        notes.append([_(line)])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_sheet(data: bytes, filename: str) -> list[SheetRow]:
    """Every row of an uploaded sheet (.xlsx or .csv) that names a report (by 编号), with its
    cells by their Chinese headings."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        table = _xlsx_table(data)
    elif name.endswith(".csv"):
        table = _csv_table(data)
    else:
        raise QuarterSheetError(_("请上传从本系统下载的 .xlsx 季度填报表（或另存的 .csv 文件）。"))
    return _rows_of(table)


def _xlsx_table(data: bytes) -> list[list[Any]]:
    workbook = workbook_open(data, QuarterSheetError)
    try:
        title = next((t for t in (SHEET, english(SHEET)) if t in workbook.sheetnames), None)
        if title is None:
            raise QuarterSheetError(_("工作簿中没有“季度填报”工作表，请使用本系统下载的填报表。"))
        return [list(r) for r in workbook[title].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_table(data: bytes) -> list[list[Any]]:
    """The sheet saved as CSV: UTF-8 (with or without a byte-order mark), else GB18030, the
    encoding Excel in China writes."""
    text = csv_text(data, QuarterSheetError)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise QuarterSheetError(_("无法读取该 .csv 文件：%(error)s") % {"error": exc}) from exc


def _rows_of(table: list[list[Any]]) -> list[SheetRow]:
    names = headings(COLUMNS)
    header_at = next(
        (
            i
            for i, row in enumerate(table[:5])
            if KEY in {names.get(_cell_text(c), "") for c in row}
        ),
        None,
    )
    if header_at is None:
        raise QuarterSheetError(_("填报表缺少“编号”列，请使用本系统下载的填报表。"))
    header = [names.get(_cell_text(c), "") for c in table[header_at]]
    rows = []
    for index, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        values = {
            column: _cell_text(raw[i]) if i < len(raw) else ""
            for i, column in enumerate(header)
            if column
        }
        if not any(values.values()):
            continue
        match = _KEY_PATTERN.match(values.get(KEY, ""))
        if match is None:
            raise QuarterSheetError(
                _("第 %(row)s 行的“编号”无法识别，请勿修改“编号”列。") % {"row": index}
            )
        version = values.get(VERSION, "")
        rows.append(
            SheetRow(
                number=index,
                responsibility_id=int(match[1]),
                target_id=int(match[2]) if match[2] else None,
                # ASCII digits only ("²".isdigit() is true but int() refuses it), and short
                # enough for the database's integers.
                version=int(version) if re.fullmatch(r"[0-9]{1,9}", version) else None,
                values=values,
            )
        )
    if len(rows) > MAX_ROWS:
        raise QuarterSheetError(
            _("填报表超过 %(count)s 行，请按单位分别上传。") % {"count": MAX_ROWS}
        )
    return rows
