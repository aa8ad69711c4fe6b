"""The progress rules (DESIGN.md §3): hand-computed examples first, then properties.

No database: tracker.progress is pure arithmetic.
"""

from __future__ import annotations

import ast
import decimal
import itertools
import subprocess
import sys
from dataclasses import FrozenInstanceError, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.progress import (
    Assessment,
    Colour,
    RankedUnit,
    RankingWeights,
    TargetSpec,
    Thresholds,
    UnitScoreInput,
    assess,
    combine,
    elapsed_share,
    rank_units,
    report_colour,
)

D = Decimal
MODULE = Path(__file__).resolve().parents[2] / "tracker" / "progress.py"
Q1, Q2, Q3, Q4 = D("0.25"), D("0.5"), D("0.75"), D(1)
BLUE, GREEN, YELLOW, RED, GREY = (
    Colour.BLUE,
    Colour.GREEN,
    Colour.YELLOW,
    Colour.RED,
    Colour.GREY,
)


def spec(kind, value=None, comparator="=", direction="increase", value_high=None):
    return TargetSpec(
        kind=kind,
        comparator=comparator,
        direction=direction,
        value=None if value is None else D(value),
        value_high=None if value_high is None else D(value_high),
    )


def figures(result: Assessment):
    """An assessment as plain strings, so a table row reads like the hand computation."""
    return (
        result.colour,
        result.met,
        None if result.completion is None else str(result.completion),
        None if result.pace is None else str(result.pace),
        None if result.gap_pp is None else str(result.gap_pp),
    )


# --- The module stays pure -------------------------------------------------------------------


def test_the_module_imports_only_the_standard_library():
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported - set(sys.stdlib_module_names) == set()


def test_loading_the_module_does_not_import_django():
    # Loaded from its file alone: `import tracker.progress` would first run tracker/__init__.py,
    # which creates the Celery app and so imports Django whatever this module does.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('progress_alone', {str(MODULE)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['progress_alone'] = module\n"
        "spec.loader.exec_module(module)\n"
        "from decimal import Decimal\n"
        "module.assess(module.TargetSpec(kind='level', value=Decimal(2)), Decimal(1),"
        " elapsed=Decimal('0.5'))\n"
        "bad = {'django', 'celery', 'rest_framework', 'tracker'}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# --- Colour ----------------------------------------------------------------------------------


def test_colours_have_chinese_labels_and_an_order_from_worst_to_best():
    assert [c.label for c in Colour] == ["已完成", "正常", "滞后", "严重滞后", "未填报"]
    assert sorted(Colour, key=lambda c: c.order) == [GREY, RED, YELLOW, GREEN, BLUE]
    assert Colour("red") is RED and RED == "red"


# --- Elapsed share (序时进度) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_end", "span_start", "span_end", "expected"),
    [
        pytest.param(date(2026, 3, 31), date(2026, 1, 1), date(2026, 12, 31), "0.25", id="Q1"),
        pytest.param(date(2026, 6, 30), date(2026, 1, 1), date(2026, 12, 31), "0.5", id="Q2"),
        pytest.param(date(2026, 9, 30), date(2026, 1, 1), date(2026, 12, 31), "0.75", id="Q3"),
        pytest.param(date(2026, 12, 31), date(2026, 1, 1), date(2026, 12, 31), "1", id="Q4"),
        # Month granularity: the due date (25th) counts its whole month.
        pytest.param(date(2026, 3, 25), date(2026, 1, 1), date(2026, 12, 31), "0.25", id="25th"),
        pytest.param(
            date(2024, 6, 30), date(2023, 1, 1), date(2025, 12, 31), "0.5", id="multi-year"
        ),
        pytest.param(date(2026, 3, 31), date(2026, 1, 1), date(2026, 6, 30), "0.5", id="half-Q1"),
        pytest.param(date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30), "1", id="half-Q2"),
        pytest.param(date(2026, 9, 30), date(2026, 1, 1), date(2026, 6, 30), "1", id="half-Q3"),
        pytest.param(date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), "0", id="before"),
        pytest.param(date(2026, 3, 10), date(2026, 3, 15), date(2026, 12, 31), "0", id="same-mo"),
        pytest.param(date(2026, 6, 30), date(2026, 3, 15), date(2026, 12, 31), "0.4", id="mid-mo"),
        pytest.param(date(2026, 3, 31), date(2026, 3, 1), date(2026, 3, 31), "1", id="one-month"),
        pytest.param(date(2030, 1, 1), date(2026, 1, 1), date(2026, 12, 31), "1", id="after"),
    ],
)
def test_elapsed_share_examples(period_end, span_start, span_end, expected):
    share = elapsed_share(period_end=period_end, span_start=span_start, span_end=span_end)
    assert share == D(expected)
    assert isinstance(share, Decimal)


def test_elapsed_share_of_an_uneven_span_is_the_fraction_of_months():
    # 2024 Q1 of a 2023–2025 plan: 15 of 36 months.
    share = elapsed_share(
        period_end=date(2024, 3, 31), span_start=date(2023, 1, 1), span_end=date(2025, 12, 31)
    )
    assert abs(Fraction(share) - Fraction(15, 36)) < Fraction(1, 10**45)


def test_a_span_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        elapsed_share(
            period_end=date(2026, 6, 30), span_start=date(2026, 7, 1), span_end=date(2026, 6, 30)
        )


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(start=dates, end=dates, first=dates, second=dates)
def test_elapsed_share_is_a_clamped_nondecreasing_month_fraction(start, end, first, second):
    start, end = sorted((start, end))
    first, second = sorted((first, second))
    a = elapsed_share(period_end=first, span_start=start, span_end=end)
    b = elapsed_share(period_end=second, span_start=start, span_end=end)
    assert D(0) <= a <= b <= D(1)
    assert elapsed_share(period_end=end, span_start=start, span_end=end) == 1
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    done = (first.year - start.year) * 12 + first.month - start.month + 1
    exact = Fraction(0) if first < start else min(Fraction(done, months), Fraction(1))
    assert abs(Fraction(a) - exact) < Fraction(1, 10**45)


# --- Level and count, higher is better -------------------------------------------------------

LEVEL_48 = spec("level", "4.8", ">=")  # 人均地区生产总值达4.8万元以上


