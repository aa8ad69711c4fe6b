"""Units ranked for a quarter (DESIGN §3): by the share of green and blue responsibilities, the
on-time rate and problems settled in time, weighted by TRACKER_RANKING_WEIGHTS, each with its
rank in the previous quarter. Counted in SQL by the quarter's tallies (tracker.selectors.
aggregates); tracker.progress ranks them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, overload

from django.db.models import Count, Q

from tracker import progress
from tracker.access import AnyUser, visible_problems
from tracker.models import Colour, Problem
from tracker.periods import end_of_day
from tracker.selectors.aggregates import (
    COLOUR_VALUES,
    LevelTally,
    Scope,
    Tally,
    _counts,
    _share,
    scope_periods,
    summary_slots,
    tallies_of_rows,
    tally_of,
    unit_rows,
)
from tracker.selectors.cached import kept, previous_quarters, quarter_key
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


def rankings(user: AnyUser, scope: Scope, *, today: date) -> Ranking:
    """Units ranked for the quarter, each with its rank in the previous quarter (DESIGN §3).

    Empty while no report of the quarter is submitted; without a ranked previous quarter the
    rows have no previous rank (and no arrows)."""
    return quarter_units(user, scope, today=today).ranking


@dataclass(frozen=True)
class QuarterUnits:
    """A scope's units counted once (one grouped query): each unit's counts (unit_rows), their
    ranking, and what the units' counts add up to — the scope's Tally and one per unit level,
    which the dashboard, the analysis and /api/quarter/ would otherwise count again from the
    same summary rows."""

    rows: list[tuple[Any, ...]]
    ranking: Ranking
    total: Tally
    levels: list[LevelTally]
    # The ranking in the order of the units' names (the dashboard's table of units), sorted
    # once with the rest rather than on every page.
    by_name: Ranking

    def narrowed(self, unit_id: int | None) -> tuple[Tally, list[LevelTally]]:
        """`total` and `levels` of one unit only (all of them for None)."""
        if unit_id is None:
            return self.total, self.levels
        return tallies_of_rows(row for row in self.rows if row[0] == unit_id)

    def named(self, unit_id: int | None) -> Ranking:
        """The ranking in the order of the units' names (one unit's row only, when given)."""
        return self.by_name if unit_id is None else self.ranking.by_name(unit_id)


def quarter_units(user: AnyUser, scope: Scope, *, today: date) -> QuarterUnits:
    """The scope's units counted and ranked. A supervisor's are kept in the cache until the
    quarter, the quarter before or the roster change (tracker.selectors.cached)."""
    before = previous_quarters(scope)
    return kept(
        "quarter_units",
        user,
        scope,
        today=today,
        quarters={quarter_key(scope.year, scope.quarter), *before},
        compute=lambda: _quarter_units(user, scope, today=today, before=before),
    )


class Ranking(Sequence[RankingRow]):
    """The units ranked, best first: a sequence of RankingRow built only for the rows read.

    A province ranks 8,000 units and a page shows twenty; the rows are kept as plain tuples
    (what the cache stores: unpickling 8,000 dataclasses with their Decimals took 110 ms, the
    tuples a few), and a RankingRow is made for each row a page, a chart or an export reads."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        # Each: (rank, previous_rank, score, problem rate, the unit's row of unit_rows); the
        # score and the rate as str, so the tuples hold no Decimal. The unit's row is the very
        # tuple QuarterUnits.rows holds, so the cache stores it once.
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> RankingRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[RankingRow]: ...

    def __getitem__(self, index: int | slice) -> RankingRow | list[RankingRow]:
        if isinstance(index, slice):
            return [_row(values) for values in self._rows[index]]
        return _row(self._rows[index])

    def __eq__(self, other: object) -> bool:
        """Equal to the same ranking, or to a list of the same rows."""
        if isinstance(other, Ranking):
            return self._rows == other._rows
        if isinstance(other, list):
            return self[:] == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Ranking of {len(self._rows)} units>"

    def find(self, unit_id: int) -> RankingRow | None:
        return next((_row(v) for v in self._rows if v[_UNIT][0] == unit_id), None)

    def units_by_level(self, unit_id: int | None = None) -> dict[str, int]:
        """How many units are ranked at each level (only `unit_id`'s, when given)."""
        counts: dict[str, int] = {}
        for values in self._rows:
            if unit_id in (None, values[_UNIT][0]):
                counts[values[_UNIT][2]] = counts.get(values[_UNIT][2], 0) + 1
        return counts

    def by_name(self, unit_id: int | None = None) -> Ranking:
        """The same rows in the order of the units' names (only `unit_id`'s, when given)."""
        return Ranking(
            sorted(
                (v for v in self._rows if unit_id in (None, v[_UNIT][0])),
                key=lambda v: v[_UNIT][1],
            )
        )


_UNIT = 4  # where a Ranking row holds its unit's row


def _row(values: tuple[Any, ...]) -> RankingRow:
    rank, previous, score, rate, (unit_id, name, level, *counts) = values
    tally = tally_of(counts)
    return RankingRow(
        rank=rank,
        previous_rank=previous,
        change=None if previous is None else previous - rank,
        score=Decimal(score),
        unit_id=unit_id,
        unit_name=name,
        level=level,
        good_share=tally.good_share,
        on_time_rate=tally.timeliness,
        problems_in_time=None if rate is None else Decimal(rate),
        tally=tally,
    )


def _quarter_units(user: AnyUser, scope: Scope, *, today: date, before: set[str]) -> QuarterUnits:
    rows = unit_rows(user, scope, today=today)
    total, levels = tallies_of_rows(rows)
    # Nothing reported yet: every unit would share first place (issue 13). No ranking.
    ranking = _ranking(user, scope, rows, today=today, before=before) if total.submitted else None
    ranking = ranking or Ranking([])
    return QuarterUnits(rows, ranking, total, levels, ranking.by_name())


_EXPECTED, _ON_TIME = 3, 5
_BLUE, _GREEN = (9 + COLOUR_VALUES.index(c.value) for c in (Colour.BLUE, Colour.GREEN))


def _ranking(
    user: AnyUser,
    scope: Scope,
    rows: list[tuple[Any, ...]],
    *,
    today: date,
    before: set[str],
) -> Ranking:
    weights = ranking_weights()
    problems = _problem_rates(user, scope, today=today)
    ranked = _rank(
        {
            row[0]: (row[_BLUE] + row[_GREEN], row[_ON_TIME], row[_EXPECTED], problems.get(row[0]))
            for row in rows
        },
        weights,
    )
    # Kept on its own as well: a report of this quarter leaves the last quarter's ranks as
    # they were, and they are a third of the work.
    previous = kept(
        "previous_ranks",
        user,
        scope.previous(),
        today=today,
        quarters=before,
        compute=lambda: _previous_ranks(user, scope.previous(), today=today, weights=weights),
    )
    ordered = []
    # unit_rows come in the official order (排序号): units sharing a rank are listed in it.
    for official, row in enumerate(rows):
        unit_id = row[0]
        rank, score = ranked[unit_id]
        rate = problems.get(unit_id)
        ordered.append(
            (
                (rank, official),
                (rank, previous.get(unit_id), str(score), None if rate is None else str(rate), row),
            )
        )
    ordered.sort(key=lambda item: item[0])
    return Ranking([values for _order, values in ordered])
