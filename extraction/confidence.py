"""How sure the draft is of each assignment, unit mention and target, and why not.

The rules collect reason codes where they notice something (types.py lists them); this module
adds the checks that need the finished draft (no unit at all, a name unlike a unit, an item cut
off mid-sentence, a fragment at the end of the text) and turns reasons into a confidence: the
product of one factor per distinct reason, so 1.0 exactly when there is no reason, and a single
serious reason puts an item below LOW_CONFIDENCE while informational ones do not.
"""

from __future__ import annotations

import re

from extraction.types import (
    Assignment,
    Extraction,
    Fragment,
    Reason,
    Target,
    UncertainUnit,
)

# Factor per reason.  Serious ones take an item below types.LOW_CONFIDENCE (0.6) on their own;
# informational ones leave it above.
FACTORS: dict[Reason, float] = {
    "no_unit": 0.5,
    "unit_unlike": 0.55,
    "cut_off": 0.4,
    "no_indicator": 0.45,
    "maybe_context": 0.5,
    "lead_inferred": 0.9,
    "units_shared": 0.9,
    "indicator_inferred": 0.85,
}

# A unit's name ends in an organisation word, or names a collective ("各乡镇", "区政府各部门").
_UNIT_END = re.compile(
    r"(局|委|办|厅|部|中心|公司|政府|院|所|站|队|会|处|室|组|馆|行|社|团|联|集团|管委会|街道|镇|乡|"
    r"分局|党委|村|社区|单位|部门|机构|机关|海关|公署|法院|检察院|银行|协会|商会|学校|医院|园区|"
    r"开发区|示范区|新区|园|场|区|县|市|旗|州|盟|苏木|嘎查)$"
)
_LEAD_MARK = re.compile(r"[((]\s*(?:牵头|主责|负责)\s*[))]$")
# A level or place word alone ("区", "市直", "县级"), what a line cut mid-name leaves.
_BARE_PREFIX = re.compile(r"^(?:[市县区镇乡旗州省]|市直|县直|区直|[市县区]级|[市县区]政府)$")
# How a sentence may end; anything else at the very end of an item or of the text is a cut.
_ENDS_SENTENCE = re.compile(r"[。.;;!!??))】\]”\"》…]\s*$")
_DANGLING = re.compile(r"[、,,和及与并在的对把将为以从由(（“《:：\-—]\s*$")


def looks_like_unit(name: str) -> bool:
    """Whether a mention reads as an organisation (or a collective of them)."""
    name = _LEAD_MARK.sub("", name.strip())
    if len(name) < 2:
        return False
    if name.startswith("各") and len(name) >= 2:
        return True
    return bool(_UNIT_END.search(name))


def is_bare_prefix(name: str) -> bool:
    return bool(_BARE_PREFIX.match(name.strip()))


def score(reasons: list[Reason]) -> float:
    value = 1.0
    for reason in dict.fromkeys(reasons):
        value *= FACTORS[reason]
    return round(value, 3)


def _add(reasons: list[Reason], reason: Reason) -> None:
    if reason not in reasons:
        reasons.append(reason)


def ends_mid_sentence(text: str) -> bool:
    """Text that stops on a word that cannot end a sentence ("、", "和", an open bracket)."""
    stripped = text.rstrip()
    if not stripped or _ENDS_SENTENCE.search(stripped):
        return False
    opened = stripped.count("(") + stripped.count("(")
    closed = stripped.count(")") + stripped.count(")")
    return bool(_DANGLING.search(stripped)) or opened > closed


def _finish_target(target: Target) -> None:
    target["confidence"] = score(target["reasons"])


def _finish_assignment(item: Assignment) -> None:
    reasons = item["reasons"]
    for role, names in (("lead", item["lead_units"]), ("co", item["responsible_units"])):
        for name in names:
            if not looks_like_unit(name) and not any(
                u["name"] == name for u in item["uncertain_units"]
            ):
                entry: UncertainUnit = {
                    "name": name,
                    "role": "lead" if role == "lead" else "co",
                    "reason": "unit_unlike",
                }
                item["uncertain_units"].append(entry)
    for entry in item["uncertain_units"]:
        _add(reasons, entry["reason"])
    if not item["lead_units"] and not item["responsible_units"]:
        _add(reasons, "no_unit")
    item["confidence"] = score(reasons)
    for target in item["targets"]:
        _finish_target(target)


def finish(result: Extraction) -> None:
    """Confidences from the reasons collected, after the last checks that need the whole draft."""
    for target in result["targets"]:
        _finish_target(target)
    for item in result["assignments"]:
        _finish_assignment(item)


def fragment(text: str, start: int, end: int) -> Fragment:
    return {"text": text, "span": [start, end], "reason": "cut_off"}
