"""Benchmark: the supervisor's dashboard and the quarter's analysis on the demo data.

    .venv/bin/python bench/dashboard.py [--runs 20] [--budget-ms 300]

Creates a temporary SQLite database (or uses DATABASE_URL when set), migrates, loads the demo
(云江市), signs in the demo supervisor with Django's test client and times every dashboard page,
the analysis page and its exports: warm-up, then the median and p95 of `--runs` requests each, with
the number of queries per page. Two floors measured in the same run give the ratios:

- sql: the page's own queries replayed with a cursor (what the database alone costs);
- page: a trivial page (the sign-in form) through the same middleware and templates.

The clock is frozen at 2026-10-12 10:00 (Asia/Shanghai), after the third quarter's due date, so the
figures do not depend on the day the benchmark runs. Exits with status 1 when a dashboard or
analysis page's median exceeds the budget (300 ms by default); the exports are reported, not gated.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FROZEN_AT = datetime(2026, 10, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class Result:
    name: str
    url: str
    gated: bool
    times_ms: list[float]
    queries: int
    sql_ms: float
    status: int
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _configure(workdir: Path) -> None:
    """Environment for a throw-away run: nothing is written outside `workdir`."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["TRACKER_VAR_DIR"] = str(workdir / "var")
    # The test settings: the real ones with plain static files (no collectstatic needed) and a
    # fast password hasher; DEBUG stays off, as in production.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings_test"


def _median_ms(run: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _replay(statements: list[tuple[str, Any]]) -> Callable[[], None]:
    """The page's SQL, executed again straight through a cursor."""
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()

    return run


def _measure(client: Any, name: str, url: str, *, runs: int, warmup: int, gated: bool) -> Result:
    from django.db import connection

    headers = {"HTTP_HX_REQUEST": "true"} if "section=" in url else {}
    statements: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    for _ in range(warmup):
        client.get(url, **headers)
    with connection.execute_wrapper(record):
        response = client.get(url, **headers)
    # The page's reads; sign-in bookkeeping (the session) is every page's, not this page's.
    page_sql = [
        s
        for s in statements
        if s[0].lstrip().upper().startswith("SELECT") and "django_session" not in s[0]
    ]
    gc.collect()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
    return Result(
        name=name,
        url=url,
        gated=gated,
        times_ms=times,
        queries=len(statements),
        sql_ms=_median_ms(_replay(page_sql), max(5, runs // 2)),
        status=response.status_code,
        size=len(response.content),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    parser.add_argument("--export-runs", type=int, default=3, help="timed requests per export")
    parser.add_argument("--budget-ms", type=float, default=300.0, help="median budget per page")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        _configure(workdir)
        return _run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args: argparse.Namespace) -> int:
    import django
    import time_machine

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tracker.models import (
        Document,
        ProgressReport,
        ReportingPeriod,
        Responsibility,
        Unit,
        User,
    )
    from tracker.services.demo_load import SUPERVISOR_USERNAME, demo_load

    traveller = time_machine.travel(FROZEN_AT, tick=True)
    traveller.start()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    demo_load(only_if_empty=True)
    loaded = time.perf_counter()

    document = Document.objects.order_by("title").first()
    assert document is not None, "the demo has no document"
    q3 = ReportingPeriod.objects.get(document=document, year=2026, quarter=3)
    unit = Unit.objects.filter(responsibilities__assignment__document=document).first()
    assert unit is not None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=SUPERVISOR_USERNAME))

    quarter = "year=2026&quarter=3"
    pages = [
        ("dashboard (this quarter, all documents)", "/dashboard/"),
        ("dashboard (Q3, all documents)", f"/dashboard/?{quarter}"),
        ("dashboard (Q3, one document)", f"/dashboard/?{quarter}&document={document.pk}"),
        ("dashboard (Q3, one unit)", f"/dashboard/?{quarter}&unit={unit.pk}"),
        ("dashboard (Q3, red only)", f"/dashboard/?{quarter}&colour=red"),
        ("dashboard section (htmx pager)", f"/dashboard/?{quarter}&section=units&units_page=2"),
        ("matrix (Q3, one document)", f"/dashboard/matrix/?{quarter}&document={document.pk}"),
        ("slot list (Q3, overdue)", f"/dashboard/slots/?{quarter}&show=overdue"),
        ("problems past their limit", "/dashboard/problems/"),
        ("analysis index", "/analysis/"),
        ("analysis (Q3, one document)", f"/analysis/{q3.pk}/"),
    ]
    exports = [
        ("analysis export .xlsx", f"/analysis/{q3.pk}/export/xlsx/"),
        ("analysis export .docx", f"/analysis/{q3.pk}/export/docx/"),
    ]
    floor = _measure(
        client, "floor: sign-in page", "/accounts/login/", runs=args.runs, warmup=3, gated=False
    )
    results = [
        _measure(client, name, url, runs=args.runs, warmup=2, gated=True) for name, url in pages
    ]
    results += [
        _measure(client, name, url, runs=args.export_runs, warmup=1, gated=False)
        for name, url in exports
    ]
    traveller.stop()
    finished = time.perf_counter()

    print(
        f"Dashboard benchmark · {connection.vendor} · Django {django.get_version()} · "
        f"Python {sys.version.split()[0]} · clock {FROZEN_AT:%Y-%m-%d %H:%M %Z} · "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (timings rise with it)"
    )
    print(
        f"demo data: {Unit.objects.count()} units, {Document.objects.count()} documents, "
        f"{Responsibility.objects.count()} responsibilities, "
        f"{ProgressReport.objects.count()} reports · migrate {migrated - started:.1f} s, "
        f"load {loaded - migrated:.1f} s, timing {finished - loaded:.1f} s"
    )
    print(
        f"{args.runs} timed requests per page after 2 warm-ups ({args.export_runs} per export); "
        f"ratios: median ÷ the page's own SQL replayed with a cursor, median ÷ the sign-in page "
        f"({floor.median:.1f} ms)"
    )
    header = (
        f"{'page':<42} {'median':>8} {'p95':>8} {'queries':>7} {'sql':>7} {'×sql':>6} {'×page':>6}"
    )
    print(header)
    print("-" * len(header))
    failed = []
    for r in results:
        over = r.gated and r.median > args.budget_ms
        if over or r.status != 200:
            failed.append(r)
        print(
            f"{r.name:<42} {r.median:>6.1f}ms {r.p95:>6.1f}ms {r.queries:>7} "
            f"{r.sql_ms:>5.1f}ms {r.median / max(r.sql_ms, 0.01):>6.1f} "
            f"{r.median / floor.median:>6.1f}{'  OVER BUDGET' if over else ''}"
            f"{'' if r.status == 200 else f'  HTTP {r.status}'}"
        )
    gated = [r for r in results if r.gated]
    print(
        f"slowest gated page: {max(gated, key=lambda r: r.median).name} "
        f"({max(r.median for r in gated):.1f} ms median; budget {args.budget_ms:.0f} ms)"
    )
    if failed:
        print("FAILED: " + ", ".join(r.name for r in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