@pytest.mark.parametrize(
    ("target", "actual", "elapsed", "expected"),
    [
        # The brief's 4.8万元 target at Q2.
        pytest.param(LEVEL_48, "2.4", Q2, (GREEN, False, "0.5000", "1.0000", None), id="on-pace"),
        pytest.param(LEVEL_48, "2.2", Q2, (YELLOW, False, "0.4583", "0.9167", None), id="lag"),
        pytest.param(LEVEL_48, "2.0", Q2, (RED, False, "0.4167", "0.8333", None), id="behind"),
        pytest.param(LEVEL_48, "4.8", Q2, (BLUE, True, "1.0000", "2.0000", None), id="reached"),
        pytest.param(LEVEL_48, "5.0", Q2, (BLUE, True, "1.0417", "2.0833", None), id="beyond"),
        pytest.param(LEVEL_48, "4.79", Q4, (YELLOW, False, "0.9979", "0.9979", None), id="Q4-1"),
        pytest.param(LEVEL_48, "4.0", Q4, (RED, False, "0.8333", "0.8333", None), id="Q4-red"),
        # Yellow starts exactly at pace 0.9: 4.5 of 10 at Q2.
        pytest.param(
            spec("level", "10"), "4.5", Q2, (YELLOW, False, "0.4500", "0.9000", None), id="0.9"
        ),
        pytest.param(
            spec("level", "10"), "4.49", Q2, (RED, False, "0.4490", "0.8980", None), id="<0.9"
        ),
        # Comparators: ">" needs more than the value; "<=", "<" written against the direction
        # count only for their strictness.
        pytest.param(
            spec("level", "4.8", ">"), "4.8", Q4, (GREEN, False, "1.0000", "1.0000", None), id=">"
        ),
        pytest.param(
            spec("level", "4.8", ">"), "4.81", Q4, (BLUE, True, "1.0021", "1.0021", None), id=">+"
        ),
        pytest.param(
            spec("level", "4.8", "="), "4.8", Q3, (BLUE, True, "1.0000", "1.3333", None), id="="
        ),
        pytest.param(
            spec("level", "4.8", "<="), "4.8", Q4, (BLUE, True, "1.0000", "1.0000", None), id="<="
        ),
        pytest.param(
            spec("level", "4.8", "<"), "4.8", Q4, (GREEN, False, "1.0000", "1.0000", None), id="<"
        ),
        # "~" (左右): 2% short still counts as met, 4.8 × 0.98 = 4.704.
        pytest.param(
            spec("level", "4.8", "~"), "4.704", Q4, (BLUE, True, "0.9800", "0.9800", None), id="~"
        ),
        pytest.param(
            spec("level", "4.8", "~"),
            "4.70",
            Q4,
            (YELLOW, False, "0.9792", "0.9792", None),
            id="~-",
        ),
        # Count: 新增1万户 at Q3.
        pytest.param(
            spec("count", "10000"), "7500", Q3, (GREEN, False, "0.7500", "1.0000", None), id="cnt"
        ),
        pytest.param(
            spec("count", "10000"), "6750", Q3, (YELLOW, False, "0.6750", "0.9000", None), id="c-y"
        ),
        pytest.param(
            spec("count", "10000"), "6749", Q3, (RED, False, "0.6749", "0.8999", None), id="c-r"
        ),
        pytest.param(
            spec("count", "10000"), "10000", Q1, (BLUE, True, "1.0000", "4.0000", None), id="c-b"
        ),
        # A net figure can fall below zero.
        pytest.param(
            spec("count", "10000"), "-200", Q1, (RED, False, "-0.0200", "-0.0800", None), id="neg"
        ),
        # Before the span starts the amount expected is zero.
        pytest.param(LEVEL_48, "0", D(0), (GREEN, False, "0.0000", None, None), id="e0"),
        pytest.param(LEVEL_48, "-1", D(0), (RED, False, "-0.2083", None, None), id="e0-neg"),
        pytest.param(LEVEL_48, "4.8", D(0), (BLUE, True, "1.0000", None, None), id="e0-met"),
        # A zero target: met at zero or more; no completion or pace to compute.
        pytest.param(spec("count", "0"), "0", Q2, (BLUE, True, None, None, None), id="zero"),
        pytest.param(spec("count", "0"), "3", Q2, (BLUE, True, None, None, None), id="zero+"),
        pytest.param(spec("count", "0"), "-1", Q2, (RED, False, None, None, None), id="zero-"),
        pytest.param(spec("count", "0", ">"), "0", Q2, (RED, False, None, None, None), id="0>"),
        pytest.param(spec("count", "0", ">"), "1", Q2, (BLUE, True, None, None, None), id="0>+"),
        # A range counts from its low end.
        pytest.param(
            spec("level", "100", value_high="120"),
            "50",
            Q2,
            (GREEN, False, "0.5000", "1.0000", None),
            id="range",
        ),
    ],
)
def test_level_and_count_higher_is_better(target, actual, elapsed, expected):
    assert figures(assess(target, D(actual), elapsed=elapsed)) == expected


def test_about_tolerance_ratio_is_a_setting():
    target = spec("level", "4.8", "~")
    strict = Thresholds(about_tolerance_ratio=D(0))
    assert assess(target, D("4.79"), elapsed=Q4, thresholds=strict).colour is YELLOW
    assert assess(target, D("4.79"), elapsed=Q4).colour is BLUE


def test_yellow_pace_is_a_setting():
    lenient = Thresholds(yellow_pace=D("0.8"))
    assert assess(LEVEL_48, D("2.0"), elapsed=Q2, thresholds=lenient).colour is YELLOW
    assert assess(LEVEL_48, D("1.9"), elapsed=Q2, thresholds=lenient).colour is RED


def test_multi_year_target_is_paced_against_the_whole_span():
    # 到2025年 10万户, counted from 2023: by mid-2024 half the time has gone.
    elapsed = elapsed_share(
        period_end=date(2024, 6, 30), span_start=date(2023, 1, 1), span_end=date(2025, 12, 31)
    )
    target = spec("count", "100000", ">=")
    assert figures(assess(target, D("50000"), elapsed=elapsed)) == (
        GREEN,
        False,
        "0.5000",
        "1.0000",
        None,
    )
    assert assess(target, D("45000"), elapsed=elapsed).colour is YELLOW


def test_exactly_on_pace_is_green_even_when_the_elapsed_share_has_no_exact_decimal():
    # 15 of 36 months: 5/12 is rounded in any decimal form, however many digits.
    elapsed = elapsed_share(
        period_end=date(2024, 3, 31), span_start=date(2023, 1, 1), span_end=date(2025, 12, 31)
    )
    result = assess(spec("count", "36"), D(15), elapsed=elapsed)
    assert (result.colour, result.pace) == (GREEN, D("1.0000"))
    # The same share computed by a caller in the default 28-digit context.
    rounded = D(5) / D(12)
    assert Fraction(rounded) != Fraction(5, 12)
    result = assess(spec("level", "12"), D(5), elapsed=rounded)
    assert (result.colour, result.pace) == (GREEN, D("1.0000"))
    result = assess(spec("level", "12"), D("4.9999"), elapsed=rounded)
    assert result.colour is YELLOW


