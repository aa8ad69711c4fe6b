"""Target arithmetic for the quarterly dispatch (季度调度): how far a unit has got against a target,
and the colour that earns. Standard library only; the rules are DESIGN.md §3.

Every function takes plain values (Decimal, date, str); the caller fetches targets and reports and
builds `Thresholds` and `RankingWeights` from settings. Kinds, comparators and directions are the
strings the `Target` model stores, so its TextChoices members can be passed as they are.

Reading a target:

- The comparator contributes only strictness (">" and "<" are strict) and, for "~" (左右), a
  tolerance. Which way is better comes from the direction and the kind: extracted targets carry
  pairs such as "下降3%以上" (">=" on a lower-is-better target) that must be judged, not refused.
- Of a range ("增长6.5—7%") the easier end counts: the low end when higher is better, the high end
  when lower is better. Completion, pace and gap are measured against that bound.
- Kind `decrease` ("单位GDP能耗下降3%") is reported as the decline achieved, a positive number, so a
  bigger number is better whatever the direction says.
- Level and count targets accumulate over the span and are judged on pace against elapsed time;
  rates (growth, share, decrease) are judged on the gap in percentage points, without pace.
- Unless they measure a state (`measure="state"`, issue 13): a ratio, a concentration or a
  level at a moment (城乡居民收入比 ≤ 2.1, PM2.5浓度, 森林覆盖率) is judged by its latest value
  against the target, with no pacing. A cap reached is met, never 滞后.
- 序时进度 runs to the month the figures run to (数据截至), not to the period's end: figures to
  November reported in December are 11/12 of the year (`data_month`).

Longer than the other modules on purpose: DESIGN §3 is one set of rules whose parts (a target's
better end, its tolerance, completion, pace, the colour, how colours combine, the ranking score)
refer to one another; kept together they read, and are tested, as the section reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from enum import StrEnum

# Arithmetic runs in its own context so a caller's getcontext() cannot change a colour.
_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN)
# Elapsed shares such as 5/12 have no exact decimal form, so without this slack a unit exactly on
# pace could turn yellow through the last digit of a rounded division (28 digits in the default
# context, 50 here). It sits far above that rounding and far below any real difference: six-decimal
# figures on a 10^8 target paced over 120 months, against a two-decimal threshold, come no closer
# to it than about 10^-18 without reaching it.
_SLACK = Decimal("1e-24")
_FOUR_PLACES = Decimal("0.0001")
_TWO_PLACES = Decimal("0.01")
_ZERO = Decimal(0)
_ONE = Decimal(1)

_CUMULATIVE_KINDS = frozenset({"level", "count"})
_RATE_KINDS = frozenset({"growth", "share", "decrease"})
_KINDS = _CUMULATIVE_KINDS | _RATE_KINDS | {"rank", "qualitative"}
_COMPARATORS = frozenset({">=", ">", "~", "<=", "<", "="})
_STRICT = frozenset({">", "<"})
_DIRECTIONS = frozenset({"increase", "decrease"})
# "" leaves the kind to decide: level and count accumulate, everything else is read as a state.
_MEASURES = frozenset({"", "state", "cumulative"})
_ASSESSMENTS = frozenset({"", "not_started", "in_progress", "done"})
_JUDGEMENTS = frozenset({"", "normal", "lagging", "serious"})


def _check_decimal(name: str, value: object) -> None:
    # A float would carry binary rounding into the comparisons; NaN and infinity compare wrongly.
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value}")


class Colour(StrEnum):
    """A target's or a unit's status light."""

    BLUE = "blue"
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def order(self) -> int:
        """Sort key from worst to best: red 1, yellow 2, green 3, blue 4.

        Grey is 0 so that "nothing reported" sorts beside the worst, but it is not a rating:
        `combine` leaves it out instead of treating it as worse than red.
        """
        return _ORDER[self]


_LABELS = {
    Colour.BLUE: "已完成",
    Colour.GREEN: "正常",
    Colour.YELLOW: "滞后",
    Colour.RED: "严重滞后",
    Colour.GREY: "未填报",
}
_ORDER = {Colour.GREY: 0, Colour.RED: 1, Colour.YELLOW: 2, Colour.GREEN: 3, Colour.BLUE: 4}


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """The configurable edges between colours (settings, not literals)."""

    # Pace (completion ÷ elapsed) at or above which a lagging cumulative target is yellow, not red.
    yellow_pace: Decimal = Decimal("0.9")
    # "~" on a cumulative target: how far short of (or over) the value still counts as met.
    about_tolerance_ratio: Decimal = Decimal("0.02")
    # "~" on a rate: percentage points of leeway.
    about_tolerance_pp: Decimal = Decimal("0.5")
    # A rate missing its target by at most this many points is yellow, not red.
    growth_yellow_gap_pp: Decimal = Decimal("1.0")
    # A rank missing its target by at most this many places is yellow, not red.
    rank_yellow_places: int = 2
    # A qualitative target still 未启动 turns red once this share of its span has elapsed.
    qualitative_not_started_red_after: Decimal = Decimal("0.5")
    # An unsubmitted report turns red after this many days overdue.
    overdue_red_days: int = 3

    def __post_init__(self) -> None:
        _check_decimal("yellow_pace", self.yellow_pace)
        if not _ZERO < self.yellow_pace <= _ONE:
            raise ValueError(f"yellow_pace must be in (0, 1], not {self.yellow_pace}")
        _check_decimal("about_tolerance_ratio", self.about_tolerance_ratio)
        if not _ZERO <= self.about_tolerance_ratio < _ONE:
            raise ValueError(
                f"about_tolerance_ratio must be in [0, 1), not {self.about_tolerance_ratio}"
            )
        for name in ("about_tolerance_pp", "growth_yellow_gap_pp"):
            value = getattr(self, name)
            _check_decimal(name, value)
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")
        share = self.qualitative_not_started_red_after
        _check_decimal("qualitative_not_started_red_after", share)
        if not _ZERO <= share <= _ONE:
            raise ValueError(f"qualitative_not_started_red_after must be in [0, 1], not {share}")
        for name in ("rank_yellow_places", "overdue_red_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")


_DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, kw_only=True)
class TargetSpec:
    """What `assess` needs of a `Target`: the same fields, as plain values."""

    kind: str
    comparator: str = "="
    direction: str = "increase"
    value: Decimal | None = None
    value_high: Decimal | None = None
    measure: str = ""

    @property
    def is_state(self) -> bool:
        """Judged by the latest value with no pacing: every kind but an accumulating level/count."""
        return self.kind not in _CUMULATIVE_KINDS or self.measure == "state"

    def __post_init__(self) -> None:
        if self.measure not in _MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}")
        if self.comparator not in _COMPARATORS:
            raise ValueError(f"unknown comparator {self.comparator!r}")
        if self.direction not in _DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}")
        if self.kind == "qualitative":
            if self.value is not None or self.value_high is not None:
                raise ValueError("a qualitative target has no value")
            return
        if self.value is None:
            raise ValueError(f"a {self.kind} target needs a value")
        _check_decimal("value", self.value)
        if self.value_high is not None:
            _check_decimal("value_high", self.value_high)
            if self.value_high < self.value:
                raise ValueError(f"value_high {self.value_high} is below value {self.value}")
        # Completion is a share of the target, which means nothing for a negative amount or rank.
        if self.kind in _CUMULATIVE_KINDS and self.value < 0:
            raise ValueError(f"a {self.kind} target cannot be negative, not {self.value}")
        if self.kind == "rank" and self.value <= 0:
            raise ValueError(f"a rank target must be positive, not {self.value}")


@dataclass(frozen=True)
class Assessment:
    """One target's standing at one period end.

    `met`: the target as written is reached. A cumulative lower-is-better target can only be
    confirmed at the end of its span; a qualitative one is met when its colour is blue.
    `completion`: actual ÷ target for level and count (for lower-is-better ones the share of the
    ceiling used so far); `pace`: completion ÷ elapsed. Both are None for rates, ranks and
    qualitative targets, for a zero target, and (pace) before the span starts.
    `gap_pp`: for rates, percentage points by which the actual beats (+) or misses (−) the target
    as written; the 左右 tolerance is applied when judging the colour, not folded into this figure.
    For a state level (a ratio, a concentration) the same margin in the target's own unit: +0.41
    for a ratio of 1.69 under a cap of 2.1. Completion and pace are None for every state.
    """

    colour: Colour
    met: bool
    completion: Decimal | None = None
    pace: Decimal | None = None
    gap_pp: Decimal | None = None


def elapsed_share(*, period_end: date, span_start: date, span_end: date) -> Decimal:
    """序时进度: the share of a target's span elapsed at a period's end, by whole months.

    Months run from span_start's month through period_end's month, over the months from
    span_start's month through span_end's month, clamped to [0, 1]. A calendar year gives exactly
    0.25, 0.5, 0.75 and 1 at its quarter ends; a period ending before the span starts gives 0.
    """
    if span_end < span_start:
        raise ValueError(f"the span ends ({span_end}) before it starts ({span_start})")
    if period_end < span_start:
        return _ZERO
    total = _month_index(span_end) - _month_index(span_start) + 1
    done = _month_index(period_end) - _month_index(span_start) + 1
    if done >= total:
        return _ONE
    return _CONTEXT.divide(Decimal(done), Decimal(total))


def data_month(*, period_starts_on: date, period_ends_on: date, due_on: date) -> date:
    """The month a period's figures can run to (数据截至), as the first day of that month.

    Due after the period ends: the period's last month. Due inside it (the 25th of a quarter's
    last month, the usual rule): the month before the due date's, the last month whose figures
    are out by then — Q4 due on 25 December reports to November. Never after the period's end.
    """
    if due_on > period_ends_on:
        return period_ends_on.replace(day=1)
    index = _month_index(due_on) - 1
    month = date(index // 12, index % 12 + 1, 1)
    return min(month, period_ends_on.replace(day=1))


def month_end(month: date) -> date:
    """The last day of `month`'s month: the period_end to give elapsed_share for a cut-off."""
    index = _month_index(month) + 1
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def assess(
    target: TargetSpec,
    actual: Decimal | None,
    *,
    elapsed: Decimal,
    thresholds: Thresholds = _DEFAULT_THRESHOLDS,
    assessment: str = "",
    judgement: str = "",
) -> Assessment:
    """The colour and figures of one target at a period end.

    `actual` is the cumulative figure reported for a numeric target (None: not reported);
    `assessment` the self-assessment of a qualitative one; `elapsed` comes from `elapsed_share`.
    A reviewer's `judgement` (normal, lagging, serious) overrides the computed colour for any kind:
    normal keeps blue when the figures earn it and is green otherwise.
    """
    _check_decimal("elapsed", elapsed)
    if not _ZERO <= elapsed <= _ONE:
        raise ValueError(f"elapsed must be in [0, 1], not {elapsed}")
    if assessment not in _ASSESSMENTS:
        raise ValueError(f"unknown self-assessment {assessment!r}")
    if judgement not in _JUDGEMENTS:
        raise ValueError(f"unknown judgement {judgement!r}")

    if target.kind == "qualitative":
        if actual is not None:
            raise ValueError("a qualitative target takes a self-assessment, not an actual")
        result = _qualitative(assessment, elapsed, thresholds)
    else:
        if assessment:
            raise ValueError("a self-assessment is for qualitative targets; this one takes a value")
        if actual is None:
            result = Assessment(Colour.GREY, met=False)
        else:
            _check_decimal("actual", actual)
            result = _numeric(target, actual, elapsed, thresholds)

    if not judgement:
        return result
    colour = _JUDGED[judgement]
    if colour is Colour.GREEN and result.colour is Colour.BLUE:
        colour = Colour.BLUE
    met = colour is Colour.BLUE if target.kind == "qualitative" else result.met
    return dataclasses.replace(result, colour=colour, met=met)


