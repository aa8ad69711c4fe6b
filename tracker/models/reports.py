"""What units report each quarter: the report, its value per target, and its evidence files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.documents import Target
from tracker.models.responsibilities import ReportingPeriod, Responsibility


class Colour(models.TextChoices):
    """The traffic light of DESIGN §3 (tracker.progress computes it; the database stores it so
    dashboards can count colours in SQL)."""

    BLUE = "blue", _("已完成")
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("滞后")
    RED = "red", _("严重滞后")
    GREY = "grey", _("未填报")


class Assessment(models.TextChoices):
    """A reporter's own view of a qualitative target or task (自评)."""

    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class Judgement(models.TextChoices):
    """A reviewer's view, which overrides the computed colour of a qualitative item (审核评价)."""

    NORMAL = "normal", _("正常推进")
    LAGGING = "lagging", _("滞后")
    SERIOUS = "serious", _("严重滞后")


class ProgressReport(models.Model):
    """A unit's quarterly report on one responsibility (季度进展报告).

    The lead unit's report on an assignment is the compiled report (汇总报告): its author reads the
    co-units' reports beside it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    responsibility = models.ForeignKey(
        Responsibility, verbose_name=_("责任分工"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT)
    narrative = models.TextField(_("进展情况"), blank=True)
    problems_text = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    # For a task without quantitative targets: the unit's own view and the reviewer's.
    assessment = models.CharField(_("自评"), max_length=12, choices=Assessment, blank=True)
    judgement = models.CharField(_("审核评价"), max_length=8, choices=Judgement, blank=True)
    # Computed from the values when the report is submitted or reviewed; empty for a draft.
    colour = models.CharField(_("进度状态"), max_length=6, choices=Colour, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("逾期报送"), default=False)
    # 数据截至: the month the figures run to (its first day). 序时进度 runs to its end; empty:
    # the period's last month (tracker.selectors.reports.elapsed_for).
    data_month = models.DateField(_("数据截至"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    # A supervisor may let one unit edit after the period is locked (补报); the reason stays.
    reopened_at = models.DateTimeField(_("重新开放时间"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("重新开放人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_reason = models.TextField(_("重新开放原因"), blank=True)
    # Optimistic lock: a save names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["period", "responsibility"]
        constraints = [
            models.UniqueConstraint(fields=["responsibility", "period"], name="report_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft"]) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="report_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="report_reopened_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(reviewed_at__isnull=False),
                name="report_approved_has_review_time",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="report_period_status"),
            models.Index(fields=["period", "colour"], name="report_period_colour"),
            # The review queue (one status, oldest submission first) and /api/reports/'s order.
            models.Index(fields=["status", "submitted_at", "id"], name="report_review_queue"),
            models.Index(fields=["period", "responsibility"], name="report_period_resp"),
            # A quarter's reports by id alone, from the index (the rankings' problem rates join
            # a quarter's problems to them): 60 ms from the table, 20 from this.
            models.Index(fields=["period", "id"], name="report_period_id"),
        ]

    def __str__(self) -> str:
        return f"{self.responsibility.unit} · {self.period} · {self.get_status_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status != self.Status.DRAFT


# A report that has been submitted at least once and is not back to a draft: it counts as
# reported (a returned report was reported on time; it is being corrected).
SUBMITTED_STATUSES = (
    ProgressReport.Status.SUBMITTED,
    ProgressReport.Status.RETURNED,
    ProgressReport.Status.APPROVED,
)


# What is counted as 已报送 in tallies, rates and rankings (issue 13): a returned report is being
# corrected and counts again only once resubmitted; 按时 is decided by its first submission.
COUNTED_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED)


class TargetValue(models.Model):
    """The cumulative actual (or self-assessment) a report gives for one target, with what
    tracker.progress made of it at the period's elapsed share."""

    Assessment = Assessment
    Judgement = Judgement

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="values"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.PROTECT, related_name="reported_values"
    )
    actual = models.DecimalField(
        _("累计完成值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    assessment = models.CharField(_("自评"), max_length=12, choices=Assessment, blank=True)
    judgement = models.CharField(_("审核评价"), max_length=8, choices=Judgement, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # 同比增长 (%) of an amount, as a statistics sheet gives it beside the cumulative figure; the
    # headline panel's 增速 (issue 13). A growth target's actual is its growth already.
    growth = models.DecimalField(
        _("同比增长(%)"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    # Derived (tracker.progress.assess); recomputed when thresholds change.
    elapsed = models.DecimalField(_("序时进度"), max_digits=5, decimal_places=4, null=True)
    completion = models.DecimalField(_("完成率"), max_digits=12, decimal_places=4, null=True)
    pace = models.DecimalField(_("进度比"), max_digits=12, decimal_places=4, null=True)
    gap_pp = models.DecimalField(_("差距(百分点)"), max_digits=12, decimal_places=2, null=True)
    met = models.BooleanField(_("已达标"), default=False)
    colour = models.CharField(_("进度状态"), max_length=6, choices=Colour, default=Colour.GREY)

    class Meta:
        verbose_name = _("目标完成值")
        verbose_name_plural = _("目标完成值")
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="targetvalue_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.actual if self.actual is not None else self.assessment}"


class Evidence(models.Model):
    """A file a unit attaches to its report as proof (佐证材料). Stored under a generated name;
    the name the user gave is kept for display and download only."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("摘要"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sha256"], name="evidence_unique_in_report")
        ]

    def __str__(self) -> str:
        return self.original_name
