"""python manage.py import_document FILE [FILE ...] [--publish] [--user NAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.l10n import list_text
from tracker.models import User
from tracker.services.document_import import DocumentRejected, document_import
from tracker.services.document_publish import PublishRefused, document_publish


class Command(BaseCommand):
    help = _("导入任务分工文件（.txt），抽取任务、目标与责任单位；--publish 同时发布。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("发布：把单位名称对应到单位，生成责任分工和本年度四个季度的报送周期。"),
        )
        parser.add_argument("--user", help=_("记为导入人的用户名（默认记为“系统”）。"))

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("用户 %(name)s 不存在。") % {"name": options["user"]})
        failures = 0
        for path in options["files"]:
            try:
                self._one(path, actor=actor, publish=options["publish"])
            except CommandError as exc:
                failures += 1
                self.stderr.write(self.style.ERROR(str(exc)))
        if failures:
            raise CommandError(
                ngettext("%(count)s 个文件未能导入。", "%(count)s 个文件未能导入。", failures)
                % {"count": failures}
            )

    def _one(self, path: Path, *, actor: User | None, publish: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("%(path)s: 无法读取文件（%(error)s）。") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            outcome = document_import(data=data, source_name=path.name, actor=actor)
        except DocumentRejected as exc:
            raise CommandError(
                _("%(path)s: 导入失败：%(error)s（数据库未作任何改动）")
                % {"path": path, "error": exc.message}
            ) from exc
        document = outcome.document
        if outcome.created:
            self.stdout.write(
                _("已导入《%(title)s》（编号 %(id)s）：%(tasks)s 项任务，%(targets)s 个目标。")
                % {
                    "title": document.title,
                    "id": document.pk,
                    "tasks": document.assignments.count(),
                    "targets": document.targets.count(),
                }
            )
        else:
            self.stdout.write(
                _("《%(title)s》（编号 %(id)s）已导入过，未重复导入。")
                % {"title": document.title, "id": document.pk}
            )
        if not publish:
            return
        try:
            published = document_publish(document=document, actor=actor)
        except PublishRefused as exc:
            raise CommandError(
                _("%(path)s: 发布失败：%(error)s") % {"path": path, "error": exc.message}
            ) from exc
        counts = {
            "responsibilities": published.responsibilities_created,
            "periods": published.periods_created,
        }
        if published.newly_published:
            done = _("已发布：新增责任分工 %(responsibilities)s 条，报送周期 %(periods)s 个。")
        else:
            done = _(
                "已是发布状态，补充：新增责任分工 %(responsibilities)s 条，"
                "报送周期 %(periods)s 个。"
            )
        self.stdout.write(done % counts)
        if published.units_created:
            names = list_text(unit.name for unit in published.units_created)
            self.stdout.write(
                self.style.WARNING(
                    _("新建待确认单位 %(count)s 个：%(names)s")
                    % {"count": len(published.units_created), "names": names}
                )
            )
        if published.assignments_without_units:
            self.stdout.write(
                self.style.WARNING(
                    _("%(count)s 项任务未写明责任单位。")
                    % {"count": published.assignments_without_units}
                )
            )
