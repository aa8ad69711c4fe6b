"""extract(): text in, the DESIGN §7 object out."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from extraction import confidence, dates, structure, targets, units
from extraction.normalize import is_debris, tidy, working_copy
from extraction.prepare import prepare
from extraction.structure import Line, Node
from extraction.types import (
    Assignment,
    Category,
    Extraction,
    Fragment,
    Reason,
    Script,
    Target,
    UncertainUnit,
)

logger = logging.getLogger(__name__)

# Sections that frame a plan rather than assign work; used only when no item names a unit.
_NOT_TASKS = re.compile(
    r"保障措施|工作要求|组织实施|分工原则|工作原则|基本原则|指导思想|总体要求|目标要求|工作回顾|"
    r"回顾|组织领导|实施步骤|附则|背景|工作目标$"
)
# A section that only states the targets ("二、2024年目标任务"); they are the document's
# headline targets, not a task.  Only the section itself: in a work report "二、主要目标任务"
# may also head the year's tasks as sub-sections.
_TARGETS_ONLY = re.compile(r"(主要|预期|发展|年度|总体)?目标(任务)?$")
# The closing words of a plan ("2023年全市经济社会发展工作任务繁重,意义重大。各地区各部门要…"),
# written as one more paragraph of its last section.
_CLOSING = re.compile(
    r"^(?:\d{4}年|今年|新的一年)?[^。]{0,24}(任务艰巨|任务繁重|意义重大|责任重大|使命光荣|任重道远)|"
    r"^各(地区|地|部门|单位|级|旗县|县|区|乡镇)|^各位代表"
)
# Bullets and dashes that open a paragraph ("——全员招引项目。…") are not part of its title.
_PARAGRAPH_MARK = re.compile(r"^[—\-–·•●○◆◇■□▪►▸※\s]+")
_TITLE_GROWTH = re.compile(r"(及其?增速|及增长率|及增幅|增速|增长率|增幅|数据)$")
_INVERSE_NOTE = re.compile(r"[((]逆指标[))]")
_LEADER_LABEL = re.compile(
    r"[(【\[]?(?:责任|分管|牵头|联系|包抓|包联|主抓)领导[ \t]*[::】\]][ \t]*"
    r"([^;;。\n()【】]{2,40})[)】\]]?"
)


def empty_result(script: Script = "simplified") -> Extraction:
    return {
        "title": None,
        "issuer": None,
        "date": None,
        "year": None,
        "script": script,
        "targets": [],
        "reporting": [],
        "escalation_days": None,
        "assignments": [],
        "fragments": [],
    }


def extract(text: str) -> Extraction:
    """Extract a draft from a document's text; never raises on odd input.

    An import must always give the reviewer a draft to correct, so a rule that trips on an
    unforeseen layout costs that document's structure, not the import: the error is logged and
    the empty schema is returned.
    """
    try:
        return extract_strict(text)
    except Exception:
        logger.exception("extraction failed; returning an empty draft")
        return empty_result()


def extract_strict(text: str) -> Extraction:
    """extract() without the safety net, for tests that must see every failure."""
    if not isinstance(text, str):
        raise TypeError(f"extract() takes str, not {type(text).__name__}")
    # Every offset and every string "as written" refers to the prepared text from here on.
    text, script = prepare(text)
    norm = working_copy(text)
    # "(列第一位者为牵头单位,下同)": remembered, then blanked so that no unit list or title
    # ever contains it (blanks keep every offset).
    notes = units.first_is_lead_notes(norm)
    for a, b in notes:
        norm = norm[:a] + " " * (b - a) + norm[b:]
    # From the line that carries the note (it may close the first item's own unit list).
    first_lead_from = norm.rfind("\n", 0, notes[0][0]) + 1 if notes else None
    lines = structure.split_lines(norm)
    table_rows = structure.find_tables(lines)
    taken = {row.line.start for row in table_rows}
    table_rows += structure.find_line_tables([line for line in lines if line.start not in taken])
    in_tables = frozenset(line.start for row in table_rows for line in [row.line, *row.lines])
    # A cover notice's own numbered paragraphs (一、提高认识 …) are not tasks of the document
    # it issues.
    cover = structure.cover_end(norm, lines)
    roots, _ = structure.build_tree(
        lines, in_tables, restart_at=cover, group_line=lambda t: units.group_heading(t) is not None
    )
    if cover is not None:
        roots = [root for root in roots if root.start > cover]
    result = empty_result(script)

    first_heading = roots[0].start if roots else len(norm)
    title_norm = _metadata(text, norm, lines, first_heading, result)
    result["year"] = structure.find_year(title_norm, result["date"], norm)
    result["targets"] = targets.find_headline_targets(text, norm)
    result["reporting"] = dates.find_reporting_rules(norm, text)
    result["escalation_days"] = dates.find_escalation_days(norm)

    analysed = [_Analysed(node, text, norm) for root in roots for node in root.walk()]
    assignments = [
        _assignment(item, text, norm, result["year"], units_from, first_lead_from)
        for item, units_from in _select(analysed)
    ]
    assignments.extend(
        _table_assignment(row, i, text, norm, result["year"], first_lead_from)
        for i, row in enumerate(table_rows)
    )
    assignments.sort(key=lambda a: a["span"][0])
    period_end = _period_end(title_norm, result["year"])
    plan_quarter = targets.quarter_of(title_norm or "") if title_norm else None
    for item in assignments:
        item["deadline"] = item["deadline"] or period_end
        if plan_quarter:
            _scope_to_quarter(item["targets"], plan_quarter)
    if plan_quarter:
        _scope_to_quarter(result["targets"], plan_quarter)
    result["assignments"] = assignments
    _cut_off_end(result, text, norm)
    confidence.finish(result)
    return result


_OTHER_PERIOD = re.compile(
    r"上半年|下半年|全年|年内|年底|年末|前[二三两]个?季度|[二三四]季度|\d{4}\s?年"
)


def _scope_to_quarter(found: list[Target], quarter: int) -> None:
    """A plan for one quarter ("2024年一季度…开门红方案") sets its targets for that quarter,
    unless a target's own words name another period ("上半年…", "全年…")."""
    for target in found:
        if target["quarter"] is None and not _OTHER_PERIOD.search(target["text"]):
            target["quarter"] = quarter


