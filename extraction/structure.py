"""Document layout: lines, numbered headings and items, and the document's own metadata.

Numbering styles (一、 / (一) / 1. / (1) / ① / 第一章 …) get their depth from the order in which
a document uses them, not from a fixed table: a style seen for the first time opens a level below
the current one, a style already open closes everything beneath it.  That copes with documents
that skip a level or start at (一).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extraction import dates
from extraction.confidence import looks_like_unit
from extraction.normalize import is_debris

_CN_NUM = "一二三四五六七八九十"

# (style, pattern); a pattern matches at the start of a stripped line.
_NUMBERING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第([{_CN_NUM}百零〇\d]{{1,4}})(章|部分)\s*")),
    ("section", re.compile(rf"第([{_CN_NUM}百零〇\d]{{1,4}})节\s*")),
    ("cn", re.compile(rf"([{_CN_NUM}]{{1,3}})\s*[、.]\s*")),
    ("pcn", re.compile(rf"\(\s*([{_CN_NUM}]{{1,3}})\s*\)\s*")),
    ("num", re.compile(r"(\d{1,3})\s*(?:、|\.(?!\d))\s*")),
    ("numr", re.compile(r"(\d{1,3})\s*\)\s*")),
    ("pnum", re.compile(r"\(\s*(\d{1,3})\s*\)\s*")),
    ("circ", re.compile(r"([\u2460-\u2473])\s*")),
)


@dataclass
class Line:
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    text: str  # working-copy text of [start, end)


@dataclass
class Node:
    style: str
    token: str  # as it appears in a ref: "二", "(一)", "1"
    number: str  # "二", "一", "1"
    start: int  # where the numbering starts
    head: Line  # the numbered line
    body_start: int  # just after the numbering
    lines: list[Line] = field(default_factory=list)  # lines after the numbered one
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    title: str = ""  # working-copy title, numbering and unit clause removed
    title_start: int = 0
    title_end: int = 0
    part: str = ""  # the unnumbered part heading above a top-level node ("2023年工作安排")
    annex: str = ""  # "附件", "附件2": the annex a top-level node belongs to
    part_start: int = -1  # where `part` starts in the text, when there is one
    # Offsets of the unit or leader names a heading groups its items under ("一、市发展改革委
    # 牵头工作(8项)"), set by the pipeline.
    group: tuple[int, int] | None = None

    @property
    def end(self) -> int:
        return self.lines[-1].end if self.lines else self.head.end

    def ancestors(self) -> list[Node]:
        chain: list[Node] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def split_lines(norm: str) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for chunk in norm.split("\n"):
        stripped = chunk.strip()
        if stripped:
            start = pos + (len(chunk) - len(chunk.lstrip()))
            lines.append(Line(start, start + len(stripped), stripped))
        pos += len(chunk) + 1
    return lines


def match_numbering(text: str) -> tuple[str, str, int] | None:
    """(style, number, length of the numbering) when the line starts with a numbering."""
    for style, pattern in _NUMBERING:
        m = pattern.match(text)
        if m and m.end() < len(text):
            return style, m[1], m.end()
    return None


def _token(style: str, number: str) -> str:
    if style == "pcn" or style == "pnum":
        return f"({number})"
    if style == "numr":
        return f"{number})"
    if style == "chapter":
        return f"第{number}章"
    if style == "section":
        return f"第{number}节"
    return number


# Unnumbered headings that divide a work report into parts ("2022年工作回顾", "2023年工作安排",
# "加强政府自身建设"): numbering starts again under each, and what stands under a review is not
# a task.
_PART_HEADING = re.compile(
    r"^(?:\d{4}年|[^,,。;;::!!??]{0,10})?(?:工作回顾|回顾|工作安排|重点工作|主要任务|目标任务|"
    r"工作任务|政府自身建设|保障措施|工作要求|总体要求)[^,,。;;::!!??]{0,6}$"
)


def is_part_heading(text: str) -> bool:
    return len(text) <= 24 and bool(_PART_HEADING.match(text))


# Lines that end a document's body: an attachment list or a bare date under a signature.
_END_OF_BODY = re.compile(r"^(附件\s*[::\d]|附件$|\(此件.{0,8}\)$)")
# An annex begins: "附件", "附件2", "附件2:" alone on its line (a list of attachments names
# them after the colon instead).
_ANNEX = re.compile(r"^附件\s*(\d{1,2}|[一二三四五六七八九十]{1,3})?\s*[::]?$")
# "附件:1.XX工作方案" and the lines under it naming the other attachments.
_ATTACHMENT_LIST = re.compile(r"^附件\s*[::]\s*\S")


def build_tree(
    lines: list[Line],
    skip: frozenset[int] = frozenset(),
    restart_at: int | None = None,
    group_line: Callable[[str], bool] | None = None,
) -> tuple[list[Node], list[Line]]:
    """Numbered nodes as a forest, plus the lines before the first numbered line.

    `skip` holds the start offsets of lines that belong to a table.  `group_line` tells an
    unnumbered heading that groups the items below it ("市发展改革委牵头工作(8项)"); it opens
    a part like the unnumbered part headings of a work report.  `restart_at` is the start
    of a line where numbering begins afresh: the title of a document under its cover notice.
    An annex ("附件2" alone on a line, after numbered content) starts its own numbering too;
    its top-level nodes carry `annex`.  The attachment list of a notice ("附件:1.XX方案",
    "2.XX清单") is neither text nor items.
    """
    roots: list[Node] = []
    stack: list[Node] = []
    preamble: list[Line] = []
    current: Node | None = None
    closed = False
    listing = False
    part = ""
    part_start = -1
    annex = ""
    for line in lines:
        if line.start in skip or is_debris(line.text):
            continue
        if line.start == restart_at:
            part, stack, current, closed, listing, annex = "", [], None, False, False, ""
            part_start = -1
            continue
        annexed = _ANNEX.match(line.text)
        if annexed and roots:
            annex = "附件" + (annexed[1] or "")
            part, stack, current, closed, listing = "", [], None, False, False
            part_start = -1
            continue
        if _ATTACHMENT_LIST.match(line.text):
            listing, closed = True, True
            continue
        numbered = match_numbering(line.text)
        if numbered is None and group_line is not None and group_line(line.text):
            part, part_start, stack, current, closed = line.text, line.start, [], None, False
            continue
        if listing and numbered and _DOC_SUFFIX.search(line.text[numbered[2] :].strip()):
            continue  # another attachment's name
        listing = False
        if numbered is None and is_part_heading(line.text):
            part, part_start, stack, current, closed = line.text, line.start, [], None, False
            continue
        if numbered is None:
            if current is None:
                preamble.append(line)
            elif not closed:
                if _END_OF_BODY.match(line.text):
                    closed = True
                elif _DATE_LINE.match(line.text.replace(" ", "")):
                    # A signature under the last item: the signing body is not item text.
                    closed = True
                    while current.lines and _signature_like(current.lines[-1].text):
                        current.lines.pop()
                else:
                    current.lines.append(line)
            continue
        closed = False
        style, number, length = numbered
        depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].style == style), None)
        if depth is not None:
            # "1." again right under an open "1." (a sub-list inside an item) nests instead.
            sibling = stack[depth]
            if depth == len(stack) - 1 and number in ("1", "一") and sibling.number in ("1", "一"):
                depth = None
            else:
                del stack[depth:]
        node = Node(
            style=style,
            token=_token(style, number),
            number=number,
            start=line.start,
            head=line,
            body_start=line.start + length,
        )
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            node.part = part
            node.part_start = part_start
            node.annex = annex
            roots.append(node)
        stack.append(node)
        current = node
    return roots, preamble


def _signature_like(text: str) -> bool:
    return len(text) <= 30 and not _TITLE_STOP.search(text) and bool(_ORG_SUFFIX.search(text))


# --- metadata ---------------------------------------------------------------------------------

_DOC_SUFFIX = re.compile(
    r"(方案|计划|规划|纲要|意见|办法|通知|报告|要点|清单|细则|决定|规定|措施|安排|分工|公告|通告|"
    r"任务书|责任书|实施方案|工作方案|责任分工|任务分解|指标分解|台账|预期目标|主要目标|指标目标|"
    r"(?:分工|任务|分解|清单|指标|考核|责任|进度|明细|一览|汇总|计划)表)$"
)
_STRONG_SUFFIX = re.compile(
    r"(方案|计划|规划|纲要|意见|办法|通知|报告|要点|清单|细则|决定|规定|任务书|责任书|"
    r"(?:分工|任务|分解|指标|考核|责任)表)$"
)
_TITLE_STOP = re.compile(r"[。,,;;::!!??|]")
_ORG_SUFFIX = re.compile(
    r"(人民政府|政府|办公室|办公厅|委员会|党委|市委|县委|区委|局|委|厅|办|中心|公司|管委会|小组)$"
)
_DATE_LINE = re.compile(
    r"^(\d{4}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日|"
    r"\d{4}年?\d{1,2}月?\d{1,2}日)$"
)


_ATTACHMENT_MARK = re.compile(r"^附件\s*[\d一二三四五六七八九十]*\s*[::]?$")


def _title_like(text: str) -> bool:
    if not text or len(text) > 40 or _TITLE_STOP.search(text):
        return False
    if match_numbering(text) or is_debris(text) or _DATE_LINE.match(text.replace(" ", "")):
        return False
    if _ATTACHMENT_MARK.match(text):
        return False  # "附件" / "附件2" above an attached table's title
    return not text.startswith(("(", "【", "[", "<"))


@dataclass
class TitleCandidate:
    lines: list[Line]
    text: str  # working copy, joined without spaces


def title_candidates(lines: list[Line]) -> list[TitleCandidate]:
    """Runs of short unpunctuated lines (blank lines allowed between) ending in a document type."""
    runs: list[list[Line]] = []
    run: list[Line] = []
    for line in lines:
        if _title_like(line.text):
            run.append(line)
            continue
        if run:
            runs.append(run)
        run = []
    if run:
        runs.append(run)
    found: list[TitleCandidate] = []
    for run in runs:
        for first in range(len(run)):
            for last in range(min(len(run), first + 4) - 1, first - 1, -1):
                joined = "".join(line.text.replace(" ", "") for line in run[first : last + 1])
                if _DOC_SUFFIX.search(joined):
                    found.append(TitleCandidate(run[first : last + 1], joined))
                    break
            else:
                continue
            break
    return found


_QUOTED = re.compile(r"《([^《》\n]{4,80})》")
_NOTICE = re.compile(r"通知|印发|转发")


def cover_end(norm: str, lines: list[Line]) -> int | None:
    """Start of the document's own title line under a cover notice, if there is one.

    "关于印发…的通知" (or "现将《X》印发给你们") followed, after its own numbered paragraphs,
    attachment list and signature, by the line "X": everything above that line is the notice.
    """
    head = norm[: lines[min(len(lines), 30) - 1].end] if lines else ""
    if not _NOTICE.search(head):
        return None
    quoted = [m[1].replace(" ", "") for m in _QUOTED.finditer(head)]
    quoted += [m[1].replace(" ", "") for m in _NOTICE_TITLE.finditer(head)]
    for line in lines:
        text = line.text.replace(" ", "")
        if line.start == 0 or _NOTICE_TITLE.search(text) or len(text) > 90:
            continue
        # The title again, perhaps with a remark: "XX工作方案(试行)", "XX工作方案(2024年版)".
        if any(text == q or (text.startswith(q) and len(text) - len(q) <= 10) for q in quoted):
            if norm.find(text[:6]) < line.start:
                return line.start
    return None


_ISSUE_NOTICE = re.compile(r"印发\s*《([^《》\n]{4,80})》")
# "XX关于印发YY工作方案的通知" without quotation marks.
_NOTICE_TITLE = re.compile(r"关于印发([^《》\n]{4,80}?)的通知")


def find_title(
    norm: str, lines: list[Line], first_heading: int
) -> tuple[int, int, list[Line]] | None:
    """The lines that make up the document title, or a 《…》 span when no heading line does."""
    quoted = {m[1].replace(" ", "") for m in _QUOTED.finditer(norm)}
    candidates = title_candidates(lines)
    for cand in candidates:
        if cand.text in quoted or re.sub(r"\(.*?\)$", "", cand.text) in quoted:
            return cand.lines[0].start, cand.lines[-1].end, cand.lines
    before = [c for c in candidates if c.lines[0].start < first_heading]
    # A web page's own heading (…的公告) or a section name (工作安排) is weaker evidence than a
    # document type such as 方案 or 报告.
    strong = [c for c in before if _STRONG_SUFFIX.search(c.text)]
    if strong or before:
        cand = (strong or before)[-1]
        return cand.lines[0].start, cand.lines[-1].end, cand.lines
    m = _ISSUE_NOTICE.search(norm)
    if m:
        return m.start(1), m.end(1), []
    if candidates:
        cand = candidates[0]
        return cand.lines[0].start, cand.lines[-1].end, cand.lines
    return None


_META_DATE = re.compile(r"成文日期\s*[::|]?\s*")
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|印发日期|发文日期)\s*[::|]?\s*")
# The value ends at the next cell: "|", a tab or a run of spaces (a metadata line laid out as
# "时间:2026-02-18     发布机构:云江市发展和改革委员会     浏览: 次").
_META_ISSUER = re.compile(
    r"(?:发布机构|发文机关|发文单位)\s*[::|]\s*([^|\n\t]{2,40}?)(?:\s*\||\t| {2,}|\s*\n|\s*$)"
)
_NOTICE_ISSUER = re.compile(r"^(.{2,30}?(?:人民政府|政府|办公室|办公厅|委员会))(?:办公室)?关于印发")


def _date_after(norm: str, pattern: re.Pattern[str]) -> str | None:
    for m in pattern.finditer(norm):
        # The value may sit on the next line in pasted metadata tables.
        value = dates.parse_date(norm[m.end() : m.end() + 30])
        if value:
            return value
    return None


def signature(lines: list[Line]) -> tuple[list[Line], str] | None:
    """The signing body's lines and the date line beneath them (the first such block)."""
    for i, line in enumerate(lines):
        if not _DATE_LINE.match(line.text.replace(" ", "")):
            continue
        block: list[Line] = []
        j = i - 1
        while j >= 0 and len(block) < 3:
            text = lines[j].text
            if len(text) > 30 or _TITLE_STOP.search(text) or match_numbering(text):
                break
            block.insert(0, lines[j])
            j -= 1
        if block and _ORG_SUFFIX.search(block[-1].text):
            date = dates.parse_date(line.text.replace(" ", "")) or dates.garbled_date(
                line.text.replace(" ", "")
            )
            if date:
                return block, date
    return None


