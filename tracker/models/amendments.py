"""Changes to a published document (修订): each one numbered, with its reason and what it
changed, so the document's history reads as a list of decisions."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.documents import Assignment, Document, Target
from tracker.models.units import Unit


class DocumentAmendment(models.Model):
    class Kind(models.TextChoices):
        ADD_ASSIGNMENT = "add_assignment", _("增加任务")
        REMOVE_ASSIGNMENT = "remove_assignment", _("撤销任务")
        ADD_RESPONSIBILITY = "add_responsibility", _("增加责任单位")
        REMOVE_RESPONSIBILITY = "remove_responsibility", _("撤销责任单位")
        ADD_TARGET = "add_target", _("增加指标")
        REMOVE_TARGET = "remove_target", _("撤销指标")
        CHANGE_DEADLINE = "change_deadline", _("调整完成时限")

    document = models.ForeignKey(
        Document, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="amendments"
    )
    # 第N次修订 of this document.
    number = models.PositiveIntegerField(_("修订序号"))
    kind = models.CharField(_("修订内容"), max_length=24, choices=Kind)
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("任务"),
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("指标"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    reason = models.TextField(_("修订原因"))
    before = models.JSONField(_("修订前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修订后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    # The units told about it (their ids), kept so a notice can be read later as it was sent.
    notified_units = models.JSONField(_("通知单位"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("修订时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文件修订")
        verbose_name_plural = _("文件修订")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="amendment_number_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}次修订：{self.get_kind_display()}"
