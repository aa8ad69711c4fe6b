"""When the background machinery last showed it was alive, for the health endpoint and the
reminders page: the beat-scheduled sweep that a worker ran, and a worker's heartbeat task."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    class Source(models.TextChoices):
        SWEEP = "sweep", _("提醒扫描")
        WORKER = "worker", _("后台进程")

    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, unique=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("运行心跳")
        verbose_name_plural = _("运行心跳")

    def __str__(self) -> str:
        return f"{self.source} {self.at:%Y-%m-%d %H:%M}"
