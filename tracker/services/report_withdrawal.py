"""Withdrawing a submitted report before anyone has reviewed it (撤回报送): the unit noticed a
mistake and wants to correct it without asking a reviewer to return it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_edit_report
from tracker.models import ProgressReport, User
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.report_evaluation import report_evaluate_and_store


class WithdrawRefused(Refused):
    """The report cannot be withdrawn: reviewed already, not submitted, or not the unit's."""


def report_withdraw(
    *,
    report: ProgressReport,
    actor: User,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ProgressReport:
    """Turn a submitted, not yet reviewed report back into the unit's draft.

    The first submission's time and lateness stay: withdrawing and submitting again never makes
    a late report on time (report_save decides lateness only when nothing was submitted before).
    After the period's lock a withdrawn report could not be submitted again, so it is refused
    unless a supervisor reopened it.
    """
    if not can_edit_report(actor, report.responsibility):
        raise WithdrawRefused(_("只能撤回本单位的报告。"))
    now = now or timezone.now()
    with transaction.atomic():
        fresh = (
            ProgressReport.objects.select_for_update()
            .select_related("period", "responsibility__assignment__document")
            .get(pk=report.pk)
        )
        if expected_version is not None and fresh.version != expected_version:
            raise WithdrawRefused(_("该报告已被他人处理，请刷新页面后查看当前状态。"))
        if fresh.status != ProgressReport.Status.SUBMITTED:
            raise WithdrawRefused(
                _("只有已报送、尚未审核的报告可以撤回（当前状态：%(status)s）。")
                % {"status": fresh.get_status_display()}
            )
        if fresh.period.is_locked and fresh.reopened_at is None:
            raise WithdrawRefused(_("本期报送已锁定，撤回后将无法再报送；如需更正请联系督查人员。"))
        before = {"status": fresh.status, "version": fresh.version, "colour": fresh.colour}
        fresh.status = ProgressReport.Status.DRAFT
        fresh.version += 1
        fresh.save(update_fields=["status", "version", "updated_at"])
        # A draft carries no light: the dashboards count it as not yet reported.
        report_evaluate_and_store(fresh)
        audit_record(
            actor=actor,
            action="report.withdraw",
            obj=fresh,
            before=before,
            after={
                "status": fresh.status,
                "version": fresh.version,
                "is_late": fresh.is_late,
                "first_submitted_at": fresh.submitted_at,
                "withdrawn_at": now,
            },
        )
    return fresh
