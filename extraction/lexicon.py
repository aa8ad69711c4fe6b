"""The project's word lists read from data/: the unit alias table.

Kept apart from segment.py and unitnames.py because both need it: the tokenizer adds every
department name to jieba's dictionary, and canonical_unit_name() maps a name to its canonical
form.  With the table here neither of those modules imports the other.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Every name in data/unit_aliases.txt (canonical ones included) → its canonical name."""
    table: dict[str, str] = {}
    text = resources.files("extraction").joinpath("data/unit_aliases.txt").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = [name.strip() for name in line.split("\t") if name.strip()]
        for name in names:
            table.setdefault(name, names[0])
    return table
