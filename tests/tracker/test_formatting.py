"""Figures and dates as civil servants read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tracker.formatting import cn_date, cn_datetime, number, percent, quarter_label, signed_points
from tracker.periods import SHANGHAI


def test_chinese_dates_and_figures():
    assert cn_date(date(2026, 6, 25)) == "2026年6月25日"
    # 23:30 UTC on 24 June is already 25 June in Shanghai.
    assert cn_date(datetime(2026, 6, 24, 16, 30, tzinfo=SHANGHAI).astimezone(SHANGHAI)) == (
        "2026年6月24日"
    )
    assert cn_datetime(datetime(2026, 6, 25, 9, 5, tzinfo=SHANGHAI)) == "2026年6月25日 09:05"
    assert quarter_label(2026, 2) == "2026年二季度"
    assert number(Decimal("4.800")) == "4.8"
    assert number(Decimal("12345.6")) == "12,345.6"
    assert number(Decimal("-0.0")) == "0"
    assert percent(Decimal("0.9534")) == "95.3%"
    assert percent(None) == "—"
    assert signed_points(Decimal("-1.2")) == "低1.2个百分点"
    assert signed_points(Decimal("0.30")) == "高0.3个百分点"
    assert signed_points(Decimal(0)) == "持平"
