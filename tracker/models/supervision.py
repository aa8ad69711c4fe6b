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

    class Meta:
        verbose_name = _("督办措施")
        verbose_name_plural = _("督办措施")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="action_has_reason"),
        ]
        indexes = [models.Index(fields=["unit", "period"], name="action_unit_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"


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
