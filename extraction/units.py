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
    if not clauses:
        clauses.extend(_role_sentence(norm, start, end))
    return clauses


_ROLE_SENTENCE = re.compile(
    r"(?:^|(?<=[。;;\n]))[ \t]*([^。;;\n()]{4,120}?)[ \t]*(?:[。;;]|$)", re.M
)


_ANY_ROLE = re.compile(r"牵头|配合|负责|参与|协同|协助|协办")


def _role_sentence(norm: str, start: int, end: int) -> list[UnitClause]:
    """ "…完成投资20亿元。县发改局牵头,县财政局、县住建局配合。": the same parts as in
    brackets, written as a sentence of their own (the item's last one)."""
    if not _ANY_ROLE.search(norm, start, end):
        return []
    found = list(_ROLE_SENTENCE.finditer(norm, start, end))
    if not found:
        return []
    m = found[-1]
    if m.start(1) == start:
        return []  # the item's only sentence is its task
    body_start = m.start(1)
    parts: list[tuple[int, int, str]] = []
    pos = body_start
    for piece in re.split(r"([,,])", m[1]):
        if piece and piece not in ",,":
            parts.append((pos, pos + len(piece), piece))
        pos += len(piece)
    if not parts or not _responsible_list(parts):
        return []
    clauses: list[UnitClause] = []
    for a, _, piece in parts:
        word = _ROLE_WORD.search(piece.strip())
        if word is None:  # pragma: no cover - checked above
            continue
        role: Role = "lead" if "牵头" in word[1] or "主责" in word[1] else "responsible"
        stripped_end = a + len(piece.rstrip()) - len(word[1])
        clauses.append(UnitClause(role, m.start(1), m.end(), a, stripped_end))
    return clauses


_ROLE_WORD = re.compile(
    r"(牵头(?:负责|抓总)?|(?:共同|协同|积极)?配合|参与|协同|协助|协办|"
    r"(?:按照?|根据)?(?:各自)?(?:职责|职能)?(?:分工)?(?:共同|分别)?负责(?:落实)?|"
    r"为(?:牵头|主责|责任|配合|协办|参与)(?:单位|部门))$"
)
_PAREN = re.compile(r"[(【\[]([^()【】\[\]\n]{2,200})[)】\]]")


# A unit's name ends in an organisation word; "(按程序负责)" or "(各自负责)" do not.
_ORG_END = re.compile(
    r"(局|委|办|厅|部|中心|公司|政府|院|所|站|队|会|处|室|组|馆|行|社|团|联|集团|管委会|街道|镇|乡|分局)$"
)


def _sole_unit(parts: list[tuple[int, int, str]]) -> bool:
    """ "(县人社局负责)", "(县人社局、县财政局按职责分工负责)": units in charge, with 负责."""
    if len(parts) != 1:
        return False
    piece = parts[0][2].strip()
    word = _ROLE_WORD.search(piece)
    return bool(word and "负责" in word[1] and _ORG_END.search(piece[: word.start()]))


def _is_lead_part(piece: str) -> bool:
    word = _ROLE_WORD.search(piece.strip())
    return bool(word and ("牵头" in word[1] or "主责" in word[1]))


def _responsible_list(parts: list[tuple[int, int, str]]) -> bool:
    """ "(县财政局为责任单位)", "(X负责,Y配合)": every part names units by a role word."""
    for _, _, piece in parts:
        word = _ROLE_WORD.search(piece.strip())
        if not word or not _ORG_END.search(piece.strip()[: word.start()]):
            return False
    return True


# --- leaders, lead headings and notes ------------------------------------------------------------

_TITLES = (
    r"(?:常务)?副?(?:市长|县长|区长|州长|旗长|盟长|镇长|乡长|主席|省长)|(?:[市县区州旗]委)?副?书记|"
    r"(?:[市县区州旗]委)?常委|(?:政府)?秘书长|(?:[市县区]政府)?副?主任"
)
# A leader in charge (分管领导): "王志强市长", "张副县长", "常务副市长李明", "分管副市长".
_LEADER = re.compile(
    rf"^(?:[市县区州旗]政府|[市县区州旗]委)?(?:"
    rf"[\u4e00-\u9fff]{{1,3}}?(?:{_TITLES})|(?:{_TITLES})[\u4e00-\u9fff]{{2,3}}|(?:分管|联系|责任)(?:{_TITLES})"
    rf")(?:同志)?$"
)


_BARE_TITLE = re.compile(rf"(?:[市县区州旗](?:委|政府))?(?:{_TITLES})")


def is_leader(name: str) -> bool:
    """Whether a name in a unit's place is a person: a leader in charge, not a unit."""
    name = name.strip()
    if _BARE_TITLE.fullmatch(name):
        return False  # "市委常委", "副市长": a title without the person
    if _ORG_END.search(name) and not re.search(rf"(?:{_TITLES})$", name):
        return False
    return bool(_LEADER.match(name))


