"""Sample inputs shared by several test modules (a test module never imports another one)."""

from __future__ import annotations

import io
from pathlib import Path

import docx

# The documents written for these tests: NAME.txt with its hand-checked NAME.expected.json.
DOCUMENTS = Path(__file__).resolve().parent / "documents"


def word_file() -> bytes:
    document = docx.Document()
    document.add_paragraph("石桥镇2024年民生实事任务分工方案")
    document.add_paragraph("为办好民生实事，制定本方案。")
    table = document.add_table(rows=4, cols=5)
    rows = [
        ["序号", "工作任务", "完成时限", "牵头单位", "责任单位"],
        ["1", "新建村级养老服务站5个", "2024年10月底前", "镇民政办", "各村委会"],
        ["2", "改造农村危房30户", "年内", "镇建设办", "镇财政所、各村委会"],
        ["3", "新增公益性岗位40个", "上半年", "镇社保所", ""],
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    # Units listed one per line inside a cell stay on the row's line.
    table.rows[3].cells[4].paragraphs[0].text = "镇财政所"
    table.rows[3].cells[4].add_paragraph("各村委会")
    document.add_paragraph("四、其他事项")
    document.add_paragraph("4.开展义诊活动12场。（牵头单位：镇卫生院）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF_PAGES = [
    [
        "云岭县2024年重点任务分工方案",
        "一、主要指标",
        "1.地区生产总值增长6%左右，规模以上工业增加值增长8%，固定资产投资增长",
        "10%以上。（牵头单位：县发改局；",
        "责任单位：县统计局、各乡镇）",
        "- 1 -",
    ],
    ["2.城镇新增就业1200人以上。（牵头单位：县人社局）", "第 2 页 共 2 页"],
]
