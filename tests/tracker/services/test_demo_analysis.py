"""The demo's Q3 analysis and its .xlsx/.docx agree with the arithmetic (issue 13): every light
and figure of the exported indicator table is recomputed here from the stored reports with
tracker.progress and tracker.formatting, and compared."""

from __future__ import annotations

import io
from datetime import date, datetime

import docx
import openpyxl
import pytest

from tracker import progress
from tracker.exports import bulletin_docx, bulletin_xlsx
from tracker.formatting import gap_text, number, percent, target_text
from tracker.models import (
    COUNTED_STATUSES,
    Document,
    ReportingPeriod,
    TargetValue,
    User,
    unit_order,
)
from tracker.periods import SHANGHAI
from tracker.selectors.bulletin import bulletin_content
from tracker.selectors.reports import target_spec
from tracker.services.demo_load import demo_load

pytestmark = pytest.mark.django_db


def _recompute(value: TargetValue) -> progress.Assessment:
    report = value.report
    assignment = report.responsibility.assignment
    year = assignment.document.year
    through = progress.month_end(report.data_month) if report.data_month else report.period.ends_on
    elapsed = progress.elapsed_share(
        period_end=through,
        span_start=date(year, 1, 1),
        span_end=assignment.active_until or date(year, 12, 31),
    )
    return progress.assess(
        target_spec(value.target),
        value.actual,
        elapsed=elapsed,
        assessment=value.assessment,
        judgement=value.judgement,
    )


def test_the_demo_q3_analysis_and_its_exports_follow_the_arithmetic():
    demo_load()
    supervisor = User.objects.get(username="supervisor")
    document = Document.objects.get(title__contains="县域经济")
    period = ReportingPeriod.objects.get(
        document=document, year=2026, quarter=3, frequency="quarterly"
    )
    content = bulletin_content(
        supervisor, period, today=date(2026, 10, 20), now=datetime(2026, 10, 20, tzinfo=SHANGHAI)
    )
    sheet = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(content)))["指标完成情况"]
    header = [c.value for c in sheet[3]]
    exported = [
        {header[i]: cell.value for i, cell in enumerate(row)}
        for row in sheet.iter_rows(min_row=4)
        if row[1].value
    ]
    # The lead units' values; where several units lead, the first in the official order (the
    # one the analysis shows).
    values: dict[tuple[str, str, str], TargetValue] = {}
    for v in (
        TargetValue.objects.filter(
            report__period=period,
            report__status__in=COUNTED_STATUSES,
            report__responsibility__role="lead",
        )
        .select_related(
            "target__assignment", "report__responsibility__assignment__document", "report__period"
        )
        .order_by(*unit_order("report__responsibility__unit__"), "pk")
    ):
        values.setdefault((v.target.assignment.ref, v.target.indicator, target_text(v.target)), v)
    checked = 0
    for row in exported:
        value = values.get((row["编号"], row["指标"], row["年度目标"]))
        if value is None:
            assert row["状态"] == "未填报", row
            continue
        target = value.target
        outcome = _recompute(value)
        assert row["状态"] == outcome.colour.label, row
        if outcome.completion is not None:
            assert round(float(row["完成率"]), 4) == float(outcome.completion), row
        else:
            assert row["完成率"] in (None, ""), row
        if outcome.gap_pp is not None:
            assert row["与目标差距"] == gap_text(target, outcome.gap_pp), row
        if value.actual is not None:
            assert float(row["本季度累计"]) == float(value.actual), row
        # The stored figures are the recomputed ones (no stale light left from an older rule).
        assert value.colour == outcome.colour.value
        checked += 1
    assert checked >= 10, checked
    # The .docx carries the same lights and wording.
    text = "\n".join(
        cell.text
        for table in docx.Document(io.BytesIO(bulletin_docx(content))).tables
        for r in table.rows
        for cell in r.cells
    )
    for row in exported:
        assert row["年度目标"] in text
    for item in content["targets"]:
        if item["completion"]:
            assert item["completion"] == percent(_recompute(
                values[(item["ref"], item["indicator"], item["target"])]).completion)  # fmt: skip
        if item["actual"]:
            assert item["actual"] == number(
                values[(item["ref"], item["indicator"], item["target"])].actual
            )