def test_the_callers_decimal_context_does_not_change_the_result():
    expected = assess(LEVEL_48, D("2.2"), elapsed=Q2)
    with decimal.localcontext() as context:
        context.prec = 3
        context.rounding = decimal.ROUND_DOWN
        assert assess(LEVEL_48, D("2.2"), elapsed=Q2) == expected
        assert elapsed_share(
            period_end=date(2024, 3, 31), span_start=date(2023, 1, 1), span_end=date(2025, 12, 31)
        ) > D("0.41666")


# --- Level and count, lower is better (cumulative ceiling) -----------------------------------

ACCIDENTS = spec("count", "2", "<=", "decrease")  # 安全事故控制在2起以下
ENERGY = spec("level", "100", "~", "decrease")  # 能耗控制在100万吨标准煤左右


@pytest.mark.parametrize(
    ("target", "actual", "elapsed", "expected"),
    [
        pytest.param(ACCIDENTS, "0", Q2, (GREEN, False, "0.0000", "0.0000", None), id="none-yet"),
        pytest.param(ACCIDENTS, "1", Q2, (GREEN, False, "0.5000", "1.0000", None), id="on-pace"),
        # The whole allowance used by mid-year: not broken yet, but pace 2.
        pytest.param(ACCIDENTS, "2", Q2, (RED, False, "1.0000", "2.0000", None), id="used-up"),
        pytest.param(ACCIDENTS, "3", Q2, (RED, False, "1.5000", "3.0000", None), id="broken"),
        pytest.param(ACCIDENTS, "3", Q1, (RED, False, "1.5000", "6.0000", None), id="broken-Q1"),
        pytest.param(ACCIDENTS, "2", Q4, (BLUE, True, "1.0000", "1.0000", None), id="end-met"),
        pytest.param(ACCIDENTS, "0", Q4, (BLUE, True, "0.0000", "0.0000", None), id="end-zero"),
        pytest.param(ACCIDENTS, "3", Q4, (RED, False, "1.5000", "1.5000", None), id="end-broken"),
        pytest.param(
            spec("count", "2", "<", "decrease"),
            "2",
            Q4,
            (RED, False, "1.0000", "1.0000", None),
            id="strict-end",
        ),
        pytest.param(
            spec("count", "2", "<", "decrease"),
            "1",
            Q4,
            (BLUE, True, "0.5000", "0.5000", None),
            id="strict-met",
        ),
        # ">=" written against the direction (控制在…以上 is not a thing, but data may say so).
        pytest.param(
            spec("count", "2", ">=", "decrease"),
            "2",
            Q4,
            (BLUE, True, "1.0000", "1.0000", None),
            id=">=",
        ),
        # Yellow up to pace 1 ÷ 0.9 = 1.111…
        pytest.param(ENERGY, "50", Q2, (GREEN, False, "0.5000", "1.0000", None), id="e-green"),
        pytest.param(ENERGY, "55", Q2, (YELLOW, False, "0.5500", "1.1000", None), id="e-yellow"),
        pytest.param(ENERGY, "55.55", Q2, (YELLOW, False, "0.5555", "1.1110", None), id="e-y2"),
        pytest.param(ENERGY, "55.56", Q2, (RED, False, "0.5556", "1.1112", None), id="e-red"),
        # "~": 2% over the ceiling is still within it.
        pytest.param(ENERGY, "102", Q4, (BLUE, True, "1.0200", "1.0200", None), id="e-about"),
        pytest.param(ENERGY, "102.01", Q4, (RED, False, "1.0201", "1.0201", None), id="e-over"),
        pytest.param(ENERGY, "102", Q3, (RED, False, "1.0200", "1.3600", None), id="e-Q3"),
        # A range counts up to its high end.
        pytest.param(
            spec("level", "90", "<=", "decrease", value_high="100"),
            "95",
            Q4,
            (BLUE, True, "0.9500", "0.9500", None),
            id="range",
        ),
        pytest.param(
            spec("level", "90", "<=", "decrease", value_high="100"),
            "101",
            Q4,
            (RED, False, "1.0100", "1.0100", None),
            id="range-over",
        ),
        # 控制在0起: nothing to divide by; any case at all breaks it.
        pytest.param(
            spec("count", "0", "<=", "decrease"), "0", Q2, (GREEN, False, None, None, None), id="0"
        ),
        pytest.param(
            spec("count", "0", "<=", "decrease"), "0", Q4, (BLUE, True, None, None, None), id="0-Q4"
        ),
        pytest.param(
            spec("count", "0", "<=", "decrease"), "1", Q2, (RED, False, None, None, None), id="0-1"
        ),
        pytest.param(
            spec("count", "0", "<", "decrease"), "0", Q2, (RED, False, None, None, None), id="0<"
        ),
        # Before the span starts no use is allowed yet.
        pytest.param(ACCIDENTS, "0", D(0), (GREEN, False, "0.0000", None, None), id="e0"),
        pytest.param(ACCIDENTS, "1", D(0), (RED, False, "0.5000", None, None), id="e0-used"),
    ],
)
def test_level_and_count_lower_is_better(target, actual, elapsed, expected):
    assert figures(assess(target, D(actual), elapsed=elapsed)) == expected


# --- Rates: growth, share, decrease ----------------------------------------------------------

GROWTH_14 = spec("growth", "14")  # 固定资产投资增长14%
GROWTH_ABOUT_6 = spec("growth", "6", "~")  # 地区生产总值增长6%左右
UNEMPLOYMENT = spec("share", "5.5", "<=", "decrease")  # 城镇登记失业率控制在5.5%以内
CPI = spec("growth", "3", "~", "decrease")  # 居民消费价格涨幅3%左右
ENERGY_INTENSITY = spec("decrease", "3", ">=", "decrease")  # 单位GDP能耗下降3%以上


