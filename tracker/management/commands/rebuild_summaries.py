"""Recount the dashboard's summary rows from scratch (after a restore, a bulk import done
outside the services, or to check them): all of them, or one document's or one year's."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.services.summaries import summaries_refresh


class Command(BaseCommand):
    help = _("重新生成汇总表（全部，或指定文件、年度）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", type=int, help=_("只重新生成该文件（编号）的汇总。"))
        parser.add_argument("--year", type=int, help=_("只重新生成该年度的汇总。"))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            rows = summaries_refresh(document_id=options["document"], year=options["year"])
        elapsed = time.perf_counter() - started
        self.stdout.write(
            _("已重新生成 %(rows)s 行汇总（%(seconds).1f 秒）。")
            % {"rows": rows, "seconds": elapsed}
        )
