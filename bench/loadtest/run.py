"""`make loadtest`: the deadline's load on a local production-like server, then a check that
every report the simulated people saw accepted exists exactly once, with its values.

    make loadtest                                   # the province, 200 reporters, 10 supervisors
    LOADTEST_SCALE=0.1 LOADTEST_SECONDS=60 make loadtest
    LOADTEST_TEMPLATE=tracker_province_x make loadtest   # a copy of a province the bench kept
    LOADTEST_THREADS=4 make loadtest                # each of the 2 workers with 4 threads

What it starts, all on 127.0.0.1 and all stopped at the end:
- a PostgreSQL database of its own beside LOADTEST_DATABASE_URL's (tracker_loadtest_<pid>,
  dropped afterwards), holding the province of bench/province.py (LOADTEST_SCALE, default 1);
- gunicorn with 2 workers and the production settings (DEBUG off, PBKDF2 passwords, WhiteNoise
  serving collected static files) on a free port;
- a Celery worker on LOADTEST_BROKER_URL (Redis), which the submissions' notices go to;
- Locust, headless, for LOADTEST_SECONDS (default 150; the whole load is bounded to 3 minutes):
  200 reporters (LOADTEST_REPORTERS_COUNT) and 10 supervisors (LOADTEST_SUPERVISORS_COUNT);
  a reporter pauses LOADTEST_THINK seconds between pages (default 10-30: reading and typing).

Sign-in: the server checks passwords with the production hasher (PBKDF2, Django's 1,000,000
iterations), which costs about a second of one core per sign-in on this 2-core machine: 2
gunicorn workers sign in at most a couple of people a second, so 210 people signing in within
the first ten seconds queued for a minute (the earlier run's sign-in p50 of 49 s). On the
25th most people are signed in already (a session lasts TRACKER_SESSION_SECONDS, 8 hours), so
each simulated person holds a session made before the load, as one made that morning, and
LOADTEST_SIGN_INS of the reporters (default 30) and every supervisor sign in through the form
during it; the ramp (LOADTEST_SPAWN_RATE per second, default from the measured hash cost) keeps
those sign-ins below what the workers can check.

Printed: requests per second, p50/p95/p99 per request type, the errors; then, per request
type, the time inside a gunicorn worker (its access log) and its share of the two workers'
time, so that what Locust waited beyond it is seen as the wait for a free worker; how often a
database session waited on a lock; then the database check.
Exit status 1 on any request error, a lost or duplicated report, or a value that differs.
Not part of `make test`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _databases import create_database, drop_database, is_postgres  # noqa: E402 - bench/

MAX_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - 127.0.0.1
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> int:
    given = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
    broker = os.environ.get("LOADTEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    scale = float(os.environ.get("LOADTEST_SCALE", "1"))
    seconds = min(int(os.environ.get("LOADTEST_SECONDS", "150")), MAX_SECONDS)
    if not is_postgres(given):
        raise SystemExit("LOADTEST_DATABASE_URL must name a PostgreSQL server")
    template = os.environ.get("LOADTEST_TEMPLATE", "")
    # A province bench/province.py kept (--keep) is copied by the server, in seconds.
    url, admin = create_database(given, f"tracker_loadtest_{os.getpid()}", template=template)
    scratch = Path(tempfile.mkdtemp(prefix="loadtest-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": broker,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_SECRET_KEY": "loadtest-only-" + os.urandom(8).hex(),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "TRACKER_VAR_DIR": str(scratch / "var"),
        "CELERY_TASK_DEFAULT_QUEUE": f"loadtest-{os.getpid()}",
    }
    os.environ.update(env)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        if template:
            _production_passwords()
        else:
            from province import Builder  # bench/province.py

            Builder(scale).build()
        print(f"province ready in {time.perf_counter() - started:.0f} s")
        reporters = _reporters(int(env.get("LOADTEST_REPORTERS_COUNT", "200")))
        sign_ins = int(env.get("LOADTEST_SIGN_INS", "30"))
        sessions = _sessions(reporters, sign_ins)
        (scratch / "reporters.txt").write_text(
            "".join(f"{name}\t{sessions.get(name, '')}\n" for name in reporters),
            encoding="utf-8",
        )
        cost = _sign_in_cost()
        supervisors = int(env.get("LOADTEST_SUPERVISORS_COUNT", "10"))
        # Sign-ins (a share of each spawned batch) at half what 2 workers can check.
        share = (sign_ins + supervisors) / max(1, len(reporters) + supervisors)
        spawn_rate = float(
            env.get("LOADTEST_SPAWN_RATE") or max(1.0, min(20.0, 0.5 * 2 / cost / share))
        )
        print(
            f"sign-in: PBKDF2 ({_iterations():,} iterations) {cost * 1000:.0f} ms "
            f"each here (load average {os.getloadavg()[0]:.2f}); {len(sessions)} reporters "
            f"hold a session, {len(reporters) - len(sessions)} reporters and {supervisors} "
            f"supervisors sign in through the form; spawn rate {spawn_rate:.1f}/s"
        )
        from django.db import connections

        connections.close_all()

        port = _free_port()
        logs = open(scratch / "servers.log", "wb")
        processes.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "tracker.wsgi",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    "2",
                    # Threads in each of the 2 workers (gunicorn's gthread worker beyond 1): to
                    # measure whether a request waiting for PostgreSQL should hold a worker.
                    "--threads",
                    env.get("LOADTEST_THREADS", "1"),
                    "--timeout",
                    "60",
                    # Each request's type (a header the locustfile sends) and its time inside
                    # the worker, in microseconds: _print_service_times.
                    "--access-logfile",
                    str(scratch / "access.log"),
                    "--access-logformat",
                    "%(D)s %({x-loadtest-type}i)s",
                ],
                cwd=REPO,
                env=env,
                stdout=logs,
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(
            subprocess.Popen(
                [
                    str(BIN / "celery"),
                    "-A",
                    "tracker",
                    "worker",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=WARNING",
                ],
                cwd=REPO,
                env=env,
                stdout=logs,
                stderr=subprocess.STDOUT,
            )
        )
        host = f"http://127.0.0.1:{port}"
        _wait_for(f"{host}/accounts/login/", 60)
        ledger = scratch / "ledger.jsonl"
        users = int(env.get("LOADTEST_REPORTERS_COUNT", "200")) + int(
            env.get("LOADTEST_SUPERVISORS_COUNT", "10")
        )
        threads = env.get("LOADTEST_THREADS", "1")
        print(
            f"locust: {users} users for {seconds} s against {host} (gunicorn, 2 workers"
            + (f" of {threads} threads)" if threads != "1" else ")")
        )
        load_started = datetime.now(UTC)
        waits = _LockWatch(url)
        waits.start()
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                host,
                "-u",
                str(users),
                "-r",
                f"{spawn_rate:.2f}",
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "20",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=scratch,
            timeout=MAX_SECONDS + 60,
            check=False,
            env={
                **env,
                "LOADTEST_LEDGER": str(ledger),
                "LOADTEST_REPORTERS": str(scratch / "reporters.txt"),
            },
        )
        waits.stop()
        _print_service_times(scratch / "access.log", seconds)
        print(waits.summary())
        checked = _check(ledger)
        _print_reviews(load_started)
        failed = locust.returncode != 0 or not checked
        print("LOADTEST " + ("FAILED" if failed else "PASSED"))
        return 1 if failed else 0
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        drop_database(admin, url)
        shutil.rmtree(scratch, ignore_errors=True)


def _print_service_times(log: Path, seconds: int) -> None:
    """Per request type, the time a gunicorn worker spent on it (its access log), and each
    type's share of the two workers' time: set beside Locust's figures, what a request waited
    for a free worker rather than was worked on."""
    from statistics import quantiles
    from urllib.parse import unquote

    times: dict[str, list[float]] = {}
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    for line in lines:
        micros, _, name = line.partition(" ")
        if micros.isdigit():
            # Without the header (gunicorn writes "-"): run.py's wait for the server to answer.
            name = "(start-up check)" if name in ("", "-") else unquote(name)
            times.setdefault(name, []).append(int(micros) / 1000)
    every = sum(sum(spent) for spent in times.values())
    print(
        f"\ninside the workers: {every / 1000:.0f} s of the 2 workers' {2 * seconds} s "
        f"({every / 1000 / (2 * seconds):.0%} busy"
        # With threads, requests overlap inside a worker: the share can pass 100%.
        + (")" if os.environ.get("LOADTEST_THREADS", "1") == "1" else ", threads overlapping)")
    )
    print(f"{'request':<22} {'count':>7} {'p50':>7} {'p95':>7} {'worker s':>9} {'share':>6}")
    for name, spent in sorted(times.items()):
        cuts = quantiles(spent, n=20) if len(spent) > 1 else spent * 19
        print(
            f"{name:<22} {len(spent):>7} {cuts[9]:>5.0f}ms {cuts[18]:>5.0f}ms "
            f"{sum(spent) / 1000:>9.1f} {sum(spent) / max(every, 1):>6.0%}"
        )


class _LockWatch:
    """Samples the load's database every half second for sessions waiting on a lock (a row
    lock held by another request's transaction, say), for the summary."""

    def __init__(self, url: str) -> None:
        import threading

        self.url = url
        self.samples = 0
        self.waiting = 0
        self.longest = 0.0
        self.statements: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(0.5):
                rows = conn.execute(
                    "SELECT extract(epoch FROM now() - state_change), left(query, 60) "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                ).fetchall()
                self.samples += 1
                self.waiting += bool(rows)
                for waited, query in rows:
                    self.longest = max(self.longest, float(waited or 0))
                    self.statements[query] = self.statements.get(query, 0) + 1

    def summary(self) -> str:
        text = (
            f"lock waits: {self.waiting} of {self.samples} samples had a session waiting on a "
            f"lock (longest seen {self.longest * 1000:.0f} ms)"
        )
        for query, count in sorted(self.statements.items(), key=lambda item: -item[1])[:5]:
            text += f"\n  ×{count} {query}"
        return text


