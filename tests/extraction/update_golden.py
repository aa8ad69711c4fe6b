"""Compare the extractor with the golden files, and rewrite them when told to.

    .venv/bin/python tests/extraction/update_golden.py            # print what would change
    .venv/bin/python tests/extraction/update_golden.py --write    # ... and rewrite the files
    .venv/bin/python tests/extraction/update_golden.py report-03  # only some documents

Every changed line is a change in what the tracker will import: read the summary against the
documents before writing, then read `git diff tests/extraction/golden` before committing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from extraction import extract, read_document  # noqa: E402
from tests.extraction.conftest import CORPUS, GOLDEN, GOLDEN_DOCUMENTS  # noqa: E402


def _target(t: dict[str, Any]) -> str:
    high = f"—{t['value_high']:g}" if t["value_high"] is not None else ""
    value = "-" if t["value"] is None else f"{t['value']:g}"
    scope = f" @{t['scope']}" if t["scope"] else ""
    return (
        f"{t['indicator']} {t['comparator']} {value}{high}{t['unit']} "
        f"[{t['kind']}/{t['direction']}]{scope}"
    )


def _list_change(label: str, old: list[str], new: list[str]) -> list[str]:
    gone = [x for x in old if x not in new]
    came = [x for x in new if x not in old]
    if not gone and not came:
        return [f"    {label}: reordered"] if old != new else []
    lines = [f"    {label}:"]
    lines += [f"      - {x}" for x in gone]
    lines += [f"      + {x}" for x in came]
    return lines


def summary(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human-readable differences between two extraction results."""
    out: list[str] = []
    for key in sorted(set(old) | set(new)):
        if key in ("assignments", "targets"):
            continue
        if old.get(key) != new.get(key):
            out.append(f"  {key}: {old.get(key)!r} -> {new.get(key)!r}")
    out += _list_change(
        "document targets",
        [_target(t) for t in old.get("targets", [])],
        [_target(t) for t in new.get("targets", [])],
    )
    before = {a["ref"]: a for a in old.get("assignments", [])}
    after = {a["ref"]: a for a in new.get("assignments", [])}
    for ref in before.keys() - after.keys():
        out.append(f"  - assignment {ref} {before[ref]['title'][:40]}")
    for ref in after.keys() - before.keys():
        out.append(f"  + assignment {ref} {after[ref]['title'][:40]}")
    for ref, item in after.items():
        if ref not in before or before[ref] == item:
            continue
        lines: list[str] = []
        for key in item:
            was = before[ref].get(key)
            if was == item[key]:
                continue
            if key == "targets":
                lines += _list_change(
                    "targets", [_target(t) for t in was or []], [_target(t) for t in item[key]]
                )
            elif key in ("lead_units", "responsible_units"):
                lines += _list_change(key, was or [], item[key])
            else:
                lines.append(f"    {key}: {str(was)[:80]!r} -> {str(item[key])[:80]!r}")
        if lines:
            out.append(f"  ~ assignment {ref} {item['title'][:40]}")
            out += lines
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="golden names (default: all)")
    parser.add_argument("--write", action="store_true", help="rewrite the changed golden files")
    args = parser.parse_args(argv)
    GOLDEN.mkdir(exist_ok=True)
    changed = 0
    for name, filename in GOLDEN_DOCUMENTS.items():
        if args.names and name not in args.names:
            continue
        source = CORPUS / filename
        if not source.exists():
            print(f"missing {source}", file=sys.stderr)
            return 1
        result = json.loads(json.dumps(extract(read_document(source)), ensure_ascii=False))
        target = GOLDEN / f"{name}.json"
        old = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
        if old == result:
            continue
        changed += 1
        print(f"== {name} ({filename})" + ("" if old else " NEW"))
        for line in summary(old, result) if old else []:
            print(line)
        if args.write:
            target.write_text(
                json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    verb = "rewritten" if args.write else "would change (run with --write to rewrite)"
    print(f"{changed} golden file(s) {verb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
