"""Units ranked for a quarter (DESIGN §3): by the share of green and blue responsibilities, the
on-time rate and problems settled in time, weighted by TRACKER_RANKING_WEIGHTS, each with its
rank in the previous quarter. Counted in SQL by the quarter's tallies (tracker.selectors.
aggregates); tracker.progress ranks them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from tracker import progress
from tracker.access import AnyUser, visible_problems
from tracker.models import Colour, Problem
from tracker.periods import end_of_day
from tracker.selectors.aggregates import (
    Scope,
    Tally,
    _counts,
    _share,
    scope_periods,
    summary_slots,
    tally_by_unit,
)
from tracker.selectors.reports import ranking_weights


@dataclass(frozen=True)
class RankingRow:
    rank: int
    previous_rank: int | None
    change: int | None
    score: Decimal
    unit_id: int
    unit_name: str
    level: str
    good_share: Decimal | None
    on_time_rate: Decimal | None
    problems_in_time: Decimal | None
    tally: Tally


def _problem_rates(user: AnyUser, scope: Scope, *, today: date) -> dict[int, Decimal]:
    """Per unit, the share of its problems settled within the first three days, out of those
    already decided: settled, or still open past that first limit. A problem raised yesterday
    and still within its time counts neither way, so raising problems is never penalised."""
    now = end_of_day(today)
    open_past_limit = Q(resolved_at__isnull=True) & (
        ~Q(level=Problem.Level.UNIT) | Q(level_deadline__lt=now)
    )
    rows = (
        visible_problems(user)
        .filter(report__period__in=scope_periods(scope))
        .values("unit_id")
        .annotate(
            decided=Count("pk", filter=Q(resolved_at__isnull=False) | open_past_limit),
            in_time=Count("pk", filter=Q(resolved_in_time=True)),
        )
    )
    return {
        row["unit_id"]: Decimal(row["in_time"]) / Decimal(row["decided"])
        for row in rows
        if row["decided"]
    }


def _previous_ranks(
    user: AnyUser, scope: Scope, *, today: date, weights: progress.RankingWeights
) -> dict[int, int]:
    """The previous quarter's rank of each unit, scored as `rankings` scores (the same shares of
    the same counts) from the four counts a score needs, grouped by unit id alone: no Tally, no
    names and no official order for 8,000 units whose rows are not shown (issue 19). Empty when
    that quarter had no report submitted: it had no ranking, so there is no change to show."""
    counts = _counts(today, prefix="")
    wanted = ("expected", "submitted", "on_time", Colour.BLUE.value, Colour.GREEN.value)
    rows = list(
        summary_slots(user, scope, today=today)
        .values("unit_id")
        .annotate(**{name: counts[name] for name in wanted})
        .order_by()
        .values_list("unit_id", *wanted)
    )
    if not any(submitted for _unit, _expected, submitted, *_rest in rows):
        return {}
    problems = _problem_rates(user, scope, today=today)
    figures = {
        unit_id: (blue + green, on_time, expected, problems.get(unit_id))
        for unit_id, expected, _submitted, on_time, blue, green in rows
    }
    return {unit_id: rank for unit_id, (rank, _score) in _rank(figures, weights).items()}


# A unit's figures as scored: (blue and green slots, slots on time, slots, problem rate).
Figures = tuple[int, int, int, Decimal | None]


def _rank(
    figures: dict[int, Figures], weights: progress.RankingWeights
) -> dict[int, tuple[int, Decimal]]:
    """Each unit's competition rank and score, as progress.rank_units gives them. Units with the
    same figures score the same, and a province's 8,000 units have a few hundred distinct sets:
    each set is scored once (rank_units over one unit per set), and a unit's rank is one more
    than the number of units scoring higher (issue 19)."""
    units_of: dict[Figures, list[int]] = {}
    for unit_id, unit_figures in figures.items():
        units_of.setdefault(unit_figures, []).append(unit_id)
    sets = list(units_of.items())
    scored = progress.rank_units(
        [
            progress.UnitScoreInput(
                key=index,
                green_share=_share(good, expected) or Decimal(0),
                on_time_rate=_share(on_time, expected) or Decimal(0),
                problems_closed_rate=rate,
            )
            for index, ((good, on_time, expected, rate), _units) in enumerate(sets)
        ],
        weights=weights,
    )
    out: dict[int, tuple[int, Decimal]] = {}
    above = rank = 0
    score: Decimal | None = None
    for r in scored:  # best first
        if r.score != score:
            rank, score = above + 1, r.score
        units = sets[r.key][1]
        for unit_id in units:
            out[unit_id] = (rank, r.score)
        above += len(units)
    return out


def rankings(user: AnyUser, scope: Scope, *, today: date) -> list[RankingRow]:
    """Units ranked for the quarter, each with its rank in the previous quarter (DESIGN §3).

    Empty while no report of the quarter is submitted; without a ranked previous quarter the
    rows have no previous rank (and no arrows)."""
    weights = ranking_weights()
    tallies = tally_by_unit(user, scope, today=today)
    if not any(t.tally.submitted for t in tallies):
        # Nothing reported yet: every unit would share first place (issue 13). No ranking.
        return []
    problems = _problem_rates(user, scope, today=today)
    ranked = _rank(
        {
            t.unit_id: (
                t.tally.colours.get("blue", 0) + t.tally.colours.get("green", 0),
                t.tally.on_time,
                t.tally.expected,
                problems.get(t.unit_id),
            )
            for t in tallies
        },
        weights,
    )
    previous = _previous_ranks(user, scope.previous(), today=today, weights=weights)
    # Tallies come in the official order (排序号): units sharing a rank are listed in it.
    official = {t.unit_id: index for index, t in enumerate(tallies)}
    rows = []
    for unit in tallies:
        rank, score = ranked[unit.unit_id]
        before = previous.get(unit.unit_id)
        rows.append(
            RankingRow(
                rank=rank,
                previous_rank=before,
                change=None if before is None else before - rank,
                score=score,
                unit_id=unit.unit_id,
                unit_name=unit.unit_name,
                level=unit.level,
                good_share=unit.tally.good_share,
                on_time_rate=unit.tally.timeliness,
                problems_in_time=problems.get(unit.unit_id),
                tally=unit.tally,
            )
        )
    rows.sort(key=lambda row: (row.rank, official[row.unit_id]))
    return rows
