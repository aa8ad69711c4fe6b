"""Files the worker produces for a person (the quarter's analysis as .xlsx/.docx, and any later
export): a page could not build a province's file inside a web request, so the request becomes a
job, the page shows its progress, and the finished file waits for its requester."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        ANALYSIS = "analysis", _("季度分析")
        QUARTER_SHEET = "quarter_sheet", _("季度填报表")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    # The id is in the page's address; a random one says nothing about other people's jobs.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind)
    # What the builder needs, JSON-safe, with the requester's language: for the analysis
    # {"period": id, "format": "xlsx", "language": "zh-hans"}; for a quarter sheet
    # {"period": id, "unit": id or None for every unit, "language": …}.
    params = models.JSONField(_("参数"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    status = models.CharField(_("状态"), max_length=8, choices=Status, default=Status.QUEUED)
    # 0–100, and the stage the worker is in, for the page's progress bar.
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    stage = models.CharField(_("阶段"), max_length=40, blank=True)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=120, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The worker's own cost, kept so that the budget (DESIGN §8) is visible in production too.
    cpu_seconds = models.FloatField(_("处理器时间（秒）"), null=True, blank=True)
    peak_memory_kb = models.PositiveIntegerField(_("峰值内存（KB）"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_job_mine")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="export_job_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="export_job_done_has_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename or self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
