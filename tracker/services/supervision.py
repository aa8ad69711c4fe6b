"""督办、通报、面商、约谈: recording what supervisors do about a unit's work in a quarter."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import (
    Problem,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Unit,
    User,
)
from tracker.services.audit import audit_record
from tracker.services.errors import Refused


class ActionRefused(Refused):
    """The 督办/通报/面商/约谈 cannot be recorded as given."""


def supervision_action_record(
    *,
    kind: str,
    unit: Unit,
    period: ReportingPeriod,
    reason: str,
    actor: User | None,
    responsibility: Responsibility | None = None,
    problem: Problem | None = None,
    linked_to: SupervisionAction | None = None,
) -> SupervisionAction:
    """Record an action against a unit for a period. `actor` None is the calendar escalating on
    its own (逾期自动督办); people need the supervisor role."""
    reason = reason.strip()
    if actor is not None and not can_supervise(actor):
        raise ActionRefused(_("只有督查人员可以发起督办、通报、面商或约谈。"))
    if kind not in SupervisionAction.Kind.values:
        raise ActionRefused(_("请选择督办方式。"))
    if not reason:
        raise ActionRefused(_("请填写事由。"))
    if responsibility is not None and (
        responsibility.unit_id != unit.pk
        or responsibility.assignment.document_id != period.document_id
    ):
        raise ActionRefused(_("所选任务不是该单位在本文件中承担的任务。"))
    if not Responsibility.objects.filter(
        unit=unit, assignment__document_id=period.document_id
    ).exists():
        raise ActionRefused(_("该单位在此文件中没有承担任务。"))
    with transaction.atomic():
        action = SupervisionAction.objects.create(
            kind=kind,
            unit=unit,
            period=period,
            responsibility=responsibility,
            problem=problem,
            reason=reason,
            author=actor,
            linked_to=linked_to,
        )
        audit_record(
            actor=actor,
            action=f"supervision.{kind}",
            obj=action,
            after={
                "unit": unit.name,
                "period": str(period),
                "reason": reason,
                "responsibility": responsibility.pk if responsibility else None,
            },
        )
    return action
