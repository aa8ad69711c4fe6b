"""Who answers for what, and when: responsibilities and the quarterly reporting periods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tracker.models.documents import Assignment, Document
from tracker.models.removal import CurrentManager, Removable
from tracker.models.units import Unit


class Responsibility(Removable):
    """An assignment × a unit × a role: what one unit is accountable for. Removed by an amendment
    (or set aside by a merge of two units), never deleted, so its reports stay readable."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        CO = "co", _("责任")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("任务"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("角色"), max_length=4, choices=Role)
    # The name the document used, e.g. the group "各县(区)党委和政府" this unit was expanded from.
    mention = models.CharField(_("原文名称"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CurrentManager["Responsibility"]()
    all_objects = models.Manager["Responsibility"]()

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["assignment", "role", "unit"]
        constraints = [
            # A unit named both as lead and as co-unit leads: one current row, one role. Removed
            # rows (an amendment, a merge) may repeat the pair.
            models.UniqueConstraint(
                fields=["assignment", "unit"],
                condition=Q(removed_at__isnull=True),
                name="responsibility_unique",
            ),
        ]
        indexes = [models.Index(fields=["unit", "role"], name="responsibility_unit_role")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()} · {self.assignment}"


class ReportingPeriod(models.Model):
    """One quarter of a document's year: when reporting opens, is due, and is dispatched."""

    document = models.ForeignKey(
        Document, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="periods"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    # The quarter itself (first and last day); the reporting window lies inside or just after it.
    starts_on = models.DateField(_("季度开始"))
    ends_on = models.DateField(_("季度结束"))
    opens_on = models.DateField(_("开始填报"))
    due_on = models.DateField(_("报送截止"))
    # 一季两调度: the two dispatch checkpoints of the quarter.
    first_checkpoint_on = models.DateField(_("第一次调度"))
    second_checkpoint_on = models.DateField(_("第二次调度"))
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("锁定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")
        ordering = ["document", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["document", "year", "quarter"], name="period_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on")), name="period_opens_before_due"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="period_quarter_ordered"
            ),
            models.CheckConstraint(
                condition=Q(first_checkpoint_on__lte=F("second_checkpoint_on")),
                name="period_checkpoints_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