def _cut_off_end(result: Extraction, raw: str, norm: str) -> None:
    """Text cut off at the end of the document is flagged, not presented as a task or unit.

    Three shapes: a short last line that ends nothing ("区"); a unit list cut inside its last
    name ("责任单位:区发改局、区"); an item that stops mid-sentence with no unit named.
    """
    end = len(norm.rstrip())
    # Page furniture after the text ("打印|关闭") is not where the text stops.
    while end > 0:
        line_start = norm.rfind("\n", 0, end) + 1
        if not is_debris(norm[line_start:end]):
            break
        end = len(norm[:line_start].rstrip())
    if end == 0:
        return
    fragments: list[Fragment] = result["fragments"]
    line_start = norm.rfind("\n", 0, end) + 1
    while line_start < end and norm[line_start].isspace():
        line_start += 1
    last_line = norm[line_start:end]
    items = result["assignments"]
    last = items[-1] if items else None
    before = norm[:line_start].rstrip()
    if confidence.is_bare_prefix(last_line) or (
        len(last_line) <= 3
        and re.fullmatch(r"[\u4e00-\u9fff]+", last_line)
        and not is_debris(last_line)
        and not before.endswith(("。", ";", ")", "】", "!", "?"))
    ):
        fragments.append(confidence.fragment(raw[line_start:end], line_start, end))
        if last is not None and last["span"][1] >= end:
            last["span"][1] = line_start
            kept = raw[last["span"][0] : line_start].rstrip()
            last["span"][1] = last["span"][0] + len(kept)
            last["text"] = last["text"].removesuffix(tidy(raw[line_start:end])).rstrip()
            _add_reason(last["reasons"], "cut_off")
        return
    last_end = max((item["span"][1] for item in items), default=0)
    if last is None or last_end < end:
        # Text after the last task that stops mid-sentence: an item cut off before it named
        # anything a task is recognised by.
        start = max(last_end, norm.rfind("\n", 0, end) + 1)
        while start < end and norm[start].isspace():
            start += 1
        trailing = norm[start:end]
        # Only after tasks, and only a short piece: a long last paragraph is text, not a cut.
        if last is not None and 0 < len(trailing) <= 200 and _unfinished(trailing):
            fragments.append(confidence.fragment(raw[start:end], start, end))
        return
    for role, names in (("lead", last["lead_units"]), ("co", last["responsible_units"])):
        if not names:
            continue
        name = names[-1]
        at = raw.rfind(name, 0, end + 1)
        if (
            at >= 0
            and at + len(name) >= end
            and (confidence.is_bare_prefix(name) or not confidence.looks_like_unit(name))
        ):
            names.pop()
            entry: UncertainUnit = {
                "name": name,
                "role": "lead" if role == "lead" else "co",
                "reason": "cut_off",
            }
            last["uncertain_units"].append(entry)
            fragments.append(confidence.fragment(name, at, at + len(name)))
            _add_reason(last["reasons"], "cut_off")
            return
    tail = norm[last["span"][0] : end]
    if confidence.ends_mid_sentence(tail) or (
        not last["lead_units"] and not last["responsible_units"] and _unfinished(tail)
    ):
        if not last["lead_units"] and not last["responsible_units"]:
            items.pop()
            start = last["span"][0]
            fragments.append(confidence.fragment(raw[start:end], start, end))
        else:
            _add_reason(last["reasons"], "cut_off")


