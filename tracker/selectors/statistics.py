"""What a statistics sheet would do (issue 13), before anything is saved: every row matched to
the tracked headline indicators of the year's published documents — by name, by the indicator
table's aliases, by the normalised name (tracker.selectors.indicators.indicator_key) — with its
figure in the indicator's unit, its 数据截至 month, the period and the lead unit's report it would
go to, and what stops it (ambiguous, unknown, a value or unit problem).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from tracker.l10n import target_text
from tracker.models import ReportingPeriod, Responsibility, Target
from tracker.number_errors import number_error_text
from tracker.numbers import NumberError, parse_actual
from tracker.selectors.indicators import TrackedIndicator, indicator_key, tracked_indicators
from tracker.statistics_files import StatisticsRow, parse_month

MATCHED, AMBIGUOUS, UNKNOWN, INVALID = "matched", "ambiguous", "unknown", "invalid"


@dataclass
class Placement:
    """One indicator a row fills: the value its target takes, and where it is stored."""

    indicator: TrackedIndicator
    actual: Decimal | None = None
    growth: Decimal | None = None
    period: ReportingPeriod | None = None
    responsibility: Responsibility | None = None

    @property
    def target(self) -> Target:
        return self.indicator.target

    @property
    def target_label(self) -> str:
        return f"{self.target.indicator} {target_text(self.target)}"


@dataclass
class StatisticsLine:
    row: StatisticsRow
    status: str
    placements: list[Placement] = field(default_factory=list)
    candidates: list[TrackedIndicator] = field(default_factory=list)
    month: date | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class StatisticsPlan:
    year: int
    lines: list[StatisticsLine]

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def savable(self) -> list[StatisticsLine]:
        return [line for line in self.lines if line.status == MATCHED]


def _candidates(key: str, tracked: list[TrackedIndicator]) -> tuple[list[TrackedIndicator], bool]:
    """The indicators a name means, and whether the match is exact."""
    exact = [t for t in tracked if key in t.keys]
    if exact:
        return exact, True
    # Near: the row names more than the indicator ("全市固定资产投资增速" ⊃ 固定资产投资), or the
    # indicator qualifies the row's name ("城镇居民人均可支配收入" ends with 居民人均可支配收入);
    # not a different thing that merely contains it ("…收入比").
    near = [
        t
        for t in tracked
        if any(len(k) >= 2 and len(key) >= 2 and (k in key or k.endswith(key)) for k in t.keys)
    ]
    return near, False


def _number(text: str, unit: str, target_unit: str, label: str, problems: list[str]) -> Decimal:
    try:
        return parse_actual(f"{text}{unit}", target_unit)
    except NumberError as exc:
        problems.append(
            _("%(label)s：%(error)s") % {"label": label, "error": number_error_text(exc)}
        )
        raise


def statistics_plan(rows: list[StatisticsRow], *, year: int) -> StatisticsPlan:
    tracked = tracked_indicators(year)
    lines = []
    for row in rows:
        line = StatisticsLine(row=row, status=UNKNOWN)
        lines.append(line)
        key = indicator_key(row.name)
        if not key:
            line.status = INVALID
            line.problems.append(_("缺少指标名称。"))
            continue
        found, exact = _candidates(key, tracked)
        distinct = {indicator_key(t.target.indicator or t.assignment.title) for t in found}
        if not found:
            line.problems.append(_("没有找到该年度已发布文件中的同名主要指标。"))
            continue
        if not exact and len(distinct) > 1:
            line.status = AMBIGUOUS
            line.candidates = found
            line.problems.append(_("名称可对应多个指标，请在表中写出完整名称。"))
            continue
        month = parse_month(row.month, year)
        if month is None:
            line.status = INVALID
            line.problems.append(_("数据截至月份无法识别（如“2026-11”或“1-11月”）。"))
            continue
        if month[0] != year:
            line.status = INVALID
            line.problems.append(_("数据截至月份不在%(year)s年。") % {"year": year})
            continue
        line.month = date(month[0], month[1], 1)
        for indicator in found:
            line.placements.append(_placement(indicator, row, line.month, line.problems))
        line.status = INVALID if line.problems else MATCHED
    return StatisticsPlan(year=year, lines=lines)


def _placement(
    indicator: TrackedIndicator, row: StatisticsRow, month: date, problems: list[str]
) -> Placement:
    target = indicator.target
    placement = Placement(indicator=indicator)
    label = target.indicator or indicator.assignment.title
    try:
        if row.growth:
            placement.growth = _number(row.growth, "", "", _("同比增长"), problems)
        if target.kind == Target.Kind.GROWTH:
            if placement.growth is None:
                problems.append(_("%(name)s是增速目标，须填写同比增长。") % {"name": label})
            placement.actual = placement.growth
        elif row.cumulative:
            placement.actual = _number(
                row.cumulative, row.unit, target.measure_unit, _("本期累计值"), problems
            )
        else:
            problems.append(_("%(name)s须填写本期累计值。") % {"name": label})
    except NumberError:
        pass
    schedule_id = indicator.assignment.schedule_id
    placement.period = (
        ReportingPeriod.objects.filter(
            schedule_id=schedule_id, starts_on__lte=month, ends_on__gte=month
        )
        .order_by("ends_on")
        .first()
        if schedule_id
        else None
    )
    if placement.period is None:
        problems.append(_("%(name)s在%(m)s月没有报送周期。") % {"name": label, "m": month.month})
    placement.responsibility = (
        Responsibility.objects.filter(
            assignment=indicator.assignment,
            role=Responsibility.Role.LEAD,
            unit__is_active=True,
        )
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if placement.responsibility is None:
        problems.append(_("%(name)s没有牵头单位。") % {"name": label})
    return placement
