"""Word (.docx) and PDF input: text out of both, clear refusals for what cannot be read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from extraction import UnreadableDocument, decode_document, extract, read_document
from tests.extraction.pdfmaker import scan_pdf, text_pdf
from tests.extraction.samples import PDF_PAGES, word_file


def _refusal(data: bytes, filename: str) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as info:
        decode_document(data, filename)
    return info.value


def test_docx_paragraphs_and_table_rows_in_order() -> None:
    text = decode_document(word_file(), "方案.docx")
    lines = text.split("\n")
    assert lines[0] == "石桥镇2024年民生实事任务分工方案"
    assert lines[2] == "序号\t工作任务\t完成时限\t牵头单位\t责任单位"
    assert lines[5] == "3\t新增公益性岗位40个\t上半年\t镇社保所\t镇财政所 各村委会"
    assert lines[-1] == "4.开展义诊活动12场。（牵头单位：镇卫生院）"


def test_docx_table_is_extracted_as_a_flattened_table() -> None:
    result = extract(decode_document(word_file(), "方案.docx"))
    assert result["title"] == "石桥镇2024年民生实事任务分工方案"
    rows = {a["title"]: a for a in result["assignments"]}
    first = rows["新建村级养老服务站5个"]
    assert (first["lead_units"], first["responsible_units"]) == (["镇民政办"], ["各村委会"])
    assert first["deadline"] == "2024-10-31"
    assert rows["改造农村危房30户"]["responsible_units"] == ["镇财政所", "各村委会"]
    assert rows["改造农村危房30户"]["deadline"] == "2024-12-31"
    third = rows["新增公益性岗位40个"]
    assert third["responsible_units"] == ["镇财政所", "各村委会"]
    assert third["deadline"] == "2024-06-30"
    assert [(t["value"], t["unit"]) for t in third["targets"]] == [(40.0, "个")]
    assert rows["开展义诊活动12场"]["lead_units"] == ["镇卫生院"]


def test_docx_merged_cells_count_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.rows[0].cells[0].text = "一、重点任务"
    table.rows[0].cells[0].merge(table.rows[0].cells[2])
    table.rows[1].cells[0].text = "1"
    table.rows[1].cells[1].text = "任务"
    table.rows[1].cells[2].text = "县发改局"
    buffer = io.BytesIO()
    document.save(buffer)
    text = decode_document(buffer.getvalue(), "a.docx")
    assert text.split("\n") == ["一、重点任务", "1\t任务\t县发改局"]


def test_broken_docx_is_corrupt() -> None:
    assert _refusal(b"PK\x03\x04" + b"\x00" * 64, "方案.docx").code == "corrupt"
    truncated = word_file()[:300]
    assert _refusal(truncated, "方案.docx").code == "corrupt"


def test_zip_bomb_is_refused_before_parsing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * 20_000_000)
    refusal = _refusal(buffer.getvalue(), "炸弹.docx")
    assert refusal.code == "too_large"


def test_excel_and_other_zips_are_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    refusal = _refusal(buffer.getvalue(), "表.xlsx")
    assert refusal.code == "unsupported" and ".docx" in refusal.message


@pytest.mark.parametrize("filename", ["方案.doc", "方案.wps", "表.xls"])
def test_legacy_office_formats_say_save_as_docx(filename: str) -> None:
    refusal = _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, filename)
    assert refusal.code == "unsupported"
    assert "另存为 .docx" in refusal.message and ".txt" in refusal.message


def test_pdf_text_layer_is_read_and_unwrapped() -> None:
    text = decode_document(text_pdf(PDF_PAGES), "方案.pdf")
    assert text.split("\n") == [
        "云岭县2024年重点任务分工方案",
        "一、主要指标",
        "1.地区生产总值增长6%左右，规模以上工业增加值增长8%，固定资产投资增长"
        "10%以上。（牵头单位：县发改局；责任单位：县统计局、各乡镇）",
        "2.城镇新增就业1200人以上。（牵头单位：县人社局）",
    ]
    first, second = extract(text)["assignments"]
    assert (first["lead_units"], first["responsible_units"]) == (
        ["县发改局"],
        ["县统计局", "各乡镇"],
    )
    assert [t["value"] for t in first["targets"]] == [6.0, 8.0, 10.0]
    assert second["lead_units"] == ["县人社局"]


def test_scanned_pdf_asks_for_a_text_layer() -> None:
    refusal = _refusal(scan_pdf(), "扫描件.pdf")
    assert refusal.code == "no_text"
    assert "文字层" in refusal.message and "OCR" in refusal.message


def test_broken_pdf_is_corrupt() -> None:
    assert _refusal(b"%PDF-1.7\n" + b"\x00garbage" * 20, "坏.pdf").code == "corrupt"
    assert _refusal(text_pdf(PDF_PAGES)[:200], "截断.pdf").code in {"corrupt", "no_text"}


def test_read_document_dispatches_by_content(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(text_pdf(PDF_PAGES))
    word = tmp_path / "plan.docx"
    word.write_bytes(word_file())
    assert read_document(pdf).startswith("云岭县2024年重点任务分工方案")
    assert read_document(word).startswith("石桥镇2024年民生实事任务分工方案")


def test_oversized_input_is_refused() -> None:
    assert _refusal(b"a" * 50_000_001, "big.txt").code == "too_large"


def _draft(result: dict) -> list[tuple]:
    return [
        (
            a["ref"],
            a["title"],
            a["lead_units"],
            a["responsible_units"],
            [(t["value"], t["unit"], t["comparator"], t["indicator"]) for t in a["targets"]],
        )
        for a in result["assignments"]
    ]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "filename",
    ["lincang-2023-county-development-plan.txt", "shashi-14th-fyp-task-division.txt"],
)
def test_corpus_documents_read_the_same_from_word_and_from_a_wrapped_pdf(
    corpus_documents, filename: str
) -> None:
    text = corpus_documents.text(filename)
    expected = _draft(extract(text))
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    assert _draft(extract(decode_document(buffer.getvalue(), "a.docx"))) == expected
    # A PDF's text layer breaks every line at the page width; the reader joins them again.
    lines = [line[i : i + 38] for line in text.split("\n") for i in range(0, max(len(line), 1), 38)]
    pages = [lines[i : i + 45] for i in range(0, len(lines), 45)]
    assert _draft(extract(decode_document(text_pdf(pages), "a.pdf"))) == expected
