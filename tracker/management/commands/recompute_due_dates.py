"""python manage.py recompute_due_dates

Due dates counted in working days are computed, and stored, when a document is published; a
year the chinesecalendar package did not cover then was counted on weekends only. After
upgrading the package (a new year's arrangement), run this once: the unlocked periods not yet due
are computed again with the holidays now known (each change audited; none moves before today).
Corrections made on the holiday page recompute what they move by themselves.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.l10n import date_text
from tracker.periods import local_today
from tracker.services.working_days import periods_reschedule


class Command(BaseCommand):
    help = _("按当前节假日安排重新计算未到期报送周期的截止日（升级 chinesecalendar 后运行一次）。")

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = periods_reschedule(days=None, actor=None, today=local_today(timezone.now()))
        for period in outcome.periods:
            self.stdout.write(
                _("%(title)s %(period)s：截止 %(due_on)s")
                % {
                    "title": period.document.title,
                    "period": period.label,
                    "due_on": date_text(period.due_on),
                }
            )
        self.stdout.write(
            _("已重新计算 %(count)s 个报送周期的日期。") % {"count": len(outcome.periods)}
        )
