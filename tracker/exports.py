"""The quarter's analysis as files to print and forward: .xlsx (openpyxl) and .docx (python-docx).

Both render the content dict of tracker.selectors.bulletin, so the page, the spreadsheet and the
document always carry the same figures. Layout follows the habits of government paperwork: A4,
宋体/仿宋, a title line, numbered sections (一、二、…), tables with repeated header rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.formatting import clean_text
from tracker.l10n import section_number

# Fills that print legibly in grey-scale too (light tints, the label carries the meaning).
COLOUR_FILLS = {
    "blue": "BDD7EE",
    "green": "C6EFCE",
    "yellow": "FFEB9C",
    "red": "FFC7CE",
    "grey": "EDEDED",
}

TARGET_COLUMNS: Sequence[tuple[str, Any, int]] = (
    ("ref", gettext_lazy("编号"), 10),
    ("indicator", gettext_lazy("指标"), 28),
    ("target", gettext_lazy("年度目标"), 18),
    ("lead_unit", gettext_lazy("牵头单位"), 20),
    ("previous_actual", gettext_lazy("上季度累计"), 12),
    ("actual", gettext_lazy("本季度累计"), 12),
    ("completion", gettext_lazy("完成率"), 10),
    ("elapsed", gettext_lazy("序时进度"), 10),
    ("gap", gettext_lazy("与目标差距"), 16),
    ("colour_label", gettext_lazy("状态"), 10),
)
HEADLINE_COLUMNS: Sequence[tuple[str, Any, int]] = (
    ("indicator", gettext_lazy("指标"), 26),
    ("target", gettext_lazy("年度目标"), 18),
    ("actual", gettext_lazy("本期累计"), 14),
    ("growth", gettext_lazy("增速"), 10),
    ("elapsed", gettext_lazy("序时进度"), 10),
    ("data_month", gettext_lazy("数据截至"), 10),
    ("colour_label", gettext_lazy("状态"), 26),
)
RANKING_COLUMNS: Sequence[tuple[str, Any, int]] = (
    ("rank", gettext_lazy("排名"), 8),
    ("previous_rank", gettext_lazy("上季度排名"), 12),
    ("unit", gettext_lazy("单位"), 30),
    ("score", gettext_lazy("综合得分"), 10),
    ("good_share", gettext_lazy("进度正常率"), 12),
    ("on_time_rate", gettext_lazy("按时报送率"), 12),
    ("problems_in_time", gettext_lazy("问题按时办结率"), 16),
    ("expected", gettext_lazy("应报事项"), 10),
)
SLOT_COLUMNS: Sequence[tuple[str, Any, int]] = (
    ("ref", gettext_lazy("编号"), 10),
    ("title", gettext_lazy("任务"), 40),
    ("unit", gettext_lazy("单位"), 30),
    ("role", gettext_lazy("角色"), 8),
    ("due_on", gettext_lazy("报送截止"), 16),
)
PROBLEM_COLUMNS: Sequence[tuple[str, Any, int]] = (
    ("unit", gettext_lazy("提出单位"), 24),
    ("ref", gettext_lazy("任务编号"), 10),
    ("description", gettext_lazy("问题"), 50),
    ("level", gettext_lazy("当前层级"), 12),
    ("deadline", gettext_lazy("本级办结时限"), 20),
)
ACTION_COLUMNS: Sequence[tuple[str, Any, int]] = (
    ("date", gettext_lazy("日期"), 16),
    ("kind", gettext_lazy("方式"), 8),
    ("unit", gettext_lazy("对象单位"), 28),
    ("reason", gettext_lazy("事由"), 50),
    ("author", gettext_lazy("发起人"), 14),
)


def bulletin_filename(content: dict[str, Any], extension: str) -> str:
    name = _("%(title)s-%(period)s分析") % {
        "title": content["document"]["title"],
        "period": content["period"]["label"],
    }
    return f"{name}.{extension}"


def _title(content: dict[str, Any]) -> str:
    return _("%(title)s %(period)s推进情况分析") % {
        "title": content["document"]["title"],
        "period": content["period"]["label"],
    }


def _change(row: dict[str, Any]) -> str:
    change = row.get("change")
    if change is None:
        return _("新进") if row.get("previous_rank") is None else ""
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "—"


# Columns the spreadsheet holds as numbers (issue 13): the content's raw figure (a Decimal as a
# string, "<key>_n") and the number format it is shown in. Frozen analyses from before the raw
# figures were kept fall back to their text.
NUMBER_FORMATS = {
    "growth": '0.0"%"',
    "previous_actual": "General",
    "actual": "General",
    "completion": "0.0%",
    "elapsed": "0.0%",
    "score": "0.0",
    "good_share": "0.0%",
    "on_time_rate": "0.0%",
    "problems_in_time": "0.0%",
}
_INTEGER_COLUMNS = frozenset({"rank", "expected"})


def _xlsx_rows(
    items: list[dict[str, Any]], columns: Sequence[tuple[str, Any, int]]
) -> list[list[Any]]:
    """The rows for a sheet: figures as (number, format) pairs, everything else as text."""
    out: list[list[Any]] = []
    for item, texts in zip(items, _rows(items, columns), strict=True):
        row: list[Any] = []
        for (key, _label, _width), text in zip(columns, texts, strict=True):
            raw = item.get(f"{key}_n")
            if key in NUMBER_FORMATS and raw not in (None, ""):
                row.append((Decimal(str(raw)), NUMBER_FORMATS[key]))
            elif key in _INTEGER_COLUMNS and isinstance(item.get(key), int):
                row.append((item[key], "0"))
            else:
                row.append(text)
        out.append(row)
    return out


def _rows(items: list[dict[str, Any]], columns: Sequence[tuple[str, Any, int]]) -> list[list[str]]:
    out = []
    for item in items:
        row = []
        for key, _label, _width in columns:
            value = item.get(key)
            if key == "previous_rank":
                value = f"{value if value is not None else '—'} {_change(item)}".strip()
            row.append("" if value is None else str(value))
        out.append(row)
    return out


def _summary_lines(content: dict[str, Any]) -> list[tuple[str, str]]:
    s = content["summary"]
    c = s["colours"]
    pc = content["problem_counts"]
    period = content["period"]
    return [
        (_("文件"), content["document"]["title"]),
        (
            _("报送周期"),
            _("%(period)s（截止%(due_on)s）")
            % {"period": period["label"], "due_on": period["due_on"]},
        ),
        (_("统计截至"), content["as_of"]),
        (_("应报送事项"), str(s["expected"])),
        (
            _("已报送"),
            _("%(count)s（报送率 %(rate)s）")
            % {"count": s["submitted"], "rate": s["reporting_rate"]},
        ),
        (
            _("按时报送"),
            _("%(count)s（及时率 %(rate)s）") % {"count": s["on_time"], "rate": s["timeliness"]},
        ),
        (_("逾期报送"), str(s["late"])),
        (_("未报送"), str(s["missing"])),
        (
            _("进度状态"),
            _(
                "已完成 %(blue)s · 正常 %(green)s · 滞后 %(yellow)s · "
                "严重滞后 %(red)s · 未填报 %(grey)s"
            )
            % c,
        ),
        (
            _("问题"),
            _("反映 %(raised)s 个，已办结 %(resolved)s 个，按时办结 %(in_time)s 个") % pc,
        ),
    ]


# --- xlsx -------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "宋体"


def _text_cell(sheet: Worksheet, row: int, column: int, value: str) -> Any:
    """A cell holding `value` as text, never as a formula: a reporter's "=HYPERLINK(…)" must not
    become live in the supervisor's workbook."""
    cell = sheet.cell(row=row, column=column, value=clean_text(value))
    cell.data_type = "s"
    return cell


