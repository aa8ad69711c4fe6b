"""Benchmark: a province's roster (名册) read, previewed and applied.

    .venv/bin/python bench/roster.py [--cities 14] [--counties 9]

Creates a temporary SQLite database (or uses DATABASE_URL when set), migrates, and builds a
province-sized roster in four levels (DESIGN §8: about 8,000 units): the province, its cities
with their departments, their counties with departments and towns — every unit with a short name
and a contact mailbox, one reporter each, a group 各镇 per county. Times:

- read: the .xlsx the product writes, read back (tracker.roster_files.read_roster);
- plan: the row-by-row preview (tracker.selectors.rosters.roster_plan), with its query count;
- apply: the import in one transaction (tracker.services.rosters.roster_apply), with its query
  count, rolled back afterwards so that the floor starts from the same empty tables;
- floor: the same units, parents, aliases, contacts, people and audit rows written with raw
  executemany INSERTs and UPDATEs (what the database alone costs), in the same run.

Prints each figure and the ratio apply ÷ floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _configure(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["TRACKER_VAR_DIR"] = str(workdir / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings_test"


def province(cities: int, counties: int) -> dict[str, list[list[str]]]:
    """The tables of a four-level roster: 单位, 人员, 单位集合."""
    units: list[list[str]] = []
    people: list[list[str]] = []
    groups: list[list[str]] = []
    departments = [f"部门{n:02d}" for n in range(40)]

    def unit(name: str, level: str, parent: str, short: str, kind: str = "部门单位") -> None:
        code = f"u{len(units):05d}"
        units.append([name, level, parent, str(len(units) + 1), kind, short, f"{code}@x.gov.cn"])
        people.append([code, f"{short}填报员", f"{code}.tb@x.gov.cn", "", name, "填报员", ""])

    top = "某某省人民政府"
    unit(top, "省级", "", "省政府", "党委政府")
    for c in range(cities):
        city = f"第{c:02d}市人民政府"
        unit(city, "市级", top, f"第{c:02d}市政府", "党委政府")
        for d in departments:
            unit(f"第{c:02d}市{d}局", "市级", city, f"第{c:02d}市{d}")
        for k in range(counties):
            county = f"第{c:02d}市第{k}区人民政府"
            unit(county, "县(区)级", city, f"第{c:02d}市第{k}区政府", "党委政府")
            for d in departments[:35]:
                unit(f"第{c:02d}市第{k}区{d}局", "县(区)级", county, f"第{c:02d}市第{k}区{d}")
            towns = [f"第{c:02d}市第{k}区第{t}镇" for t in range(14)]
            for town in towns:
                unit(town, "镇(街道)级", county, f"{town}政府", "党委政府")
            groups.append([f"第{c:02d}市第{k}区各镇", "、".join(towns), ""])
    return {"单位": units, "人员": people, "单位集合": groups}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", type=int, default=14)
    parser.add_argument("--counties", type=int, default=9)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        _configure(workdir)
        return _run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tracker.models import Unit, User
    from tracker.roster_files import read_roster, roster_xlsx
    from tracker.selectors.rosters import roster_plan
    from tracker.services.rosters import roster_apply

    call_command("migrate", verbosity=0, interactive=False)
    admin = User.objects.create_user("bench-admin", role=User.Role.ADMINISTRATOR)
    tables = province(args.cities, args.counties)
    data = roster_xlsx(tables)

    started = time.perf_counter()
    rows = read_roster(data, "province.xlsx")
    read_s = time.perf_counter() - started

    with CaptureQueriesContext(connection) as plan_queries:
        started = time.perf_counter()
        plan = roster_plan(rows, actor=admin)
        plan_s = time.perf_counter() - started
    assert plan.ok, [r.errors for r in plan.refused[:3]]

    class Rollback(Exception):
        pass

    with CaptureQueriesContext(connection) as apply_queries:
        try:
            with transaction.atomic():
                started = time.perf_counter()
                outcome = roster_apply(rows=rows, actor=admin, invite=False)
                apply_s = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
    assert not Unit.objects.exists()

    floor_s = _floor(tables, connection, transaction, make_password, admin)

    units = len(tables["单位"])
    print(
        f"roster: {units} units in 4 levels, {len(tables['人员'])} people, "
        f"{len(tables['单位集合'])} groups ({len(data) / 1e6:.1f} MB .xlsx)"
    )
    print(f"read .xlsx      {read_s:8.2f} s")
    print(f"plan (preview)  {plan_s:8.2f} s  {len(plan_queries):6d} queries")
    print(
        f"apply           {apply_s:8.2f} s  {len(apply_queries):6d} queries "
        f"({outcome.units_created} units, {outcome.people_created} people)"
    )
    print(f"floor (raw SQL) {floor_s:8.2f} s")
    print(f"ratio apply / floor: {apply_s / floor_s:.1f}")
    return 0


def _floor(tables, connection, transaction, make_password, admin) -> float:
    """The same rows written with raw executemany statements, then rolled back."""
    from django.contrib.contenttypes.models import ContentType

    from tracker.models import AuditEvent, Unit, UnitAlias, UnitContact, User

    def name(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    unit_type = ContentType.objects.get_for_model(Unit).pk
    user_type = ContentType.objects.get_for_model(User).pk
    password = make_password(None)

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {name(Unit)} (name, level, kind, position, needs_review,"
                    " is_active, created_at) VALUES (%s, %s, %s, %s, FALSE, TRUE, %s)",
                    [
                        (r[0], "city", "department", int(r[3]), "2026-01-01 00:00:00")
                        for r in tables["单位"]
                    ],
                )
                cursor.execute(f"SELECT id, name FROM {name(Unit)}")
                ids = {n: pk for pk, n in cursor.fetchall()}
                cursor.executemany(
                    f"UPDATE {name(Unit)} SET parent_id = %s WHERE id = %s",
                    [(ids[r[2]], ids[r[0]]) for r in tables["单位"] if r[2]],
                )
                cursor.executemany(
                    f"INSERT INTO {name(UnitAlias)} (alias, unit_id) VALUES (%s, %s)",
                    [(r[5], ids[r[0]]) for r in tables["单位"]],
                )
                cursor.executemany(
                    f"INSERT INTO {name(UnitContact)} (unit_id, email, name, is_active,"
                    " notify_window_open, notify_reminders, notify_checkpoints, language,"
                    " created_at) VALUES (%s, %s, '', TRUE, TRUE, TRUE, TRUE, 'zh-hans', %s)",
                    [(ids[r[0]], r[6], "2026-01-01 00:00:00") for r in tables["单位"]],
                )
                cursor.executemany(
                    f"INSERT INTO {name(User)} (username, password, is_superuser, first_name,"
                    " last_name, email, is_staff, is_active, date_joined, role, unit_id, phone)"
                    " VALUES (%s, %s, FALSE, '', %s, %s, FALSE, TRUE, %s, 'reporter', %s, '')",
                    [
                        (r[0], password, r[1], r[2], "2026-01-01 00:00:00", ids[r[4]])
                        for r in tables["人员"]
                    ],
                )
                cursor.execute(f"SELECT id, username FROM {name(User)}")
                people = {n: pk for pk, n in cursor.fetchall()}
                cursor.executemany(
                    f"INSERT INTO {name(AuditEvent)} (actor_id, actor_name, action,"
                    " content_type_id, object_id, object_repr, created_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            admin.pk,
                            admin.username,
                            "unit.create",
                            unit_type,
                            str(ids[r[0]]),
                            r[0],
                            "2026-01-01 00:00:00",
                        )
                        for r in tables["单位"]
                    ]
                    + [
                        (
                            admin.pk,
                            admin.username,
                            "user.create",
                            user_type,
                            str(people[r[0]]),
                            r[0],
                            "2026-01-01 00:00:00",
                        )
                        for r in tables["人员"]
                    ],
                )
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
