"""python manage.py restore FILE.tar.gz — replace the database's content and restore the
evidence files from a backup made by `manage.py backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tracker.services.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = _("从 manage.py backup 生成的备份恢复数据库和佐证材料（会替换当前数据库的内容）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(source=options["source"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("已恢复 %(created_at)s 的备份：%(reports)s 份报告，%(evidence)s 个佐证材料。")
            % {
                "created_at": manifest["created_at"],
                "reports": manifest["reports"],
                "evidence": manifest["evidence"],
            }
        )