_SENTENCE_DONE = re.compile(r"[。;!?)】\]”》…]\s*$")


def _unfinished(text: str) -> bool:
    """Trailing text that began a task or a sentence and stops before its end.

    A signature and its date, or a closing phrase, end the way documents end; "4.推进农村公厕
    管护,落实" or "…完成投资" does not.
    """
    last_line = text.rsplit("\n", 1)[-1].strip()
    if _SENTENCE_DONE.search(text) or dates.parse_date(last_line.replace(" ", "")):
        return False
    if dates.garbled_date(last_line.replace(" ", "")):
        return False
    return bool(
        confidence.ends_mid_sentence(text) or structure.match_numbering(text) or "," in last_line
    )


def _add_reason(reasons: list[Reason], reason: Reason) -> None:
    if reason not in reasons:
        reasons.append(reason)


def _period_end(title: str | None, year: int | None) -> str | None:
    """A plan for one quarter or half-year ("2024年一季度…工作方案") is due at that period's end;
    its tasks that name no deadline of their own inherit it."""
    if not title or year is None:
        return None
    ends = dates.period_ends(title, year)
    return max(ends) if ends else None


def _metadata(
    raw: str, norm: str, lines: list[Line], first_heading: int, result: Extraction
) -> str | None:
    title_norm: str | None = None
    found = structure.find_title(norm, lines, first_heading)
    if found:
        start, end, title_lines = found
        if title_lines:
            result["title"] = "".join(raw[line.start : line.end].strip() for line in title_lines)
            title_norm = "".join(line.text for line in title_lines)
        else:
            result["title"] = raw[start:end].strip()
            title_norm = norm[start:end]
    issuer, date = structure.find_issuer_and_date(norm, lines)
    if isinstance(issuer, tuple):
        result["issuer"] = raw[issuer[0] : issuer[1]].strip()
    elif issuer:
        result["issuer"] = "、".join(raw[line.start : line.end].strip() for line in issuer)
    result["date"] = date
    if result["issuer"] is None and result["title"]:
        span = structure.issuer_in_title(result["title"])
        if span:
            result["issuer"] = result["title"][span[0] : span[1]]
    return title_norm


