"""The output contract (DESIGN.md §7) as TypedDicts.

`span` on an assignment and `scope` on a target go beyond §7: the tracker uses the span to
show the source beside the draft, and `scope` is reserved for per-place targets.
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
    assignments: list[Assignment]
