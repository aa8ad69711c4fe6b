"""python manage.py import_document FILE [FILE ...] [--publish] [--user NAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.models import User
from tracker.services.document_import import DocumentRejected, document_import
from tracker.services.document_publish import PublishRefused, document_publish


class Command(BaseCommand):
    help = "导入任务分工文件（.txt），抽取任务、目标与责任单位；--publish 同时发布。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="发布：把单位名称对应到单位，生成责任分工和本年度四个季度的报送周期。",
        )
        parser.add_argument("--user", help="记为导入人的用户名（默认记为“系统”）。")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户 {options['user']} 不存在。")
        failures = 0
        for path in options["files"]:
            try:
                self._one(path, actor=actor, publish=options["publish"])
            except CommandError as exc:
                failures += 1
                self.stderr.write(self.style.ERROR(str(exc)))
        if failures:
            raise CommandError(f"{failures} 个文件未能导入。")

    def _one(self, path: Path, *, actor: User | None, publish: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: 无法读取文件（{exc.strerror}）。") from exc
        try:
            outcome = document_import(data=data, source_name=path.name, actor=actor)
        except DocumentRejected as exc:
            raise CommandError(f"{path}: 导入失败：{exc.message}（数据库未作任何改动）") from exc
        document = outcome.document
        if outcome.created:
            self.stdout.write(
                f"已导入《{document.title}》(编号 {document.pk})："
                f"{document.assignments.count()} 项任务，{document.targets.count()} 个目标。"
            )
        else:
            self.stdout.write(f"《{document.title}》(编号 {document.pk}) 已导入过，未重复导入。")
        if not publish:
            return
        try:
            published = document_publish(document=document, actor=actor)
        except PublishRefused as exc:
            raise CommandError(f"{path}: 发布失败：{exc.message}") from exc
        verb = "已发布" if published.newly_published else "已是发布状态，补充"
        self.stdout.write(
            f"{verb}：新增责任分工 {published.responsibilities_created} 条，"
            f"报送周期 {published.periods_created} 个。"
        )
        if published.units_created:
            names = "、".join(unit.name for unit in published.units_created)
            self.stdout.write(
                self.style.WARNING(f"新建待确认单位 {len(published.units_created)} 个：{names}")
            )
        if published.assignments_without_units:
            self.stdout.write(
                self.style.WARNING(f"{published.assignments_without_units} 项任务未写明责任单位。")
            )