# "——2024年1月18日在青川市第七届人民代表大会第四次会议上" under a work report's title.
_SPEECH = re.compile(r"^[-—–\s(]*(.{8,16}?日)\s?在.{2,60}?(?:会议|大会)上")


def _speech_date(lines: list[Line]) -> str | None:
    for line in lines[:12]:
        m = _SPEECH.match(line.text)
        if m:
            found = dates.parse_date(m[1].replace(" ", ""))
            if found:
                return found
    return None


_REPORT_ISSUER = re.compile(
    r"^(?:\d{4}\s?年|[〇○零一二三四五六七八九]{4}年)?(.{2,24}?政府)工作报告"
)


def issuer_in_title(title: str) -> tuple[int, int] | None:
    """Offsets of "青川市人民政府" in "2024年青川市人民政府工作报告": a report's issuer."""
    m = _REPORT_ISSUER.match(title)
    return (m.start(1), m.end(1)) if m else None


def find_issuer_and_date(
    norm: str, lines: list[Line]
) -> tuple[tuple[int, int] | list[Line] | None, str | None]:
    """Issuer (a span, or signature lines) and the document date.

    Date: 成文日期 first, then the date under the signature, then the publication date.
    Issuer: a metadata table's 发布机构, then the signature, then "X关于印发…" in a notice title.
    """
    sig = signature(lines)
    date = (
        _date_after(norm, _META_DATE)
        or (sig[1] if sig else None)
        or _speech_date(lines)
        or _date_after(norm, _PUBLISHED)
    )
    m = _META_ISSUER.search(norm)
    if m:
        return (m.start(1), m.end(1)), date
    if sig:
        return sig[0], date
    for line in lines[:30]:
        notice = _NOTICE_ISSUER.match(line.text)
        if notice:
            return (line.start, line.start + notice.end(1)), date
    return None, date


