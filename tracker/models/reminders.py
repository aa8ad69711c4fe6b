"""The calendar's memory and its address book.

- `UnitContact`: the addresses a unit is reached at (besides its reporters' own e-mails).
- `NoticePreference`: which optional notices a user wants, and in which language.
- `ReminderLog`: one notice about one item to one recipient. Inserting the row is the claim.
- `ReminderDigest`: the one e-mail a sweep sends a recipient, carrying all its newly claimed items.
- `ReminderDay`: the day's notices (reminders, chasers, escalations, checkpoints) were claimed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.problems import Problem
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.units import Unit


class NoticeKind(models.TextChoices):
    """What a notice is about. The value is part of the claim key, so never rename one."""

    WINDOW_OPEN = "window_open", _("开始填报")
    DUE_7 = "due_7", _("距截止7天")
    DUE_3 = "due_3", _("距截止3天")
    DUE_1 = "due_1", _("距截止1天")
    DUE_DAY = "due_day", _("今日截止")
    OVERDUE = "overdue", _("逾期催报")
    ESCALATE_LEAD = "escalate_lead", _("逾期提请牵头单位督促")
    ESCALATE_SUPERVISOR = "escalate_supervisor", _("逾期提请督查")
    # Not an e-mail: the claim that guards the one automatic 督办 per overdue report.
    URGE = "urge", _("逾期自动督办")
    CHECKPOINT_1 = "checkpoint_1", _("第一次调度")
    CHECKPOINT_2 = "checkpoint_2", _("第二次调度")
    PROBLEM_LEAD = "problem_lead", _("问题上报牵头部门")
    PROBLEM_LEADER = "problem_leader", _("问题上报分管领导")
    RETURNED = "returned", _("报告被退回")


class NoticeLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class NoticeChoices(models.Model):
    """The optional notices a recipient may turn off. Overdue chasers, escalations, problems and
    returned reports are mandatory and have no switch."""

    notify_window_open = models.BooleanField(_("开始填报通知"), default=True)
    notify_reminders = models.BooleanField(
        _("截止前提醒"), default=True, help_text=_("截止前7天、3天、1天及截止当日的提醒。")
    )
    notify_checkpoints = models.BooleanField(_("调度通知"), default=True)
    language = models.CharField(
        _("邮件语言"), max_length=8, choices=NoticeLanguage, default=NoticeLanguage.ZH_HANS
    )

    class Meta:
        abstract = True


class UnitContact(NoticeChoices):
    """An address a unit is reached at: its office mailbox, a liaison (联络员), a deputy."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("联系人"), max_length=100, blank=True)
    email = models.EmailField(_("电子邮箱"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位联系人")
        verbose_name_plural = _("单位联系人")
        ordering = ["unit", "email"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "email"], name="unitcontact_unique"),
            models.CheckConstraint(condition=~Q(email=""), name="unitcontact_has_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class NoticePreference(NoticeChoices):
    """A user's choices; a user without a row gets every notice, in Chinese."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user)


class DeliveryStatus(models.TextChoices):
    CLAIMED = "claimed", _("待发送")
    # The last attempt failed; another follows after a backoff.
    RETRYING = "retrying", _("重试中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class ReminderLog(models.Model):
    """One notice to one recipient. Inserting the row is the claim: the unique key is the guard
    that makes a second beat, a retried task or a restarted worker send nothing twice.

    `item_key` names the item: "responsibility:42", "problem:7", "report:9@<returned at>". The
    daily overdue chaser puts the Shanghai day in it ("responsibility:42@2026-06-27"), so that
    kind is claimed once per item and day while every other kind is claimed once per period.
    `sweep` is the token of the sweep that claimed the row; the rows of one (sweep, recipient)
    travel in one `ReminderDigest`. The automatic 督办 is claimed as kind "urge" with an empty
    recipient: no e-mail, just the guard for its one SupervisionAction.
    """

    Status = DeliveryStatus
    Kind = NoticeKind

    recipient = models.EmailField(_("收件人"), blank=True)
    item_key = models.CharField(_("事项"), max_length=120)
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("类型"), max_length=40, choices=NoticeKind)
    # The Shanghai day the notice is for: the milestone's day, or the overdue day chased.
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
    sweep = models.CharField(_("批次"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=DeliveryStatus, default=DeliveryStatus.CLAIMED
    )
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
        indexes = [
            models.Index(fields=["status", "claimed_at"], name="reminderlog_pending"),
            models.Index(fields=["sweep", "recipient"], name="reminderlog_digest"),
            models.Index(fields=["period", "claimed_at"], name="reminderlog_period"),
            # The log's own order (newest first), so a page is read, not the table sorted.
            models.Index(fields=["-claimed_at", "-id"], name="reminderlog_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient or '—'}"


class ReminderDigest(models.Model):
    """The e-mail one sweep sends one recipient. Its key (sweep, recipient) gives the message its
    Message-ID, so a resend after a crash carries the same Message-ID as the first send.

    `next_attempt_at` is when a send is expected to start (the claim, or the end of a retry's
    backoff); `lease_until` is held by the worker sending it. A digest still unsent well after
    its expected start, with no live lease, is queued again by the next sweep.
    """

    Status = DeliveryStatus

    recipient = models.EmailField(_("收件人"))
    sweep = models.CharField(_("批次"), max_length=32)
    item_count = models.PositiveIntegerField(_("事项数"), default=0)
    status = models.CharField(
        _("状态"), max_length=8, choices=DeliveryStatus, default=DeliveryStatus.CLAIMED
    )
    language = models.CharField(_("语言"), max_length=8, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"))
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    lease_until = models.DateTimeField(_("发送占用至"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("提醒邮件")
        verbose_name_plural = _("提醒邮件")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sweep", "recipient"], name="reminderdigest_key"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="reminderdigest_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.item_count}"


class ReminderDay(models.Model):
    """The notices bound to one Shanghai day were claimed. The first sweep at or after
    TRACKER_REMINDER_SEND_FROM inserts it in the transaction of its claim, so a day's notices
    are computed once (a sweep that crashed leaves no row, and the next sweep does it); later
    sweeps that day only handle returned reports and problems."""

    day = models.DateField(_("日期"), unique=True)
    sweep = models.CharField(_("批次"), max_length=32)
    claimed_at = models.DateTimeField(_("认领时间"))
    notices = models.PositiveIntegerField(_("提醒数"), default=0)

    class Meta:
        verbose_name = _("每日提醒")
        verbose_name_plural = _("每日提醒")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)
