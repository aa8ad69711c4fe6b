"""A unit's quarterly report: saving a draft and submitting it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_edit_report
from tracker.models import (
    Problem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Target,
    TargetValue,
    User,
)
from tracker.periods import local_today
from tracker.services.audit import audit_record


class ReportRefused(Exception):
    """The save cannot happen; nothing was changed. `message` is shown to the reporter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleReport(ReportRefused):
    """Someone else saved the report since this editor loaded it."""


@dataclass(frozen=True)
class TargetInput:
    actual: Decimal | None = None
    assessment: str = ""
    note: str = ""


def progress_report_save(
    *,
    responsibility: Responsibility,
    period: ReportingPeriod,
    actor: User,
    values: Mapping[int, TargetInput],
    narrative: str,
    problems_text: str,
    next_steps: str,
    expected_version: int | None,
    submit: bool,
    now: datetime | None = None,
) -> ProgressReport:
    """Save (and optionally submit) the report of `responsibility` for `period`.

    `values` maps target ids of the responsibility's assignment to what the reporter entered.
    `expected_version` is the version the editor loaded (None for a report not yet created); a
    different current version means a concurrent edit, refused with StaleReport.
    `now` lets a back-filled report carry its real submission time.
    """
    now = now or timezone.now()
    if not can_edit_report(actor, responsibility):
        raise ReportRefused(_("只能填报本单位承担的任务。"))
    if period.document_id != responsibility.assignment.document_id:
        raise ReportRefused(_("该报送周期不属于此任务所在的文件。"))
    targets = {t.pk: t for t in Target.objects.filter(assignment_id=responsibility.assignment_id)}
    unknown = set(values) - set(targets)
    if unknown:
        raise ReportRefused(_("填报的指标不属于此任务。"))

    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_locked:
            raise ReportRefused(_("本季度报送已锁定，如需补报请联系督查人员。"))
        report, created = ProgressReport.objects.select_for_update().get_or_create(
            responsibility=responsibility, period=period
        )
        current_version = None if created else report.version
        if current_version is not None and expected_version != current_version:
            raise StaleReport(
                _(
                    "该报告已被他人修改（当前版本 %(current)s，您编辑的是版本 %(yours)s），"
                    "请刷新后重新填写。"
                )
                % {"current": current_version, "yours": expected_version or "—"}
            )
        if report.status == ProgressReport.Status.APPROVED:
            raise ReportRefused(_("报告已审核通过，不能再修改。"))

        before = {"status": report.status, "version": report.version} if not created else None
        report.narrative = narrative.strip()
        report.problems_text = problems_text.strip()
        report.next_steps = next_steps.strip()
        if submit:
            report.status = ProgressReport.Status.SUBMITTED
            report.submitted_at = now
            report.submitted_by = actor
            report.is_late = local_today(now) > period.due_on
        if not created:
            report.version += 1
        report.save()
        _store_values(report, values)
        if submit and report.problems_text:
            _raise_problem(report, actor=actor, now=now)
        audit_record(
            actor=actor,
            action="report.submit" if submit else "report.save",
            obj=report,
            before=before,
            after={
                "status": report.status,
                "version": report.version,
                "is_late": report.is_late,
                "values": {
                    str(pk): str(v.actual) if v.actual is not None else v.assessment
                    for pk, v in values.items()
                },
            },
        )
    return report


def _store_values(report: ProgressReport, values: Mapping[int, TargetInput]) -> None:
    existing = {v.target_id: v for v in report.values.all()}
    changed, new = [], []
    for target_id, entered in values.items():
        row = existing.get(target_id)
        if row is None:
            new.append(
                TargetValue(
                    report=report,
                    target_id=target_id,
                    actual=entered.actual,
                    assessment=entered.assessment,
                    note=entered.note,
                )
            )
        else:
            row.actual, row.assessment, row.note = entered.actual, entered.assessment, entered.note
            changed.append(row)
    TargetValue.objects.bulk_create(new)
    TargetValue.objects.bulk_update(changed, ["actual", "assessment", "note"])


def _raise_problem(report: ProgressReport, *, actor: User, now: datetime) -> None:
    """A problem written in a submitted report starts at the reporting unit with its time limit."""
    if report.problems.filter(description=report.problems_text).exists():
        return
    problem = Problem.objects.create(
        report=report,
        unit_id=report.responsibility.unit_id,
        description=report.problems_text,
        level=Problem.Level.UNIT,
        raised_at=now,
        level_deadline=now + timedelta(days=settings.TRACKER_ESCALATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="problem.raise",
        obj=problem,
        after={"level": problem.level, "deadline": problem.level_deadline},
    )
