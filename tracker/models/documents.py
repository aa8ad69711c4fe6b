"""What was decided: imported documents, their numbered assignments, and quantitative targets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tracker.l10n import target_text
from tracker.models.removal import CurrentManager, Removable


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        ARCHIVED = "archived", _("已归档")

    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发文单位"), max_length=200, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_text = models.TextField(_("原文"))
    # Identity of the text itself, so importing the same file twice finds the first copy.
    source_sha256 = models.CharField(_("原文摘要"), max_length=64, unique=True, editable=False)
    extraction_version = models.CharField(_("抽取版本"), max_length=20, blank=True)
    # The extractor's full output, kept so a reviewer can compare edits with what was found.
    extraction = models.JSONField(_("抽取结果"), default=dict, blank=True)
    # The document's reporting rules (ReportingSchedule, `schedules`) are rows of their own.
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # Set when a large document is handed to the background publisher; the review page shows
    # "正在发布" and refuses edits until the worker has published it.
    publish_requested_at = models.DateTimeField(_("提交发布时间"), null=True, blank=True)
    archive_reason = models.TextField(_("归档原因"), blank=True)
    # Review state. Metadata fields a reviewer corrected, which re-extraction leaves alone.
    edited_fields = models.JSONField(_("人工修改的字段"), default=list, blank=True)
    # Extracted assignments (by Assignment.extracted_key) the reviewer deleted: re-extraction
    # must not bring them back.
    dismissed_assignments = models.JSONField(_("已删除的识别任务"), default=list, blank=True)
    # Unknown unit names the reviewer confirmed as new units, to be created when publishing.
    new_unit_names = models.JSONField(_("确认新建的单位名称"), default=list, blank=True)
    # Leaders in charge named in the draft (Assignment.leaders_text) that the reviewer matched
    # to a person by hand: {name as written: user id}. Publishing turns them into LeaderScopes.
    leader_people = models.JSONField(_("分管领导对应人员"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ["-year", "-imported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1949, year__lte=2100),
                name="document_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False, year__isnull=False),
                name="document_published_has_time_and_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(Removable):
    """One numbered task or indicator of a document (一项任务/指标). A published document's
    assignment is removed by an amendment, never deleted (tracker.models.removal)."""

    class Category(models.TextChoices):
        EXPECTED = "预期性", _("预期性")
        BINDING = "约束性", _("约束性")

    document = models.ForeignKey(
        Document, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="assignments"
    )
    position = models.PositiveIntegerField(_("顺序"))
    ref = models.CharField(_("编号路径"), max_length=60, blank=True)
    number = models.CharField(_("序号"), max_length=20, blank=True)
    section = models.JSONField(_("所属章节"), default=list, blank=True)
    title = models.CharField(_("标题"), max_length=500)
    text = models.TextField(_("内容"), blank=True)
    category = models.CharField(_("指标属性"), max_length=4, choices=Category, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    # The last day the assignment is tracked: its deadline, or the end of the document's year.
    # Set when the document is published; reports are expected for every period that starts on
    # or before it, and a target's elapsed share (序时进度) runs from the document's year to it.
    active_until = models.DateField(_("跟踪截止"), null=True, blank=True)
    # The reporting rule it follows: empty in a draft means the document's default schedule;
    # publishing fills it in (services.reporting_periods.assignments_activate), so every
    # tracked assignment names the schedule whose periods it reports in.
    schedule = models.ForeignKey(
        "tracker.ReportingSchedule",
        verbose_name=_("报送规则"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    # Where the assignment sits in Document.source_text, for side-by-side review.
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    # Unit names exactly as the document wrote them; publishing maps them to Units.
    lead_units_text = models.JSONField(_("牵头单位(原文)"), default=list, blank=True)
    responsible_units_text = models.JSONField(_("责任单位(原文)"), default=list, blank=True)
    # Review state. `version` grows with every saved edit, so a reviewer saving over a page that
    # another reviewer has changed since is told instead of silently overwriting.
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Fields a reviewer corrected; re-extraction keeps them.
    edited_fields = models.JSONField(_("人工修改的字段"), default=list, blank=True)
    added_by_reviewer = models.BooleanField(_("人工添加"), default=False)
    # What the extractor called this assignment (its ref, else its title), the identity
    # re-extraction matches on even after a reviewer corrected the ref. Empty when added by hand.
    extracted_key = models.CharField(_("抽取标识"), max_length=200, blank=True)
    # Extracted targets (by Target.extracted_key) the reviewer deleted.
    dismissed_targets = models.JSONField(_("已删除的识别指标"), default=list, blank=True)
    # A headline indicator (主要预期目标) of the document, tracked as an assignment of its own
    # with the departments the indicator table names (issue 13).
    is_headline = models.BooleanField(_("主要指标"), default=False)
    # How sure the extractor was (extraction.types: 1.0 without reasons, below LOW_CONFIDENCE
    # it needs a look), its reason codes, the unit mentions it doubts ({"name", "role",
    # "reason"}; a cut-off one is in neither unit list) and the leaders in charge (分管领导) a
    # heading or note named. Null confidence: added by hand.
    confidence = models.FloatField(_("识别置信度"), null=True, blank=True)
    review_reasons = models.JSONField(_("待核原因"), default=list, blank=True)
    uncertain_units = models.JSONField(_("存疑单位名称"), default=list, blank=True)
    leaders_text = models.JSONField(_("分管领导(原文)"), default=list, blank=True)

    objects = CurrentManager["Assignment"]()
    all_objects = models.Manager["Assignment"]()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"], name="assignment_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(span_start__isnull=True)
                | Q(span_end__isnull=True)
                | Q(span_start__lte=F("span_end")),
                name="assignment_span_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref or self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Tracked assignments name their schedule (the slots join periods through it): one
        # added to a published document follows the document's default. (Drafts leave it empty
        # until publishing: services.reporting_periods.assignments_activate.)
        if (
            self._state.adding
            and self.schedule_id is None
            and self.document.status != Document.Status.DRAFT
        ):
            from tracker.models.schedules import ReportingSchedule

            self.schedule = ReportingSchedule.objects.default_for(self.document_id)
        super().save(*args, **kwargs)


class Target(Removable):
    """A quantitative (or qualitative) goal: 增长14%, 达4.8万元以上, 控制在5.5%以内. Removed by an
    amendment, never deleted once published, so the values reported against it stay readable."""

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", _("不低于")
        MORE_THAN = ">", _("超过")
        ABOUT = "~", _("左右")
        AT_MOST = "<=", _("不超过")
        LESS_THAN = "<", _("低于")
        EQUAL = "=", _("达到")

    class Kind(models.TextChoices):
        GROWTH = "growth", _("增速")
        LEVEL = "level", _("总量")
        SHARE = "share", _("比重/比率")
        DECREASE = "decrease", _("下降")
        COUNT = "count", _("数量")
        RANK = "rank", _("位次")
        QUALITATIVE = "qualitative", _("定性")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("越高越好")
        DECREASE = "decrease", _("越低越好")

    class Measure(models.TextChoices):
        """What the indicator measures (tracker.progress): a state read at a moment, judged by
        its latest value with no pacing; or an amount that accumulates, judged on 序时进度."""

        STATE = "state", _("状态值（不按序时）")
        CUMULATIVE = "cumulative", _("累计值（按序时进度）")

    document = models.ForeignKey(
        Document, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="targets"
    )
    # Empty for the document's headline targets (主要预期目标).
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
    )
    position = models.PositiveIntegerField(_("顺序"))
    indicator = models.CharField(_("指标"), max_length=200, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=6, null=True, blank=True)
    value_high = models.DecimalField(
        _("目标上限"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    measure_unit = models.CharField(_("计量单位"), max_length=30, blank=True)
    comparator = models.CharField(
        _("比较"), max_length=2, choices=Comparator, default=Comparator.EQUAL
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind, default=Kind.LEVEL)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction, default=Direction.INCREASE
    )
    # Empty: decided by the kind (level and count accumulate, rates are states).
    measure = models.CharField(_("指标性质"), max_length=10, choices=Measure, blank=True)
    scope = models.CharField(_("适用范围"), max_length=100, blank=True)
    text = models.TextField(_("原文"), blank=True)
    # Changed or added by a reviewer: re-extraction keeps it as it is.
    edited = models.BooleanField(_("人工修改"), default=False)
    # The extractor's confidence and reason codes (see Assignment.confidence).
    confidence = models.FloatField(_("识别置信度"), null=True, blank=True)
    review_reasons = models.JSONField(_("待核原因"), default=list, blank=True)
    # The extracted target's identity (its source phrase and indicator), so re-extraction
    # recognises it after a reviewer edited it. Empty when added by hand.
    extracted_key = models.CharField(_("抽取标识"), max_length=300, blank=True)

    objects = CurrentManager["Target"]()
    all_objects = models.Manager["Target"]()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["document", "assignment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "position"],
                condition=Q(assignment__isnull=False),
                name="target_position_unique_in_assignment",
            ),
            models.UniqueConstraint(
                fields=["document", "position"],
                condition=Q(assignment__isnull=True),
                name="target_position_unique_in_document",
            ),
            # A number makes a quantitative target; no number means a qualitative one.
            models.CheckConstraint(
                condition=Q(kind="qualitative", value__isnull=True)
                | (~Q(kind="qualitative") & Q(value__isnull=False)),
                name="target_value_iff_quantitative",
            ),
            models.CheckConstraint(
                condition=Q(value_high__isnull=True)
                | Q(value__isnull=False, value_high__gte=F("value")),
                name="target_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        if self.value is None:
            return self.indicator or self.text[:30]
        # As the document wrote it ("地区生产总值 增长6%左右"), the one wording, in the reader's
        # language (tracker.l10n).
        return f"{self.indicator} {target_text(self)}".strip()