class _Analysed:
    """A numbered node with its unit clauses, title and body located."""

    def __init__(self, node: Node, raw: str, norm: str) -> None:
        self.node = node
        self.raw, self.norm = raw, norm
        self.clauses = units.find_clauses(norm, node.body_start, node.end)
        head_end = node.head.end
        cut = min((c.start for c in self.clauses if c.start < head_end), default=head_end)
        head = norm[node.body_start : cut]
        sentence_end = head.find("。")
        # Text after the numbering on the same line: "1.加快项目建设。完成投资…".
        self.has_sentence = sentence_end >= 0
        self.inline = sentence_end >= 0 or not node.lines
        colon = head.find(":")
        if 2 <= colon <= 25 and (sentence_end < 0 or colon < sentence_end):
            # "1.加快项目建设:围绕…" titles the item with the words before the colon.
            sentence_end = colon
            self.inline = True
        title_end = node.body_start + (sentence_end if sentence_end >= 0 else len(head.rstrip()))
        title_start = node.body_start
        while title_end > title_start and norm[title_end - 1] in " :;,、":
            title_end -= 1
        self.title_start, self.title_end = title_start, title_end
        self.title = tidy(raw[title_start:title_end]).replace("\n", "")
        self.title_norm = norm[title_start:title_end].strip()
        self.end = max([node.end] + [c.end for c in self.clauses])
        self.body_start = node.body_start if self.inline else head_end
        self.hoisted = False
        # "一、市发展改革委牵头工作(8项)", "二、王志强市长主抓重点工作": the names a heading
        # groups its items under (units lead them; leaders are in charge of them).
        self.group: tuple[int, int] | None = None
        if node.children:
            found = units.group_heading(self.title_norm)
            if found:
                self.group = (title_start + found[0], title_start + found[1])
            elif self.clauses and all(
                c.role == "lead" and c.start < head_end for c in self.clauses
            ):
                # "二、牵头单位:县商务局" over items that name their own 责任单位.
                first = self.clauses[0]
                self.group = (first.list_start, first.list_end)
                self.clauses = []
            node.group = self.group

    @property
    def has_units(self) -> bool:
        return bool(self.clauses)

    def excluded(self) -> list[tuple[int, int]]:
        return [(c.start, c.end) for c in self.clauses]