def _sheet(workbook: Workbook, title: str, heading: str) -> Worksheet:
    sheet = workbook.create_sheet(title)
    sheet["A1"] = heading
    sheet["A1"].font = Font(name=_FONT, size=14, bold=True)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    return sheet


def _table(
    sheet: Worksheet,
    columns: Sequence[tuple[str, Any, int]],
    rows: Sequence[Sequence[Any]],
    *,
    colour_key_index: int | None = None,
    colours: list[str] | None = None,
) -> None:
    header_row = 3
    for col, (_key, label, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=col, value=str(label))
        cell.font = Font(name=_FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(col)].width = width
    for r, values in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(values, start=1):
            if isinstance(value, tuple):
                figure, number_format = value
                cell = sheet.cell(row=r, column=col, value=figure)
                cell.number_format = number_format
                cell.font = Font(name=_FONT)
                cell.alignment = Alignment(horizontal="right", vertical="center")
                cell.border = _BORDER
                continue
            cell = _text_cell(sheet, r, col, value)
            cell.font = Font(name=_FONT)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.border = _BORDER
        if colour_key_index is not None and colours is not None:
            fill = COLOUR_FILLS.get(colours[r - header_row - 1])
            if fill:
                sheet.cell(row=r, column=colour_key_index + 1).fill = PatternFill(
                    "solid", fgColor=fill
                )
    if not rows:
        sheet.cell(row=header_row + 1, column=1, value=_("（无）")).font = Font(name=_FONT)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def bulletin_xlsx(content: dict[str, Any]) -> bytes:
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    title = _title(content)

    def part(heading: str) -> str:
        return _("%(title)s——%(part)s") % {"title": title, "part": heading}

    overview = _sheet(workbook, _("概况"), title)
    for r, (label, value) in enumerate(_summary_lines(content), start=3):
        overview.cell(row=r, column=1, value=label).font = Font(name=_FONT, bold=True)
        _text_cell(overview, r, 2, value).font = Font(name=_FONT)
    overview.column_dimensions["A"].width = 16
    overview.column_dimensions["B"].width = 90
    summary_row = 3 + len(_summary_lines(content)) + 1
    overview.cell(row=summary_row, column=1, value=_("综述")).font = Font(name=_FONT, bold=True)
    cell = _text_cell(overview, summary_row, 2, content.get("summary_text", ""))
    cell.font = Font(name=_FONT)
    cell.alignment = Alignment(wrap_text=True, vertical="top")

    if content.get("headline"):
        headline = _sheet(workbook, _("主要经济指标"), part(_("主要经济指标")))
        _table(
            headline,
            HEADLINE_COLUMNS,
            _xlsx_rows(content["headline"], HEADLINE_COLUMNS),
            colour_key_index=len(HEADLINE_COLUMNS) - 1,
            colours=[t["colour"] for t in content["headline"]],
        )
    targets = _sheet(workbook, _("指标完成情况"), part(_("主要指标")))
    _table(
        targets,
        TARGET_COLUMNS,
        _xlsx_rows(content["targets"], TARGET_COLUMNS),
        colour_key_index=len(TARGET_COLUMNS) - 1,
        colours=[t["colour"] for t in content["targets"]],
    )
    red_yellow = [dict(row, state=_("严重滞后")) for row in content["red"]] + [
        dict(row, state=_("滞后")) for row in content["yellow"]
    ]
    lagging = _sheet(workbook, _("滞后事项"), part(_("严重滞后和滞后事项")))
    columns = (*SLOT_COLUMNS, ("state", gettext_lazy("状态"), 10))
    _table(
        lagging,
        columns,
        _rows(red_yellow, columns),
        colour_key_index=len(columns) - 1,
        colours=["red"] * len(content["red"]) + ["yellow"] * len(content["yellow"]),
    )
    ranking = _sheet(workbook, _("单位排名"), part(_("单位综合排名")))
    _table(ranking, RANKING_COLUMNS, _xlsx_rows(content["rankings"], RANKING_COLUMNS))
    reporting = _sheet(workbook, _("报送情况"), part(_("逾期报送和未报送")))
    reporting_rows = [dict(row, state=_("逾期报送")) for row in content["late"]] + [
        dict(row, state=_("未报送")) for row in content["missing"]
    ]
    columns = (*SLOT_COLUMNS, ("state", gettext_lazy("情况"), 10))
    _table(reporting, columns, _rows(reporting_rows, columns))
    problems = _sheet(workbook, _("问题清单"), part(_("未办结问题")))
    _table(problems, PROBLEM_COLUMNS, _rows(content["problems"], PROBLEM_COLUMNS))
    actions = _sheet(workbook, _("督办情况"), part(_("督办、通报、面商、约谈")))
    _table(actions, ACTION_COLUMNS, _rows(content["actions"], ACTION_COLUMNS))

    workbook.properties.title = title
    workbook.properties.creator = _("任务分工落实跟踪系统")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- docx -------------------------------------------------------------------------------------


