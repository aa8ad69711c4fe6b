"""Responsible units: find 牵头单位 / 责任单位 clauses and split them into one unit per entry.

Clauses come as separate lines ("牵头单位:市发展改革委") or inline in brackets
("(牵头单位:区发改局;责任单位:区住建局、各镇、街道)"), sometimes without labels
("(区发改局牵头,区财政局配合)").  Splitting happens on the working copy; each entry is then cut
from the caller's text at the same offsets so that names come back exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extraction.structure import match_numbering

Role = Literal["lead", "responsible"]

_LEAD_LABELS = ("牵头单位", "牵头部门", "主责单位", "主责部门", "主办单位", "牵头责任单位", "牵头")
_RESP_LABELS = (
    "责任单位",
    "责任部门",
    "配合单位",
    "配合部门",
    "协办单位",
    "协助单位",
    "参与单位",
    "协同单位",
    "协作单位",
    "责任主体",
)
_LABELS = sorted(_LEAD_LABELS + _RESP_LABELS, key=len, reverse=True)
# "牵头单位:", and the bracketed form some tables and notices use: "【牵头单位】".
LABEL = re.compile("[【\\[]?(" + "|".join(_LABELS) + r")(?:[】\]][ \t]*[::]?|[ \t]*[::])[ \t]*")

_OPEN = "([【“《‘"
_CLOSE = ")]】”》’"


@dataclass
class UnitClause:
    role: Role
    start: int  # where the clause starts (its bracket, or its label)
    end: int  # after the clause (after its closing bracket)
    list_start: int  # the unit list itself
    list_end: int


def _role(label: str) -> Role:
    return "lead" if label in _LEAD_LABELS else "responsible"


def _enclosing_open(norm: str, pos: int, floor: int) -> int | None:
    """Offset of the unmatched "(" before `pos` on the same line, if any."""
    depth = 0
    i = pos - 1
    while i >= floor and norm[i] != "\n":
        ch = norm[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i
            depth -= 1
        i -= 1
    return None


def _matching_close(norm: str, open_pos: int, limit: int) -> int | None:
    depth = 0
    for i in range(open_pos, limit):
        ch = norm[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            return None
    return None


_LIST_END = re.compile(r"[。\n]")


def _lead_blank(norm: str, pos: int) -> int:
    return len(norm[pos:]) - len(norm[pos:].lstrip(" \t"))


def find_clauses(norm: str, start: int, end: int) -> list[UnitClause]:
    """Unit clauses inside norm[start:end]."""
    clauses: list[UnitClause] = []
    labels = list(LABEL.finditer(norm, start, end))
    for k, m in enumerate(labels):
        open_pos = _enclosing_open(norm, m.start(), start)
        close_pos = _matching_close(norm, open_pos, end) if open_pos is not None else None
        stop = end
        if close_pos is not None:
            stop = close_pos
        if k + 1 < len(labels):
            stop = min(stop, labels[k + 1].start())
        newline = _LIST_END.search(norm, m.end(), stop)
        if newline and newline.group() == "\n" and not norm[m.end() : newline.start()].strip():
            # "责任单位:" alone on its line, the list on the next one.
            nxt = newline.end() + _lead_blank(norm, newline.end())
            line_end = norm.find("\n", nxt)
            next_line = norm[nxt : line_end if line_end >= 0 else len(norm)]
            if next_line and not LABEL.match(next_line) and not match_numbering(next_line):
                newline = _LIST_END.search(norm, nxt, stop)
        if newline:
            stop = newline.start()
        clause_start = open_pos if close_pos is not None and open_pos is not None else m.start()
        clause_end = close_pos + 1 if close_pos is not None else stop
        if newline and newline.group() == "。":
            clause_end = max(clause_end, newline.end())
        clauses.append(UnitClause(_role(m[1]), clause_start, clause_end, m.end(), stop))
    if not clauses:
        clauses.extend(_unlabelled(norm, start, end))
    return clauses


_ROLE_WORD = re.compile(r"(牵头|配合|参与|协同|协助|协办|负责)$")
_PAREN = re.compile(r"\(([^()\n]{2,200})\)")


# A unit's name ends in an organisation word; "(按程序负责)" or "(各自负责)" do not.
_ORG_END = re.compile(
    r"(局|委|办|厅|部|中心|公司|政府|院|所|站|队|会|处|室|组|馆|行|社|团|联|集团|管委会|街道|镇|乡|分局)$"
)


def _sole_unit(parts: list[tuple[int, int, str]]) -> bool:
    """ "(县人社局负责)": a single unit in charge, named with 负责."""
    if len(parts) != 1:
        return False
    piece = parts[0][2].strip()
    return piece.endswith("负责") and bool(_ORG_END.search(piece[:-2]))


def _unlabelled(norm: str, start: int, end: int) -> list[UnitClause]:
    """ "(区发改局牵头,区财政局、区住建局配合)": every part ends in a role word."""
    clauses: list[UnitClause] = []
    for m in _PAREN.finditer(norm, start, end):
        inner_start = m.start(1)
        parts: list[tuple[int, int, str]] = []
        pos = inner_start
        for piece in re.split(r"([,;,;])", m[1]):
            if piece and piece not in ",;,;":
                parts.append((pos, pos + len(piece), piece))
            pos += len(piece)
        if not parts or not all(_ROLE_WORD.search(p[2].strip()) for p in parts):
            continue
        if not any(p[2].strip().endswith("牵头") for p in parts) and not _sole_unit(parts):
            continue
        for a, _, piece in parts:
            word = _ROLE_WORD.search(piece.strip())
            if word is None:  # pragma: no cover - every part was checked above
                continue
            role: Role = "lead" if word[1] == "牵头" else "responsible"
            stripped_end = a + len(piece.rstrip()) - len(word[1])
            clauses.append(UnitClause(role, m.start(), m.end(), a, stripped_end))
    return clauses


# --- splitting --------------------------------------------------------------------------------

# "/" too: "各县(区)人民政府/市统计局" (width is folded in the working copy).
_SEPARATORS = "、,;,; \t/"
_DUTY_SUFFIX = re.compile(
    r"(按照?(各自)?(职责|职能)(职责)?(分工)?(负责|落实)?|根据职责分工负责|分别负责|负责落实|负责|牵头|配合)$"
)
_TRAILING = " 。.:;,、等"
# "A等B成员单位" names A and the group B; "A等部门" names only A.
_ET_GROUP = re.compile(r"(?<![高平同中初均对])等(?=.{2,}(成员单位|各部门|各单位|领导小组)$)")
_ET_GENERIC = re.compile(r"(?<![高平同中初均对])等(相关|有关)?(部门|单位|成员单位|机构)$")
_AND_EACH = re.compile(r"(以及|及|和|与)(?=各)")
_COLLECTIVE = {
    "镇",
    "乡",
    "乡镇",
    "街道",
    "街道办事处",
    "社区",
    "村",
    "县",
    "区",
    "县区",
    "县(区)",
    "县(市、区)",
    "县(市区)",
    "园区",
    "开发区",
    "产业园区",
    "管委会",
    "部门",
    "单位",
    "成员单位",
    "农场",
    "林场",
    "苏木",
    "旗",
    "旗县区",
    "旗县市区",
}


def _pieces(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    depth = 0
    piece_start = start
    for i in range(start, end):
        ch = norm[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _SEPARATORS:
            out.append((piece_start, i))
            piece_start = i + 1
    out.append((piece_start, end))
    return out


def _trim(norm: str, a: int, b: int) -> tuple[int, int]:
    while a < b and norm[a] in _TRAILING:
        a += 1
    while True:
        while b > a and norm[b - 1] in _TRAILING:
            b -= 1
        m = _DUTY_SUFFIX.search(norm, a, b)
        if m and m.end() == b and m.start() > a:
            b = m.start()
            continue
        return a, b


_LEAD_MARK = re.compile(r"[(]\s*牵头\s*[)]$")


def split_units(raw: str, norm: str, start: int, end: int) -> list[str]:
    """One entry per unit, as written in `raw`, for the unit list at [start, end)."""
    return [name for name, _ in split_marked_units(raw, norm, start, end)]


def split_marked_units(raw: str, norm: str, start: int, end: int) -> list[tuple[str, bool]]:
    """Like split_units, also telling which entries carry a "(牵头)" mark.

    "责任单位:区发改局(牵头)、区财政局" names the lead inside the list of responsible units.
    """
    spans: list[tuple[int, int]] = []
    for a, b in _pieces(norm, start, end):
        a, b = _trim(norm, a, b)
        if b <= a:
            continue
        text = norm[a:b]
        generic = _ET_GENERIC.search(text)
        if generic:
            b = a + generic.start()
            text = norm[a:b]
        group = _ET_GROUP.search(text)
        if group:
            spans.append((a, a + group.start()))
            a = a + group.end()
            text = norm[a:b]
        each = _AND_EACH.search(text)
        if each and each.start() > 0:
            spans.append((a, a + each.start()))
            a = a + each.end()
        spans.append((a, b))
    units: list[tuple[str, bool]] = []
    previous = ""
    for a, b in spans:
        a, b = _trim(norm, a, b)
        marked = _LEAD_MARK.search(norm, a, b)
        if marked and marked.start() > a:
            a, b = _trim(norm, a, marked.start())
        if b <= a or b - a > 60:
            continue
        name = raw[a:b].strip()
        key = norm[a:b].strip()
        # "各镇、街道": the bare collective after a "各…" entry means "各街道".
        if previous.startswith("各") and key in _COLLECTIVE:
            name = "各" + name
            key = "各" + key
        units.append((name, bool(marked)))
        previous = key
    return units
