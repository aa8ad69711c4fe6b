"""Who changed what, when: an append-only trail of every state change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text so the trail still reads after a user is deleted; "系统" for the calendar.
    actor_name = models.CharField(_("操作人名称"), max_length=150)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("变更后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)