@pytest.mark.parametrize(
    ("target", "actual", "elapsed", "expected"),
    [
        pytest.param(GROWTH_14, "13.2", Q2, (YELLOW, False, "-0.80"), id="g-yellow"),
        pytest.param(GROWTH_14, "12.5", Q2, (RED, False, "-1.50"), id="g-red"),
        pytest.param(GROWTH_14, "14", Q2, (GREEN, True, "0.00"), id="g-met-Q2"),
        pytest.param(GROWTH_14, "14", Q4, (BLUE, True, "0.00"), id="g-met-Q4"),
        pytest.param(GROWTH_14, "13.2", Q4, (YELLOW, False, "-0.80"), id="g-Q4-short"),
        pytest.param(GROWTH_14, "15.3", Q1, (GREEN, True, "1.30"), id="g-ahead"),
        pytest.param(GROWTH_14, "13", Q2, (YELLOW, False, "-1.00"), id="g-1pp"),
        pytest.param(GROWTH_14, "12.99", Q2, (RED, False, "-1.01"), id="g-beyond-1pp"),
        pytest.param(GROWTH_14, "-0.5", Q2, (RED, False, "-14.50"), id="g-negative"),
        pytest.param(GROWTH_14, "13.2", D(0), (YELLOW, False, "-0.80"), id="g-e0"),
        # 左右: 0.5 points of leeway; the gap shown is against the target as written.
        pytest.param(GROWTH_ABOUT_6, "5.6", Q2, (GREEN, True, "-0.40"), id="~green"),
        pytest.param(GROWTH_ABOUT_6, "5.5", Q2, (GREEN, True, "-0.50"), id="~edge"),
        pytest.param(GROWTH_ABOUT_6, "5.4", Q2, (YELLOW, False, "-0.60"), id="~yellow"),
        pytest.param(GROWTH_ABOUT_6, "4.5", Q2, (YELLOW, False, "-1.50"), id="~yellow-edge"),
        pytest.param(GROWTH_ABOUT_6, "4.49", Q2, (RED, False, "-1.51"), id="~red"),
        pytest.param(GROWTH_ABOUT_6, "5.6", Q4, (BLUE, True, "-0.40"), id="~blue"),
        # Strict comparators need a positive gap.
        pytest.param(spec("growth", "6", ">"), "6", Q2, (YELLOW, False, "0.00"), id=">"),
        pytest.param(spec("growth", "6", ">"), "6.01", Q2, (GREEN, True, "0.01"), id=">+"),
        pytest.param(spec("growth", "6", ">="), "6", Q2, (GREEN, True, "0.00"), id=">="),
        # A negative growth target (降幅收窄至2%).
        pytest.param(spec("growth", "-2"), "-1.5", Q2, (GREEN, True, "0.50"), id="neg-target"),
        pytest.param(spec("growth", "-2"), "-2.8", Q2, (YELLOW, False, "-0.80"), id="neg-yellow"),
        pytest.param(spec("growth", "-2"), "-3.5", Q2, (RED, False, "-1.50"), id="neg-red"),
        pytest.param(spec("share", "2.5"), "2.4", Q2, (YELLOW, False, "-0.10"), id="share"),
        # Lower is better: the gap is value − actual.
        pytest.param(UNEMPLOYMENT, "5.2", Q2, (GREEN, True, "0.30"), id="u-green"),
        pytest.param(UNEMPLOYMENT, "5.5", Q2, (GREEN, True, "0.00"), id="u-edge"),
        pytest.param(UNEMPLOYMENT, "6.2", Q2, (YELLOW, False, "-0.70"), id="u-yellow"),
        pytest.param(UNEMPLOYMENT, "6.8", Q2, (RED, False, "-1.30"), id="u-red"),
        pytest.param(UNEMPLOYMENT, "5.2", Q4, (BLUE, True, "0.30"), id="u-blue"),
        pytest.param(
            spec("share", "5.5", "<", "decrease"), "5.5", Q2, (YELLOW, False, "0.00"), id="u<"
        ),
        pytest.param(CPI, "3.4", Q2, (GREEN, True, "-0.40"), id="cpi-about"),
        pytest.param(CPI, "3.5", Q2, (GREEN, True, "-0.50"), id="cpi-edge"),
        pytest.param(CPI, "3.6", Q2, (YELLOW, False, "-0.60"), id="cpi-yellow"),
        pytest.param(CPI, "4.5", Q2, (YELLOW, False, "-1.50"), id="cpi-yellow-edge"),
        pytest.param(CPI, "4.6", Q2, (RED, False, "-1.60"), id="cpi-red"),
        pytest.param(CPI, "-0.3", Q4, (BLUE, True, "3.30"), id="cpi-deflation"),
        # Ranges: the low end when higher is better, the high end when lower is better.
        pytest.param(spec("growth", "6.5", value_high="7"), "6.5", Q2, (GREEN, True, "0.00")),
        pytest.param(spec("growth", "6.5", value_high="7"), "6.8", Q2, (GREEN, True, "0.30")),
        pytest.param(spec("growth", "6.5", value_high="7"), "6.0", Q2, (YELLOW, False, "-0.50")),
        pytest.param(spec("growth", "6.5", value_high="7"), "5.4", Q2, (RED, False, "-1.10")),
        pytest.param(
            spec("growth", "3", "<=", "decrease", value_high="3.5"),
            "3.4",
            Q2,
            (GREEN, True, "0.10"),
        ),
        pytest.param(
            spec("growth", "3", "<=", "decrease", value_high="3.5"),
            "3.6",
            Q2,
            (YELLOW, False, "-0.10"),
        ),
        # Kind decrease: the decline achieved, bigger is better, whatever the direction says.
        pytest.param(ENERGY_INTENSITY, "3.2", Q2, (GREEN, True, "0.20"), id="d-green"),
        pytest.param(ENERGY_INTENSITY, "2.5", Q2, (YELLOW, False, "-0.50"), id="d-yellow"),
        pytest.param(ENERGY_INTENSITY, "1.8", Q2, (RED, False, "-1.20"), id="d-red"),
        pytest.param(ENERGY_INTENSITY, "3", Q4, (BLUE, True, "0.00"), id="d-blue"),
        pytest.param(spec("decrease", "3", "~", "decrease"), "2.6", Q2, (GREEN, True, "-0.40")),
        pytest.param(
            spec("decrease", "3", "=", "decrease", value_high="3.5"), "3", Q2, (GREEN, True, "0.00")
        ),
        pytest.param(spec("decrease", "3", ">", "increase"), "3", Q2, (YELLOW, False, "0.00")),
    ],
)
def test_rates(target, actual, elapsed, expected):
    result = assess(target, D(actual), elapsed=elapsed)
    assert (result.colour, result.met, str(result.gap_pp)) == expected
    assert result.completion is None and result.pace is None


def test_kind_decrease_ignores_the_direction():
    for actual in ("1.8", "2.5", "3", "4"):
        down = assess(ENERGY_INTENSITY, D(actual), elapsed=Q2)
        up = assess(replace(ENERGY_INTENSITY, direction="increase"), D(actual), elapsed=Q2)
        assert down == up


def test_rate_thresholds_are_settings():
    tight = Thresholds(growth_yellow_gap_pp=D("0.5"), about_tolerance_pp=D(0))
    assert assess(GROWTH_14, D("13.2"), elapsed=Q2, thresholds=tight).colour is RED
    assert assess(GROWTH_14, D("13.5"), elapsed=Q2, thresholds=tight).colour is YELLOW
    assert assess(GROWTH_ABOUT_6, D("5.6"), elapsed=Q2, thresholds=tight).colour is YELLOW
    wide = Thresholds(about_tolerance_pp=D(1))
    assert assess(GROWTH_ABOUT_6, D("5.0"), elapsed=Q2, thresholds=wide).colour is GREEN


