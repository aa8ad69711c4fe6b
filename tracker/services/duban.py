"""The 督办单 as a closed loop (issue 17): issued to one or more units with a numbered reference
(督办〔2026〕12号), an urgency (红/黄/蓝), a requirement and a deadline; answered with 反馈 and
evidence; closed (办结) or returned with a reason. Every change is audited, and the next sweep
of the calendar tells the people concerned (inbox, e-mail, group robots) from one claim; a sweep
is queued after each change so that nobody waits for the beat. An overdue 督办单 is escalated by
the sweep to the unit's leaders in charge (else the supervisors)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.celery import queue
from tracker.models import (
    DubanEvidence,
    DubanFeedback,
    Problem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Unit,
    User,
)
from tracker.periods import local_today
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.evidence import EvidenceRefused, check_file

SWEEP_TASK = "tracker.tasks.reminders_sweep"
_NUMBER_LOCK = 0x6475_6261


class DubanRefused(Refused):
    """The 督办单 cannot be issued, answered, returned or closed as asked."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _tell_soon() -> None:
    transaction.on_commit(lambda: queue(SWEEP_TASK))


def _next_number(year: int) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_NUMBER_LOCK, year])
    found = SupervisionAction.objects.filter(reference_year=year).aggregate(
        n=Max("reference_number")
    )
    return int(found["n"] or 0) + 1


def duban_issue(
    *,
    actor: User | None,
    units: list[Unit],
    period: ReportingPeriod,
    urgency: str,
    requirement: str,
    deadline: date,
    subject: str = SupervisionAction.Subject.ASSIGNMENT,
    responsibility: Responsibility | None = None,
    report: ProgressReport | None = None,
    problem: Problem | None = None,
    now: datetime | None = None,
) -> list[SupervisionAction]:
    """Issue one 督办单 to each unit, all under one reference number. `actor` None is the
    calendar (逾期自动督办)."""
    now = now or timezone.now()
    requirement = requirement.strip()
    if actor is not None and not can_supervise(actor):
        raise DubanRefused(_("只有督查人员可以下发督办单。"))
    if not units:
        raise DubanRefused(_("请选择督办对象单位。"), {"units": _("请选择督办对象单位。")})
    if urgency not in SupervisionAction.Urgency.values:
        raise DubanRefused(_("请选择紧急程度。"), {"urgency": _("请选择紧急程度。")})
    if subject not in SupervisionAction.Subject.values:
        raise DubanRefused(_("请选择督办事项。"))
    if not requirement:
        raise DubanRefused(_("请填写督办要求。"), {"requirement": _("请填写督办要求。")})
    if deadline < local_today(now):
        raise DubanRefused(_("办理时限不能早于今天。"), {"deadline": _("办理时限不能早于今天。")})
    if report is not None:
        responsibility = report.responsibility
        if report.period_id != period.pk:
            raise DubanRefused(_("所选报告不属于该报送周期。"))
    if responsibility is not None and (
        len(units) != 1
        or responsibility.unit_id != units[0].pk
        or responsibility.assignment.document_id != period.document_id
    ):
        raise DubanRefused(_("所选任务不是该单位在本文件中承担的任务。"))
    year = local_today(now).year
    actions = []
    with transaction.atomic():
        number = _next_number(year)
        for unit in units:
            action = SupervisionAction.objects.create(
                kind=SupervisionAction.Kind.URGE,
                unit=unit,
                period=period,
                responsibility=responsibility,
                problem=problem,
                reason=requirement,
                author=actor,
                reference_year=year,
                reference_number=number,
                urgency=urgency,
                subject=subject,
                requirement=requirement,
                deadline=deadline,
                status=SupervisionAction.Status.OPEN,
                changed_at=now,
            )
            audit_record(
                actor=actor,
                action="duban.issue",
                obj=action,
                after={
                    "reference": action.reference,
                    "unit": unit.name,
                    "urgency": urgency,
                    "deadline": deadline.isoformat(),
                    "requirement": requirement,
                },
            )
            actions.append(action)
        if actor is not None:  # the calendar's own is claimed in the sweep that issued it
            _tell_soon()
    return actions


