"""The quarter's analysis as files to print and forward: .xlsx (openpyxl) and .docx (python-docx).

Both render the content dict of tracker.selectors.bulletin, so the page, the spreadsheet and the
document always carry the same figures. Layout follows the habits of government paperwork: A4,
宋体/仿宋, a title line, numbered sections (一、二、…), tables with repeated header rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

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

# Fills that print legibly in grey-scale too (light tints, the label carries the meaning).
COLOUR_FILLS = {
    "blue": "BDD7EE",
    "green": "C6EFCE",
    "yellow": "FFEB9C",
    "red": "FFC7CE",
    "grey": "EDEDED",
}

TARGET_COLUMNS: Sequence[tuple[str, str, int]] = (
    ("ref", "编号", 10),
    ("indicator", "指标", 28),
    ("target", "年度目标", 18),
    ("lead_unit", "牵头单位", 20),
    ("previous_actual", "上季度累计", 12),
    ("actual", "本季度累计", 12),
    ("completion", "完成率", 10),
    ("elapsed", "序时进度", 10),
    ("gap", "与目标差距", 16),
    ("colour_label", "状态", 10),
)
RANKING_COLUMNS: Sequence[tuple[str, str, int]] = (
    ("rank", "排名", 8),
    ("previous_rank", "上季度排名", 12),
    ("unit", "单位", 30),
    ("score", "综合得分", 10),
    ("good_share", "进度正常率", 12),
    ("on_time_rate", "按时报送率", 12),
    ("problems_in_time", "问题按时办结率", 16),
    ("expected", "应报事项", 10),
)
SLOT_COLUMNS: Sequence[tuple[str, str, int]] = (
    ("ref", "编号", 10),
    ("title", "任务", 40),
    ("unit", "单位", 30),
    ("role", "角色", 8),
    ("due_on", "报送截止", 16),
)
PROBLEM_COLUMNS: Sequence[tuple[str, str, int]] = (
    ("unit", "提出单位", 24),
    ("ref", "任务编号", 10),
    ("description", "问题", 50),
    ("level", "当前层级", 12),
    ("deadline", "本级办结时限", 20),
)
ACTION_COLUMNS: Sequence[tuple[str, str, int]] = (
    ("date", "日期", 16),
    ("kind", "方式", 8),
    ("unit", "对象单位", 28),
    ("reason", "事由", 50),
    ("author", "发起人", 14),
)


def bulletin_filename(content: dict[str, Any], extension: str) -> str:
    return f"{content['document']['title']}-{content['period']['label']}分析.{extension}"


def _change(row: dict[str, Any]) -> str:
    change = row.get("change")
    if change is None:
        return "新进" if row.get("previous_rank") is None else ""
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "—"


def _rows(items: list[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> list[list[str]]:
    out = []
    for item in items:
        row = []
        for key, _, _ in columns:
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
    return [
        ("文件", content["document"]["title"]),
        ("报送周期", f"{content['period']['label']}（截止{content['period']['due_on']}）"),
        ("统计截至", content["as_of"]),
        ("应报送事项", str(s["expected"])),
        ("已报送", f"{s['submitted']}（报送率 {s['reporting_rate']}）"),
        ("按时报送", f"{s['on_time']}（及时率 {s['timeliness']}）"),
        ("逾期报送", str(s["late"])),
        ("未报送", str(s["missing"])),
        (
            "进度状态",
            f"已完成 {c['blue']} · 正常 {c['green']} · 滞后 {c['yellow']} · "
            f"严重滞后 {c['red']} · 未填报 {c['grey']}",
        ),
        (
            "问题",
            f"反映 {pc['raised']} 个，已办结 {pc['resolved']} 个，按时办结 {pc['in_time']} 个",
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
    columns: Sequence[tuple[str, str, int]],
    rows: list[list[str]],
    *,
    colour_key_index: int | None = None,
    colours: list[str] | None = None,
) -> None:
    header_row = 3
    for col, (_, label, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=col, value=label)
        cell.font = Font(name=_FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(col)].width = width
    for r, values in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(values, start=1):
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
        sheet.cell(row=header_row + 1, column=1, value="（无）").font = Font(name=_FONT)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def bulletin_xlsx(content: dict[str, Any]) -> bytes:
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    title = f"{content['document']['title']} {content['period']['label']}推进情况分析"

    overview = _sheet(workbook, "概况", title)
    for r, (label, value) in enumerate(_summary_lines(content), start=3):
        overview.cell(row=r, column=1, value=label).font = Font(name=_FONT, bold=True)
        _text_cell(overview, r, 2, value).font = Font(name=_FONT)
    overview.column_dimensions["A"].width = 16
    overview.column_dimensions["B"].width = 90
    summary_row = 3 + len(_summary_lines(content)) + 1
    overview.cell(row=summary_row, column=1, value="综述").font = Font(name=_FONT, bold=True)
    cell = _text_cell(overview, summary_row, 2, content.get("summary_text", ""))
    cell.font = Font(name=_FONT)
    cell.alignment = Alignment(wrap_text=True, vertical="top")

    targets = _sheet(workbook, "指标完成情况", f"{title}——主要指标")
    _table(
        targets,
        TARGET_COLUMNS,
        _rows(content["targets"], TARGET_COLUMNS),
        colour_key_index=len(TARGET_COLUMNS) - 1,
        colours=[t["colour"] for t in content["targets"]],
    )
    red_yellow = [dict(row, state="严重滞后") for row in content["red"]] + [
        dict(row, state="滞后") for row in content["yellow"]
    ]
    lagging = _sheet(workbook, "滞后事项", f"{title}——严重滞后和滞后事项")
    columns = (*SLOT_COLUMNS, ("state", "状态", 10))
    _table(
        lagging,
        columns,
        _rows(red_yellow, columns),
        colour_key_index=len(columns) - 1,
        colours=["red"] * len(content["red"]) + ["yellow"] * len(content["yellow"]),
    )
    ranking = _sheet(workbook, "单位排名", f"{title}——单位综合排名")
    _table(ranking, RANKING_COLUMNS, _rows(content["rankings"], RANKING_COLUMNS))
    reporting = _sheet(workbook, "报送情况", f"{title}——逾期报送和未报送")
    reporting_rows = [dict(row, state="逾期报送") for row in content["late"]] + [
        dict(row, state="未报送") for row in content["missing"]
    ]
    columns = (*SLOT_COLUMNS, ("state", "情况", 10))
    _table(reporting, columns, _rows(reporting_rows, columns))
    problems = _sheet(workbook, "问题清单", f"{title}——未办结问题")
    _table(problems, PROBLEM_COLUMNS, _rows(content["problems"], PROBLEM_COLUMNS))
    actions = _sheet(workbook, "督办情况", f"{title}——督办、通报、面商、约谈")
    _table(actions, ACTION_COLUMNS, _rows(content["actions"], ACTION_COLUMNS))

    workbook.properties.title = title
    workbook.properties.creator = "任务分工落实跟踪系统"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- docx -------------------------------------------------------------------------------------

_CN_SECTIONS = "一二三四五六七八九十"


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
    columns: Sequence[tuple[str, str, int]],
    rows: list[list[str]],
    colours: list[str] | None = None,
) -> None:
    if not rows:
        _paragraph(doc, "（无）", indent=True)
        return
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for cell, (_, label, _) in zip(header.cells, columns, strict=True):
        cell.text = ""
        _font(_run(cell.paragraphs[0], label), name="黑体", size=10.5)
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

    title = f"{content['document']['title']}\n{content['period']['label']}推进情况分析"
    _paragraph(doc, title, size=20, bold=True, name="宋体", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"（统计截至{content['as_of']}）", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)

    sections: list[tuple[str, Any]] = [
        ("总体情况", None),
        ("主要指标完成情况", ("targets", TARGET_COLUMNS)),
        ("严重滞后事项", ("red", SLOT_COLUMNS)),
        ("滞后事项", ("yellow", SLOT_COLUMNS)),
        ("单位综合排名", ("rankings", RANKING_COLUMNS)),
        ("逾期报送单位", ("late", SLOT_COLUMNS)),
        ("未报送单位", ("missing", SLOT_COLUMNS)),
        ("未办结问题", ("problems", PROBLEM_COLUMNS)),
        ("督办、通报、面商、约谈情况", ("actions", ACTION_COLUMNS)),
    ]
    for number, (heading, spec) in enumerate(sections):
        _paragraph(doc, f"{_CN_SECTIONS[number]}、{heading}", size=16, name="黑体")
        if spec is None:
            _paragraph(doc, content.get("summary_text", ""), size=14, indent=True)
            for label, value in _summary_lines(content)[3:]:
                _paragraph(doc, f"{label}：{value}", size=12, indent=True)
            continue
        key, columns = spec
        colours = [t["colour"] for t in content[key]] if key == "targets" else None
        if key in ("red", "yellow"):
            colours = [key] * len(content[key])
        _docx_table(doc, columns, _rows(content[key], columns), colours)

    doc.core_properties.title = title.replace("\n", " ")
    doc.core_properties.author = "任务分工落实跟踪系统"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
