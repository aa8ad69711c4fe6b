"""Backups that include the uploaded evidence, and restoring one.

A backup is one .tar.gz: the database (SQLite: a consistent copy taken with SQLite's online
backup API while the site runs; PostgreSQL: `pg_dump --format=custom`), the media folder
(evidence files) and a manifest of what it holds. Restoring writes the database back (SQLite's
backup API into the live file; PostgreSQL: `pg_restore --clean`) and the files into MEDIA_ROOT.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import Evidence, ProgressReport

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class BackupError(Exception):
    pass


def _engine() -> str:
    engine = str(connections["default"].settings_dict["ENGINE"])
    return "sqlite" if engine.endswith("sqlite3") else "postgresql"


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    db = connections["default"].settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = [program, "--no-owner", "--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(args, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s 未安装（PostgreSQL 客户端工具）。") % {"program": args[0]}
        ) from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(
            _("%(program)s 失败：%(error)s") % {"program": args[0], "error": exc.stderr.strip()}
        ) from None


def backup_create(*, destination: Path) -> dict[str, Any]:
    """Write a backup of the database and the evidence files to `destination` (.tar.gz)."""
    engine = _engine()
    media = Path(settings.MEDIA_ROOT)
    manifest: dict[str, Any] = {
        "engine": engine,
        "created_at": timezone.now().isoformat(),
        "reports": ProgressReport.objects.count(),
        "evidence": Evidence.objects.count(),
        "media_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.is_dir() else 0,
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if engine == "sqlite":
            connection = connections["default"]
            connection.ensure_connection()
            target = sqlite3.connect(folder / SQLITE_FILE)
            with target:
                connection.connection.backup(target)
            target.close()
            database = folder / SQLITE_FILE
        else:
            args, env = _pg_command("pg_dump")
            database = folder / PG_FILE
            _run([*args, "--format=custom", "--file", str(database)], env)
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(destination, "w:gz") as archive:
            archive.add(folder / MANIFEST, arcname=MANIFEST)
            archive.add(database, arcname=database.name)
            if media.is_dir():
                archive.add(media, arcname="media")
    return manifest


def backup_restore(*, source: Path) -> dict[str, Any]:
    """Restore the database and evidence files of the backup at `source`, replacing the
    database's content; the database must be of the engine the backup was taken from."""
    engine = _engine()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(folder, filter="data")
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
        if manifest["engine"] != engine:
            raise BackupError(
                _("备份来自 %(source)s 数据库，当前数据库是 %(engine)s，不能直接恢复。")
                % {"source": manifest["engine"], "engine": engine}
            )
        if engine == "sqlite":
            connection = connections["default"]
            connection.ensure_connection()
            backup = sqlite3.connect(folder / SQLITE_FILE)
            with backup:
                backup.backup(connection.connection)
            backup.close()
        else:
            connections["default"].close()
            args, env = _pg_command("pg_restore")
            _run(
                [*args, "--clean", "--if-exists", "--single-transaction", str(folder / PG_FILE)],
                env,
            )
        if (folder / "media").is_dir():
            shutil.copytree(folder / "media", Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    # What the cache keeps was counted from the database just replaced, whose change marks
    # (tracker.selectors.cached) the restored ones can repeat: it is all dropped. Another web
    # process with its own memory (no TRACKER_CACHE_URL) is restarted with the restore anyway.
    for alias in settings.CACHES:
        caches[alias].clear()
    return manifest
