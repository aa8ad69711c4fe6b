"""Recount the dashboard's summary rows from scratch (after a restore, a bulk import done
outside the services, or to check them): all of them, or one document's or one year's."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from tracker.services.summaries import summaries_refresh


class Command(BaseCommand):
    help = "重新生成汇总表（全部，或指定文件、年度）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", type=int, help="文件编号")
        parser.add_argument("--year", type=int, help="年度")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            rows = summaries_refresh(document_id=options["document"], year=options["year"])
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已重新生成 {rows} 行汇总（{elapsed:.1f} 秒）。")
