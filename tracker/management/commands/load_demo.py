"""python manage.py load_demo [--if-empty]"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tracker.models import Document
from tracker.services.demo_load import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = _("载入演示数据：云江市的单位、两份示例文件、演示账号和前三季度的进展报告。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("数据库中已有文件时不再载入，只列出演示账号。"),
        )
        parser.add_argument(
            "--allow-known-passwords",
            action="store_true",
            help=_("在非调试模式下也载入（演示账号的密码是公开的，切勿用于正式环境）。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_known_passwords"]:
            # The demo creates an administrator whose password is printed in the README.
            raise CommandError(
                _(
                    "演示数据的账号密码是公开的，"
                    "只能在调试模式（DJANGO_DEBUG=true，`make run` 即是）下载入；"
                    "确需在其他环境载入，请加 --allow-known-passwords。"
                )
            )
        if not (options["if_empty"] and Document.objects.exists()):
            self.stdout.write(
                _("正在载入演示数据（导入、发布两份文件并生成前三季度的报告，约需半分钟）……")
            )
            self.stdout.flush()
        outcome = demo_load(only_if_empty=options["if_empty"])
        if outcome.loaded:
            for document in outcome.documents:
                self.stdout.write(_("已载入并发布《%(title)s》") % {"title": document.title})
            self.stdout.write(
                _("已报送演示进展报告 %(count)s 份。") % {"count": outcome.reports_submitted}
            )
        else:
            self.stdout.write(_("数据库中已有数据，未重复载入演示数据。"))
        for warning in outcome.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if not outcome.logins:
            return
        self.stdout.write("")
        self.stdout.write(_("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
        width = max(len(login.username) for login in outcome.logins)
        for login in outcome.logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role}  {login.unit}")
        self.stdout.write("\n" + _("打开 %(url)s/ 登录。") % {"url": settings.SITE_URL})
