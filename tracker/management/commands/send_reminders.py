"""Run the calendar's sweep now, or show what it would send (--dry-run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tracker.formatting import cn_datetime
from tracker.periods import SHANGHAI
from tracker.services.reminders.preview import reminders_preview
from tracker.services.reminders.send import digests_queue, digests_send_inline
from tracker.services.reminders.sweep import reminders_sweep


class Command(BaseCommand):
    help = (
        "发送到期的提醒、催报和督办邮件（与定时任务相同的服务）；--dry-run 只列出将要发送的内容。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="只预览下一次将发送的邮件，不写入、不发送"
        )
        parser.add_argument(
            "--inline",
            action="store_true",
            help="在本进程中直接发送（默认交给 Celery worker 发送）",
        )
        parser.add_argument(
            "--now",
            help="以此时刻（上海时间，如 2026-06-26T09:00）运行，用于补发或演练",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = self._now(options["now"])
        if options["dry_run"]:
            self._preview(now)
            return
        if options["inline"]:
            result = reminders_sweep(now=now)
            sent = digests_send_inline(result.digest_ids + result.requeued_ids, now=now)
            how = f"已发送 {sent} 封"
        else:
            result = reminders_sweep(now=now, enqueue=digests_queue)
            how = f"已交给 Celery 发送 {len(result.digest_ids) + len(result.requeued_ids)} 封"
        self.stdout.write(
            f"{cn_datetime(now)}：认领 {result.claimed} 条提醒，"
            f"生成 {len(result.digest_ids)} 封邮件，"
            f"重新排队 {len(result.requeued_ids)} 封，{how}；"
            f"问题升级 {len(result.problems_escalated)} 个，自动督办 {result.urges_recorded} 条。"
        )

    def _now(self, text: str | None) -> datetime:
        if not text:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--now {text!r} 不是有效的时间（如 2026-06-26T09:00）") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)

    def _preview(self, now: datetime) -> None:
        preview = reminders_preview(now=now)
        self.stdout.write(
            f"{cn_datetime(now)} 的下一次发送：{len(preview.digests)} 封邮件，"
            f"{preview.notice_count} 条提醒，{len(preview.urges)} 条自动督办，"
            f"{len(preview.problems_to_escalate)} 个问题将升级。"
        )
        for digest in preview.digests:
            self.stdout.write(f"\n{digest.recipient}（{len(digest.notices)} 条）")
            for notice in digest.notices:
                self.stdout.write(f"  {notice.kind_label}  {notice.label}")
        for notice in preview.urges:
            self.stdout.write(f"督办  {notice.label}")
