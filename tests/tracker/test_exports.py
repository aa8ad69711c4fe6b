"""The .docx analysis at size: body rows written as WordprocessingML keep the layout the
python-docx calls gave (the document's 仿宋 10.5 pt, a light fill on each light, a repeated and
shaded header), and a province's table is built in well under a second (bench/exports.py
measures the time and memory)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from tracker.exports import COLOUR_FILLS, bulletin_docx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from exports import content


def _fill(cell) -> str | None:
    shading = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return None if shading is None else shading.get(qn("w:fill"))


def test_body_rows_keep_the_font_the_fills_and_the_text():
    data = content(40)
    paper = docx.Document(io.BytesIO(bulletin_docx(data)))
    normal = paper.styles["Normal"]
    assert normal.font.name == "仿宋" and normal.font.size == Pt(10.5)
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    targets = paper.tables[0]
    assert len(targets.rows) == 1 + 40
    header = targets.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [_fill(c) for c in header.cells] == ["D9D9D9"] * len(header.cells)
    for row, expected in zip(targets.rows[1:], data["targets"], strict=True):
        cells = row.cells
        assert cells[0].text == expected["ref"] and cells[1].text == expected["indicator"]
        assert cells[-1].text == expected["colour_label"]
        assert _fill(cells[-1]) == COLOUR_FILLS[expected["colour"]]
        assert _fill(cells[0]) is None
    # The severely-late table is red throughout, and text needing escapes survives.
    red = paper.tables[1]
    assert {_fill(r.cells[-1]) for r in red.rows[1:]} == {COLOUR_FILLS["red"]}


def test_markup_in_a_cell_is_text_not_xml():
    data = content(10)
    data["targets"][0]["indicator"] = '<w:b/> & "引号" 指标'
    paper = docx.Document(io.BytesIO(bulletin_docx(data)))
    assert paper.tables[0].rows[1].cells[1].text == '<w:b/> & "引号" 指标'