def _select(analysed: list[_Analysed]) -> list[tuple[_Analysed, _Analysed | None]]:
    """Which nodes are assignments, each with the node whose unit clauses apply to it."""
    by_node = {id(item.node): item for item in analysed}

    def own(node: Node) -> _Analysed:
        return by_node[id(node)]

    _hoist_trailing_units(analysed, own)
    # Items under a heading that names their lead unit or leader are tasks, whatever else.
    grouped: list[tuple[_Analysed, _Analysed | None]] = []
    skip: set[int] = set()
    for item in analysed:
        if item.group is None or id(item.node) in skip:
            continue
        skip.add(id(item.node))
        for leaf in item.node.walk()[1:]:
            skip.add(id(leaf))
            if not leaf.children:
                grouped.append((own(leaf), own(leaf) if own(leaf).has_units else None))
    rest = [item for item in analysed if id(item.node) not in skip]
    if not any(item.has_units for item in rest):
        chosen: list[tuple[_Analysed, _Analysed | None]] = list(grouped)
        for item in rest:
            node = item.node
            if node.children:
                continue
            path = [*node.ancestors(), node]
            if any(_NOT_TASKS.search(own(n).title_norm) for n in path):
                continue
            if _NOT_TASKS.search(path[0].part):
                continue
            if _TARGETS_ONLY.search(item.title_norm):
                continue
            paragraphs = _paragraphs(item)
            if paragraphs:
                chosen.extend((para, None) for para in paragraphs)
            elif node.parent is not None or item.has_sentence:
                # A top-level heading is a task only when its own line carries the task.
                chosen.append((item, None))
        chosen.sort(key=lambda pair: pair[0].node.start)
        return chosen

    chosen = list(grouped)
    inherited: set[int] = set(skip)
    for item in analysed:
        node = item.node
        if id(node) in inherited:
            continue
        descendants = node.walk()[1:]
        if item.has_units and not node.children:
            paragraphs = _paragraphs(item)
            if paragraphs and all(para.has_units for para in paragraphs):
                # An annual plan whose paragraphs each end with their own units.
                chosen.extend((para, para) for para in paragraphs)
                continue
        if item.has_units:
            if item.hoisted:
                chosen.append((item, item))
                inherited.update(id(d) for d in descendants)
            elif descendants and not any(own(d).has_units for d in descendants):
                # Units written once under a heading apply to every item beneath it.
                for leaf in (d for d in descendants if not d.children):
                    chosen.append((own(leaf), item))
                    inherited.add(id(leaf))
            else:
                chosen.append((item, item))
            continue
        parent = node.parent
        if node.children:
            continue
        if parent is None:
            # A flat list of items: its other top-level items are the siblings, and a
            # document's own framing paragraphs ("一、总体要求") never are tasks here.
            if not item.has_sentence or _NOT_TASKS.search(item.title_norm):
                continue
            peers = [a.node for a in analysed if a.node.parent is None]
        else:
            peers = parent.children
        siblings = [own(s) for s in peers if not s.children]
        if sum(s.has_units for s in siblings) * 2 >= len(siblings):
            # An item that lost its unit line in a list where the others have one.
            chosen.append((item, None))
    chosen.sort(key=lambda pair: pair[0].node.start)
    return chosen


def _paragraphs(item: _Analysed) -> list[_Analysed]:
    """The paragraphs under a heading, each one a task, when they carry the work.

    An annual plan (国民经济和社会发展计划) numbers only its sections; each paragraph under a
    section opens with its task ("扩大有效投资。实施重点项目400个以上…") and sets its targets.
    So do the sub-sections of a work report's year plan.  A top-level section, or a heading with
    two or more paragraphs, yields one assignment per paragraph: ref "一.1", "一.2", …, titled by
    the paragraph's first sentence.  A sub-heading with a single paragraph stays one assignment.
    """
    node = item.node
    if item.inline or not node.lines:
        return []
    if node.parent is not None and len(node.lines) < 2:
        return []
    out: list[_Analysed] = []
    for line in node.lines:
        if len(line.text) < 4:
            continue
        if _CLOSING.search(line.text):
            continue
        mark = _PARAGRAPH_MARK.match(line.text)
        skip = mark.end() if mark else 0
        number = str(len(out) + 1)
        paragraph = Node(
            style="paragraph",
            token=number,
            number=number,
            start=line.start,
            head=line,
            body_start=line.start + skip,
            parent=node,
        )
        out.append(_Analysed(paragraph, item.raw, item.norm))
    return out


def _hoist_trailing_units(analysed: list[_Analysed], own: Callable[[Node], _Analysed]) -> None:
    """Unit lines after an item's sub-points belong to the item, not to its last sub-point.

    "1.标题\n(1)…\n(2)…\n牵头单位:…" parses the unit lines into "(2)"; when no other sub-point
    names units, they are moved up to "1." and the item spans its sub-points.
    """
    for item in analysed:
        node, parent = item.node, item.node.parent
        if not item.has_units or parent is None or node.children or parent.children[-1] is not node:
            continue
        if own(parent).has_units or any(own(s).has_units for s in parent.children[:-1]):
            continue
        if not all(c.start == _line_start(item, c.start) for c in item.clauses):
            continue
        target = own(parent)
        target.clauses, item.clauses = item.clauses, []
        target.hoisted = True
        target.end = max(target.end, item.end)