_TITLE_YEAR = re.compile(r"(?<!\d)(\d{4})\s?年(?!\s?远景)")
_TITLE_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})年(?!远景)")
_MULTI_YEAR_PLAN = re.compile(r"五年规划|十[一二三四五六]五|\d{4}\s?[-—~至]\s?\d{4}")


_ANY_YEAR = re.compile(r"(?<!\d)(20\d{2})\s?年")


def find_year(title: str | None, date: str | None, text: str = "") -> int | None:
    """The plan year from the title ("2023年…方案"); a multi-year plan falls back to its date.

    A document with neither a year in its title nor a date (a bare table) takes the year its
    text names most often ("2024年6月底前"); the latest wins a tie.
    """
    multi_year = bool(title and _MULTI_YEAR_PLAN.search(title))
    if title and not multi_year:
        m = _TITLE_YEAR.search(title)
        if m and 1990 <= int(m[1]) <= 2100:
            return int(m[1])
        cn = _TITLE_CN_YEAR.search(title)
        if cn:
            digits = [dates.cn_number(ch) for ch in cn[1]]
            if all(d is not None for d in digits):
                return int("".join(str(d) for d in digits))
    if date:
        return int(date[:4])
    if multi_year:
        return None
    counts: dict[int, int] = {}
    for m in _ANY_YEAR.finditer(text):
        counts[int(m[1])] = counts.get(int(m[1]), 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


# --- tables -----------------------------------------------------------------------------------

_CELL_SEP = re.compile(r"\t|\|")
# Columns aligned with spaces (a table pasted from a fixed-width view): two or more spaces.
_SPACE_SEP = re.compile(r" {2,}")
_HEADER_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # The official in charge ("牵头领导", "责任领导", "分管领导") is a person, not a unit column.
    ("leader", re.compile(r"领导|负责人|联系人|责任人")),
    ("number", re.compile(r"^(序号|编号|序)$")),
    ("lead", re.compile(r"牵头|主责")),
    ("responsible", re.compile(r"责任单位|责任部门|配合|参与|协办|协同")),
    ("deadline", re.compile(r"时限|时间|节点|期限")),
    ("target", re.compile(r"目标|预期值|目标值")),
    ("task", re.compile(r"任务|内容|措施|事项|工作|指标|项目|名称")),
)


