"""The reporting calendar of a published document: its quarters, the lock, and reopening it
for one unit's report."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import (
    Assignment,
    Document,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    User,
)
from tracker.periods import quarter_schedule
from tracker.services.audit import audit_record
from tracker.services.errors import Refused

# A plan names targets "到2035年" now and then; tracking stops at this many years of quarters.
MAX_TRACKED_YEARS = 10


class PeriodRefused(Refused):
    """The calendar change cannot happen; nothing was changed. `message` is shown to the user."""


def assignments_activate(document: Document) -> None:
    """Set each assignment's last tracked day: its deadline, or the end of the document's year.

    A deadline before the document's year (a typo, or a carried-over task) would leave the task
    with no quarter at all, so it is tracked through the document's year instead.
    """
    if document.year is None:
        raise PeriodRefused(_("未识别出文件年度。"))
    year_end = date(document.year, 12, 31)
    last = date(document.year + MAX_TRACKED_YEARS - 1, 12, 31)
    changed = []
    for assignment in document.assignments.all():
        until = (
            assignment.deadline
            if assignment.deadline and assignment.deadline.year >= document.year
            else year_end
        )
        until = min(until, last)
        if assignment.active_until != until:
            assignment.active_until = until
            changed.append(assignment)
    Assignment.objects.bulk_update(changed, ["active_until"])


def periods_ensure(document: Document) -> int:
    """Create every quarter from the document's year to the last tracked day of its assignments
    (multi-year targets are reported each year); return how many were new. Idempotent."""
    if document.year is None:
        raise PeriodRefused(_("未识别出文件年度。"))
    last_day = document.assignments.aggregate(last=Max("active_until"))["last"]
    last_year = max(document.year, last_day.year if last_day else document.year)
    have = set(ReportingPeriod.objects.filter(document=document).values_list("year", "quarter"))
    new = []
    for year in range(document.year, last_year + 1):
        for quarter in (1, 2, 3, 4):
            if (year, quarter) in have:
                continue
            schedule = quarter_schedule(
                year,
                quarter,
                due_month_of_quarter=document.due_month_of_quarter
                or settings.TRACKER_DUE_MONTH_OF_QUARTER,
                due_day=document.due_day or settings.TRACKER_DUE_DAY,
                window_open_day=settings.TRACKER_WINDOW_OPEN_DAY,
                first_checkpoint_day=settings.TRACKER_FIRST_CHECKPOINT_DAY,
            )
            new.append(
                ReportingPeriod(
                    document=document,
                    year=schedule.year,
                    quarter=schedule.quarter,
                    starts_on=schedule.starts_on,
                    ends_on=schedule.ends_on,
                    opens_on=schedule.opens_on,
                    due_on=schedule.due_on,
                    first_checkpoint_on=schedule.first_checkpoint_on,
                    second_checkpoint_on=schedule.second_checkpoint_on,
                )
            )
    ReportingPeriod.objects.bulk_create(new)
    return len(new)


def period_lock(*, period: ReportingPeriod, actor: User, now: datetime | None = None) -> None:
    """Close the quarter (报送截止锁定): from now on only reopened reports can change."""
    if not can_supervise(actor):
        raise PeriodRefused(_("只有督查人员可以锁定报送周期。"))
    now = now or timezone.now()
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_locked:
            raise PeriodRefused(_("该报送周期已锁定。"))
        period.locked_at = now
        period.locked_by = actor
        period.save(update_fields=["locked_at", "locked_by"])
        audit_record(
            actor=actor,
            action="period.lock",
            obj=period,
            before={"locked_at": None},
            after={"locked_at": now},
        )


def period_unlock(*, period: ReportingPeriod, actor: User, reason: str) -> None:
    """Open a locked quarter again for everyone (a wrong lock); the reason is kept."""
    reason = reason.strip()
    if not can_supervise(actor):
        raise PeriodRefused(_("只有督查人员可以解除锁定。"))
    if not reason:
        raise PeriodRefused(_("请填写解除锁定的原因。"))
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if not period.is_locked:
            raise PeriodRefused(_("该报送周期未锁定。"))
        before = {"locked_at": period.locked_at}
        period.locked_at = None
        period.locked_by = None
        period.save(update_fields=["locked_at", "locked_by"])
        audit_record(
            actor=actor,
            action="period.unlock",
            obj=period,
            before=before,
            after={"locked_at": None, "reason": reason},
        )


def period_reopen(
    *,
    responsibility: Responsibility,
    period: ReportingPeriod,
    actor: User,
    reason: str,
    now: datetime | None = None,
) -> ProgressReport:
    """Let one unit change its report after the lock (补报/更正), recording why.

    A submitted or approved report goes back to the unit as returned, with the reason, so it is
    edited and submitted again; a report never submitted simply becomes editable. Whether the
    report counts as late is decided by its first submission and does not change here.
    """
    reason = reason.strip()
    if not can_supervise(actor):
        raise PeriodRefused(_("只有督查人员可以重新开放报告。"))
    if not reason:
        raise PeriodRefused(_("请填写重新开放的原因。"))
    if period.document_id != responsibility.assignment.document_id:
        raise PeriodRefused(_("该报送周期不属于此任务所在的文件。"))
    now = now or timezone.now()
    with transaction.atomic():
        # A unit that never reported gets an empty draft it can now fill in.
        report, _created = ProgressReport.objects.select_for_update().get_or_create(
            responsibility=responsibility, period=period
        )
        report.period = ReportingPeriod.objects.get(pk=period.pk)
        if not report.period.is_locked:
            raise PeriodRefused(_("报送周期尚未锁定，单位可直接修改，无需重新开放。"))
        before = {"status": report.status, "reopened_at": report.reopened_at}
        report.reopened_at = now
        report.reopened_by = actor
        report.reopen_reason = reason
        if report.status in (ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED):
            report.status = ProgressReport.Status.RETURNED
            report.return_reason = reason
        report.version += 1
        report.save()
        audit_record(
            actor=actor,
            action="report.reopen",
            obj=report,
            before=before,
            after={"status": report.status, "reopened_at": now, "reason": reason},
        )
    return report
