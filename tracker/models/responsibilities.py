"""Who answers for what, and when: responsibilities and the reporting periods."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tracker.l10n import chinese, period_text
from tracker.models.documents import Assignment, Document
from tracker.models.removal import CurrentManager, Removable
from tracker.models.schedules import Frequency, ReportingSchedule
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
    """One period of a reporting schedule (a month, a quarter, a half-year or a year): the span
    its figures cover, when reporting opens, when it is due (on or after the span's end, or
    inside it) and when it is dispatched."""

    document = models.ForeignKey(
        Document, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="periods"
    )
    schedule = models.ForeignKey(
        ReportingSchedule,
        verbose_name=_("报送规则"),
        on_delete=models.PROTECT,
        related_name="periods",
    )
    frequency = models.CharField(
        _("报送频次"), max_length=12, choices=Frequency, default=Frequency.QUARTERLY
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # Which period of the year: month 1–12, quarter 1–4, half 1–2, or 1 for the year.
    number = models.PositiveSmallIntegerField(_("期次"))
    # The quarter holding the period's last day: a quarterly period's own quarter; the quarter
    # a supervisor's quarter view shows it in when it ends that quarter (March, June, …).
    quarter = models.PositiveSmallIntegerField(_("季度"))
    # The span the figures cover (first and last day); the due date may lie after it.
    starts_on = models.DateField(_("周期开始"))
    ends_on = models.DateField(_("周期结束"))
    opens_on = models.DateField(_("开始填报"))
    due_on = models.DateField(_("报送截止"))
    # 一季两调度: the two dispatch checkpoints; a monthly period has only the second.
    first_checkpoint_on = models.DateField(_("第一次调度"), null=True, blank=True)
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
        ordering = ["document", "ends_on", "schedule"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "year", "number"], name="period_unique_in_schedule"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1)
                & (
                    Q(frequency="monthly", number__lte=12)
                    | Q(frequency="quarterly", number__lte=4)
                    | Q(frequency="half-yearly", number__lte=2)
                    | Q(frequency="yearly", number=1)
                ),
                name="period_number_in_year",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on")), name="period_opens_before_due"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="period_quarter_ordered"
            ),
            models.CheckConstraint(
                condition=Q(first_checkpoint_on__isnull=True)
                | Q(first_checkpoint_on__lte=F("second_checkpoint_on")),
                name="period_checkpoints_ordered",
            ),
        ]
        indexes = [models.Index(fields=["year", "ends_on"], name="period_year_ends_on")]

    def __str__(self) -> str:
        if self.frequency == Frequency.QUARTERLY and chinese():
            return f"{self.year}年第{self.quarter}季度"
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A period made by hand (the back office, a script) without a schedule is a quarter of
        # the document's default schedule, as before schedules existed.
        if self.schedule_id is None:
            self.schedule = ReportingSchedule.objects.default_for(self.document_id)
        if self.number is None and self.frequency == Frequency.QUARTERLY:
            self.number = self.quarter
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The period's name in the reader's language: 2026年3月, 2026年二季度, 2026年上半年,
        2026年度; March 2026, Q2 2026, H1 2026, 2026."""
        return period_text(self.year, self.frequency, self.number)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
