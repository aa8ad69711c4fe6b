"""Command line: python -m extraction [--json] FILE [FILE...]

With --json: one JSON object for one file, a JSON list for several (the scorer reads this).
Without: a plain-text table per document for a person checking the extraction.
Exit status 2, with the reason on stderr, when a file cannot be read; nothing is printed to stdout
then, so a caller never mistakes a partial list for the whole.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Sequence

from extraction import EXTRACTION_VERSION, LOW_CONFIDENCE, extract, read_document
from extraction.errors import DecodeError
from extraction.types import Extraction, ReportingRule, Target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extraction",
        description="Extract assignments, targets and units from task-division documents.",
    )
    parser.add_argument("--json", action="store_true", help="print the DESIGN §7 JSON")
    parser.add_argument("--version", action="version", version=EXTRACTION_VERSION)
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)

    texts: list[str] = []
    failed = False
    for path in args.files:
        try:
            texts.append(read_document(path))
        except DecodeError as exc:
            print(f"{path}: {exc.message} [{exc.code}]", file=sys.stderr)
            failed = True
        except OSError as exc:
            print(f"{path}: 无法读取文件:{exc.strerror or exc}", file=sys.stderr)
            failed = True
    if failed:
        return 2

    results = [extract(text) for text in texts]
    if args.json:
        payload: object = results[0] if len(results) == 1 else results
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for path, result in zip(args.files, results, strict=True):
            print(render_table(path, result))
    return 0


# --- plain-text table -------------------------------------------------------------------------

_COLUMNS = (
    ("编号", 9),
    ("标题", 24),
    ("牵头单位", 16),
    ("责任单位", 22),
    ("时限", 10),
    ("指标", 36),
)
_COMPARATORS = {">=": "≥", ">": ">", "~": "约", "<=": "≤", "<": "<", "=": "="}
_FREQUENCIES = {
    "quarterly": "每季度",
    "monthly": "每月",
    "half-yearly": "每半年",
    "yearly": "每年",
}
_PERIODS = {"quarterly": "季度", "monthly": "个月", "half-yearly": "个半年", "yearly": "年"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Wrap by display width (a Chinese character takes two columns)."""
    lines: list[str] = []
    for paragraph in text.split("\n") or [""]:
        line = ""
        for ch in paragraph:
            if _width(line + ch) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines or [""]


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _target_text(target: Target) -> str:
    value = target["value"]
    shown = "" if value is None else f"{value:g}"
    if target["value_high"] is not None:
        shown += f"—{target['value_high']:g}"
    scope = f"[{target['scope']}]" if target["scope"] else ""
    arrow = "↓" if target["direction"] == "decrease" else ""
    if value is None:
        return f"{scope}{target['indicator']}(定性){arrow}"
    return (
        f"{scope}{target['indicator']} {_COMPARATORS[target['comparator']]} "
        f"{shown}{target['unit']}{arrow}"
    )


def _rule_text(rule: ReportingRule) -> str:
    when = _FREQUENCIES[rule["frequency"]]
    if rule["from_period"]:
        when = f"从第{rule['from_period']}{_PERIODS[rule['frequency']]}起," + when
    if rule["after_period"]:
        when += "结束后"
        if rule["working_days"]:
            when += f"{rule['working_days']}个工作日内"
        elif rule["calendar_days"]:
            when += f"{rule['calendar_days']}日内"
        elif rule["month_of_period"]:
            when += f"第{rule['month_of_period']}个月"
    elif rule["month_of_period"] and rule["frequency"] != "monthly":
        when += f"第{rule['month_of_period']}个月"
    if rule["day"]:
        when += f"{rule['day']}日前"
    return f"{when}  ({rule['text']})"


def render_table(path: str, result: Extraction) -> str:
    """The draft as a person checks it: one row per assignment, targets listed in the last
    column (↓ marks a lower-is-better target, [云县] a per-place one); "!" before a ref marks
    an assignment below LOW_CONFIDENCE."""
    script = "  繁体原文(已转简体)" if result["script"] == "traditional" else ""
    out = [
        f"== {path}",
        f"标题: {result['title'] or '-'}",
        f"发文: {result['issuer'] or '-'}  日期: {result['date'] or '-'}"
        f"  年度: {result['year'] or '-'}{script}",
    ]
    if result["targets"]:
        out.append("主要目标: " + ";".join(_target_text(t) for t in result["targets"]))
    for rule in result["reporting"]:
        out.append(f"报送: {_rule_text(rule)}")
    if result["escalation_days"]:
        out.append(f"问题办结时限: {result['escalation_days']}日")
    low = sum(1 for item in result["assignments"] if item["confidence"] < LOW_CONFIDENCE)
    out.append(f"任务 {len(result['assignments'])} 项" + (f",需复核 {low} 项(!)" if low else ""))
    for fragment in result["fragments"]:
        out.append(f"末尾残缺文字(未作为任务): {fragment['text']}")
    header = " | ".join(_pad(name, width) for name, width in _COLUMNS)
    out.append(header)
    out.append("-" * _width(header))
    for item in result["assignments"]:
        mark = "!" if item["confidence"] < LOW_CONFIDENCE else ""
        cells = [
            mark + item["ref"],
            item["title"],
            "、".join(item["lead_units"]),
            "、".join(item["responsible_units"]),
            item["deadline"] or "",
            "\n".join(_target_text(t) for t in item["targets"]),
        ]
        wrapped = [_wrap(cell, width) for cell, (_, width) in zip(cells, _COLUMNS, strict=True)]
        for row in range(max(len(w) for w in wrapped)):
            out.append(
                " | ".join(
                    _pad(w[row] if row < len(w) else "", width)
                    for w, (_, width) in zip(wrapped, _COLUMNS, strict=True)
                ).rstrip()
            )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
