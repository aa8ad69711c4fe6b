"""Benchmark: a unit's quarter in one Excel sheet, round trip (季度填报表).

    .venv/bin/python bench/quarter_sheet.py [--rows 200]

Creates a temporary SQLite database (or uses DATABASE_URL when set), migrates, and builds one
published document of ROWS tasks, each with a growth target, held by two units. Through the
pages (Django's test client, signed in as the first unit's reporter), times and counts the
queries of:

- download: the unit's sheet as .xlsx (GET …/sheet.xlsx);
- upload + preview: the filled sheet posted back, every row judged by the report form and
  report_check (POST …/sheet/upload/);
- save: the previewed rows saved as drafts together (POST …/sheet/confirm/).

The baseline, in the same run: the second unit's same ROWS reports written through the service
directly (report_save, one call per report, the figures already parsed). Prints each figure and
the ratio round trip ÷ direct.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _configure(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["TRACKER_VAR_DIR"] = str(workdir / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings_test"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        _configure(workdir)
        return _run(args.rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(count: int) -> int:
    import django

    django.setup()

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from openpyxl import load_workbook

    from tracker.models import (
        Assignment,
        Document,
        ProgressReport,
        ReportingPeriod,
        Responsibility,
        Target,
        Unit,
        User,
    )
    from tracker.quarter_sheets import COLUMNS, SHEET
    from tracker.services.reporting_periods import assignments_activate, periods_ensure
    from tracker.services.reports import ReportInput, TargetInput, report_save

    call_command("migrate", verbosity=0, interactive=False)
    sheet_unit = Unit.objects.create(name="某市发展和改革委员会")
    direct_unit = Unit.objects.create(name="某市财政局")
    document = Document.objects.create(
        title="某市重点任务分工方案",
        source_text="某市重点任务分工方案",
        source_sha256="bench",
        year=2026,
        status=Document.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    for n in range(1, count + 1):
        task = Assignment.objects.create(
            document=document, position=n, ref=f"一.{n}", number=str(n), title=f"第{n}项投资增长"
        )
        Target.objects.create(
            document=document,
            assignment=task,
            position=1,
            indicator=f"第{n}项投资增速",
            value=Decimal("6.5"),
            measure_unit="%",
            kind="growth",
            comparator="=",
            direction="increase",
        )
        Responsibility.objects.create(assignment=task, unit=sheet_unit, role="lead")
        Responsibility.objects.create(assignment=task, unit=direct_unit, role="co")
    assignments_activate(document)
    periods_ensure(document)
    period = ReportingPeriod.objects.filter(document=document, quarter=2).get()
    reporter = User.objects.create_user("sheet-r", unit=sheet_unit)
    direct_reporter = User.objects.create_user("direct-r", unit=direct_unit)

    client = Client()
    client.force_login(reporter)

    with CaptureQueriesContext(connection) as download_q:
        started = time.perf_counter()
        response = client.get(f"/periods/{period.pk}/sheet.xlsx")
        download_s = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(response.content))
    ws = workbook[SHEET]
    for row in range(3, ws.max_row + 1):
        ws.cell(row=row, column=COLUMNS.index("本期累计") + 1, value=f"{5 + row % 30 / 10}%")
        ws.cell(row=row, column=COLUMNS.index("进展情况") + 1, value=f"第{row}行的进展情况")
    buffer = io.BytesIO()
    workbook.save(buffer)

    with CaptureQueriesContext(connection) as upload_q:
        started = time.perf_counter()
        response = client.post(
            f"/periods/{period.pk}/sheet/upload/",
            {"file": SimpleUploadedFile("sheet.xlsx", buffer.getvalue()), "submit": "0"},
        )
        upload_s = time.perf_counter() - started
    assert response.status_code == 200, response.content.decode()[:2000]

    with CaptureQueriesContext(connection) as save_q:
        started = time.perf_counter()
        response = client.post(f"/periods/{period.pk}/sheet/confirm/")
        save_s = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    assert ProgressReport.objects.filter(responsibility__unit=sheet_unit).count() == count

    targets = dict(Target.objects.values_list("assignment_id", "pk"))
    direct = list(Responsibility.objects.filter(unit=direct_unit).select_related("assignment"))
    with CaptureQueriesContext(connection) as direct_q:
        started = time.perf_counter()
        for i, responsibility in enumerate(direct):
            report_save(
                responsibility=responsibility,
                period=period,
                actor=direct_reporter,
                report_input=ReportInput(
                    values={
                        targets[responsibility.assignment_id]: TargetInput(
                            actual=Decimal(5) + Decimal(i % 30) / 10
                        )
                    },
                    narrative=f"第{i}行的进展情况",
                ),
                expected_version=None,
                submit=False,
            )
        direct_s = time.perf_counter() - started
    assert ProgressReport.objects.filter(responsibility__unit=direct_unit).count() == count

    total_s = download_s + upload_s + save_s
    total_q = len(download_q) + len(upload_q) + len(save_q)
    print(f"quarter sheet: {count} rows (responsibility × target), {connection.vendor}")
    print(f"download .xlsx       {download_s:7.2f} s  {len(download_q):6d} queries")
    print(f"upload + preview     {upload_s:7.2f} s  {len(upload_q):6d} queries")
    print(f"save (drafts)        {save_s:7.2f} s  {len(save_q):6d} queries")
    print(f"round trip           {total_s:7.2f} s  {total_q:6d} queries")
    print(f"direct report_save   {direct_s:7.2f} s  {len(direct_q):6d} queries")
    print(
        f"ratio round trip / direct: {total_s / direct_s:.1f}"
        f" (queries {total_q / len(direct_q):.1f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
