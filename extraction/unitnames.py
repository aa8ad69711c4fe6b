"""canonical_unit_name(): one identity for the many ways documents write a unit's name.

"区发改局", "区发展改革局" and "区发展和改革局" are one department; so are "市发改委",
"市发展改革委" and "市发展和改革委员会".  The tracker keeps Units with their aliases; when a
mention matches none of them, the canonical name is the fallback key to look it up by.

A mention is read as a level or place prefix as written ("区", "临沧市", "荆州市沙市区") plus a
department name from the alias table in data/unit_aliases.txt.  The department is found among
the mention's last jieba words (the table's names are in the jieba dictionary), so "市公共交通局"
is not mistaken for a 交通局.  Width and spacing are folded (NFKC, no blanks), a "(牵头)" mark is
dropped, traditional characters are simplified, and "市政府金融办" is read as "市" + 金融办.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from extraction import segment
from extraction.lexicon import aliases
from extraction.prepare import script_counts, to_simplified

_LEAD_MARK = re.compile(r"\((?:牵头|主责|负责)\)$")
# A government prefix before a department ("市政府金融办", "县人民政府办公室" aside) is part of
# the way the department is addressed, not of its identity.
_GOVERNMENT = re.compile(r"(人民政府|政府)$")


def _fold(mention: str) -> str:
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", mention))
    name = _LEAD_MARK.sub("", name)
    trad, simp = script_counts(name)
    if trad > simp:
        name = to_simplified(name)
    return name


def _department(name: str) -> tuple[str, str] | None:
    """(prefix, alias) with the alias made of the name's last whole words, longest first."""
    table = aliases()
    words = segment.cut(name)
    for count in range(min(5, len(words)), 0, -1):
        tail = "".join(words[-count:])
        if tail in table:
            return name[: len(name) - len(tail)], tail
    return None


@lru_cache(maxsize=8192)
def canonical_unit_name(mention: str) -> str:
    """The canonical name of a unit mention; the mention itself (folded) when none is known."""
    name = _fold(mention)
    found = _department(name)
    if found is None:
        return name
    prefix, alias = found
    canonical = aliases()[alias]
    if canonical != "人民政府办公室":
        prefix = _GOVERNMENT.sub("", prefix)
    return prefix + canonical
