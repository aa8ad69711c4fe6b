"""Benchmark: the quarter's analysis of a province-sized document as .docx and .xlsx.

A 2,500-assignment document: 2,500 indicator rows, 1,200 severely late and 1,200 late items, a
ranking of 500 units, 600 late and 600 missing reports, 300 open problems and 100 supervision
records — about 7,000 table rows and 50,000 cells. Each file is built in a fresh process (so its
peak memory is its own) by the same function the export job calls. The baseline, measured in the
same run, writes exactly the same cells as bare WordprocessingML / SpreadsheetML text with no
library at all: the floor for producing that much XML. Printed: seconds, peak memory, size, and
the ratio to the floor. Budgets (DESIGN §8, issue 19): the .docx under 10 s and 100 MB. The
memory budget is what building the file adds to the process; its peak also counts Django and the
content dict (about 75 MB), which a worker holds anyway.

    .venv/bin/python bench/exports.py [--assignments 2500]

Exit status 1 when a budget is not met.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BUDGET_SECONDS = {"docx": 10.0, "xlsx": 10.0}
BUDGET_MB = {"docx": 100.0, "xlsx": 100.0}
COLOURS = ("blue", "green", "yellow", "red", "grey")
LABELS = {"blue": "已完成", "green": "正常", "yellow": "滞后", "red": "严重滞后", "grey": "未填报"}


def content(assignments: int) -> dict[str, object]:
    """An analysis as tracker.selectors.bulletin builds it, at the given size."""
    units = [f"某某市某某区某某局第{i:04d}单位" for i in range(max(assignments // 5, 10))]
    title = "关于推进全省高质量发展重点任务的分工方案"

    def slot(i: int) -> dict[str, object]:
        return {
            "ref": f"{i // 100 + 1}.{i % 100 + 1}",
            "title": f"推进第{i}项重点任务，确保按期完成年度目标并形成可复制可推广的经验做法",
            "unit": units[i % len(units)],
            "role": "牵头" if i % 3 == 0 else "责任",
            "due_on": "2026年9月25日",
        }

    targets = []
    for i in range(assignments):
        colour = COLOURS[i % len(COLOURS)]
        targets.append(
            {
                "ref": f"{i // 100 + 1}.{i % 100 + 1}",
                "indicator": f"第{i}项指标（规模以上工业增加值）",
                "target": "增长6%左右",
                "lead_unit": units[i % len(units)],
                "previous_actual": "3.1",
                "actual": "4.7",
                "completion": "78.3%",
                "elapsed": "75.0%",
                "gap": "低于目标1.3个百分点",
                "colour": colour,
                "colour_label": LABELS[colour],
            }
        )
    n = assignments // 2
    return {
        "document": {"title": title},
        "period": {"label": "2026年三季度", "due_on": "2026年9月25日"},
        "as_of": "2026年10月8日",
        "summary_text": "三季度各项任务总体推进有序。" * 20,
        "summary": {
            "expected": 13_500,
            "submitted": 12_000,
            "reporting_rate": "88.9%",
            "on_time": 11_000,
            "timeliness": "81.5%",
            "late": 1_000,
            "missing": 1_500,
            "colours": {c: 2_700 for c in COLOURS},
        },
        "problem_counts": {"raised": 300, "resolved": 120, "in_time": 100},
        "targets": targets,
        "red": [slot(i) for i in range(n)],
        "yellow": [slot(i + n) for i in range(n)],
        "rankings": [
            {
                "rank": i + 1,
                "previous_rank": i + 2,
                "change": 1,
                "unit": units[i % len(units)],
                "score": "91.2",
                "good_share": "80.0%",
                "on_time_rate": "90.0%",
                "problems_in_time": "100.0%",
                "expected": 27,
            }
            for i in range(len(units))
        ],
        "late": [slot(i) for i in range(assignments // 4)],
        "missing": [slot(i) for i in range(assignments // 4)],
        "problems": [
            {
                "unit": units[i % len(units)],
                "ref": f"{i}.1",
                "description": "项目用地指标未落实，需协调自然资源部门" * 2,
                "level": "分管领导",
                "deadline": "2026年10月12日",
            }
            for i in range(300)
        ],
        "actions": [
            {
                "date": "2026年9月30日",
                "kind": "督办",
                "unit": units[i % len(units)],
                "reason": "三季度报告逾期未报",
                "author": "督查室",
            }
            for i in range(100)
        ],
    }


def _tables(data: dict[str, object]) -> list[list[list[str]]]:
    from tracker.exports import (
        ACTION_COLUMNS,
        PROBLEM_COLUMNS,
        RANKING_COLUMNS,
        SLOT_COLUMNS,
        TARGET_COLUMNS,
        _rows,
    )

    specs = [
        ("targets", TARGET_COLUMNS),
        ("red", SLOT_COLUMNS),
        ("yellow", SLOT_COLUMNS),
        ("rankings", RANKING_COLUMNS),
        ("late", SLOT_COLUMNS),
        ("missing", SLOT_COLUMNS),
        ("problems", PROBLEM_COLUMNS),
        ("actions", ACTION_COLUMNS),
    ]
    return [_rows(data[key], columns) for key, columns in specs]  # type: ignore[arg-type]


def floor_docx(data: dict[str, object]) -> bytes:
    """The same cells as bare WordprocessingML text, zipped: no library, no styling."""
    parts = []
    for rows in _tables(data):
        parts.append("<w:tbl>")
        for row in rows:
            cells = "".join(
                f"<w:tc><w:p><w:r><w:t>{escape(v)}</w:t></w:r></w:p></w:tc>" for v in row
            )
            parts.append(f"<w:tr>{cells}</w:tr>")
        parts.append("</w:tbl>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "".join(parts))
    return buffer.getvalue()


def floor_xlsx(data: dict[str, object]) -> bytes:
    parts = []
    for rows in _tables(data):
        for row in rows:
            cells = "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in row)
            parts.append(f"<row>{cells}</row>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "".join(parts))
    return buffer.getvalue()


def one(fmt: str, kind: str, assignments: int) -> dict[str, float]:
    """Build one file in this process and report its cost (run in a child process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()
    from tracker.exports import bulletin_docx, bulletin_xlsx

    data = content(assignments)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    build = {
        ("docx", "product"): bulletin_docx,
        ("xlsx", "product"): bulletin_xlsx,
        ("docx", "floor"): floor_docx,
        ("xlsx", "floor"): floor_xlsx,
    }[(fmt, kind)]
    started = time.process_time()
    produced = build(data)
    seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cells = sum(len(r) for rows in _tables(data) for r in rows)
    return {
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "growth_mb": (peak - before) / 1024,
        "kb": len(produced) / 1024,
        "cells": cells,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=2_500)
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "KIND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(args.child[0], args.child[1], args.assignments)))
        return 0

    def run(fmt: str, kind: str) -> dict[str, float]:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--assignments",
                str(args.assignments),
                "--child",
                fmt,
                kind,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(output.strip().splitlines()[-1])

    failed = False
    print(f"analysis of a {args.assignments:,}-assignment document")
    for fmt in ("docx", "xlsx"):
        product, floor = run(fmt, "product"), run(fmt, "floor")
        ratio = product["seconds"] / max(floor["seconds"], 1e-6)
        within = (
            product["seconds"] <= BUDGET_SECONDS[fmt] and product["growth_mb"] <= BUDGET_MB[fmt]
        )
        failed |= not within
        print(
            f"  .{fmt}: {product['seconds']:.2f} s CPU, peak {product['peak_mb']:.0f} MB"
            f" (+{product['growth_mb']:.0f} MB building), {product['kb']:.0f} KB,"
            f" {product['cells']:,.0f} cells | bare XML floor {floor['seconds']:.2f} s"
            f" | ratio {ratio:.1f}x | budget {BUDGET_SECONDS[fmt]:.0f} s / {BUDGET_MB[fmt]:.0f} MB:"
            f" {'ok' if within else 'OVER'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
