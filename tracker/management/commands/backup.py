"""python manage.py backup FILE.tar.gz — the database and the uploaded evidence in one file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tracker.services.backups import BackupError, backup_create


class Command(BaseCommand):
    help = _(
        "备份数据库和佐证材料到一个 .tar.gz 文件（SQLite 在线备份；PostgreSQL 使用 pg_dump）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(destination=options["destination"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("已备份到 %(path)s：%(reports)s 份报告，%(evidence)s 个佐证材料，%(files)s 个文件。")
            % {
                "path": options["destination"],
                "reports": manifest["reports"],
                "evidence": manifest["evidence"],
                "files": manifest["media_files"],
            }
        )
