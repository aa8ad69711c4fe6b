"""python manage.py load_units ROSTER.json"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tracker.services.units import units_import_roster


class Command(BaseCommand):
    help = _("从 JSON 名册导入单位、简称别名和单位集合（可重复执行，只补充新增内容）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("roster", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["roster"]
        try:
            roster = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(
                _("%(path)s: 无法读取（%(error)s）。") % {"path": path, "error": exc.strerror}
            ) from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("%(path)s: 不是有效的 JSON（第 %(line)s 行）：%(error)s")
                % {"path": path, "line": exc.lineno, "error": exc.msg}
            ) from exc
        if not isinstance(roster, dict) or "jurisdiction" not in roster:
            raise CommandError(_("%(path)s: 名册须包含 jurisdiction 与 units。") % {"path": path})
        try:
            created = units_import_roster(roster=roster, actor=None)
        except (KeyError, ValueError) as exc:
            raise CommandError(
                _("%(path)s: 名册有误，未导入任何内容：%(error)s") % {"path": path, "error": exc}
            ) from exc
        self.stdout.write(_("新增单位 %(count)s 个。") % {"count": created})