def combine(colours: Iterable[Colour]) -> Colour:
    """A responsibility's colour: the worst of its targets' colours, ignoring grey ones.

    Grey only when every colour is grey or there are none: one unreported target must not hide
    another's red, nor make a unit look worse than red.
    """
    rated = [colour for colour in map(Colour, colours) if colour is not Colour.GREY]
    if not rated:
        return Colour.GREY
    return min(rated, key=_ORDER.__getitem__)


def report_colour(
    *,
    target_colours: Iterable[Colour],
    submitted: bool,
    days_overdue: int,
    thresholds: Thresholds = _DEFAULT_THRESHOLDS,
) -> Colour:
    """A report's colour: red once unsubmitted for more than overdue_red_days, else its targets'.

    An unsubmitted report still within the grace period is grey (未填报), not yet a failure.
    """
    if not submitted:
        return Colour.RED if days_overdue > thresholds.overdue_red_days else Colour.GREY
    return combine(target_colours)


@dataclass(frozen=True, kw_only=True)
class RankingWeights:
    """Weights of a unit's ranking score (settings); any non-negative numbers, not only shares."""

    green_share: Decimal = Decimal("0.6")
    on_time_rate: Decimal = Decimal("0.3")
    problems_closed_rate: Decimal = Decimal("0.1")

    def __post_init__(self) -> None:
        for name in ("green_share", "on_time_rate", "problems_closed_rate"):
            value = getattr(self, name)
            _check_decimal(f"weight {name}", value)
            if value < 0:
                raise ValueError(f"weight {name} must not be negative, not {value}")
        # A unit without problems is scored on the other two alone, so they cannot both be zero.
        if _CONTEXT.add(self.green_share, self.on_time_rate) <= 0:
            raise ValueError("the green_share and on_time_rate weights cannot both be zero")


