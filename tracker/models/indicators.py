"""Which departments answer for a headline indicator (主要预期目标 → 责任单位), issue 13.

A supervisor-edited table, reused for every document: an indicator's name (and other names the
documents and statistics sheets use for it) maps to the unit names that lead it, resolved through
the roster and its aliases when a document's headline targets become tracked indicators.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IndicatorDepartment(models.Model):
    indicator = models.CharField(_("指标名称"), max_length=100, unique=True)
    # Other names of the same indicator ("GDP", "全市生产总值"), matched like the name.
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    # Unit names as the roster knows them or by an alias; the first leads (牵头).
    unit_names = models.JSONField(_("责任单位"), default=list, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("指标责任单位")
        verbose_name_plural = _("指标责任单位")
        ordering = ["position", "indicator"]
        constraints = [
            models.CheckConstraint(condition=~Q(indicator=""), name="indicatordept_named"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {'、'.join(self.unit_names)}"
