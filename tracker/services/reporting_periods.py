"""The reporting calendar of a published document: its schedules' periods, the lock, and
reopening it for one unit's report."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import (
    Assignment,
    Document,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
    Responsibility,
    User,
)
from tracker.selectors.schedules import schedule_plans, tracked_until
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.summaries import summaries_refresh, summaries_refresh_report


class PeriodRefused(Refused):
    """The calendar change cannot happen; nothing was changed. `message` is shown to the user."""


def schedule_default(document: Document) -> ReportingSchedule:
    """The document's default schedule; one following the settings' quarterly rule is made for
    a document that has none (imported before schedules, or built without the importer)."""
    return ReportingSchedule.objects.default_for(document.pk)


def assignments_activate(document: Document) -> None:
    """Set each assignment's last tracked day (its deadline, or the end of the document's year;
    see selectors.schedules.tracked_until) and the schedule it reports on (the document's
    default unless a reviewer gave it its own)."""
    if document.year is None:
        raise PeriodRefused(_("未识别出文件年度。"))
    default = schedule_default(document)
    changed = []
    for assignment in document.assignments.all():
        until = tracked_until(assignment.deadline, document.year)
        if assignment.active_until != until or assignment.schedule_id is None:
            assignment.active_until = until
            assignment.schedule_id = assignment.schedule_id or default.pk
            changed.append(assignment)
    Assignment.objects.bulk_update(changed, ["active_until", "schedule"])
    if changed:
        summaries_refresh(document_id=document.pk)


def schedule_start_set(*, document: Document, reporting_from: date | None) -> None:
    """Record the first period chosen when publishing (the first day of its span) on the
    document's schedule, so publishing on a worker, or again later, starts from it. A document
    already published keeps what it started from."""
    if reporting_from is None or document.status != Document.Status.DRAFT:
        return
    default = schedule_default(document)
    if default.reporting_from != reporting_from:
        default.reporting_from = reporting_from
        default.save(update_fields=["reporting_from", "updated_at"])


def periods_ensure(
    document: Document, *, reporting_from: date | None = None, today: date | None = None
) -> int:
    """Create every period the document's schedules owe, from its year (or from the first period
    chosen when publishing: `reporting_from`, else the one recorded on its default schedule) to
    the last tracked day of their assignments; return how many were new. A schedule of single
    assignments starts with its first period from then on not past due on `today`; what each
    schedule started from is recorded on it the first time. Idempotent."""
    if document.year is None:
        raise PeriodRefused(_("未识别出文件年度。"))
    reporting_from = reporting_from or schedule_default(document).reporting_from
    new: list[ReportingPeriod] = []
    for plan in schedule_plans(document, reporting_from=reporting_from, today=today):
        schedule = plan.schedule
        if schedule.reporting_from is None and plan.start is not None:
            schedule.reporting_from = plan.start
            schedule.save(update_fields=["reporting_from", "updated_at"])
        new.extend(
            ReportingPeriod(
                document=document,
                schedule=schedule,
                frequency=period.frequency,
                year=period.year,
                number=period.number,
                quarter=period.quarter,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                opens_on=period.opens_on,
                due_on=period.due_on,
                first_checkpoint_on=period.first_checkpoint_on,
                second_checkpoint_on=period.second_checkpoint_on,
            )
            for period in plan.periods
        )
    ReportingPeriod.objects.bulk_create(new)
    if new:
        summaries_refresh(document_id=document.pk)
    return len(new)


def period_lock(
    *, period: ReportingPeriod, actor: User, reason: str = "", now: datetime | None = None
) -> None:
    """Close the quarter (报送截止锁定): from now on only reopened reports can change. The page
    asks for the `reason`, kept in the audit trail."""
    reason = reason.strip()
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
            after={"locked_at": now, "reason": reason} if reason else {"locked_at": now},
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
    schedule_id = responsibility.assignment.schedule_id
    if schedule_id is not None and period.schedule_id != schedule_id:
        raise PeriodRefused(_("该报送周期不属于此任务的报送规则。"))
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
        summaries_refresh_report(report)
        audit_record(
            actor=actor,
            action="report.reopen",
            obj=report,
            before=before,
            after={"status": report.status, "reopened_at": now, "reason": reason},
        )
    return report
