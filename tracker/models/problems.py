"""Problems raised in reports and their climb up the escalation ladder (限时3日, 逐级上报)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tracker.models.reports import ProgressReport
from tracker.models.units import Unit


class Problem(models.Model):
    """A problem raised in a report, moving up one rung every few days until it is solved:
    the reporting unit → the lead department → the leader in charge (分管领导)."""

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
    # The leader in charge (分管领导) the top rung is addressed to, named when the problem reaches
    # it (tracker.selectors.people.leaders_for); empty: the supervisors, as before any was set.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管领导"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_problems",
    )
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
    # Settled before the time limit of the level it had reached (counts towards the ranking).
    resolved_in_time = models.BooleanField(_("按时办结"), default=False)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="problem_resolved_has_note",
            ),
            models.CheckConstraint(
                condition=Q(level_deadline__gte=F("raised_at")),
                name="problem_deadline_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=False) | Q(resolved_in_time=False),
                name="problem_in_time_only_when_resolved",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "level_deadline"], name="problem_open_due")]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ProblemStep(models.Model):
    """One rung of a problem's history: raised, escalated, resolved."""

    class Action(models.TextChoices):
        RAISE = "raise", _("提出")
        ESCALATE = "escalate", _("升级")
        RESOLVE = "resolve", _("办结")

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("动作"), max_length=8, choices=Action)
    level = models.CharField(_("层级"), max_length=8, choices=Problem.Level)
    at = models.DateTimeField(_("时间"))
    deadline = models.DateTimeField(_("本级时限"), null=True, blank=True)
    # Empty when the calendar moved the problem on its own.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("问题处理记录")
        verbose_name_plural = _("问题处理记录")
        ordering = ["problem", "at", "id"]
        constraints = [
            # A rung is climbed once: a retried sweep cannot record the same escalation twice.
            models.UniqueConstraint(
                fields=["problem", "action", "level"], name="problemstep_once_per_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.get_level_display()}"
