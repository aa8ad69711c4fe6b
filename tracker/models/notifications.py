"""The calendar's memory: which notice went to whom, claimed before it is sent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.responsibilities import ReportingPeriod


class ReminderLog(models.Model):
    """One notice to one recipient. Inserting the row is the claim: the unique key is the guard
    that makes a second beat, a retried task or a restarted worker send nothing twice."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.EmailField(_("收件人"))
    # What the notice is about: "responsibility:42", "problem:7", or a digest key.
    item_key = models.CharField(_("事项"), max_length=120)
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("类型"), max_length=40)
    status = models.CharField(_("状态"), max_length=8, choices=Status, default=Status.CLAIMED)
    claimed_at = models.DateTimeField(_("认领时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_key", "period", "kind"], name="reminderlog_claim_key"
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="reminderlog_pending")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
