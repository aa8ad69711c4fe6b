"""What units report each quarter, the problems they raise, and what supervisors do about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tracker.models.documents import Target
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.units import Unit


class ProgressReport(models.Model):
    """A unit's quarterly report on one responsibility (季度进展报告)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    responsibility = models.ForeignKey(
        Responsibility, verbose_name=_("责任分工"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT)
    narrative = models.TextField(_("进展情况"), blank=True)
    problems_text = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("逾期报送"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    # Optimistic lock: a save names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["period", "responsibility"]
        constraints = [
            models.UniqueConstraint(fields=["responsibility", "period"], name="report_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft"]) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="report_returned_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="report_period_status")]

    def __str__(self) -> str:
        return f"{self.responsibility.unit} · {self.period} · {self.get_status_display()}"


class TargetValue(models.Model):
    """The cumulative actual (or self-assessment) a report gives for one target."""

    class Assessment(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="values"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.PROTECT, related_name="+"
    )
    actual = models.DecimalField(
        _("累计完成值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    assessment = models.CharField(_("自评"), max_length=12, choices=Assessment, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("目标完成值")
        verbose_name_plural = _("目标完成值")
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="targetvalue_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.actual if self.actual is not None else self.assessment}"


class Problem(models.Model):
    """A problem raised in a report, climbing the escalation ladder every few days until solved."""

    class Level(models.TextChoices):
        UNIT = "unit", _("责任单位")
        LEAD = "lead", _("牵头部门")
        LEADER = "leader", _("分管领导")

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("提出单位"), on_delete=models.PROTECT, related_name="problems"
    )
    description = models.TextField(_("问题描述"))
    level = models.CharField(_("当前层级"), max_length=8, choices=Level, default=Level.UNIT)
    raised_at = models.DateTimeField(_("提出时间"))
    level_deadline = models.DateTimeField(_("本级办结时限"))
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解决人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("解决情况"), blank=True)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="problem_resolved_has_note",
            ),
            models.CheckConstraint(
                condition=Q(level_deadline__gte=F("raised_at")),
                name="problem_deadline_after_raised",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "level_deadline"], name="problem_open_due")]

    def __str__(self) -> str:
        return self.description[:40]


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

    class Meta:
        verbose_name = _("督办措施")
        verbose_name_plural = _("督办措施")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="action_has_reason")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"
