"""A unit's quarterly report: saving a draft and submitting it (report_save)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_edit_report
from tracker.formatting import clean_text
from tracker.l10n import date_text
from tracker.models import (
    Assessment,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Target,
    TargetValue,
    User,
)
from tracker.periods import local_today
from tracker.selectors.reports import report_is_editable
from tracker.services.audit import audit_record
from tracker.services.errors import Conflict, Refused
from tracker.services.problems import problem_raise
from tracker.services.report_evaluation import report_evaluate
from tracker.services.summaries import summaries_refresh_report

# A growth or decline beyond this many percent is a typing slip, not a figure.
RATE_LIMIT = 1000
# Long enough for a page of 进展情况; a pasted whole document is a mistake worth catching.
TEXT_LIMIT = 5000


class ReportRefused(Refused):
    """The save cannot happen; nothing was changed. `message` is shown to the reporter, and
    `errors` (field name → message) beside the fields that caused it."""


class StaleReport(ReportRefused, Conflict):
    """Someone else saved the report since this editor loaded it."""


@dataclass(frozen=True)
class TargetInput:
    actual: Decimal | None = None
    assessment: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReportInput:
    """Everything a reporter enters in one save, keyed by target id for the values."""

    values: Mapping[int, TargetInput] = field(default_factory=dict)
    narrative: str = ""
    problems_text: str = ""
    next_steps: str = ""
    assessment: str = ""
    # 数据截至 (first day of the month); None keeps what the report had.
    data_month: date | None = None


def value_error(target: Target, entered: TargetInput) -> str | None:
    """Why a value cannot be stored for this target, or None. The form has already turned the
    text into a number (tracker.numbers); this is about what the number means."""
    if target.kind == Target.Kind.QUALITATIVE:
        if entered.actual is not None:
            return _("定性指标只需选择自评，不填数值。")
        if entered.assessment and entered.assessment not in Assessment.values:
            return _("请选择有效的自评结果。")
        return None
    if entered.assessment:
        return _("定量指标请填写累计完成值。")
    actual = entered.actual
    if actual is None:
        return None
    if not actual.is_finite():
        return _("请填写有效的数字。")
    if target.kind == Target.Kind.SHARE and target.measure_unit in ("%", "‰"):
        ceiling = 1000 if target.measure_unit == "‰" else 100
        if not 0 <= actual <= ceiling:
            return _("比重/比率应在 0 到 %(ceiling)s%(unit)s 之间。") % {
                "ceiling": ceiling,
                "unit": target.measure_unit,
            }
    if target.kind in (Target.Kind.GROWTH, Target.Kind.DECREASE) and abs(actual) > RATE_LIMIT:
        return _("增速、降幅应在 ±%(limit)s 以内，请核对是否多填了位数。") % {"limit": RATE_LIMIT}
    if target.kind == Target.Kind.RANK and (actual < 1 or actual != actual.to_integral_value()):
        return _("位次应为正整数（如 3 表示第3名）。")
    if (
        target.kind in (Target.Kind.LEVEL, Target.Kind.COUNT)
        and actual < 0
        and "净" not in target.indicator
    ):
        return _("累计完成值不能为负数（增速请填在增速类指标中）。")
    return None


def _validate(
    report_input: ReportInput, targets: dict[int, Target], *, submit: bool, has_targets: bool
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for target_id, entered in report_input.values.items():
        problem = value_error(targets[target_id], entered)
        if problem:
            errors[f"target-{target_id}"] = problem
        if len(entered.note) > 500:
            errors[f"note-{target_id}"] = _("说明不超过500字。")
    for name in ("narrative", "problems_text", "next_steps"):
        if len(getattr(report_input, name)) > TEXT_LIMIT:
            errors[name] = _("不超过%(limit)s字。") % {"limit": TEXT_LIMIT}
    if report_input.assessment and report_input.assessment not in Assessment.values:
        errors["assessment"] = _("请选择有效的自评结果。")
    if submit and not report_input.narrative.strip():
        errors["narrative"] = _("报送前请填写进展情况。")
    gave_figures = any(v.actual is not None or v.assessment for v in report_input.values.values())
    if submit and not report_input.assessment and not gave_figures:
        errors["assessment"] = (
            _("请填写指标的累计完成值，或选择总体自评。")
            if has_targets
            else _("该任务没有量化指标，报送前请选择自评结果。")
        )
    return errors


def report_check(
    *,
    responsibility: Responsibility,
    period: ReportingPeriod,
    actor: User,
    report_input: ReportInput,
    submit: bool,
    now: datetime,
    assignment_version: int | None = None,
) -> dict[int, Target]:
    """Every check report_save makes before it writes (who, which period, the task's version,
    the window, each value): raises ReportRefused, or returns the task's targets by id. The
    quarter's sheet previews its rows with it, so a row is judged exactly as the form would be.
    Whether the stored report may still change, and its version, are checked when saving."""
    if not can_edit_report(actor, responsibility):
        raise ReportRefused(_("只能填报本单位承担的任务。"))
    # Read afresh, the unit's part and its task in one query: publishing may have set the
    # tracked span since the caller loaded it, and an amendment may have changed or withdrawn
    # either. The document's text and extraction (hundreds of KB) play no part in a report.
    fresh = (
        Responsibility.all_objects.select_related("assignment__document")
        .defer("assignment__document__source_text", "assignment__document__extraction")
        .get(pk=responsibility.pk)
    )
    assignment = fresh.assignment
    responsibility.assignment = assignment
    if assignment.removed_at is not None or fresh.removed_at is not None:
        raise ReportRefused(_("该任务（或本单位的责任分工）已按文件修订撤销，无需再填报。"))
    if assignment_version is not None and assignment_version != assignment.version:
        raise StaleReport(
            _(
                "该任务在您打开填报页面后已调整（如指标或完成时限变化），您填写的内容尚未保存，"
                "请复制后刷新页面，按调整后的要求填报。"
            )
        )
    if period.document_id != assignment.document_id:
        raise ReportRefused(_("该报送周期不属于此任务所在的文件。"))
    if assignment.schedule_id is not None and period.schedule_id != assignment.schedule_id:
        raise ReportRefused(_("该报送周期不属于此任务的报送规则。"))
    if assignment.active_until is not None and period.starts_on > assignment.active_until:
        raise ReportRefused(_("该任务的完成时限已过，本期无需报送。"))
    if submit and local_today(now) < period.opens_on:
        # A period's figures are cumulative to its end; before the window opens they would be
        # counted as on time and silence the reminders. A draft may be kept meanwhile.
        raise ReportRefused(
            _("本期报送将于%(day)s开始，届时再提交；现在可先保存草稿。")
            % {"day": date_text(period.opens_on)}
        )
    targets = {t.pk: t for t in Target.objects.filter(assignment_id=assignment.pk)}
    if set(report_input.values) - set(targets):
        raise ReportRefused(_("填报的指标不属于此任务。"))
    errors = _validate(report_input, targets, submit=submit, has_targets=bool(targets))
    if errors:
        raise ReportRefused(_("填报内容有误，请按提示修改后再保存。"), errors)
    return targets


def report_save(
    *,
    responsibility: Responsibility,
    period: ReportingPeriod,
    actor: User,
    report_input: ReportInput,
    expected_version: int | None,
    submit: bool,
    now: datetime | None = None,
    assignment_version: int | None = None,
    autosave: bool = False,
) -> ProgressReport:
    """Save (and optionally submit) the report of `responsibility` for `period`.

    `report_input.values` maps target ids of the responsibility's assignment to what the reporter
    entered. `expected_version` is the version the editor loaded (None for a report not yet
    created); a different current version means a concurrent edit, refused with StaleReport.
    `assignment_version` is the task's version the form was opened at: an amendment since (a
    target added or withdrawn, a deadline moved) makes the form stale, refused the same way.
    `now` lets a back-filled report carry its real submission time. `autosave` marks a draft the
    page saved by itself as the reporter typed (audited as such; it never submits). Every
    refusal raises ReportRefused before anything is written.
    """
    now = now or timezone.now()
    if autosave and submit:
        raise ValueError("an autosave never submits")
    targets = report_check(
        responsibility=responsibility,
        period=period,
        actor=actor,
        report_input=report_input,
        submit=submit,
        now=now,
        assignment_version=assignment_version,
    )

    with transaction.atomic():
        report, created = ProgressReport.objects.select_for_update().get_or_create(
            responsibility=responsibility, period=period
        )
        # The period is read inside the transaction: a lock committed meanwhile is seen.
        report.period = ReportingPeriod.objects.get(pk=period.pk)
        report.responsibility = responsibility
        current_version = None if created else report.version
        if current_version is not None and expected_version != current_version:
            raise StaleReport(
                _(
                    "该报告已被他人修改（当前版本 %(current)s，您编辑的是版本 %(yours)s），"
                    "您填写的内容尚未保存，请复制后刷新页面再提交。"
                )
                % {"current": current_version, "yours": expected_version or "—"}
            )
        if not report_is_editable(None if created else report, report.period):
            if report.period.is_locked and report.status in (
                ProgressReport.Status.DRAFT,
                ProgressReport.Status.RETURNED,
            ):
                raise ReportRefused(_("本期报送已锁定，如需补报请联系督查人员重新开放。"))
            raise ReportRefused(
                _("报告已%(status)s，不能再修改。") % {"status": report.get_status_display()}
            )

        before = None if created else {"status": report.status, "version": report.version}
        report.narrative = clean_text(report_input.narrative).strip()
        report.problems_text = clean_text(report_input.problems_text).strip()
        report.next_steps = clean_text(report_input.next_steps).strip()
        report.assessment = report_input.assessment
        if report_input.data_month is not None:
            report.data_month = report_input.data_month
        if submit:
            if report.submitted_at is None:
                # Timeliness is decided by the first submission; a resubmission after a return
                # does not make an on-time report late.
                report.is_late = local_today(now) > report.period.due_on
            report.status = ProgressReport.Status.SUBMITTED
            report.submitted_at = now
            report.submitted_by = actor
        if not created:
            report.version += 1
        _store_values(report, report_input.values, targets)
        report.save()
        summaries_refresh_report(report)
        if submit:
            problem_raise(report=report, description=report.problems_text, actor=actor, now=now)
        audit_record(
            actor=actor,
            action="report.submit"
            if submit
            else ("report.autosave" if autosave else "report.save"),
            obj=report,
            before=before,
            after={
                "status": report.status,
                "version": report.version,
                "is_late": report.is_late,
                "colour": report.colour,
                "values": {
                    str(pk): str(v.actual) if v.actual is not None else v.assessment
                    for pk, v in report_input.values.items()
                },
            },
        )
    return report


def _store_values(
    report: ProgressReport, values: Mapping[int, TargetInput], targets: dict[int, Target]
) -> None:
    """Write what was entered with what it means (report_evaluate, which also sets the report's
    colour for the caller's save): the new rows in one INSERT and the rows the report had in
    one UPDATE, entered and derived columns together, rather than a write for each."""
    existing = {v.target_id: v for v in report.values.all()}
    new = []
    for target_id, entered in values.items():
        row = existing.get(target_id)
        if row is None:
            row = TargetValue(report=report, target_id=target_id)
            new.append(row)
            existing[target_id] = row
        row.actual, row.assessment, row.note = entered.actual, entered.assessment, entered.note
        row.note = row.note.strip()
    evaluated = report_evaluate(report, list(existing.values()), targets)
    # A value of a target an amendment withdrew is left as it was (report_evaluate skips it);
    # what was entered always belongs to a current target (report_check).
    TargetValue.objects.bulk_create(new)
    TargetValue.objects.bulk_update(
        [row for row in evaluated if row.pk is not None], _VALUE_COLUMNS
    )


# Everything _store_values writes on a value row it already had.
_VALUE_COLUMNS = [
    "actual",
    "assessment",
    "note",
    "elapsed",
    "completion",
    "pace",
    "gap_pp",
    "met",
    "colour",
]