@dataclass
class Cell:
    start: int
    end: int
    text: str


@dataclass
class TableRow:
    line: Line
    # By role: number, task, target, lead, responsible, deadline, leader; in a target table
    # also measure_unit (the unit of measure column) and category (属性).
    cells: dict[str, Cell]
    sections: list[tuple[str, str]]  # (ref token, heading text) of the section rows above
    # A table flattened to one cell per line: every line of the row (and, on the first row,
    # the header's), so that the layout rules skip them.
    lines: list[Line] = field(default_factory=list)
    # Roles whose cell was merged with the row above and is shared with it.
    shared: frozenset[str] = frozenset()


def _cells(line: Line, separator: re.Pattern[str] = _CELL_SEP) -> list[Cell]:
    cells: list[Cell] = []
    pos = 0
    text = line.text
    for m in [*separator.finditer(text), None]:
        end = m.start() if m else len(text)
        raw = text[pos:end]
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        start = line.start + pos + lead
        cells.append(Cell(start, start + len(stripped), stripped))
        pos = m.end() if m else len(text)
    if cells and not cells[0].text and text.startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1].text and text.endswith("|"):
        cells = cells[:-1]
    return cells


def _display_column(line: Line, offset: int) -> int:
    """Screen column of an offset: a Chinese character takes two columns in a fixed-width view."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in line.text[: offset - line.start])


def _aligned(line: Line, header: list[int]) -> list[Cell]:
    """Cells of a space-aligned row, each put under the header column it starts beneath.

    A row with an empty cell has fewer cells than the header; its cells keep their columns.
    """
    cells = _cells(line, _SPACE_SEP)
    if len(cells) == len(header):
        return cells
    out = [Cell(line.end, line.end, "") for _ in header]
    for cell in cells:
        column = _display_column(line, cell.start)
        index = max((i for i, start in enumerate(header) if start <= column + 1), default=0)
        if out[index].text:
            merged = out[index]
            out[index] = Cell(merged.start, cell.end, merged.text + " " + cell.text)
        else:
            out[index] = cell
    return out


def _header_roles(cells: list[Cell]) -> dict[int, str] | None:
    roles: dict[int, str] = {}
    for i, cell in enumerate(cells):
        for role, pattern in _HEADER_ROLES:
            if role not in roles.values() and pattern.search(cell.text):
                roles[i] = role
                break
    wanted = set(roles.values())
    if wanted & {"lead", "responsible"} and wanted & {"task", "target"}:
        return roles
    return None


def _split_row(line: Line, spaced: list[int] | None) -> list[Cell]:
    if _CELL_SEP.search(line.text):
        return _cells(line)
    if spaced is not None and _SPACE_SEP.search(line.text):
        return _aligned(line, spaced)
    return []


def find_tables(lines: list[Line]) -> list[TableRow]:
    """Rows of task tables pasted as text (cells split by tabs, "|" or runs of spaces) under a
    header row that names the task and unit columns.  Section rows (一、… alone in a row) give
    the rows a path."""
    rows: list[TableRow] = []
    roles: dict[int, str] | None = None
    # Screen columns of a space-aligned header's cells; None for tab- or "|"-separated tables.
    spaced: list[int] | None = None
    sections: list[tuple[str, str]] = []
    for line in lines:
        if _CELL_SEP.search(line.text):
            candidates, layout = _cells(line), None
        elif _SPACE_SEP.search(line.text):
            candidates = _cells(line, _SPACE_SEP)
            layout = [_display_column(line, c.start) for c in candidates]
        else:
            candidates, layout = [], None
        if len(candidates) >= 3:
            header = _header_roles(candidates)
            if header and not any(c.text and c.text[0].isdigit() for c in candidates[:1]):
                roles, spaced, sections = header, layout, []
                continue
        if roles is None:
            continue
        cells = _split_row(line, spaced)
        filled = [c for c in cells if c.text] if cells else []
        heading_text = filled[0].text if len(filled) == 1 else line.text if not cells else ""
        numbered = match_numbering(heading_text) if heading_text else None
        if numbered and numbered[0] in ("cn", "pcn", "chapter", "section"):
            style, number, length = numbered
            depth = 0 if style in ("cn", "chapter") else 1
            sections = [*sections[:depth], (_token(style, number), heading_text[length:].strip())]
            continue
        if len(filled) < 2:
            if not cells:
                roles = None  # prose after the table
            continue
        if all(re.fullmatch(r"[-:=\s]*", c.text) for c in cells):
            continue  # a Markdown rule line under the header
        by_role = {role: cells[i] for i, role in roles.items() if i < len(cells)}
        task = by_role.get("task") or by_role.get("target")
        if task is None or not task.text:
            continue
        rows.append(TableRow(line, by_role, list(sections)))
    return rows


# --- tables flattened to one cell per line ------------------------------------------------------

# Header cells of a flattened table, each alone on its line.  A bare "单位" is the unit of
# measure of a target table ("指标 · 单位 · 目标 · 属性"), "属性" says 预期性 or 约束性.
_LINE_HEADER_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("leader", re.compile(r"领导|负责人|联系人|责任人")),
    ("number", re.compile(r"^(序号|编号|序)$")),
    ("measure_unit", re.compile(r"^(计量)?单位$")),
    ("category", re.compile(r"^(指标)?(属性|性质|类别|类型)$")),
    ("lead", re.compile(r"牵头|主责")),
    ("responsible", re.compile(r"责任单位|责任部门|配合|参与|协办|协同")),
    ("deadline", re.compile(r"时限|时间|节点|期限")),
    ("target", re.compile(r"目标|预期值|目标值|\d{4}年")),
    ("task", re.compile(r"任务|内容|措施|事项|工作|指标|项目|名称")),
)
_UNIT_ROLES = ("lead", "responsible")
_WHEN_LINE = re.compile(
    r"^(?:\d{4}\s?年)?\s?(?:\d{1,2}\s?月(?:\d{1,2}\s?日)?|[一二三四]季度|[上下]半年|年内|年底|年末|"
    r"全年|长期|持续推进|持续|每季度|每月|每年)(?:底|末|中旬|上旬|下旬)?(?:前|之前|以前|完成)?$"
)


def _line_role(text: str) -> str | None:
    if len(text) > 12 or _TITLE_STOP.search(text):
        return None
    for role, pattern in _LINE_HEADER_ROLES:
        if pattern.search(text):
            return role
    return None


def _is_when(text: str) -> bool:
    return bool(_WHEN_LINE.match(text.replace(" ", ""))) or bool(
        len(text) <= 16 and dates.parse_date(text)
    )


def _is_units(text: str) -> bool:
    if len(text) > 80 or "。" in text or _is_when(text):
        return False
    names = [n for n in re.split(r"[、,;\s]+", text) if n]
    return bool(names) and all(looks_like_unit(n) for n in names)


def _header_run(lines: list[Line], i: int) -> list[str] | None:
    """Roles of the header starting at lines[i], when a flattened table starts there."""
    roles: list[str] = []
    j = i
    while j < len(lines):
        role = _line_role(lines[j].text)
        if role is None or role in roles:
            break
        roles.append(role)
        j += 1
    wanted = set(roles)
    if len(roles) < 3:
        return None
    if wanted & {"task", "target"} and wanted & set(_UNIT_ROLES):
        return roles
    if {"task", "target", "measure_unit"} <= wanted:
        return roles
    return None


def _cell(lines: list[Line], sep: str = " ") -> Cell:
    return Cell(lines[0].start, lines[-1].end, sep.join(line.text for line in lines))


def find_line_tables(lines: list[Line]) -> list[TableRow]:
    """Rows of tables flattened to one cell per line ("序号\n重点任务\n牵头单位\n…" then
    "1\n任务…\n市发改委\n市财政局\n2024年6月底前\n2\n…").

    A row starts at its number (the next one in sequence) when the table has a 序号 column;
    without one, a target table's rows are taken a header's width at a time.  Within a row the
    first line is the task (or indicator); in a task table further prose lines continue it (or
    fill a target column), lines naming only units fill the unit columns (the first unit line
    is the lead, later ones the responsible units; a single line listing several units or a
    collective is responsible, its lead merged with the row above), and a line naming a time
    is the deadline.  A unit or deadline cell missing from a row was merged with the row above
    and is shared with it.
    """
    rows: list[TableRow] = []
    i = 0
    while i < len(lines):
        roles = _header_run(lines, i)
        if roles is None:
            i += 1
            continue
        header = lines[i : i + len(roles)]
        i += len(roles)
        body: list[list[Line]] = []
        if "number" in roles:
            expected = 1
            while i < len(lines):
                text = lines[i].text
                if re.fullmatch(rf"\(?\s*{expected}\s*[).、]?", text):
                    body.append([lines[i]])
                    expected += 1
                elif body and not match_numbering(text) and not is_part_heading(text):
                    body[-1].append(lines[i])
                else:
                    break
                i += 1
            # The last row ends where its cells end: prose after the table is not a cell.
            if body:
                body[-1] = _trim_row(body[-1], roles)
                i = _after(lines, body[-1][-1])
        else:
            width = len(roles)
            while i + width <= len(lines) and all(
                len(line.text) <= 40 and not match_numbering(line.text)
                for line in lines[i : i + width]
            ):
                body.append(lines[i : i + width])
                i += width
        previous: dict[str, Cell] = {}
        for k, row_lines in enumerate(body):
            row = _line_row(row_lines, roles, previous)
            if row is None:
                continue
            if k == 0:
                row.lines = header + row.lines
            rows.append(row)
            previous = row.cells
    return rows


def _after(lines: list[Line], last: Line) -> int:
    return next(i for i, line in enumerate(lines) if line is last) + 1


def _trim_row(row: list[Line], roles: list[str]) -> list[Line]:
    """Cut the last row before the prose that follows the table (a long sentence)."""
    for k, line in enumerate(row[2:], start=2):
        if len(line.text) > 40 and ("。" in line.text or "," in line.text):
            return row[:k]
    return row


def _line_row(
    row_lines: list[Line], roles: list[str], previous: dict[str, Cell]
) -> TableRow | None:
    columns = [role for role in roles if role != "number"]
    cells: dict[str, Cell] = {}
    lines = list(row_lines)
    if "number" in roles:
        number = lines[0]
        digits = re.sub(r"\D", "", number.text)
        cells["number"] = Cell(number.start, number.end, digits)
        lines = lines[1:]
    if not lines:
        return None
    if "measure_unit" in columns:
        # A target table: one line per cell, in the header's order; unit columns, if any,
        # take the lines that name units.
        fixed = [role for role in columns if role not in _UNIT_ROLES]
        rest = [line for line in lines[len(fixed) :]]
        for role, line in zip(fixed, lines, strict=False):
            cells[role] = _cell([line])
        named = [line for line in rest if _is_units(line.text)]
        unit_columns = [role for role in columns if role in _UNIT_ROLES]
        if named and unit_columns:
            cells[unit_columns[0]] = _cell(named[:1] if len(unit_columns) > 1 else named, "、")
            if len(unit_columns) > 1 and len(named) > 1:
                cells[unit_columns[1]] = _cell(named[1:], "、")
        if "task" not in cells:
            return None
        return TableRow(Line(row_lines[0].start, row_lines[-1].end, ""), cells, [], row_lines)
    first = columns[0]
    cells[first] = _cell(lines[:1])
    prose: list[Line] = []
    unit_lines: list[Line] = []
    when: list[Line] = []
    leaders: list[Line] = []
    for line in lines[1:]:
        if _is_when(line.text):
            when.append(line)
        elif _is_units(line.text):
            unit_lines.append(line)
        elif "leader" in columns and not unit_lines and len(line.text) <= 8:
            leaders.append(line)
        elif not unit_lines and not when:
            prose.append(line)
    if prose:
        if "target" in columns and first != "target":
            cells["target"] = _cell(prose)
        else:
            cells[first] = _cell(lines[: 1 + len(prose)])
    if leaders:
        cells["leader"] = _cell(leaders, "、")
    shared: set[str] = set()
    unit_columns = [role for role in columns if role in _UNIT_ROLES]
    if unit_lines and len(unit_columns) == 2:
        single = len(unit_lines) == 1
        several = single and (
            re.search(r"[、,;]", unit_lines[0].text) or unit_lines[0].text.startswith("各")
        )
        if several and "lead" in previous:
            cells["lead"], cells["responsible"] = previous["lead"], _cell(unit_lines)
            shared.add("lead")
        else:
            cells["lead"] = _cell(unit_lines[:1])
            if not single:
                cells["responsible"] = _cell(unit_lines[1:], "、")
    elif unit_lines and unit_columns:
        cells[unit_columns[0]] = _cell(unit_lines, "、")
    elif unit_columns:
        for role in unit_columns:
            if role in previous:
                cells[role] = previous[role]
                shared.add(role)
    if when:
        cells["deadline"] = _cell(when[:1])
    elif "deadline" in columns and "deadline" in previous:
        cells["deadline"] = previous["deadline"]
        shared.add("deadline")
    line = Line(row_lines[0].start, row_lines[-1].end, "")
    return TableRow(line, cells, [], row_lines, frozenset(shared))