# "一、市发展改革委牵头工作(8项)", "(二)王志强市长主抓重点工作", "三、李明副市长负责(6项)".
_GROUP_HEADING = re.compile(
    r"^(?:由)?(?P<names>[^,;。:!?]{2,60}?)(?:同志)?"
    r"(?:牵头抓总|牵头负责|主抓|牵头|分管|负责|主责|联系)(?:的|落实|推进)?"
    r"(?:重点|重要|主要)?(?:工作|任务|事项|项目|领域|方面)?(?:任务|事项|清单|内容)?"
    r"\s*(?:\(\s*(?:共|计)?\s*\d{1,3}\s*(?:项|条|个)\s*\))?$"
)


# "一、市发展改革委(8项)": a heading that is only a unit's name and a count of items.
_COUNTED_HEADING = re.compile(
    r"^(?P<names>[^,;。:!?()]{3,40}?)\s*\(\s*(?:共|计)?\s*\d{1,3}\s*(?:项|条)\s*\)$"
)


def group_heading(title: str) -> tuple[int, int] | None:
    """Offsets in `title` of the names a heading groups its items under, if it does."""
    m = _GROUP_HEADING.match(title) or _COUNTED_HEADING.match(title)
    if not m:
        return None
    names = [n for n in re.split(r"[、,]", m["names"]) if n]
    if not names:
        return None
    if is_leader(names[-1]) and names[:-1] and all(_BARE_TITLE.fullmatch(n) for n in names[:-1]):
        # "市委常委、常务副市长张三": the leader's other offices before the name.
        return m.start("names") + m["names"].rfind(names[-1]), m.end("names")
    if not all(is_leader(n) or _looks_like_unit(n) for n in names):
        return None
    return m.start("names"), m.end("names")


def _looks_like_unit(name: str) -> bool:
    return (len(name) >= 3 and bool(_ORG_END.search(name))) or name.startswith("各")


# "(列第一位者为牵头单位,下同)", "排在首位的为牵头单位", "第一个单位为牵头单位": from here on,
# the first unit listed for an item leads it.
_FIRST_WORDS = re.compile(r"第一位|第一个|首位|首个|最前|第1位|前面")


def first_is_lead_notes(norm: str) -> list[tuple[int, int]]:
    """Spans of the "(列第一位者为牵头单位,下同)" notes in the text.

    The note's pattern is only tried around its key words: it has many optional parts, and
    scanning every position of a long document with it would cost more than all the rest.
    """
    spans: list[tuple[int, int]] = []
    for word in _FIRST_WORDS.finditer(norm):
        if spans and word.start() < spans[-1][1]:
            continue
        lo, hi = max(0, word.start() - 24), min(len(norm), word.end() + 24)
        if "牵头" not in norm[lo:hi]:
            continue
        m = FIRST_IS_LEAD.search(norm, lo, hi)
        if m and m.start() <= word.start() < m.end():
            spans.append((m.start(), m.end()))
    return spans


_B = r"[ \t]*"  # blanks within a line (never a line break: the note is blanked in place)
FIRST_IS_LEAD = re.compile(
    rf"[(【\[]?{_B}(?:注{_B}[::])?{_B}(?:责任单位|单位)?{_B}(?:中)?{_B}"
    rf"(?:列|排|位列|排列|列于|列在|排在|排名)?{_B}(?:在)?{_B}"
    rf"(?:第一位|第一个|首位|首个|最前面?|第1位|前面){_B}(?:的|者)?{_B}(?:单位|部门)?{_B}"
    rf"(?:为|是){_B}牵头(?:单位|部门)?{_B}(?:[,;]?{_B}下同)?{_B}[)】\]]?"
    rf"|[(【\[]?{_B}牵头(?:单位|部门){_B}(?:列|排)(?:在)?(?:第一位|首位){_B}"
    rf"(?:[,;]?{_B}下同)?{_B}[)】\]]?"
)


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
        if not parts or not _ROLE_WORD.search(parts[-1][2].strip()):
            continue
        # "(市发改委牵头,市财政局、市住建局,各县区政府配合)": a part naming units without a
        # role word takes the role of the next part that has one.
        roles: list[str | None] = [None] * len(parts)
        pending: str | None = None
        for k in range(len(parts) - 1, -1, -1):
            piece = parts[k][2].strip()
            word = _ROLE_WORD.search(piece)
            if word:
                pending = word[1]
                roles[k] = word[1]
            elif pending and "牵头" not in pending and _ORG_END.search(piece):
                roles[k] = pending
        if any(r is None for r in roles):
            continue
        worded = [p for p, r in zip(parts, roles, strict=True) if _ROLE_WORD.search(p[2].strip())]
        leads = [p for p in worded if _is_lead_part(p[2])]
        if not leads and not _sole_unit(worded) and not _responsible_list(worded):
            continue
        for (a, _, piece), word_text in zip(parts, roles, strict=True):
            if word_text is None:  # pragma: no cover - every part has a role, checked above
                continue
            own = _ROLE_WORD.search(piece.strip())
            role: Role = "lead" if "牵头" in word_text or "主责" in word_text else "responsible"
            cut = len(own[1]) if own else 0
            stripped_end = a + len(piece.rstrip()) - cut
            clauses.append(UnitClause(role, m.start(), m.end(), a, stripped_end))
    return clauses


# --- splitting --------------------------------------------------------------------------------

# "/" too: "各县(区)人民政府/市统计局" (width is folded in the working copy).
_SEPARATORS = "、,;,; \t/\n"
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
