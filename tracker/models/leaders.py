"""What a leader in charge (分管领导) oversees: named units, or single assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.documents import Assignment
from tracker.models.units import Unit


class LeaderScope(models.Model):
    """One unit or one assignment a leader oversees. A leader of a unit oversees its work in
    every document; a leader of an assignment oversees that task whichever units hold it."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管领导"),
        on_delete=models.CASCADE,
        related_name="leader_scopes",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("分管单位"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leader_scopes",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("分管任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leader_scopes",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分管范围")
        verbose_name_plural = _("分管范围")
        ordering = ["leader", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(assignment__isnull=True))
                | (Q(unit__isnull=True) & Q(assignment__isnull=False)),
                name="leaderscope_unit_xor_assignment",
            ),
            models.UniqueConstraint(
                fields=["leader", "unit"],
                condition=Q(unit__isnull=False),
                name="leaderscope_unit_once",
            ),
            models.UniqueConstraint(
                fields=["leader", "assignment"],
                condition=Q(assignment__isnull=False),
                name="leaderscope_assignment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} · {self.unit or self.assignment}"