# --- Rank ------------------------------------------------------------------------------------

TOP_10 = spec("rank", "10", "<=", "decrease")  # 全省排名前10


@pytest.mark.parametrize(
    ("target", "actual", "elapsed", "colour", "met"),
    [
        (TOP_10, "8", Q2, GREEN, True),
        (TOP_10, "10", Q2, GREEN, True),
        (TOP_10, "11", Q2, YELLOW, False),
        (TOP_10, "12", Q2, YELLOW, False),
        (TOP_10, "13", Q2, RED, False),
        (TOP_10, "14", Q2, RED, False),
        (TOP_10, "8", Q4, BLUE, True),
        (TOP_10, "11", Q4, YELLOW, False),
        (spec("rank", "10", "<", "decrease"), "10", Q2, YELLOW, False),
        (spec("rank", "10", "<", "decrease"), "9", Q2, GREEN, True),
        (spec("rank", "10", "~", "decrease"), "10", Q2, GREEN, True),
        (spec("rank", "10", "~", "decrease"), "11", Q2, YELLOW, False),
        # Direction is irrelevant: a rank is always lower-is-better.
        (spec("rank", "10", ">=", "increase"), "8", Q4, BLUE, True),
        # 保持在第3—5位: up to the high end.
        (spec("rank", "3", "<=", "decrease", value_high="5"), "5", Q2, GREEN, True),
        (spec("rank", "3", "<=", "decrease", value_high="5"), "7", Q2, YELLOW, False),
        (spec("rank", "3", "<=", "decrease", value_high="5"), "8", Q2, RED, False),
    ],
)
def test_rank(target, actual, elapsed, colour, met):
    assert assess(target, D(actual), elapsed=elapsed) == Assessment(colour, met)


def test_rank_yellow_places_is_a_setting():
    strict = Thresholds(rank_yellow_places=0)
    assert assess(TOP_10, D(11), elapsed=Q2, thresholds=strict).colour is RED


# --- Qualitative, judgement, not reported ----------------------------------------------------

QUALITATIVE = spec("qualitative")


@pytest.mark.parametrize(
    ("assessment", "judgement", "elapsed", "colour", "met"),
    [
        ("done", "", Q1, BLUE, True),
        ("in_progress", "", Q1, GREEN, False),
        ("in_progress", "", Q4, GREEN, False),
        ("not_started", "", D(0), YELLOW, False),
        ("not_started", "", Q1, YELLOW, False),
        ("not_started", "", D("0.4999"), YELLOW, False),
        ("not_started", "", Q2, RED, False),
        ("not_started", "", Q4, RED, False),
        ("", "", Q2, GREY, False),
        # The reviewer's word wins.
        ("done", "normal", Q2, BLUE, True),
        ("in_progress", "normal", Q2, GREEN, False),
        ("not_started", "normal", Q3, GREEN, False),
        ("done", "lagging", Q2, YELLOW, False),
        ("done", "serious", Q4, RED, False),
        ("in_progress", "lagging", Q2, YELLOW, False),
        ("in_progress", "serious", Q2, RED, False),
        ("not_started", "lagging", Q3, YELLOW, False),
        ("", "normal", Q2, GREEN, False),
        ("", "lagging", Q2, YELLOW, False),
        ("", "serious", Q2, RED, False),
    ],
)
def test_qualitative(assessment, judgement, elapsed, colour, met):
    result = assess(QUALITATIVE, None, elapsed=elapsed, assessment=assessment, judgement=judgement)
    assert result == Assessment(colour, met)


def test_not_started_turns_red_at_a_configurable_share():
    early = Thresholds(qualitative_not_started_red_after=Q1)
    assert assess(QUALITATIVE, None, elapsed=Q1, assessment="not_started").colour is YELLOW
    assert (
        assess(QUALITATIVE, None, elapsed=Q1, assessment="not_started", thresholds=early).colour
        is RED
    )
    at_once = Thresholds(qualitative_not_started_red_after=D(0))
    assert (
        assess(QUALITATIVE, None, elapsed=D(0), assessment="not_started", thresholds=at_once).colour
        is RED
    )


@pytest.mark.parametrize("target", [LEVEL_48, ACCIDENTS, GROWTH_14, UNEMPLOYMENT, TOP_10])
def test_a_numeric_target_without_an_actual_is_grey(target):
    assert assess(target, None, elapsed=Q2) == Assessment(GREY, met=False)
    # A reviewer may still judge it.
    assert assess(target, None, elapsed=Q2, judgement="normal").colour is GREEN
    assert assess(target, None, elapsed=Q2, judgement="serious").colour is RED


def test_a_judgement_overrides_a_numeric_colour_but_not_its_figures():
    blue = assess(LEVEL_48, D("4.8"), elapsed=Q2, judgement="normal")
    assert (blue.colour, blue.met) == (BLUE, True)
    lagging = assess(LEVEL_48, D("4.8"), elapsed=Q2, judgement="lagging")
    assert (lagging.colour, lagging.met, lagging.completion) == (YELLOW, True, D("1.0000"))
    forgiven = assess(LEVEL_48, D("2.0"), elapsed=Q2, judgement="normal")
    assert figures(forgiven) == (GREEN, False, "0.4167", "0.8333", None)
    serious = assess(GROWTH_14, D("14"), elapsed=Q4, judgement="serious")
    assert (serious.colour, serious.gap_pp) == (RED, D("0.00"))


# --- Refused input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "ratio", "value": D(1)}, "kind"),
        ({"kind": "level", "value": D(1), "comparator": "=>"}, "comparator"),
        ({"kind": "level", "value": D(1), "direction": "down"}, "direction"),
        ({"kind": "qualitative", "value": D(1)}, "qualitative target has no value"),
        ({"kind": "qualitative", "value_high": D(1)}, "qualitative target has no value"),
        ({"kind": "level"}, "needs a value"),
        ({"kind": "growth", "value_high": D(7)}, "needs a value"),
        ({"kind": "growth", "value": D(7), "value_high": D("6.5")}, "below value"),
        ({"kind": "level", "value": D(-1)}, "cannot be negative"),
        ({"kind": "count", "value": D("-0.01")}, "cannot be negative"),
        ({"kind": "rank", "value": D(0)}, "rank target must be positive"),
        ({"kind": "growth", "value": D("NaN")}, "finite"),
        ({"kind": "growth", "value": D(6), "value_high": D("Infinity")}, "finite"),
    ],
)
def test_invalid_target_specs_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TargetSpec(**kwargs)


