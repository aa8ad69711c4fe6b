"""python manage.py recompute_progress [--period ID ...]

The lights stored beside every report are computed with the thresholds in force when it was
written; after changing TRACKER_YELLOW_PACE or another threshold, run this once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from tracker.services.report_evaluation import reports_recompute


class Command(BaseCommand):
    help = _("按当前阈值重新计算已报送报告的完成率、进度比和红黄绿灯（修改阈值设置后运行一次）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            type=int,
            action="append",
            help=_("只重算这些报送周期（可重复）。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = reports_recompute(period_ids=options["period"])
        self.stdout.write(_("已重新计算 %(count)s 份报告。") % {"count": count})