def _run(paragraph: Any, text: str) -> Any:
    return paragraph.add_run(clean_text(text))


def _font(run: Any, name: str = "仿宋", size: float = 12, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # East-Asian text takes its font from w:eastAsia, which python-docx does not set itself.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(
    doc: Any,
    text: str,
    *,
    size: float = 12,
    bold: bool = False,
    name: str = "仿宋",
    align: Any = None,
    indent: bool = False,
) -> None:
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(_run(paragraph, text), name=name, size=size, bold=bold)


def _shade(cell: Any, hex_fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), hex_fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _docx_table(
    doc: Any,
    columns: Sequence[tuple[str, Any, int]],
    rows: list[list[str]],
    colours: list[str] | None = None,
) -> None:
    if not rows:
        _paragraph(doc, _("（无）"), indent=True)
        return
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for cell, (_key, label, _width) in zip(header.cells, columns, strict=True):
        cell.text = ""
        _font(_run(cell.paragraphs[0], str(label)), name="黑体", size=10.5)
        _shade(cell, "D9D9D9")
    body = "".join(
        _row_xml(values, COLOUR_FILLS.get(colours[index], "FFFFFF") if colours else None)
        for index, values in enumerate(rows)
    )
    # The body rows are written as WordprocessingML and parsed once, their font the document's
    # default: python-docx's add_row and per-run fonts walk the table for every cell and give
    # each cell a dozen XML nodes, which took 32 s and 270 MB for a province's 50,000 cells
    # (bench/exports.py). Column widths come from the table's grid.
    for row in parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>"):
        table._tbl.append(row)