def test_a_float_value_is_refused():
    with pytest.raises(TypeError, match="Decimal"):
        TargetSpec(kind="growth", value=6.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("target", "actual", "kwargs", "message"),
    [
        (QUALITATIVE, D(1), {}, "self-assessment, not an actual"),
        (LEVEL_48, D(1), {"assessment": "done"}, "self-assessment is for qualitative"),
        (LEVEL_48, None, {"assessment": "in_progress"}, "self-assessment is for qualitative"),
        (QUALITATIVE, None, {"assessment": "finished"}, "self-assessment"),
        (QUALITATIVE, None, {"judgement": "fine"}, "judgement"),
        (LEVEL_48, D(1), {"elapsed": D("1.01")}, "elapsed"),
        (LEVEL_48, D(1), {"elapsed": D("-0.01")}, "elapsed"),
        (LEVEL_48, D(1), {"elapsed": D("NaN")}, "finite"),
        (LEVEL_48, D("NaN"), {}, "finite"),
        (GROWTH_14, D("-Infinity"), {}, "finite"),
    ],
)
def test_invalid_assessments_are_refused(target, actual, kwargs, message):
    kwargs = {"elapsed": Q2, **kwargs}
    with pytest.raises(ValueError, match=message):
        assess(target, actual, **kwargs)


def test_floats_are_refused_rather_than_rounded():
    with pytest.raises(TypeError, match="actual"):
        assess(LEVEL_48, 2.4, elapsed=Q2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="elapsed"):
        assess(LEVEL_48, D("2.4"), elapsed=0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"yellow_pace": D(0)}, ValueError, r"yellow_pace must be in \(0, 1\]"),
        ({"yellow_pace": D("1.01")}, ValueError, "yellow_pace"),
        ({"yellow_pace": D("NaN")}, ValueError, "finite"),
        ({"yellow_pace": 0.9}, TypeError, "yellow_pace must be a Decimal"),
        ({"about_tolerance_ratio": D(1)}, ValueError, "about_tolerance_ratio"),
        ({"about_tolerance_ratio": D("-0.01")}, ValueError, "about_tolerance_ratio"),
        ({"about_tolerance_pp": D("-0.5")}, ValueError, "about_tolerance_pp must not be negative"),
        ({"growth_yellow_gap_pp": D(-1)}, ValueError, "growth_yellow_gap_pp"),
        ({"rank_yellow_places": -1}, ValueError, "rank_yellow_places"),
        ({"rank_yellow_places": True}, TypeError, "rank_yellow_places must be an int"),
        ({"rank_yellow_places": D(2)}, TypeError, "rank_yellow_places must be an int"),
        ({"qualitative_not_started_red_after": D("1.5")}, ValueError, "qualitative"),
        ({"qualitative_not_started_red_after": D("-0.1")}, ValueError, "qualitative"),
        ({"overdue_red_days": -1}, ValueError, "overdue_red_days"),
        ({"overdue_red_days": "3"}, TypeError, "overdue_red_days"),
    ],
)
def test_bad_thresholds_fail_loudly(kwargs, error, message):
    with pytest.raises(error, match=message):
        Thresholds(**kwargs)


def test_threshold_edges_are_accepted_and_the_defaults_are_the_designs():
    Thresholds(
        yellow_pace=D(1),
        about_tolerance_ratio=D(0),
        about_tolerance_pp=D(0),
        growth_yellow_gap_pp=D(0),
        rank_yellow_places=0,
        qualitative_not_started_red_after=D(1),
        overdue_red_days=0,
    )
    assert Thresholds() == Thresholds(
        yellow_pace=D("0.9"),
        about_tolerance_ratio=D("0.02"),
        about_tolerance_pp=D("0.5"),
        growth_yellow_gap_pp=D("1.0"),
        rank_yellow_places=2,
        qualitative_not_started_red_after=D("0.5"),
        overdue_red_days=3,
    )
    assert RankingWeights() == RankingWeights(
        green_share=D("0.6"), on_time_rate=D("0.3"), problems_closed_rate=D("0.1")
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"green_share": D("-0.1")}, ValueError, "green_share must not be negative"),
        ({"problems_closed_rate": D(-1)}, ValueError, "problems_closed_rate"),
        ({"green_share": D(0), "on_time_rate": D(0)}, ValueError, "cannot both be zero"),
        ({"on_time_rate": D("Infinity")}, ValueError, "finite"),
        ({"on_time_rate": 0.3}, TypeError, "on_time_rate"),
    ],
)
def test_bad_weights_fail_loudly(kwargs, error, message):
    with pytest.raises(error, match=message):
        RankingWeights(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"green_share": D("1.01")}, ValueError, "green_share must be in"),
        ({"on_time_rate": D("-0.01")}, ValueError, "on_time_rate"),
        ({"problems_closed_rate": D(2)}, ValueError, "problems_closed_rate"),
        ({"key": "7"}, TypeError, "key must be an int"),
        ({"key": True}, TypeError, "key must be an int"),
        ({"green_share": 0.5}, TypeError, "green_share"),
    ],
)
def test_bad_unit_figures_are_refused(kwargs, error, message):
    row = {"key": 1, "green_share": D("0.5"), "on_time_rate": D("0.5"), **kwargs}
    with pytest.raises(error, match=message):
        UnitScoreInput(**row)


# --- Combining colours -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colours", "expected"),
    [
        ([], GREY),
        ([GREY], GREY),
        ([GREY, GREY], GREY),
        ([BLUE], BLUE),
        ([BLUE, GREEN], GREEN),
        ([GREEN, BLUE, YELLOW], YELLOW),
        ([BLUE, RED, YELLOW, GREEN], RED),
        ([GREY, BLUE], BLUE),
        ([RED, GREY], RED),
        (["yellow", "grey", "blue"], YELLOW),
    ],
)
def test_combine_takes_the_worst_rated_colour(colours, expected):
    assert combine(colours) is expected
    assert combine(iter(colours)) is expected


@pytest.mark.parametrize(
    ("submitted", "days_overdue", "target_colours", "expected"),
    [
        (False, -5, [], GREY),
        (False, 0, [BLUE], GREY),
        (False, 3, [], GREY),
        (False, 4, [], RED),
        (False, 40, [BLUE], RED),
        (True, 0, [], GREY),
        (True, 0, [GREY, GREY], GREY),
        (True, 0, [BLUE, GREEN], GREEN),
        (True, 10, [BLUE], BLUE),
        (True, 0, [GREEN, RED, GREY], RED),
    ],
)
def test_report_colour(submitted, days_overdue, target_colours, expected):
    colour = report_colour(
        target_colours=target_colours, submitted=submitted, days_overdue=days_overdue
    )
    assert colour is expected


def test_overdue_days_are_a_setting():
    patient = Thresholds(overdue_red_days=7)
    assert (
        report_colour(target_colours=[], submitted=False, days_overdue=7, thresholds=patient)
        is GREY
    )
    assert (
        report_colour(target_colours=[], submitted=False, days_overdue=8, thresholds=patient) is RED
    )


