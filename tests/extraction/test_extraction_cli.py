"""python -m extraction, run as the scorer and the importer run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = """某某任务分工方案

一、主要指标
1.地区生产总值增长6%左右。(牵头单位:区发改局;责任单位:区财政局、各镇、街道)
2.城镇新增就业3000人以上。(责任单位:区人社局)
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extraction", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_for_one_file(tmp_path: Path) -> None:
    path = tmp_path / "sample.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    result = run("--json", str(path))
    assert result.returncode == 0, result.stderr
    assert "区发改局" in result.stdout  # ensure_ascii=False
    data = json.loads(result.stdout)
    assert data["title"] == "某某任务分工方案"
    first = data["assignments"][0]
    assert (first["ref"], first["lead_units"]) == ("一.1", ["区发改局"])
    assert first["responsible_units"] == ["区财政局", "各镇", "各街道"]
    assert first["targets"][0]["comparator"] == "~"


def test_json_list_for_several_files(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text(SAMPLE, encoding="utf-8")
    second.write_bytes(SAMPLE.encode("gb18030"))
    result = run("--json", str(first), str(second))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 2
    assert data[0] == data[1]


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    docx = tmp_path / "plan.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    for path, code in ((empty, "empty"), (docx, "corrupt")):
        result = run("--json", str(path))
        assert result.returncode == 2
        assert result.stdout == ""
        assert f"[{code}]" in result.stderr and str(path) in result.stderr
    missing = run("--json", str(tmp_path / "missing.txt"))
    assert missing.returncode == 2 and "无法读取" in missing.stderr


def test_plain_table_for_people(tmp_path: Path) -> None:
    path = tmp_path / "sample.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 0, result.stderr
    assert "标题: 某某任务分工方案" in result.stdout
    assert "一.1" in result.stdout and "区发改局" in result.stdout
    assert "地区生产总值 约 6%" in result.stdout
    assert "城镇新增就业 ≥ 3000人" in result.stdout


def test_plain_table_marks_what_needs_a_look(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(
        "某某任务分工方案\n1.新增就业3000人。(牵头单位:区人社局)\n"
        "2.新建幼儿园3所。(牵头单位:区教育局;责任单位:区财政局、区\n"
        "每半年报送一次工作进展。\n",
        encoding="utf-8",
    )
    result = run(str(path))
    assert result.returncode == 0, result.stderr
    # The second item lists "区", a name unlike a unit: one assignment to look at, marked "!".
    assert "任务 2 项,需复核 1 项(!)" in result.stdout
    assert "\n!2 " in result.stdout and "\n1 " in result.stdout
    assert "报送: 每半年" in result.stdout


def test_import_does_not_pull_in_django_or_the_tracker() -> None:
    code = (
        "import sys, extraction; extraction.extract('1.增长6%。(责任单位:区发改局)');"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'tracker',"
        " 'rest_framework', 'celery'}); print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_word_and_pdf_files(tmp_path: Path) -> None:
    from tests.extraction.pdfmaker import scan_pdf, text_pdf
    from tests.extraction.samples import PDF_PAGES, word_file

    word = tmp_path / "方案.docx"
    word.write_bytes(word_file())
    pdf = tmp_path / "方案.pdf"
    pdf.write_bytes(text_pdf(PDF_PAGES))
    result = run("--json", str(word), str(pdf))
    assert result.returncode == 0, result.stderr
    from_word, from_pdf = json.loads(result.stdout)
    assert from_word["title"] == "石桥镇2024年民生实事任务分工方案"
    assert from_pdf["assignments"][0]["lead_units"] == ["县发改局"]
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(scan_pdf())
    refused = run("--json", str(scan))
    assert refused.returncode == 2 and refused.stdout == ""
    assert "[no_text]" in refused.stderr and "OCR" in refused.stderr