def _line_start(item: _Analysed, pos: int) -> int:
    for line in [item.node.head, *item.node.lines]:
        if line.start <= pos < line.end or pos == line.start:
            return line.start
    return -1


def _category(item: _Analysed, by_title: list[str]) -> Category | None:
    for title in [item.title_norm, *reversed(by_title)]:
        if "约束性" in title:
            return "约束性"
        if "预期性" in title:
            return "预期性"
    return None


def _without(raw: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    pos = start
    for a, b in sorted(spans):
        if b <= pos or a >= end:
            continue
        pieces.append(raw[pos:a])
        pos = max(pos, b)
    pieces.append(raw[pos:end])
    return tidy("".join(pieces))


def _assignment(
    item: _Analysed,
    raw: str,
    norm: str,
    year: int | None,
    units_from: _Analysed | None,
    first_lead_from: int | None,
) -> Assignment:
    node = item.node
    ancestors = node.ancestors()
    section_titles = []
    for a in ancestors:
        head = norm[a.body_start : a.head.end]
        cut = head.find("。")
        section_titles.append(head[:cut] if cut >= 0 else head)
    section = [
        tidy(raw[a.body_start : a.body_start + len(t.rstrip(" :;,、"))]).replace("\n", "")
        for a, t in zip(ancestors, section_titles, strict=True)
    ]
    lead: list[str] = []
    responsible: list[str] = []
    reasons: list[Reason] = []
    for clause in units_from.clauses if units_from else []:
        for name, marked_lead in units.split_marked_units(
            raw, norm, clause.list_start, clause.list_end
        ):
            bucket = lead if clause.role == "lead" or marked_lead else responsible
            if name not in bucket:
                bucket.append(name)
    if units_from is not None and units_from is not item:
        reasons.append("units_shared")
    leaders: list[str] = []
    root = ancestors[0] if ancestors else node
    groups = [a.group for a in reversed(ancestors) if a.group is not None]
    if root.part and root.part_start >= 0:
        # An unnumbered heading above the item: "市发展改革委牵头工作(8项)".
        in_part = units.group_heading(root.part)
        if in_part:
            groups.append((root.part_start + in_part[0], root.part_start + in_part[1]))
    for group in groups:
        names = units.split_units(raw, norm, group[0], group[1])
        leaders.extend(n for n in names if units.is_leader(n) and n not in leaders)
        heading_units = [n for n in names if not units.is_leader(n)]
        if heading_units and not lead:
            lead = heading_units
            reasons.append("lead_inferred")
    lead, responsible = _people_apart(lead, responsible, leaders)
    if first_lead_from is not None and item.end > first_lead_from and not lead and responsible:
        # "(列第一位者为牵头单位)": the first unit listed leads.
        lead = [responsible.pop(0)]
        reasons.append("lead_inferred")
    excluded = item.excluded()
    for m in _LEADER_LABEL.finditer(norm, item.body_start, item.end):
        # "责任领导:王副县长": the leader in charge, kept out of the text and the targets.
        for name in units.split_units(raw, norm, m.start(1), m.end(1)):
            if name not in leaders:
                leaders.append(name)
        excluded.append((m.start(), m.end()))
    body_text = _without(raw, item.body_start, item.end, excluded)
    fallback = _INVERSE_NOTE.sub("", item.title_norm)
    fallback = _TITLE_GROWTH.sub("", fallback)
    found: list[Target] = targets.find_targets(
        raw,
        norm,
        item.body_start,
        item.end,
        excluded=excluded,
        fallback_indicator=fallback,
        context=item.title_norm,
    )
    if not found and not item.inline:
        found = targets.find_targets(
            raw, norm, item.title_start, item.title_end, context=item.title_norm
        )
    if not found:
        found = _qualitative(item, raw, norm, fallback, section_titles)
    deadline_text = _without(norm, item.body_start, item.end, excluded)
    tokens = [n.token for n in [*ancestors, node]]
    return {
        "ref": ".".join([root.annex, *tokens] if root.annex else tokens),
        "number": node.number,
        "section": section,
        "title": item.title,
        "text": body_text,
        "lead_units": lead,
        "responsible_units": responsible,
        "leaders": leaders,
        "targets": found,
        "deadline": dates.find_deadline(deadline_text, year),
        "category": _category(item, section_titles),
        "span": [node.start, item.end],
        "confidence": 1.0,
        "reasons": reasons,
        "uncertain_units": [],
    }


def _people_apart(
    lead: list[str], responsible: list[str], leaders: list[str]
) -> tuple[list[str], list[str]]:
    """Names of leaders written where units go ("王副市长牵头") move to `leaders`."""
    for name in [*lead, *responsible]:
        if units.is_leader(name) and name not in leaders:
            leaders.append(name)
    return (
        [n for n in lead if not units.is_leader(n)],
        [n for n in responsible if not units.is_leader(n)],
    )


def _qualitative(
    item: _Analysed, raw: str, norm: str, indicator: str, section_titles: list[str]
) -> list[Target]:
    """The target of an item that sets one in words only.

    Either the item says so ("2023年目标任务:进一步缩小差距", "目标:不发生"), or it is an item
    of an indicator list ("(二)约束性指标" / "7.居民人均可支配收入增长与经济增长基本同步").
    """
    span = targets.statement_span(norm, item.body_start, item.end)
    if span:
        text = tidy(raw[span[0] : span[1]])
    elif any("指标" in title for title in section_titles):
        text = item.title
    else:
        return []
    return [targets.qualitative(indicator, text, item.title_norm)]


def _table_assignment(
    row: structure.TableRow,
    index: int,
    raw: str,
    norm: str,
    year: int | None,
    first_lead_from: int | None = None,
) -> Assignment:
    cells = row.cells
    if "measure_unit" in cells or ("category" in cells and "target" in cells):
        return _indicator_row(row, index, raw, norm)
    task = cells.get("task") or cells["target"]
    target_cell = cells.get("target") if cells.get("target") is not task else None
    number_cell = cells.get("number")
    number = number_cell.text if number_cell and number_cell.text else str(index + 1)
    sentence = re.split(r"[。;]", norm[task.start : task.end])[0]
    title = tidy(raw[task.start : task.start + len(sentence)]).replace("\n", "")
    lead: list[str] = []
    responsible: list[str] = []
    for role, bucket in (("lead", lead), ("responsible", responsible)):
        cell = cells.get(role)
        if cell and cell.text:
            bucket.extend(units.split_units(raw, norm, cell.start, cell.end))
    leaders: list[str] = []
    leader_cell = cells.get("leader")
    if leader_cell and leader_cell.text:
        leaders.extend(units.split_units(raw, norm, leader_cell.start, leader_cell.end))
    lead, responsible = _people_apart(lead, responsible, leaders)
    reasons: list[Reason] = []
    if first_lead_from is not None and row.line.end > first_lead_from and not lead and responsible:
        lead = [responsible.pop(0)]
        reasons.append("lead_inferred")
    if row.shared & {"lead", "responsible"}:
        reasons.append("units_shared")
    found: list[Target] = []
    if target_cell and target_cell.text:
        found = targets.find_targets(
            raw, norm, target_cell.start, target_cell.end, fallback_indicator=task.text
        )
    if not found:
        found = targets.find_targets(raw, norm, task.start, task.end, fallback_indicator=task.text)
    text = tidy(raw[task.start : task.end]).replace("\n", "")
    if target_cell and target_cell.text:
        text += "\n" + tidy(raw[target_cell.start : target_cell.end])
    deadline_cell = cells.get("deadline")
    deadline = None
    if deadline_cell and deadline_cell.text:
        deadline = dates.parse_date(deadline_cell.text) or dates.find_deadline(
            deadline_cell.text, year
        )
    deadline = deadline or dates.find_deadline(norm[task.start : task.end], year)
    section_titles = [heading for _, heading in row.sections]
    category: Category | None = None
    for heading in reversed(section_titles):
        if "约束性" in heading or "预期性" in heading:
            category = "约束性" if "约束性" in heading else "预期性"
            break
    return {
        "ref": ".".join([token for token, _ in row.sections] + [number]),
        "number": number,
        "section": section_titles,
        "title": title,
        "text": text,
        "lead_units": lead,
        "responsible_units": responsible,
        "leaders": leaders,
        "targets": found,
        "deadline": deadline,
        "category": category,
        "span": [row.line.start, row.line.end],
        "confidence": 1.0,
        "reasons": reasons,
        "uncertain_units": [],
    }


# A target table's value cell: "6左右", "5.5以内", "≥95", "4.8以上", "完成省下达任务".
_SYMBOLS = {"≥": "不低于", "≤": "不超过", ">": "超过", "<": "低于", "＞": "超过", "＜": "低于"}
_VALUE_CELL = re.compile(r"^\s*(\D*?)\s*(\d+(?:\.\d+)?(?:\s*[-—~至]\s*\d+(?:\.\d+)?)?)\s*(.*)$")
_NO_UNIT = re.compile(r"^[—\-/／\s]*$")


def _indicator_row(row: structure.TableRow, index: int, raw: str, norm: str) -> Assignment:
    """A row of a target table (指标 · 单位 · 目标 · 属性): one indicator and its target.

    The value cell and the unit cell are read together as the document would write them in a
    sentence ("6" "%" "左右" → "6%左右"); a value without a number is a qualitative target.
    """
    cells = row.cells
    task = cells["task"]
    indicator = tidy(raw[task.start : task.end]).replace("\n", "")
    value_cell = cells.get("target")
    unit_cell = cells.get("measure_unit")
    value = norm[value_cell.start : value_cell.end] if value_cell else ""
    unit = norm[unit_cell.start : unit_cell.end] if unit_cell else ""
    if _NO_UNIT.match(unit):
        unit = ""
    for symbol, word in _SYMBOLS.items():
        value = value.replace(symbol, word)
    found: list[Target] = []
    m = _VALUE_CELL.match(value)
    fallback = _TITLE_GROWTH.sub("", _INVERSE_NOTE.sub("", indicator))
    if m:
        phrase = f"{indicator}{m[1]}{m[2]}{unit}{m[3]}"
        phrase_norm = working_copy(phrase)
        found = targets.find_targets(
            phrase, phrase_norm, 0, len(phrase), fallback_indicator=fallback, context=indicator
        )
    if not found and value.strip():
        found = [targets.qualitative(fallback, tidy(value), indicator)]
    category_cell = cells.get("category")
    category: Category | None = None
    if category_cell and category_cell.text in ("预期性", "约束性"):
        category = "约束性" if category_cell.text == "约束性" else "预期性"
    number_cell = cells.get("number")
    number = number_cell.text if number_cell and number_cell.text else str(index + 1)
    named: dict[str, list[str]] = {"lead": [], "responsible": []}
    for role, bucket in named.items():
        cell = cells.get(role)
        if cell and cell.text:
            bucket.extend(units.split_units(raw, norm, cell.start, cell.end))
    return {
        "ref": ".".join([token for token, _ in row.sections] + [number]),
        "number": number,
        "section": [heading for _, heading in row.sections],
        "title": indicator,
        "text": tidy(raw[row.line.start : row.line.end]),
        "lead_units": named["lead"],
        "responsible_units": named["responsible"],
        "leaders": [],
        "targets": found,
        "deadline": None,
        "category": category,
        "span": [row.line.start, row.line.end],
        "confidence": 1.0,
        "reasons": [],
        "uncertain_units": [],
    }