_DEFAULT_WEIGHTS = RankingWeights()


@dataclass(frozen=True, kw_only=True)
class UnitScoreInput:
    """One unit's figures for a period, each a share in [0, 1].

    problems_closed_rate is None when the unit had no problems in the period.
    """

    key: int
    green_share: Decimal
    on_time_rate: Decimal
    problems_closed_rate: Decimal | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, int) or isinstance(self.key, bool):
            raise TypeError(f"key must be an int, not {type(self.key).__name__}")
        for name in ("green_share", "on_time_rate", "problems_closed_rate"):
            value = getattr(self, name)
            if value is None and name == "problems_closed_rate":
                continue
            _check_decimal(name, value)
            if not _ZERO <= value <= _ONE:
                raise ValueError(f"{name} must be in [0, 1], not {value} (unit {self.key})")


@dataclass(frozen=True)
class RankedUnit:
    key: int
    rank: int
    previous_rank: int | None
    # previous_rank − rank: positive when the unit moved up; None without a previous rank.
    change: int | None
    score: Decimal


def rank_units(
    rows: Sequence[UnitScoreInput],
    *,
    weights: RankingWeights = _DEFAULT_WEIGHTS,
    previous: Mapping[int, int] | None = None,
) -> list[RankedUnit]:
    """Units by score, best first, with standard competition ranks ("1224").

    score = the weighted mean of the unit's figures, quantised to 0.0001. A unit with no problems
    is neither rewarded nor punished for it: that component is left out and the remaining weights
    are renormalised. Ties are judged on the quantised score, the figure people see; tied units
    share a rank and are listed by key.
    """
    keys = [row.key for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("each unit may appear only once in a ranking")
    previous = previous or {}
    scored = sorted(((_score(row, weights), row.key) for row in rows), key=lambda s: (-s[0], s[1]))
    ranked: list[RankedUnit] = []
    rank = 0
    for position, (score, key) in enumerate(scored, start=1):
        if not ranked or score != ranked[-1].score:
            rank = position
        before = previous.get(key)
        ranked.append(
            RankedUnit(
                key=key,
                rank=rank,
                previous_rank=before,
                change=None if before is None else before - rank,
                score=score,
            )
        )
    return ranked


def _score(row: UnitScoreInput, weights: RankingWeights) -> Decimal:
    parts = [(weights.green_share, row.green_share), (weights.on_time_rate, row.on_time_rate)]
    if row.problems_closed_rate is not None:
        parts.append((weights.problems_closed_rate, row.problems_closed_rate))
    total = _ZERO
    weight = _ZERO
    for w, x in parts:
        total = _CONTEXT.add(total, _CONTEXT.multiply(w, x))
        weight = _CONTEXT.add(weight, w)
    return _quantise(_CONTEXT.divide(total, weight), _FOUR_PLACES)


def _numeric(spec: TargetSpec, actual: Decimal, elapsed: Decimal, t: Thresholds) -> Assessment:
    if spec.kind in _RATE_KINDS:
        return _rate(spec, actual, elapsed, t)
    if spec.kind == "rank":
        return _rank(spec, actual, elapsed, t)
    if spec.is_state:
        return _state_level(spec, actual, elapsed, t)
    if spec.direction == "increase":
        return _cumulative_floor(spec, actual, elapsed, t)
    return _cumulative_ceiling(spec, actual, elapsed, t)


def _cumulative_floor(
    spec: TargetSpec, actual: Decimal, elapsed: Decimal, t: Thresholds
) -> Assessment:
    """Level/count, higher is better ("达4.8万元", "新增1万户"): met as soon as reached."""
    floor = _floor(spec)
    if spec.comparator in _STRICT:
        met = actual > floor
    elif spec.comparator == "~":
        met = actual >= _CONTEXT.multiply(floor, _CONTEXT.subtract(_ONE, t.about_tolerance_ratio))
    else:
        met = actual >= floor
    completion = None if floor == 0 else _CONTEXT.divide(actual, floor)
    pace = None if completion is None or elapsed == 0 else _CONTEXT.divide(completion, elapsed)

    if met:
        colour = Colour.BLUE
    elif pace is None:
        # Nothing elapsed, or a zero target: the amount expected by now is zero, so anything at or
        # above it is on course and anything below it has no pace to be merely lagging at.
        colour = Colour.GREEN if actual >= 0 and floor != 0 else Colour.RED
    elif _at_least(pace, _ONE):
        colour = Colour.GREEN
    elif _at_least(pace, t.yellow_pace):
        colour = Colour.YELLOW
    else:
        colour = Colour.RED
    return Assessment(colour, met, _opt_quantise(completion), _opt_quantise(pace))


def _cumulative_ceiling(
    spec: TargetSpec, actual: Decimal, elapsed: Decimal, t: Thresholds
) -> Assessment:
    """Level/count, lower is better ("安全事故控制在2起以下", "能耗控制在…以内").

    The actual is cumulative use so far, so the target is only confirmed at the span's end, and
    one already over the ceiling can no longer be saved. completion is the share of the ceiling
    used (usage), pace the usage ÷ elapsed: at or below 1 is on course.
    """
    ceiling = _ceiling(spec)
    if spec.comparator in _STRICT:
        within = actual < ceiling
    elif spec.comparator == "~":
        within = actual <= _CONTEXT.multiply(ceiling, _CONTEXT.add(_ONE, t.about_tolerance_ratio))
    else:
        within = actual <= ceiling
    usage = None if ceiling == 0 else _CONTEXT.divide(actual, ceiling)
    pace = None if usage is None or elapsed == 0 else _CONTEXT.divide(usage, elapsed)
    at_end = _at_least(elapsed, _ONE)

    if not within:
        colour = Colour.RED
    elif at_end:
        colour = Colour.BLUE
    elif pace is None:
        # A zero ceiling not yet broken is on course. Before the span starts the use allowed so
        # far is zero, so any use at all is over it.
        colour = Colour.RED if usage is not None and usage > 0 else Colour.GREEN
    elif _at_most(pace, _ONE):
        colour = Colour.GREEN
    elif _at_most(_CONTEXT.multiply(pace, t.yellow_pace), _ONE):
        colour = Colour.YELLOW
    else:
        colour = Colour.RED
    return Assessment(colour, within and at_end, _opt_quantise(usage), _opt_quantise(pace))


def _state_level(spec: TargetSpec, actual: Decimal, elapsed: Decimal, t: Thresholds) -> Assessment:
    """A level read at a moment (收入比缩小至2.1以内, 森林覆盖率达…): the latest value against the
    target, no pacing. Met: green before the span's end, blue at it. Missed by at most the share
    yellow_pace allows (0.9 of a floor reached; a cap exceeded by at most 1/0.9): yellow; else red.
    """
    if spec.direction == "increase":
        floor = _floor(spec)
        gap = _CONTEXT.subtract(actual, floor)
        if spec.comparator in _STRICT:
            met = actual > floor
        elif spec.comparator == "~":
            tolerated = _CONTEXT.subtract(_ONE, t.about_tolerance_ratio)
            met = actual >= _CONTEXT.multiply(floor, tolerated)
        else:
            met = actual >= floor
        near = actual >= _CONTEXT.multiply(floor, t.yellow_pace)
    else:
        ceiling = _ceiling(spec)
        gap = _CONTEXT.subtract(ceiling, actual)
        if spec.comparator in _STRICT:
            met = actual < ceiling
        elif spec.comparator == "~":
            tolerated = _CONTEXT.add(_ONE, t.about_tolerance_ratio)
            met = actual <= _CONTEXT.multiply(ceiling, tolerated)
        else:
            met = actual <= ceiling
        near = _CONTEXT.multiply(actual, t.yellow_pace) <= ceiling
    if met:
        colour = Colour.BLUE if _at_least(elapsed, _ONE) else Colour.GREEN
    elif near:
        colour = Colour.YELLOW
    else:
        colour = Colour.RED
    return Assessment(colour, met, gap_pp=_quantise(gap, _TWO_PLACES))


def _rate(spec: TargetSpec, actual: Decimal, elapsed: Decimal, t: Thresholds) -> Assessment:
    """Growth, share and decrease: the gap in percentage points, not accumulated."""
    if spec.kind == "decrease" or spec.direction == "increase":
        gap = _CONTEXT.subtract(actual, _floor(spec))
    else:
        gap = _CONTEXT.subtract(_ceiling(spec), actual)
    judged = _CONTEXT.add(gap, t.about_tolerance_pp) if spec.comparator == "~" else gap
    met = judged > 0 if spec.comparator in _STRICT else judged >= 0

    if met:
        colour = Colour.BLUE if _at_least(elapsed, _ONE) else Colour.GREEN
    elif judged >= _CONTEXT.minus(t.growth_yellow_gap_pp):
        colour = Colour.YELLOW
    else:
        colour = Colour.RED
    return Assessment(colour, met, gap_pp=_quantise(gap, _TWO_PLACES))


def _rank(spec: TargetSpec, actual: Decimal, elapsed: Decimal, t: Thresholds) -> Assessment:
    """Position in a league table ("全省排名前10"): lower is better; "~" adds no leeway."""
    bound = _ceiling(spec)
    met = actual < bound if spec.comparator in _STRICT else actual <= bound
    if met:
        colour = Colour.BLUE if _at_least(elapsed, _ONE) else Colour.GREEN
    elif _CONTEXT.subtract(actual, bound) <= t.rank_yellow_places:
        colour = Colour.YELLOW
    else:
        colour = Colour.RED
    return Assessment(colour, met)


def _qualitative(assessment: str, elapsed: Decimal, t: Thresholds) -> Assessment:
    if assessment == "done":
        colour = Colour.BLUE
    elif assessment == "in_progress":
        colour = Colour.GREEN
    elif assessment == "not_started":
        late = _at_least(elapsed, t.qualitative_not_started_red_after)
        colour = Colour.RED if late else Colour.YELLOW
    else:
        colour = Colour.GREY
    return Assessment(colour, met=colour is Colour.BLUE)


_JUDGED = {"normal": Colour.GREEN, "lagging": Colour.YELLOW, "serious": Colour.RED}


def _floor(spec: TargetSpec) -> Decimal:
    """The bound a higher-is-better target is judged on: its value, the low end of a range."""
    if spec.value is None:  # TargetSpec refuses this already; the check narrows the type.
        raise ValueError(f"a {spec.kind} target needs a value")
    return spec.value


def _ceiling(spec: TargetSpec) -> Decimal:
    """The bound a lower-is-better target is judged on: the high end of a range, else its value."""
    return spec.value_high if spec.value_high is not None else _floor(spec)


def _at_least(value: Decimal, threshold: Decimal) -> bool:
    return value >= _CONTEXT.subtract(threshold, _SLACK)


def _at_most(value: Decimal, threshold: Decimal) -> bool:
    return value <= _CONTEXT.add(threshold, _SLACK)


def _quantise(value: Decimal, places: Decimal) -> Decimal:
    # 四舍五入, as figures are rounded in government reports.
    return value.quantize(places, rounding=ROUND_HALF_UP, context=_CONTEXT)


def _opt_quantise(value: Decimal | None) -> Decimal | None:
    return None if value is None else _quantise(value, _FOUR_PLACES)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1
