"""Soft removal of what a published document tracks (amendments, merges): the row stays, with
the reports already attached to it, but no longer counts.

`objects` (the default manager, and so every related manager such as `assignment.targets`)
sees only current rows; `all_objects` sees removed ones too, for history and for the services
that move or restore them. A foreign key read from another row (`value.target`,
`report.responsibility`) reaches a removed row, so a report made before the change still reads
in full.
"""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model)


class CurrentManager(models.Manager[_M]):
    """Rows not removed."""

    def get_queryset(self) -> models.QuerySet[_M]:
        return super().get_queryset().filter(removed_at__isnull=True)


class Removable(models.Model):
    removed_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    removal_reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
