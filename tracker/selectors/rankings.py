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
    UnitTally,
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


def _ranking_inputs(
    user: AnyUser, scope: Scope, *, today: date
) -> tuple[list[UnitTally], list[progress.UnitScoreInput], dict[int, Decimal]]:
    tallies = tally_by_unit(user, scope, today=today)
    problems = _problem_rates(user, scope, today=today)
    inputs = [
        progress.UnitScoreInput(
            key=t.unit_id,
            green_share=t.tally.good_share or Decimal(0),
            on_time_rate=t.tally.timeliness or Decimal(0),
            problems_closed_rate=problems.get(t.unit_id),
        )
        for t in tallies
    ]
    return tallies, inputs, problems


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
    inputs = [
        progress.UnitScoreInput(
            key=unit_id,
            green_share=_share(blue + green, expected) or Decimal(0),
            on_time_rate=_share(on_time, expected) or Decimal(0),
            problems_closed_rate=problems.get(unit_id),
        )
        for unit_id, expected, _submitted, on_time, blue, green in rows
    ]
    return {r.key: r.rank for r in progress.rank_units(inputs, weights=weights)}


def rankings(user: AnyUser, scope: Scope, *, today: date) -> list[RankingRow]:
    """Units ranked for the quarter, each with its rank in the previous quarter (DESIGN §3).

    Empty while no report of the quarter is submitted; without a ranked previous quarter the
    rows have no previous rank (and no arrows)."""
    weights = ranking_weights()
    tallies, inputs, problems = _ranking_inputs(user, scope, today=today)
    if not any(t.tally.submitted for t in tallies):
        # Nothing reported yet: every unit would share first place (issue 13). No ranking.
        return []
    previous = _previous_ranks(user, scope.previous(), today=today, weights=weights)
    by_unit = {t.unit_id: t for t in tallies}
    # Tallies come in the official order (排序号): units sharing a rank are listed in it.
    official = {t.unit_id: index for index, t in enumerate(tallies)}
    rows = []
    for r in progress.rank_units(inputs, weights=weights, previous=previous):
        unit = by_unit[r.key]
        rows.append(
            RankingRow(
                rank=r.rank,
                previous_rank=r.previous_rank,
                change=r.change,
                score=r.score,
                unit_id=unit.unit_id,
                unit_name=unit.unit_name,
                level=unit.level,
                good_share=unit.tally.good_share,
                on_time_rate=unit.tally.timeliness,
                problems_in_time=problems.get(r.key),
                tally=unit.tally,
            )
        )
    rows.sort(key=lambda row: (row.rank, official[row.unit_id]))
    return rows