def _body_font(doc: Any) -> None:
    """Table cells take the document's default paragraph font, 仿宋 10.5 pt (East-Asian font
    set explicitly); every other paragraph and the header cells name their own."""
    normal = doc.styles["Normal"]
    normal.font.name = "仿宋"
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")


def _row_xml(values: list[str], last_fill: str | None) -> str:
    cells = []
    last = len(values) - 1
    for position, value in enumerate(values):
        shade = (
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{last_fill}"/></w:tcPr>'
            if last_fill is not None and position == last
            else ""
        )
        cells.append(
            f"<w:tc>{shade}<w:p><w:r><w:t>{escape(clean_text(value).strip())}</w:t></w:r>"
            "</w:p></w:tc>"
        )
    return f"<w:tr>{''.join(cells)}</w:tr>"


def bulletin_docx(content: dict[str, Any]) -> bytes:
    doc = DocxDocument()
    _body_font(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.2)

    title = _("%(title)s\n%(period)s推进情况分析") % {
        "title": content["document"]["title"],
        "period": content["period"]["label"],
    }
    _paragraph(doc, title, size=20, bold=True, name="宋体", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        doc,
        _("（统计截至%(date)s）") % {"date": content["as_of"]},
        size=12,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )

    if content.get("headline"):
        _paragraph(doc, _("主要经济指标"), size=16, name="黑体")
        rows = content["headline"]
        _docx_table(
            doc, HEADLINE_COLUMNS, _rows(rows, HEADLINE_COLUMNS), [r["colour"] for r in rows]
        )
    sections: list[tuple[str, Any]] = [
        (_("总体情况"), None),
        (_("主要指标完成情况"), ("targets", TARGET_COLUMNS)),
        (_("严重滞后事项"), ("red", SLOT_COLUMNS)),
        (_("滞后事项"), ("yellow", SLOT_COLUMNS)),
        (_("单位综合排名"), ("rankings", RANKING_COLUMNS)),
        (_("逾期报送单位"), ("late", SLOT_COLUMNS)),
        (_("未报送单位"), ("missing", SLOT_COLUMNS)),
        (_("未办结问题"), ("problems", PROBLEM_COLUMNS)),
        (_("督办、通报、面商、约谈情况"), ("actions", ACTION_COLUMNS)),
    ]
    for number, (heading, spec) in enumerate(sections, start=1):
        _paragraph(doc, f"{section_number(number)}{heading}", size=16, name="黑体")
        if spec is None:
            _paragraph(doc, content.get("summary_text", ""), size=14, indent=True)
            for label, value in _summary_lines(content)[3:]:
                _paragraph(
                    doc, _("%(label)s：%(value)s") % {"label": label, "value": value}, indent=True
                )
            continue
        key, columns = spec
        colours = [t["colour"] for t in content[key]] if key == "targets" else None
        if key in ("red", "yellow"):
            colours = [key] * len(content[key])
        _docx_table(doc, columns, _rows(content[key], columns), colours)

    doc.core_properties.title = title.replace("\n", " ")
    doc.core_properties.author = _("任务分工落实跟踪系统")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
