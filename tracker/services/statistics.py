"""Saving a statistics sheet (issue 13): every matched row becomes its indicators' reports — the
lead unit's report for the period holding the 数据截至 month, submitted with the figures and that
month — in one transaction, each report audited. Rows that are ambiguous, unknown or invalid are
not saved; a report already approved, or in a locked period not reopened, is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_upload_statistics
from tracker.l10n import period_text
from tracker.models import ProgressReport, TargetValue, User
from tracker.periods import local_today
from tracker.selectors.statistics import Placement, StatisticsPlan, statistics_plan
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.report_evaluation import report_evaluate
from tracker.services.summaries import summaries_refresh_report
from tracker.statistics_files import StatisticsRow


@dataclass
class StatisticsOutcome:
    plan: StatisticsPlan
    reports: list[ProgressReport] = field(default_factory=list)
    values: int = 0
    skipped: list[str] = field(default_factory=list)


def statistics_apply(
    *, rows: list[StatisticsRow], year: int, actor: User, now: datetime | None = None
) -> StatisticsOutcome:
    if not can_upload_statistics(actor):
        raise Refused(_("只有督查人员或统计局填报员可以上传统计数据。"))
    now = now or timezone.now()
    with transaction.atomic():
        plan = statistics_plan(rows, year=year)
        outcome = StatisticsOutcome(plan=plan)
        groups: dict[tuple[int, int], list[tuple[Placement, date]]] = {}
        for line in plan.savable:
            assert line.month is not None  # noqa: S101 - a matched line has its month
            for placement in line.placements:
                if placement.period is None or placement.responsibility is None:
                    continue
                key = (placement.responsibility.pk, placement.period.pk)
                groups.setdefault(key, []).append((placement, line.month))
        for placements in groups.values():
            report = _save_report(placements, actor=actor, now=now, outcome=outcome)
            if report is not None:
                outcome.reports.append(report)
        audit_record(
            actor=actor,
            action="statistics.upload",
            after={
                "year": year,
                "rows": len(plan.lines),
                "matched": len(plan.savable),
                "reports": [r.pk for r in outcome.reports],
                "skipped": outcome.skipped,
            },
        )
    return outcome


def _save_report(
    placements: list[tuple[Placement, date]],
    *,
    actor: User,
    now: datetime,
    outcome: StatisticsOutcome,
) -> ProgressReport | None:
    first, month = placements[0]
    responsibility, period = first.responsibility, first.period
    assert responsibility is not None and period is not None  # noqa: S101 - grouped on both
    report, created = ProgressReport.objects.select_for_update().get_or_create(
        responsibility=responsibility, period=period
    )
    name = responsibility.assignment.title
    if report.status == ProgressReport.Status.APPROVED:
        outcome.skipped.append(_("%(name)s：本期报告已审核，未覆盖。") % {"name": name})
        return None
    if period.is_locked and report.reopened_at is None:
        outcome.skipped.append(_("%(name)s：本期已锁定，未写入。") % {"name": name})
        return None
    before = None if created else {"status": report.status, "version": report.version}
    month_text = period_text(month.year, "monthly", month.month)
    for placement, _month in placements:
        value, _created = TargetValue.objects.get_or_create(report=report, target=placement.target)
        value.actual = placement.actual
        value.growth = placement.growth
        value.note = _("统计数据，截至%(m)s") % {"m": month_text}
        value.save()
        outcome.values += 1
    report.data_month = month
    if not report.narrative:
        report.narrative = _("根据统计部门数据填报，数据截至%(m)s。") % {"m": month_text}
    if report.status in (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED):
        if report.submitted_at is None:
            report.is_late = local_today(now) > period.due_on
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor
    if not created:
        report.version += 1
    targets = {t.pk: t for t in responsibility.assignment.targets.all()}
    evaluated = report_evaluate(report, list(report.values.all()), targets)
    TargetValue.objects.bulk_update(
        evaluated, ["elapsed", "completion", "pace", "gap_pp", "met", "colour"]
    )
    report.save()
    summaries_refresh_report(report)
    audit_record(
        actor=actor,
        action="report.statistics",
        obj=report,
        before=before,
        after={
            "status": report.status,
            "version": report.version,
            "data_month": month.isoformat(),
            "colour": report.colour,
            "values": {
                str(p.target.pk): str(p.actual) if p.actual is not None else ""
                for p, _m in placements
            },
        },
    )
    return report
