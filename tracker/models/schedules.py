"""When reports are due: a document's reporting schedules (报送规则) and the corrections
supervisors make to the working-day calendar (节假日调整)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.documents import Document

# Longest counts a due rule may name: beyond these a document means something else.
MAX_WORKING_DAYS = 60
MAX_CALENDAR_DAYS = 366


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half-yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class ScheduleManager(models.Manager["ReportingSchedule"]):
    def default_for(self, document_id: int) -> ReportingSchedule:
        """The document's default schedule, made (the settings' quarterly rule) if it has none:
        a document imported before schedules existed, or built without the importer."""
        schedule, _created = self.get_or_create(document_id=document_id, is_default=True)
        return schedule


class ReportingSchedule(models.Model):
    """A reporting rule of a document: how often its assignments report and when each report
    is due (tracker.periods.DueRule), with the sentence it was read from.

    A document has one default schedule (`is_default`) that its assignments follow; the other
    rules the document states (or a reviewer adds) can be given to single assignments
    (Assignment.schedule). Publishing creates each schedule's periods.

    The due rule takes one of four forms (a check constraint holds them apart): day `day` of
    the period's `month`-th month; day `day` of the `month`-th month after the period
    (`after_period`); `calendar_days` or `working_days` after the period. With neither month,
    day nor a count, the frequency's default applies (TRACKER_DUE_DAY of the period's last
    month; for quarters TRACKER_DUE_MONTH_OF_QUARTER), read when the periods are made.
    """

    Frequency = Frequency

    document = models.ForeignKey(
        Document, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="schedules"
    )
    is_default = models.BooleanField(_("文件报送规则"), default=False)
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    frequency = models.CharField(
        _("报送频次"), max_length=12, choices=Frequency, default=Frequency.QUARTERLY
    )
    after_period = models.BooleanField(_("期满后报送"), default=False)
    month = models.PositiveSmallIntegerField(_("第几个月"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("日"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("工作日数"), null=True, blank=True)
    calendar_days = models.PositiveSmallIntegerField(_("自然日数"), null=True, blank=True)
    # "从第二季度起": the first period reported in the document's year (a month for monthly rules).
    from_period = models.PositiveSmallIntegerField(_("起报期次"), null=True, blank=True)
    # Chosen when publishing: the first day of the first period reported; earlier periods are
    # not created, so publishing mid-year makes nothing overdue.
    reporting_from = models.DateField(_("起报日期"), null=True, blank=True)
    # The rule as the document wrote it, and where (offsets into Document.source_text).
    text = models.TextField(_("原文"), blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    # What the extractor called this rule, so re-extraction recognises it; empty when added by
    # a reviewer. `edited`: a reviewer changed it, and re-extraction keeps it as it is.
    extracted_key = models.CharField(_("抽取标识"), max_length=300, blank=True)
    edited = models.BooleanField(_("人工修改"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScheduleManager()

    class Meta:
        verbose_name = _("报送规则")
        verbose_name_plural = _("报送规则")
        ordering = ["document", "-is_default", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(is_default=True), name="schedule_one_default"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=[f.value for f in Frequency]),
                name="schedule_frequency_known",
            ),
            # Each bound is paired with isnull=False: a CHECK passes when its expression is
            # NULL, so `day >= 1` alone would let a missing day through.
            models.CheckConstraint(
                condition=(
                    # The frequency's default.
                    Q(
                        after_period=False,
                        month__isnull=True,
                        day__isnull=True,
                        working_days__isnull=True,
                        calendar_days__isnull=True,
                    )
                    # Day D of the n-th month of the period.
                    | Q(
                        after_period=False,
                        month__isnull=False,
                        day__isnull=False,
                        day__gte=1,
                        day__lte=31,
                        working_days__isnull=True,
                        calendar_days__isnull=True,
                    )
                    & (
                        Q(frequency="monthly", month=1)
                        | Q(frequency="quarterly", month__gte=1, month__lte=3)
                        | Q(frequency="half-yearly", month__gte=1, month__lte=6)
                        | Q(frequency="yearly", month__gte=1, month__lte=12)
                    )
                    # Day D of the n-th month after the period.
                    | Q(
                        after_period=True,
                        month__isnull=False,
                        month__gte=1,
                        month__lte=12,
                        day__isnull=False,
                        day__gte=1,
                        day__lte=31,
                        working_days__isnull=True,
                        calendar_days__isnull=True,
                    )
                    # N working days, or N calendar days, after the period.
                    | Q(
                        after_period=True,
                        month__isnull=True,
                        day__isnull=True,
                        working_days__isnull=False,
                        working_days__gte=1,
                        working_days__lte=MAX_WORKING_DAYS,
                        calendar_days__isnull=True,
                    )
                    | Q(
                        after_period=True,
                        month__isnull=True,
                        day__isnull=True,
                        working_days__isnull=True,
                        calendar_days__isnull=False,
                        calendar_days__gte=1,
                        calendar_days__lte=MAX_CALENDAR_DAYS,
                    )
                ),
                name="schedule_due_rule_form",
            ),
            models.CheckConstraint(
                condition=Q(from_period__isnull=True)
                | Q(from_period__gte=1)
                & (
                    Q(frequency="monthly", from_period__lte=12)
                    | Q(frequency="quarterly", from_period__lte=4)
                    | Q(frequency="half-yearly", from_period__lte=2)
                    | Q(frequency="yearly", from_period=1)
                ),
                name="schedule_from_period_in_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.get_frequency_display()}"


class CalendarDay(models.Model):
    """A supervisor's correction of the working-day calendar for one date: a holiday the
    package does not know yet (next year's arrangement before its release, a local holiday), a
    调休 working weekend, or a date the package has wrong. It wins over the package and over
    the weekend rule."""

    day = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("上班"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.is_working else '休'} {self.name}".strip()
