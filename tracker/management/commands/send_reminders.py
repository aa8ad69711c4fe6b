"""Run the calendar's sweep now, or show what it would send (--dry-run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.l10n import datetime_text
from tracker.periods import SHANGHAI
from tracker.services.reminders.preview import reminders_preview
from tracker.services.reminders.send import digests_queue, digests_send_inline
from tracker.services.reminders.sweep import reminders_sweep


class Command(BaseCommand):
    help = _(
        "发送到期的提醒、催报和督办邮件（与定时任务相同的服务）；--dry-run 只列出将要发送的内容。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("只预览下一次将发送的邮件，不写入、不发送"),
        )
        parser.add_argument(
            "--inline",
            action="store_true",
            help=_("在本进程中直接发送（默认交给 Celery worker 发送）"),
        )
        parser.add_argument(
            "--now",
            help=_("以此时刻（上海时间，如 2026-06-26T09:00）运行，用于补发或演练"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = self._now(options["now"])
        if options["dry_run"]:
            self._preview(now)
            return
        if options["inline"]:
            result = reminders_sweep(now=now)
            sent = digests_send_inline(result.digest_ids + result.requeued_ids, now=now)
            how = _("已发送 %(count)s 封") % {"count": sent}
        else:
            result = reminders_sweep(now=now, enqueue=digests_queue)
            queued = len(result.digest_ids) + len(result.requeued_ids)
            how = _("已交给 Celery 发送 %(count)s 封") % {"count": queued}
        self.stdout.write(
            _(
                "%(now)s：认领 %(claimed)s 条提醒，生成 %(digests)s 封邮件，"
                "重新排队 %(requeued)s 封，%(how)s；"
                "问题升级 %(escalated)s 个，自动督办 %(urges)s 条。"
            )
            % {
                "now": datetime_text(now),
                "claimed": result.claimed,
                "digests": len(result.digest_ids),
                "requeued": len(result.requeued_ids),
                "how": how,
                "escalated": len(result.problems_escalated),
                "urges": result.urges_recorded,
            }
        )

    def _now(self, text: str | None) -> datetime:
        if not text:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("--now “%(text)s”不是有效的时间（如 2026-06-26T09:00）") % {"text": text}
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)

    def _preview(self, now: datetime) -> None:
        preview = reminders_preview(now=now)
        self.stdout.write(
            _(
                "%(now)s 的下一次发送：%(digests)s 封邮件，%(notices)s 条提醒，"
                "%(urges)s 条自动督办，%(escalations)s 个问题将升级。"
            )
            % {
                "now": datetime_text(now),
                "digests": len(preview.digests),
                "notices": preview.notice_count,
                "urges": len(preview.urges),
                "escalations": len(preview.problems_to_escalate),
            }
        )
        for digest in preview.digests:
            self.stdout.write(
                "\n"
                + _("%(recipient)s（%(count)s 条）")
                % {"recipient": digest.recipient, "count": len(digest.notices)}
            )
            for notice in digest.notices:
                self.stdout.write(f"  {notice.kind_label}  {notice.label}")
        for notice in preview.urges:
            self.stdout.write(_("督办  %(label)s") % {"label": notice.label})
