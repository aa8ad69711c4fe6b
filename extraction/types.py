"""The output contract (DESIGN.md §7) as TypedDicts.

Beyond §7: `span` on an assignment (offsets into prepare_text(text), so the tracker can show
the source beside the draft), `scope` on a target (the place a per-place target is set for,
"云县" in "云县2.1人", else None), and `escalation_days` at the top (the document's time limit
for settling a problem at one level, "限时3日内办结" → 3, else None).
"""

from __future__ import annotations

from typing import Literal, TypedDict

Comparator = Literal[">=", ">", "~", "<=", "<", "="]
Direction = Literal["increase", "decrease"]
Kind = Literal["growth", "level", "share", "decrease", "count", "rank", "qualitative"]
Frequency = Literal["quarterly", "monthly", "yearly"]
Script = Literal["simplified", "traditional"]
Category = Literal["预期性", "约束性"]


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


class ReportingRule(TypedDict):
    frequency: Frequency
    month_of_quarter: int | None
    day: int | None
    text: str


class Assignment(TypedDict):
    ref: str
    number: str
    section: list[str]
    title: str
    text: str
    lead_units: list[str]
    responsible_units: list[str]
    targets: list[Target]
    deadline: str | None
    category: Category | None
    span: list[int]


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