def _locked(action: SupervisionAction) -> SupervisionAction:
    return SupervisionAction.objects.select_for_update().get(pk=action.pk)


def duban_feedback_submit(
    *,
    action: SupervisionAction,
    actor: User,
    text: str,
    files: list[Upload] | None = None,
    now: datetime | None = None,
) -> DubanFeedback:
    """The unit answers (反馈) with text and evidence: the 督办单 waits for the supervisor."""
    now = now or timezone.now()
    text = text.strip()
    if actor.is_supervisor or actor.unit_id != action.unit_id or actor.is_leader:
        raise DubanRefused(_("只有被督办单位可以反馈。"))
    if not text:
        raise DubanRefused(_("请填写反馈内容。"), {"text": _("请填写反馈内容。")})
    checked = []
    for upload in files or []:
        try:
            kind, original, extension = check_file(upload.name, upload.data)
        except EvidenceRefused as exc:
            raise DubanRefused(exc.message, {"files": exc.message}) from exc
        checked.append((upload, kind.content_type, original, extension))
    with transaction.atomic():
        action = _locked(action)
        if action.status not in (
            SupervisionAction.Status.OPEN,
            SupervisionAction.Status.RETURNED,
        ):
            raise DubanRefused(_("该督办单当前不需要反馈。"))
        action.round += 1
        action.status = SupervisionAction.Status.ANSWERED
        action.changed_at = now
        action.save(update_fields=["round", "status", "changed_at"])
        feedback = DubanFeedback.objects.create(
            action=action, round=action.round, text=text, author=actor
        )
        for upload, content_type, original, extension in checked:
            evidence = DubanEvidence(
                feedback=feedback,
                original_name=original[:255],
                content_type=content_type,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
            )
            evidence.file.save(
                f"{uuid.uuid4().hex}{extension}", ContentFile(upload.data), save=False
            )
            evidence.save()
        audit_record(
            actor=actor,
            action="duban.feedback",
            obj=action,
            after={"round": action.round, "text": text, "files": len(checked)},
        )
        _tell_soon()
    return feedback


def duban_return(
    *, action: SupervisionAction, actor: User, reason: str, now: datetime | None = None
) -> SupervisionAction:
    """The supervisor sends the 反馈 back with a reason: the unit answers again."""
    now = now or timezone.now()
    reason = reason.strip()
    if not can_supervise(actor):
        raise DubanRefused(_("只有督查人员可以退回督办反馈。"))
    if not reason:
        raise DubanRefused(_("请填写退回理由。"), {"reason": _("请填写退回理由。")})
    with transaction.atomic():
        action = _locked(action)
        if action.status != SupervisionAction.Status.ANSWERED:
            raise DubanRefused(_("只有已反馈的督办单可以退回。"))
        action.status = SupervisionAction.Status.RETURNED
        action.return_reason = reason
        action.changed_at = now
        action.save(update_fields=["status", "return_reason", "changed_at"])
        DubanFeedback.objects.filter(action=action, round=action.round).update(
            return_reason=reason, returned_at=now
        )
        audit_record(
            actor=actor,
            action="duban.return",
            obj=action,
            after={"round": action.round, "reason": reason},
        )
        _tell_soon()
    return action


def duban_close(
    *, action: SupervisionAction, actor: User, now: datetime | None = None
) -> SupervisionAction:
    """办结: the supervisor accepts the 反馈."""
    now = now or timezone.now()
    if not can_supervise(actor):
        raise DubanRefused(_("只有督查人员可以办结督办单。"))
    with transaction.atomic():
        action = _locked(action)
        if action.status != SupervisionAction.Status.ANSWERED:
            raise DubanRefused(_("单位反馈后才能办结。"))
        action.status = SupervisionAction.Status.CLOSED
        action.closed_at = now
        action.closed_by = actor
        action.changed_at = now
        action.save(update_fields=["status", "closed_at", "closed_by", "changed_at"])
        audit_record(actor=actor, action="duban.close", obj=action, after={"round": action.round})
        _tell_soon()
    return action
