"""Reviewing a submitted report: approve it (审核通过), return it with a reason (退回), and give a
judgement on qualitative items (审核评价) that overrides their computed colour."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_approve_report, can_review_report
from tracker.models import Judgement, ProgressReport, TargetValue, User
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.report_evaluation import report_evaluate_and_store
from tracker.services.summaries import summaries_refresh_report


class ReviewRefused(Refused):
    """The report cannot be approved or returned in its state or by this person."""


def _locked_report(report: ProgressReport, expected_version: int | None) -> ProgressReport:
    fresh = (
        ProgressReport.objects.select_for_update()
        .select_related("period", "responsibility__assignment__document")
        .get(pk=report.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise ReviewRefused(_("该报告在您审核期间已被修改，请刷新后重新审核。"))
    return fresh


def report_approve(
    *,
    report: ProgressReport,
    actor: User,
    expected_version: int | None = None,
    judgements: Mapping[int, str] | None = None,
    report_judgement: str = "",
    now: datetime | None = None,
) -> ProgressReport:
    """Approve a submitted report, optionally with judgements (target id → Judgement value)."""
    if not can_approve_report(actor):
        raise ReviewRefused(_("只有督查人员可以审核通过报告。"))
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked_report(report, expected_version)
        if report.status != ProgressReport.Status.SUBMITTED:
            raise ReviewRefused(
                _("只有已报送的报告可以审核（当前状态：%(status)s）。")
                % {"status": report.get_status_display()}
            )
        _apply_judgements(report, judgements or {}, report_judgement)
        before = {"status": report.status, "version": report.version}
        report.status = ProgressReport.Status.APPROVED
        report.reviewed_at = now
        report.reviewed_by = actor
        report.version += 1
        report.save()
        report_evaluate_and_store(report)
        audit_record(
            actor=actor,
            action="report.approve",
            obj=report,
            before=before,
            after={
                "status": report.status,
                "version": report.version,
                "colour": report.colour,
                "judgements": {str(k): v for k, v in (judgements or {}).items()},
                "report_judgement": report.judgement,
            },
        )
    return report


def report_return(
    *,
    report: ProgressReport,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ProgressReport:
    """Send a submitted (or approved, by a supervisor) report back to its unit with a reason.

    After the period's lock, returning it also reopens it, or the unit could not correct it.
    """
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(_("退回时请填写原因，便于填报单位修改。"))
    if not can_review_report(actor, report):
        raise ReviewRefused(_("您无权审核此报告。"))
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked_report(report, expected_version)
        allowed = [ProgressReport.Status.SUBMITTED]
        if can_approve_report(actor):
            allowed.append(ProgressReport.Status.APPROVED)
        if report.status not in allowed:
            raise ReviewRefused(
                _("该报告当前状态为“%(status)s”，不能退回。")
                % {"status": report.get_status_display()}
            )
        if report.period.is_locked and not can_approve_report(actor):
            # After the lock a return reopens the report, which is the supervisors' decision.
            raise ReviewRefused(_("本季度报送已锁定，退回需由督查人员办理。"))
        before = {"status": report.status, "version": report.version}
        report.status = ProgressReport.Status.RETURNED
        report.return_reason = reason
        report.reviewed_at = now
        report.reviewed_by = actor
        if report.period.is_locked:
            report.reopened_at = now
            report.reopened_by = actor
            report.reopen_reason = reason
        report.version += 1
        report.save()
        summaries_refresh_report(report)
        audit_record(
            actor=actor,
            action="report.return",
            obj=report,
            before=before,
            after={"status": report.status, "reason": reason, "version": report.version},
        )
    return report


def _apply_judgements(
    report: ProgressReport, judgements: Mapping[int, str], report_judgement: str
) -> None:
    if report_judgement and report_judgement not in Judgement.values:
        raise ReviewRefused(_("审核评价无效。"))
    report.judgement = report_judgement or report.judgement
    if not judgements:
        return
    own = set(report.responsibility.assignment.targets.values_list("pk", flat=True))
    if set(judgements) - own:
        raise ReviewRefused(_("审核评价的指标不属于此任务。"))
    values = {v.target_id: v for v in report.values.all()}
    changed = []
    for target_id, judgement in judgements.items():
        if judgement and judgement not in Judgement.values:
            raise ReviewRefused(_("审核评价无效。"))
        value = values.get(target_id)
        if value is None:
            value = TargetValue.objects.create(report=report, target_id=target_id)
        value.judgement = judgement
        changed.append(value)
    TargetValue.objects.bulk_update(changed, ["judgement"])
