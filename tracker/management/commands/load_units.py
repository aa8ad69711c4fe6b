"""python manage.py load_units ROSTER.json"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.services.units import units_import_roster


class Command(BaseCommand):
    help = "从 JSON 名册导入单位、简称别名和单位集合（可重复执行，只补充新增内容）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("roster", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["roster"]
        try:
            roster = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{path}: 无法读取（{exc.strerror}）。") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: 不是有效的 JSON（第 {exc.lineno} 行）：{exc.msg}") from exc
        if not isinstance(roster, dict) or "jurisdiction" not in roster:
            raise CommandError(f"{path}: 名册须包含 jurisdiction 与 units。")
        try:
            created = units_import_roster(roster=roster, actor=None)
        except (KeyError, ValueError) as exc:
            raise CommandError(f"{path}: 名册有误，未导入任何内容：{exc}") from exc
        self.stdout.write(f"新增单位 {created} 个。")
