"""The output contract (DESIGN.md §7) as TypedDicts.

Beyond §7: `span` on an assignment (offsets into prepare_text(text), so the tracker can show
the source beside the draft), `scope` on a target (the place a per-place target is set for,
"云县" in "云县2.1人", else None), and `escalation_days` at the top (the document's time limit
for settling a problem at one level, "限时3日内办结" → 3, else None).

Version 3 adds:

- on a target: `measure` ("state": judged by the latest value, no pacing — ratios, rates,
  shares, densities, levels at a moment, ranks, and every growth or decline rate; "cumulative":
  judged against elapsed time, 序时进度 — amounts, counts, outputs that accumulate), `quarter`
  (1–4 when the target is set for one quarter, "一季度…" or a 一季度 plan's headline targets),
  `confidence` and `reasons`;
- on an assignment: `confidence`, `reasons`, `leaders` (the leaders in charge, 分管领导, named
  where a heading or note names a person rather than a unit: "王市长主抓", "李副县长负责") and
  `uncertain_units` (unit mentions to check: a name unlike a unit, which stays in
  lead_units/responsible_units; or a cut-off fragment such as a bare "区" at the end of the
  text, which is withheld from those lists);
- on a reporting rule: `after_period`, `month_of_period`, `working_days`, `calendar_days`,
  `from_period` and `span` (offsets of `text` in prepare_text(text)); `frequency` may be
  "half-yearly";
- at the top: `fragments`, text cut off at the end of the document that is not presented as a
  task or a unit.

Confidence is in [0, 1]: 1.0 exactly when `reasons` is empty; below LOW_CONFIDENCE the item
needs a reviewer's look.  Reason codes are stable ASCII strings the tracker translates:

    no_unit         no lead or responsible unit found for the assignment
    unit_unlike     a unit mention that does not look like a unit (the tracker adds the check
                    against its roster)
    cut_off         the item (or a unit mention) may be cut off: the text stops mid-sentence
    no_indicator    a target whose indicator could not be found (empty, or only a verb)
    maybe_context   the number may be context rather than a target: a base-year figure, a past
                    achievement, the starting value of "由X提高到Y"
    lead_inferred   informational: the lead unit was not written beside the item but taken from
                    a heading ("一、X牵头工作") or a note ("列第一位者为牵头单位")
    units_shared    informational: the units were written once for several items (under a
                    heading, or in a merged table cell) and apply to this one by position
    indicator_inferred
                    informational: the target's indicator was taken from the item's title,
                    not from the words beside the number
"""

from __future__ import annotations

from typing import Literal, TypedDict

Comparator = Literal[">=", ">", "~", "<=", "<", "="]
Direction = Literal["increase", "decrease"]
Kind = Literal["growth", "level", "share", "decrease", "count", "rank", "qualitative"]
Measure = Literal["cumulative", "state"]
Frequency = Literal["monthly", "quarterly", "half-yearly", "yearly"]
Script = Literal["simplified", "traditional"]
Category = Literal["预期性", "约束性"]
UnitRole = Literal["lead", "co"]
Reason = Literal[
    "no_unit",
    "unit_unlike",
    "cut_off",
    "no_indicator",
    "maybe_context",
    "lead_inferred",
    "units_shared",
    "indicator_inferred",
]

# Below this an assignment, unit or target needs a reviewer's look.
LOW_CONFIDENCE = 0.6


class Target(TypedDict):
    indicator: str
    value: float | None
    value_high: float | None
    unit: str
    comparator: Comparator
    kind: Kind
    direction: Direction
    text: str
    scope: str | None
    measure: Measure
    quarter: int | None
    confidence: float
    reasons: list[Reason]


class ReportingRule(TypedDict):
    frequency: Frequency
    # Due after the period it reports ("次月5日前报送上月", "季度结束后5个工作日内").
    after_period: bool
    # The n-th month of the period that holds the due day (after_period false), or the n-th
    # month after the period ends (after_period true); None when the rule counts days instead.
    month_of_period: int | None
    # month_of_period for quarterly rules (the field the scorer reads), None otherwise.
    month_of_quarter: int | None
    day: int | None
    working_days: int | None
    calendar_days: int | None
    # "从第二季度起" → 2; for a monthly rule the first month ("自3月起" → 3).
    from_period: int | None
    text: str
    span: list[int]


class UncertainUnit(TypedDict):
    name: str
    role: UnitRole
    reason: Reason


class Fragment(TypedDict):
    text: str
    span: list[int]
    reason: Literal["cut_off"]


class Assignment(TypedDict):
    ref: str
    number: str
    section: list[str]
    title: str
    text: str
    lead_units: list[str]
    responsible_units: list[str]
    leaders: list[str]
    targets: list[Target]
    deadline: str | None
    category: Category | None
    span: list[int]
    confidence: float
    reasons: list[Reason]
    uncertain_units: list[UncertainUnit]


class Extraction(TypedDict):
    title: str | None
    issuer: str | None
    date: str | None
    year: int | None
    script: Script
    targets: list[Target]
    reporting: list[ReportingRule]
    escalation_days: int | None
    assignments: list[Assignment]
    fragments: list[Fragment]
