"""The statistics sheet (统计数据表) as a file (issue 13): 统计局's figures for the headline
indicators, one row each (指标名称 · 本期累计值 · 同比增长 · 数据截至), read from .xlsx or
.csv, and written pre-filled with the indicators to fill. Plain values only: matching rows to
tracked indicators is tracker.selectors.statistics', saving them tracker.services.statistics'.
The columns are named by their Chinese headings; the sheet is written in the reader's language
and read back in either.
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
from openpyxl.styles import Font, PatternFill

from tracker.l10n import english, headings
from tracker.spreadsheets import csv_text, workbook_open

NAME = gettext_noop("指标名称")
CUMULATIVE = gettext_noop("本期累计值")
GROWTH = gettext_noop("同比增长")
MONTH = gettext_noop("数据截至")
UNIT = gettext_noop("计量单位")
TARGET = gettext_noop("年度目标")
COLUMNS = (NAME, CUMULATIVE, UNIT, GROWTH, MONTH)
SHEET = gettext_noop("统计数据")
MAX_ROWS = 2_000
# A cell a spreadsheet would read as a formula is written with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Header spellings statistics offices use for the same columns.
_HEADER_ALIASES = {
    "指标": NAME,
    "指标名称": NAME,
    "本期累计值": CUMULATIVE,
    "累计值": CUMULATIVE,
    "本期累计": CUMULATIVE,
    "绝对值": CUMULATIVE,
    "本期值": CUMULATIVE,
    "同比增长": GROWTH,
    "同比增长(%)": GROWTH,
    "同比增长（%）": GROWTH,
    "增速": GROWTH,
    "增速(%)": GROWTH,
    "增速（%）": GROWTH,
    "同比增减": GROWTH,
    "数据截至": MONTH,
    "截至月份": MONTH,
    "数据月份": MONTH,
    "计量单位": UNIT,
    "单位": UNIT,
}


class StatisticsFileError(ValueError):
    """The file cannot be read as a statistics sheet; the message says why, in the reader's
    language."""


@dataclass(frozen=True)
class StatisticsRow:
    """One filled row: its number as the spreadsheet shows it and its cells as text."""

    number: int
    name: str
    cumulative: str = ""
    unit: str = ""
    growth: str = ""
    month: str = ""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year}-{value.month:02d}"  # a month typed as a date
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if text.startswith("'") and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


def _column(text: str) -> str:
    """The column a heading names: a statistics office's spelling, or the English heading of
    a sheet downloaded in English."""
    found = _HEADER_ALIASES.get(text.replace(" ", ""))
    if found is None:
        found = headings((*COLUMNS, TARGET)).get(text, "")
    return "" if found == TARGET else found


def _rows_of(table: Sequence[Sequence[Any]]) -> list[StatisticsRow]:
    header_at = None
    for index, row in enumerate(table[:5]):
        if NAME in {_column(_cell_text(c)) for c in row}:
            header_at = index
            break
    if header_at is None:
        raise StatisticsFileError(_("表格缺少“指标名称”列，请使用系统提供的统计数据模板。"))
    header = [_column(_cell_text(c)) for c in table[header_at]]
    if CUMULATIVE not in header and GROWTH not in header:
        raise StatisticsFileError(_("表格须有“本期累计值”或“同比增长”列。"))
    rows = []
    for number, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        values = {
            column: _cell_text(raw[i]) if i < len(raw) else ""
            for i, column in enumerate(header)
            if column
        }
        if not any(values.values()):
            continue
        rows.append(
            StatisticsRow(
                number=number,
                name=values.get(NAME, ""),
                cumulative=values.get(CUMULATIVE, ""),
                unit=values.get(UNIT, ""),
                growth=values.get(GROWTH, ""),
                month=values.get(MONTH, ""),
            )
        )
    if len(rows) > MAX_ROWS:
        raise StatisticsFileError(_("超过 %(count)s 行，请分批上传。") % {"count": MAX_ROWS})
    return rows


def read_statistics(data: bytes, filename: str) -> list[StatisticsRow]:
    """Every filled row of a statistics sheet (.xlsx: its first sheet, or one named 统计数据)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        workbook = workbook_open(
            data, StatisticsFileError, _("无法读取该 .xlsx 文件，请确认文件未损坏。")
        )
        try:
            title = next((t for t in (SHEET, english(SHEET)) if t in workbook.sheetnames), None)
            sheet = workbook[title] if title is not None else workbook.worksheets[0]
            return _rows_of([list(r) for r in sheet.iter_rows(values_only=True)])
        finally:
            workbook.close()
    if name.endswith(".csv"):
        text = csv_text(data, StatisticsFileError)
        return _rows_of(list(csv.reader(io.StringIO(text))))
    raise StatisticsFileError(_("请上传 .xlsx 或 .csv 格式的统计数据表。"))


def _safe(value: str) -> str:
    value = _XML_ILLEGAL.sub(" ", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def statistics_xlsx(rows: Sequence[tuple[str, str, str]], *, month: str) -> bytes:
    """The sheet to fill: one row per (indicator, unit, annual target as written), with the
    数据截至 month proposed; the figures are left for 统计局 to type."""
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:  # pragma: no cover - a new workbook has one sheet
        sheet = workbook.create_sheet(SHEET)
    sheet.title = _(SHEET)
    header = (NAME, CUMULATIVE, UNIT, GROWTH, MONTH, TARGET)
    for column, label in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column, value=_(label))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for r, (name, unit, target) in enumerate(rows, start=2):
        for column, value in ((1, name), (3, unit), (5, month), (6, target)):
            cell = sheet.cell(row=r, column=column, value=_safe(value))
            cell.data_type = "s"
        sheet.cell(row=r, column=2).number_format = "General"
        sheet.cell(row=r, column=4).number_format = "0.0"
    for letter, width in zip("ABCDEF", (28, 14, 10, 12, 12, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_MONTH = re.compile(r"(?:(\d{4})\s*[-/年.]\s*)?(?:1\s*[-—~至]\s*)?(\d{1,2})\s*月?(?:份)?")


def parse_month(text: str, year: int) -> tuple[int, int] | None:
    """A 数据截至 cell as (year, month): "2026-11", "2026年11月", "2026年1-11月", "11月", "1-11月"
    (the year the sheet is for when none is written); None when it is not a month."""
    cleaned = " ".join((text or "").split())
    match = _MONTH.fullmatch(cleaned)
    if match is None:
        return None
    month = int(match[2])
    if not 1 <= month <= 12:
        return None
    return (int(match[1]) if match[1] else year), month