# --- Rankings --------------------------------------------------------------------------------


def unit(key, green, on_time, problems=None):
    return UnitScoreInput(
        key=key,
        green_share=D(green),
        on_time_rate=D(on_time),
        problems_closed_rate=None if problems is None else D(problems),
    )


def test_rank_units_example():
    rows = [
        unit(4, "0.5", "0.5", "0"),  # 0.30 + 0.15 + 0 = 0.45
        unit(3, "0.9", "1", "1"),  # 0.54 + 0.30 + 0.10 = 0.94
        unit(2, "0.8", "1"),  # no problems: (0.48 + 0.30) ÷ 0.9 = 0.8666…
        unit(1, "0.9", "1", "1"),  # 0.94, tied with unit 3
        unit(5, "1", "0.8"),  # (0.60 + 0.24) ÷ 0.9 = 0.9333…
    ]
    ranked = rank_units(rows, weights=RankingWeights(), previous={1: 2, 3: 1, 5: 5, 2: 3, 9: 1})
    assert ranked == [
        RankedUnit(key=1, rank=1, previous_rank=2, change=1, score=D("0.9400")),
        RankedUnit(key=3, rank=1, previous_rank=1, change=0, score=D("0.9400")),
        RankedUnit(key=5, rank=3, previous_rank=5, change=2, score=D("0.9333")),
        RankedUnit(key=2, rank=4, previous_rank=3, change=-1, score=D("0.8667")),
        RankedUnit(key=4, rank=5, previous_rank=None, change=None, score=D("0.4500")),
    ]


def test_a_unit_without_problems_is_scored_on_the_rest_alone():
    # Without problems, the score equals what it would be with problems closed at the same rate
    # as the renormalised mean of the rest: neither a reward nor a penalty.
    [alone] = rank_units([unit(1, "0.7", "0.4")])
    assert alone.score == D("0.6000")  # (0.42 + 0.12) ÷ 0.9
    [same] = rank_units([unit(1, "0.7", "0.4", "0.6")])
    assert same.score == alone.score


def test_rankings_with_other_weights_and_ties_on_the_shown_score():
    weights = RankingWeights(green_share=D(1), on_time_rate=D(0), problems_closed_rate=D(0))
    ranked = rank_units(
        [unit(1, "0.50001", "0"), unit(2, "0.50004", "1"), unit(3, "0.00005", "1", "1")],
        weights=weights,
    )
    assert [(r.key, r.rank, r.score) for r in ranked] == [
        (1, 1, D("0.5000")),
        (2, 1, D("0.5000")),
        (3, 3, D("0.0001")),  # 四舍五入
    ]
    # Weights need not add up to one.
    [row] = rank_units([unit(1, "1", "0", "0")], weights=RankingWeights(green_share=D(3)))
    assert row.score == D("0.8824")  # 3 ÷ 3.4


def test_rankings_without_previous_and_without_units():
    assert rank_units([]) == []
    [row] = rank_units([unit(7, "1", "1", "1")])
    assert row == RankedUnit(key=7, rank=1, previous_rank=None, change=None, score=D("1.0000"))


def test_a_unit_may_appear_only_once():
    with pytest.raises(ValueError, match="only once"):
        rank_units([unit(1, "1", "1"), unit(1, "0", "0")])


def test_specs_settings_and_results_are_frozen():
    for instance, field in [
        (LEVEL_48, "value"),
        (Thresholds(), "yellow_pace"),
        (RankingWeights(), "green_share"),
        (assess(LEVEL_48, D(1), elapsed=Q2), "colour"),
        (unit(1, "1", "1"), "green_share"),
    ]:
        with pytest.raises(FrozenInstanceError):
            setattr(instance, field, None)


# --- Properties ------------------------------------------------------------------------------

NUMERIC_KINDS = ("level", "count", "growth", "share", "decrease", "rank")
COMPARATORS = (">=", ">", "~", "<=", "<", "=")
DIRECTIONS = ("increase", "decrease")
amounts = st.decimals(
    min_value=-100, max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)
elapsed_shares = st.one_of(
    st.sampled_from([D(0), Q1, Q2, Q3, Q4]),
    st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False),
    # Shares with no exact decimal, as a caller might compute them in the default context.
    st.integers(1, 120).flatmap(lambda n: st.integers(0, n).map(lambda k: D(k) / D(n))),
)
thresholds = st.builds(
    Thresholds,
    yellow_pace=st.decimals(min_value="0.01", max_value=1, places=2),
    about_tolerance_ratio=st.decimals(min_value=0, max_value="0.5", places=3),
    about_tolerance_pp=st.decimals(min_value=0, max_value=3, places=1),
    growth_yellow_gap_pp=st.decimals(min_value=0, max_value=5, places=1),
    rank_yellow_places=st.integers(0, 10),
    qualitative_not_started_red_after=st.decimals(min_value=0, max_value=1, places=2),
    overdue_red_days=st.integers(0, 10),
)


def _bounded(low, high):
    return st.decimals(
        min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False
    )


@st.composite
def numeric_specs(draw, kinds=NUMERIC_KINDS):
    kind = draw(st.sampled_from(kinds))
    low, high = {"level": (0, 10**6), "count": (0, 10**6), "rank": (1, 200)}.get(kind, (-50, 100))
    value = draw(st.one_of(st.just(D(low)), _bounded(low, high)))
    value_high = draw(st.none() | _bounded(value, value + 100))
    return TargetSpec(
        kind=kind,
        comparator=draw(st.sampled_from(COMPARATORS)),
        direction=draw(st.sampled_from(DIRECTIONS)),
        value=value,
        value_high=value_high,
    )


def higher_is_better(target: TargetSpec) -> bool:
    if target.kind == "decrease":
        return True
    return target.kind != "rank" and target.direction == "increase"


@given(target=numeric_specs(), a=amounts, b=amounts, elapsed=elapsed_shares, t=thresholds)
def test_a_better_actual_never_gives_a_worse_colour(target, a, b, elapsed, t):
    low, high = sorted((a, b))
    better, worse = (high, low) if higher_is_better(target) else (low, high)
    better_colour = assess(target, better, elapsed=elapsed, thresholds=t).colour
    worse_colour = assess(target, worse, elapsed=elapsed, thresholds=t).colour
    assert better_colour.order >= worse_colour.order


def mirrored(comparator: str) -> str:
    return {">=": "<=", "<=": ">=", ">": "<", "<": ">"}.get(comparator, comparator)