def _production_passwords() -> None:
    """The bench signs in with the test settings' fast hasher; the server here checks with the
    production one, so everyone's password is hashed again (once, the same hash for all)."""
    from django.contrib.auth.hashers import make_password
    from province import PASSWORD  # bench/province.py

    from tracker.models import User

    User.objects.update(password=make_password(PASSWORD))


def _iterations() -> int:
    from django.contrib.auth.hashers import get_hasher

    return int(getattr(get_hasher(), "iterations", 0))


def _sign_in_cost() -> float:
    """Seconds one password check takes with the production hasher, by the clock: on a machine
    others load too, what a gunicorn worker waits, not only the core's time."""
    from django.contrib.auth.hashers import check_password, make_password
    from province import PASSWORD  # bench/province.py

    encoded = make_password(PASSWORD)
    started = time.perf_counter()
    check_password(PASSWORD, encoded)
    return max(time.perf_counter() - started, 0.01)


def _sessions(reporters: list[str], sign_ins: int) -> dict[str, str]:
    """Session keys made now, as if the reporters had signed in that morning: every reporter's
    but `sign_ins` of them, spread over the list (they sign in during the load)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from tracker.models import User

    every = max(1, len(reporters) // sign_ins) if sign_ins else 0
    signing_in = set(reporters[::every][:sign_ins]) if every else set()
    held = [name for name in reporters if name not in signing_in]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = {}
    for user in User.objects.filter(username__in=held):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[user.username] = str(session.session_key)
    return keys


def _reporters(count: int) -> list[str]:
    """Reporters of units that report on quarterly documents (one of each unit's reporters)."""
    from tracker.models import User

    return list(
        User.objects.filter(
            role=User.Role.REPORTER,
            unit__responsibilities__assignment__document__schedules__frequency="quarterly",
            unit__level__in=["county", "town"],
        )
        .order_by("pk")
        .values_list("username", flat=True)
        .distinct()[:count]
    )


def _print_reviews(since: datetime) -> None:
    from tracker.models import ProgressReport

    approved = ProgressReport.objects.filter(
        status=ProgressReport.Status.APPROVED, reviewed_at__gte=since
    ).count()
    print(f"review: {approved} reports approved by the supervisors during the load")


def _check(ledger: Path) -> bool:
    """Every report the load saw accepted: exactly one row, submitted, with the figures sent."""
    from tracker.models import ProgressReport, TargetValue

    entries = (
        [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]
        if ledger.exists()
        else []
    )
    slots = {(e["responsibility"], e["period"]) for e in entries}
    problems = []
    if len(slots) != len(entries):
        problems.append(f"{len(entries) - len(slots)} slots were accepted twice by the load")
    for entry in entries:
        rows = list(
            ProgressReport.objects.filter(
                responsibility_id=entry["responsibility"], period_id=entry["period"]
            )
        )
        if len(rows) != 1:
            problems.append(f"{entry}: {len(rows)} reports")
            continue
        report = rows[0]
        # The supervisors approve some of them during the load.
        if report.status not in (ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED):
            problems.append(f"report {report.pk}: status {report.status}")
        stored = {str(v.target_id): v.actual for v in TargetValue.objects.filter(report=report)}
        sent = {t: Decimal(v) for t, v in entry["values"].items()}
        if stored != sent:
            problems.append(f"report {report.pk}: values {stored} ≠ sent {sent}")
    by_way = {way: sum(e["via"] == way for e in entries) for way in ("form", "api")}
    print(
        f"database check: {len(entries)} submitted reports ({by_way['form']} by the form, "
        f"{by_way['api']} by the API), {len(entries) - len(problems)} exactly once with their "
        f"values; {len(problems)} problems"
    )
    for problem in problems[:20]:
        print("  " + problem)
    return not problems and bool(entries)


if __name__ == "__main__":
    sys.exit(main())
