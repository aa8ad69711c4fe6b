"""What supervisors do about the quarter: 督办/通报/面商/约谈, and the quarter's analysis."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.problems import Problem
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.units import Unit


class SupervisionAction(models.Model):
    """督办、通报、面商、约谈: what a supervisor did about a unit in a period."""

    class Kind(models.TextChoices):
        URGE = "urge", _("督办")
        NOTICE = "notice", _("通报")
        CONSULT = "consult", _("面商")
        SUMMON = "summon", _("约谈")

    kind = models.CharField(_("方式"), max_length=8, choices=Kind)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("对象单位"),
        on_delete=models.PROTECT,
        related_name="supervision_actions",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.PROTECT,
        related_name="actions",
    )
    responsibility = models.ForeignKey(
        Responsibility,
        verbose_name=_("相关任务"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("相关问题"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    reason = models.TextField(_("事由"))
    # Empty when the calendar escalated on its own (逾期自动督办).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    # --- the 督办单 (issue 17): set on 督办 issued as a closed loop ---------------------------
    class Urgency(models.TextChoices):
        RED = "red", _("特急（红）")
        YELLOW = "yellow", _("加急（黄）")
        BLUE = "blue", _("一般（蓝）")

    class Status(models.TextChoices):
        OPEN = "open", _("待反馈")
        ANSWERED = "answered", _("已反馈")
        RETURNED = "returned", _("已退回")
        CLOSED = "closed", _("已办结")

    class Subject(models.TextChoices):
        ASSIGNMENT = "assignment", _("任务")
        REPORT = "report", _("进展报告")
        PROBLEM = "problem", _("问题")
        RANKING = "ranking", _("排名")

    reference_year = models.PositiveSmallIntegerField(_("文号年份"), null=True, blank=True)
    reference_number = models.PositiveIntegerField(_("文号"), null=True, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency, blank=True)
    subject = models.CharField(_("督办事项"), max_length=12, choices=Subject, blank=True)
    requirement = models.TextField(_("督办要求"), blank=True)
    deadline = models.DateField(_("办理时限"), null=True, blank=True)
    status = models.CharField(_("办理状态"), max_length=10, choices=Status, blank=True)
    # 反馈 rounds so far: the notices of each round are keyed by it.
    round = models.PositiveSmallIntegerField(_("反馈轮次"), default=0)
    return_reason = models.TextField(_("退回理由"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the 督办单 last changed (issued, answered, returned, closed): the sweep tells people
    # about changes of the last TRACKER_REMINDER_OVERDUE_MAX_DAYS.
    changed_at = models.DateTimeField(_("变更时间"), null=True, blank=True)
    # 通报/面商/约谈 recorded about a 督办单.
    linked_to = models.ForeignKey(
        "self",
        verbose_name=_("关联督办单"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_actions",
    )

    class Meta:
        verbose_name = _("督办措施")
        verbose_name_plural = _("督办措施")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="action_has_reason"),
            # One number per year; the units of one 督办单 share it.
            models.UniqueConstraint(
                fields=["reference_year", "reference_number", "unit"],
                condition=Q(reference_number__isnull=False),
                name="action_reference_unit_once",
            ),
            models.CheckConstraint(
                condition=Q(status="") | (Q(deadline__isnull=False) & ~Q(urgency="")),
                name="action_duban_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "period"], name="action_unit_period"),
            models.Index(fields=["status", "deadline"], name="action_duban_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"

    @property
    def is_duban(self) -> bool:
        return bool(self.status)

    @property
    def reference(self) -> str:
        if self.reference_number is None:
            return ""
        return f"督办〔{self.reference_year}〕{self.reference_number}号"


class AnalysisBulletin(models.Model):
    """The quarter's analysis (一季一分析) as published: its figures frozen at publication, so the
    printed bulletin and the archived one always agree."""

    period = models.OneToOneField(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.PROTECT,
        related_name="bulletin",
    )
    content = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    summary = models.TextField(_("综述"), blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("季度分析")
        verbose_name_plural = _("季度分析")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.period.document} {self.period} 分析"