@given(
    kind=st.sampled_from(["growth", "share"]),
    comparator=st.sampled_from(COMPARATORS),
    value=_bounded(-50, 100),
    width=st.none() | _bounded(0, 10),
    actual=_bounded(-100, 200),
    elapsed=elapsed_shares,
    t=thresholds,
)
def test_a_lower_is_better_rate_mirrors_a_higher_is_better_one(
    kind, comparator, value, width, actual, elapsed, t
):
    """A lower-is-better rate with comparator c, value v (or range v…h) and actual a is judged as
    the higher-is-better rate with the mirrored comparator, value b and actual 2b − a, where b is
    the bound that counts (h for a range, else v): same colour, same met, same gap."""
    high = None if width is None else value + width
    down = TargetSpec(
        kind=kind, comparator=comparator, direction="decrease", value=value, value_high=high
    )
    bound = value if high is None else high
    up = TargetSpec(kind=kind, comparator=mirrored(comparator), direction="increase", value=bound)
    assert assess(down, actual, elapsed=elapsed, thresholds=t) == assess(
        up, 2 * bound - actual, elapsed=elapsed, thresholds=t
    )


@given(target=numeric_specs(), actual=amounts, e1=elapsed_shares, e2=elapsed_shares, t=thresholds)
def test_more_elapsed_time_moves_the_colour_one_way_only(target, actual, e1, e2, t):
    early, late = sorted((e1, e2))
    before = assess(target, actual, elapsed=early, thresholds=t).colour
    after = assess(target, actual, elapsed=late, thresholds=t).colour
    if target.kind in ("level", "count") and target.direction == "increase":
        # The same cumulative amount later in the span is further behind.
        assert after.order <= before.order
    else:
        # A ceiling's allowance grows with time; rates and ranks only gain blue at the end.
        assert after.order >= before.order


@given(e1=elapsed_shares, e2=elapsed_shares, t=thresholds)
def test_a_qualitative_target_not_started_only_gets_worse(e1, e2, t):
    early, late = sorted((e1, e2))
    colours = [
        assess(QUALITATIVE, None, elapsed=e, thresholds=t, assessment="not_started").colour
        for e in (early, late)
    ]
    assert colours[1].order <= colours[0].order


@given(elapsed=elapsed_shares, t=thresholds, judgement=st.sampled_from(["", "normal"]))
def test_a_further_self_assessment_never_gives_a_worse_colour(elapsed, t, judgement):
    colours = [
        assess(QUALITATIVE, None, elapsed=elapsed, thresholds=t, assessment=a, judgement=judgement)
        for a in ("not_started", "in_progress", "done")
    ]
    assert [c.colour.order for c in colours] == sorted(c.colour.order for c in colours)


colour_lists = st.lists(st.sampled_from(list(Colour)), max_size=8)


@given(colours=colour_lists, data=st.data())
def test_combine_is_the_minimum_and_ignores_order_and_repetition(colours, data):
    result = combine(colours)
    rated = [c for c in colours if c is not GREY]
    assert result is (min(rated, key=lambda c: c.order) if rated else GREY)
    shuffled = data.draw(st.permutations(colours))
    assert combine(shuffled) is result
    assert combine(colours + colours) is result
    assert combine([result]) is result
    other = data.draw(colour_lists)
    assert combine([combine(colours), combine(other)]) is combine(colours + other)


rates = st.decimals(min_value=0, max_value=1, places=3)
rows = st.lists(
    st.builds(
        UnitScoreInput,
        key=st.integers(1, 10_000),
        green_share=rates,
        on_time_rate=rates,
        problems_closed_rate=st.none() | rates,
    ),
    max_size=25,
    unique_by=lambda row: row.key,
)
weights = st.builds(
    RankingWeights,
    green_share=st.decimals(min_value="0.01", max_value=5, places=2),
    on_time_rate=st.decimals(min_value=0, max_value=5, places=2),
    problems_closed_rate=st.decimals(min_value=0, max_value=5, places=2),
)


@given(rows=rows, w=weights, previous=st.dictionaries(st.integers(1, 10_000), st.integers(1, 30)))
def test_rank_units_is_a_competition_ranking_of_every_unit(rows, w, previous):
    ranked = rank_units(rows, weights=w, previous=previous)
    assert sorted(r.key for r in ranked) == sorted(row.key for row in rows)
    for r in ranked:
        # Standard competition ranking: one more than the number of units scoring higher.
        assert r.rank == 1 + sum(other.score > r.score for other in ranked)
        assert D(0) <= r.score <= D(1) and r.score == r.score.quantize(D("0.0001"))
        assert r.previous_rank == previous.get(r.key)
        assert r.change == (None if r.previous_rank is None else r.previous_rank - r.rank)
    for first, second in itertools.pairwise(ranked):
        assert first.rank <= second.rank
        assert first.score >= second.score
        assert (first.rank == second.rank) == (first.score == second.score)
        if first.score == second.score:
            assert first.key < second.key
    if ranked:
        assert ranked[0].rank == 1


@given(rows=rows, w=weights, data=st.data())
def test_rank_units_does_not_depend_on_input_order(rows, w, data):
    shuffled = data.draw(st.permutations(rows))
    assert rank_units(shuffled, weights=w) == rank_units(rows, weights=w)


any_specs = st.one_of(numeric_specs(), st.just(QUALITATIVE))


@given(
    target=any_specs,
    actual=st.none() | amounts,
    elapsed=elapsed_shares,
    t=thresholds,
    assessment=st.sampled_from(["", "not_started", "in_progress", "done"]),
    judgement=st.sampled_from(["", "normal", "lagging", "serious"]),
)
def test_valid_input_never_raises_and_the_result_is_consistent(
    target, actual, elapsed, t, assessment, judgement
):
    qualitative = target.kind == "qualitative"
    result = assess(
        target,
        None if qualitative else actual,
        elapsed=elapsed,
        thresholds=t,
        assessment=assessment if qualitative else "",
        judgement=judgement,
    )
    reported = assessment if qualitative else actual is not None
    assert (result.colour is GREY) == (not reported and not judgement)
    unjudged = assess(
        target,
        None if qualitative else actual,
        elapsed=elapsed,
        thresholds=t,
        assessment=assessment if qualitative else "",
    )
    if unjudged.colour is BLUE:
        assert unjudged.met
    if target.kind in ("growth", "share", "decrease") and reported:
        assert result.completion is None and result.pace is None
        assert result.gap_pp is not None and result.gap_pp.as_tuple().exponent == -2
    else:
        assert result.gap_pp is None
    if target.kind in ("level", "count") and reported:
        ceiling = target.value_high if target.value_high is not None else target.value
        bound = target.value if target.direction == "increase" else ceiling
        assert (result.completion is None) == (bound == 0)
        assert (result.pace is None) == (bound == 0 or elapsed == 0)
        for figure in (result.completion, result.pace):
            assert figure is None or figure.as_tuple().exponent == -4
    if target.kind in ("rank", "qualitative") or not reported:
        assert result.completion is None and result.pace is None
