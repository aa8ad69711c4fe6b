"""The 督办单's loop and the notices around it (issue 17).

- `DubanFeedback`: one round of a unit's 反馈 on a 督办单, with its evidence files; the
  supervisor's return reason is kept on the round it answered.
- `DubanEvidence`: a file attached to a 反馈.
- `Notice`: one in-app inbox entry per person and event, claimed by the same sweep (and the
  same selection) as its e-mail and webhook: unique per (user, kind, item).
- `Webhook`: a 企业微信 or 钉钉 group robot a unit or a person is told through.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.problems import Problem
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.supervision import SupervisionAction
from tracker.models.units import Unit


class DubanFeedback(models.Model):
    action = models.ForeignKey(
        SupervisionAction,
        verbose_name=_("督办单"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    text = models.TextField(_("反馈内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办反馈")
        verbose_name_plural = _("督办反馈")
        ordering = ["action", "round"]
        constraints = [
            models.UniqueConstraint(fields=["action", "round"], name="dubanfeedback_round_once"),
            models.CheckConstraint(condition=~Q(text=""), name="dubanfeedback_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.action_id} #{self.round}"


class DubanEvidence(models.Model):
    feedback = models.ForeignKey(
        DubanFeedback,
        verbose_name=_("反馈"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to="duban/%Y/%m/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("摘要"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办反馈材料")
        verbose_name_plural = _("督办反馈材料")
        ordering = ["feedback", "id"]

    def __str__(self) -> str:
        return self.original_name


class Notice(models.Model):
    """One inbox entry. `item_key` is the calendar's item key with its period
    ("responsibility:42#7"), or "duban:12@1#7", "amendment:3": unique with user and kind, so a
    second sweep or a retried task adds nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("类型"), max_length=40)
    item_key = models.CharField(_("事项"), max_length=160)
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    day = models.DateField(_("日期"), null=True, blank=True)
    responsibility = models.ForeignKey(
        Responsibility,
        verbose_name=_("责任分工"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("问题"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.ForeignKey(
        SupervisionAction,
        verbose_name=_("督办单"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    sweep = models.CharField(_("批次"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "item_key"], name="notice_once"),
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notice_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class Webhook(models.Model):
    """A group robot: a unit's (its notices) or a person's (theirs)."""

    class Flavour(models.TextChoices):
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")

    flavour = models.CharField(_("类型"), max_length=10, choices=Flavour)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    url = models.URLField(_("Webhook 地址"), max_length=500)
    # DingTalk's 加签 secret (SEC…); empty when the robot uses keywords or IP lists.
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(user__isnull=True))
                | (Q(unit__isnull=True) & Q(user__isnull=False)),
                name="webhook_unit_xor_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.get_flavour_display()

    @property
    def recipient(self) -> str:
        """Its address in the calendar's claims (ReminderLog.recipient)."""
        return f"webhook:{self.pk}"
