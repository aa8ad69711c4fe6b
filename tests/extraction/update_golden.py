"""Rewrite the golden files from the current extractor.

    .venv/bin/python tests/extraction/update_golden.py

Run it after a deliberate change to the rules, then read `git diff tests/extraction/golden`
against the documents: every changed line is a change in what the tracker will import.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from conftest import CORPUS, GOLDEN, GOLDEN_DOCUMENTS  # noqa: E402

from extraction import extract, read_document  # noqa: E402


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for name, filename in GOLDEN_DOCUMENTS.items():
        source = CORPUS / filename
        if not source.exists():
            print(f"missing {source}", file=sys.stderr)
            return 1
        result = extract(read_document(source))
        target = GOLDEN / f"{name}.json"
        target.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target} ({len(result['assignments'])} assignments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
