"""Rankings score each distinct set of figures once (issue 19): the ranks and scores are those
progress.rank_units gives when every unit is scored on its own, ties included."""

from __future__ import annotations

import random
from decimal import Decimal

from tracker import progress
from tracker.selectors.aggregates import _share
from tracker.selectors.rankings import _rank


def _one_by_one(figures, weights):
    ranked = progress.rank_units(
        [
            progress.UnitScoreInput(
                key=unit_id,
                green_share=_share(good, expected) or Decimal(0),
                on_time_rate=_share(on_time, expected) or Decimal(0),
                problems_closed_rate=rate,
            )
            for unit_id, (good, on_time, expected, rate) in figures.items()
        ],
        weights=weights,
    )
    return {r.key: (r.rank, r.score) for r in ranked}


def test_sets_rank_as_units_do():
    rng = random.Random(19)
    rates = [None, Decimal(0), Decimal(1), Decimal(1) / Decimal(3), Decimal(2) / Decimal(3)]
    figures = {}
    for unit_id in rng.sample(range(1, 10_000), 2_000):
        expected = rng.randint(1, 6)
        figures[unit_id] = (
            rng.randint(0, expected),
            rng.randint(0, expected),
            expected,
            rng.choice(rates),
        )
    for weights in (
        progress.RankingWeights(),
        progress.RankingWeights(
            green_share=Decimal("0.2"),
            on_time_rate=Decimal("0.5"),
            problems_closed_rate=Decimal("0.3"),
        ),
    ):
        grouped = _rank(figures, weights)
        assert grouped == _one_by_one(figures, weights)
    # Ties are the point: far fewer distinct scores than units, shared ranks skip ("1224").
    ranks = sorted(rank for rank, _score in grouped.values())
    assert len(set(ranks)) < len(ranks) // 10
    assert ranks[0] == 1 and ranks.count(1) > 1 and 2 not in ranks


def test_no_units_no_ranks():
    assert _rank({}, progress.RankingWeights()) == {}
