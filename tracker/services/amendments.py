"""Amending a published document (修订): add or remove a task, a unit's responsibility or a
target, change a deadline — each with a reason, numbered (第N次修订), audited, and told to the
units it concerns after commit (tracker.services.amendment_notices).

Nothing reported is lost: a removed task, responsibility or target is set aside
(tracker.models.removal), with its reports and values still attached and readable; it simply no
longer counts or asks for reports. Every amendment raises the assignment's version, and the
report form carries the version it was opened at (report_save's `assignment_version`), so a
form opened before the change is refused as stale instead of saving against the old task.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_import_documents
from tracker.celery import queue
from tracker.models import (
    SUBMITTED_STATUSES,
    Assignment,
    Document,
    DocumentAmendment,
    ProgressReport,
    Responsibility,
    Target,
    Unit,
    User,
)
from tracker.services.audit import audit_record
from tracker.services.document_drafts import TARGET_FIELDS
from tracker.services.errors import Refused
from tracker.services.report_evaluation import report_evaluate_and_store
from tracker.services.reporting_periods import assignments_activate, periods_ensure
from tracker.services.summaries import summaries_refresh

# The worker's entry point, by name: services sit below the tasks and never import them.
AMENDMENT_TASK = "tracker.tasks.amendment_announce"
REASON_LIMIT = 2000

Kind = DocumentAmendment.Kind


class AmendmentRefused(Refused):
    """The amendment cannot be made; nothing was changed."""


def _open(document: Document, actor: User | None, reason: str) -> tuple[Document, str]:
    """The published document locked for the amendment, and the reason as kept."""
    if actor is not None and not can_import_documents(actor):
        raise AmendmentRefused(_("只有督查人员和管理员可以修订文件。"))
    reason = reason.strip()
    if not reason:
        raise AmendmentRefused(_("请填写修订原因。"), {"reason": _("请填写修订原因。")})
    if len(reason) > REASON_LIMIT:
        message = _("修订原因不超过%(n)s字。") % {"n": REASON_LIMIT}
        raise AmendmentRefused(message, {"reason": message})
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != Document.Status.PUBLISHED:
        raise AmendmentRefused(_("只有已发布的文件可以修订（草稿请在审核页面修改）。"))
    return locked, reason


def _current(assignment: Assignment) -> Assignment:
    found = Assignment.all_objects.select_for_update().get(pk=assignment.pk)
    if found.removed_at is not None:
        raise AmendmentRefused(_("该任务已撤销，不能再修订。"))
    return found


def _record(
    document: Document,
    *,
    kind: str,
    assignment: Assignment,
    actor: User | None,
    reason: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    notify: Iterable[int],
    target: Target | None = None,
    unit: Unit | None = None,
) -> DocumentAmendment:
    """Number and keep the amendment, raise the assignment's version (forms opened before are
    stale now), audit it, and queue the notice to the units after commit."""
    number = (document.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
    Assignment.all_objects.filter(pk=assignment.pk).update(version=F("version") + 1)
    # Every amendment changes what the assignment's slots are: units added or set aside, the
    # assignment removed or added, its tracked span moved.
    summaries_refresh(assignment_ids=[assignment.pk])
    amendment = DocumentAmendment.objects.create(
        document=document,
        number=number,
        kind=kind,
        assignment=assignment,
        target=target,
        unit=unit,
        reason=reason,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        notified_units=sorted(set(notify)),
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=f"document.amend.{kind}",
        obj=document,
        before=amendment.before,
        after={
            **(amendment.after or {}),
            "amendment": number,
            "assignment": assignment.pk,
            "reason": reason,
        },
    )
    amendment_id = amendment.pk
    transaction.on_commit(lambda: queue(AMENDMENT_TASK, amendment_id))
    return amendment


def _holders(assignment: Assignment) -> list[int]:
    return list(
        Responsibility.objects.filter(assignment=assignment).values_list("unit_id", flat=True)
    )


def _leads(assignment: Assignment) -> list[int]:
    return list(
        Responsibility.objects.filter(
            assignment=assignment, role=Responsibility.Role.LEAD
        ).values_list("unit_id", flat=True)
    )


def _set_aside(rows: Any, *, actor: User | None, reason: str, now: datetime) -> int:
    return int(rows.update(removed_at=now, removed_by=actor, removal_reason=reason))


def _reevaluate(assignment: Assignment) -> None:
    """Submitted reports of the assignment judged again (its targets or tracked span changed);
    what the units entered is untouched."""
    for report in (
        ProgressReport.objects.filter(
            responsibility__assignment=assignment, status__in=SUBMITTED_STATUSES
        )
        .select_related("responsibility__assignment__document", "period")
        .prefetch_related("values")
    ):
        report_evaluate_and_store(report)


def _target_values(target: Target) -> dict[str, Any]:
    values = {name: getattr(target, name) for name in TARGET_FIELDS}
    values["id"] = target.pk
    return values


def _check_target(values: Mapping[str, Any]) -> None:
    kind = values.get("kind") or Target.Kind.LEVEL
    value, high = values.get("value"), values.get("value_high")
    if kind not in Target.Kind.values:
        raise AmendmentRefused(_("指标类型无效。"))
    if kind == Target.Kind.QUALITATIVE and value is not None:
        raise AmendmentRefused(_("定性指标不填目标值。"))
    if kind != Target.Kind.QUALITATIVE and value is None:
        raise AmendmentRefused(_("量化指标须填写目标值。"))
    if high is not None and (value is None or Decimal(high) < Decimal(value)):
        raise AmendmentRefused(_("目标上限不能小于目标值。"))
    if not str(values.get("indicator") or "").strip():
        raise AmendmentRefused(_("请填写指标名称。"))


def _new_targets(
    document: Document, assignment: Assignment, targets: Sequence[Mapping[str, Any]]
) -> list[Target]:
    last = Target.all_objects.filter(assignment=assignment).aggregate(last=Max("position"))
    position = last["last"] or 0
    created = []
    for values in targets:
        _check_target(values)
        position += 1
        target = Target(
            document=document,
            assignment=assignment,
            position=position,
            edited=True,
            text=_("修订增加"),
        )
        for name in TARGET_FIELDS:
            if name in values:
                setattr(target, name, values[name])
        target.indicator = str(target.indicator or "").strip()[:200]
        target.measure_unit = str(target.measure_unit or "").strip()[:30]
        target.scope = str(target.scope or "").strip()[:100]
        target.save()
        created.append(target)
    return created


# --- the amendments ---------------------------------------------------------------------------


def amendment_assignment_add(
    *,
    document: Document,
    actor: User | None,
    reason: str,
    title: str,
    ref: str = "",
    text: str = "",
    deadline: date | None = None,
    lead_units: Sequence[Unit] = (),
    co_units: Sequence[Unit] = (),
    targets: Sequence[Mapping[str, Any]] = (),
) -> DocumentAmendment:
    """A new task for the published document, with its units (a unit named both as lead and as
    co-unit leads) and targets; reporting starts with the periods the document already has."""
    title = " ".join(title.split())[:500]
    if not title:
        raise AmendmentRefused(_("请填写任务标题。"), {"title": _("请填写任务标题。")})
    units = [*lead_units, *co_units]
    if not units:
        message = _("请至少选择一个牵头单位或责任单位。")
        raise AmendmentRefused(message, {"lead_units": message})
    retired = [u.name for u in units if not u.is_active or u.merged_into_id]
    if retired:
        raise AmendmentRefused(
            _("以下单位已停用或已合并：%(names)s") % {"names": "、".join(retired)}
        )
    with transaction.atomic():
        locked, reason = _open(document, actor, reason)
        last = Assignment.all_objects.filter(document=locked).aggregate(last=Max("position"))
        position = (last["last"] or 0) + 1
        assignment = Assignment.objects.create(
            document=locked,
            position=position,
            ref=ref.strip()[:60],
            number=(ref.strip().rsplit(".", 1)[-1])[:20],
            title=title,
            text=text.strip(),
            deadline=deadline,
            lead_units_text=[u.name for u in lead_units],
            responsible_units_text=[u.name for u in co_units],
            added_by_reviewer=True,
        )
        created = _new_targets(locked, assignment, targets)
        roles: dict[int, str] = {}
        for unit in lead_units:
            roles.setdefault(unit.pk, Responsibility.Role.LEAD)
        for unit in co_units:
            roles.setdefault(unit.pk, Responsibility.Role.CO)
        Responsibility.objects.bulk_create(
            Responsibility(assignment=assignment, unit_id=pk, role=role, mention=_("修订增加"))
            for pk, role in roles.items()
        )
        assignments_activate(locked)
        periods_ensure(locked)
        return _record(
            locked,
            kind=Kind.ADD_ASSIGNMENT,
            assignment=assignment,
            actor=actor,
            reason=reason,
            before=None,
            after={
                "ref": assignment.ref,
                "title": assignment.title,
                "deadline": assignment.deadline,
                "units": roles,
                "targets": [_target_values(t) for t in created],
            },
            notify=roles,
        )


def amendment_assignment_remove(
    *, assignment: Assignment, actor: User | None, reason: str, now: datetime | None = None
) -> DocumentAmendment:
    """Withdraw a task: it, its responsibilities and its targets are set aside with the reason;
    its reports stay attached and readable, and it is no longer reported or counted."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, reason = _open(assignment.document, actor, reason)
        current = _current(assignment)
        holders = _holders(current)
        responsibilities = _set_aside(
            Responsibility.objects.filter(assignment=current), actor=actor, reason=reason, now=now
        )
        targets = _set_aside(
            Target.objects.filter(assignment=current), actor=actor, reason=reason, now=now
        )
        _set_aside(Assignment.objects.filter(pk=current.pk), actor=actor, reason=reason, now=now)
        return _record(
            locked,
            kind=Kind.REMOVE_ASSIGNMENT,
            assignment=current,
            actor=actor,
            reason=reason,
            before={"ref": current.ref, "title": current.title, "units": holders},
            after={"responsibilities_removed": responsibilities, "targets_removed": targets},
            notify=holders,
        )


def amendment_responsibility_add(
    *, assignment: Assignment, unit: Unit, role: str, actor: User | None, reason: str
) -> DocumentAmendment:
    """Give a unit a responsibility for the task (one set aside before is brought back, with its
    reports)."""
    if role not in Responsibility.Role.values:
        raise AmendmentRefused(_("角色无效。"))
    if not unit.is_active or unit.merged_into_id:
        raise AmendmentRefused(_("单位“%(name)s”已停用或已合并。") % {"name": unit.name})
    with transaction.atomic():
        locked, reason = _open(assignment.document, actor, reason)
        current = _current(assignment)
        if Responsibility.objects.filter(assignment=current, unit=unit).exists():
            raise AmendmentRefused(
                _("“%(unit)s”已承担该任务。") % {"unit": unit.name}, {"unit": ""}
            )
        earlier = (
            Responsibility.all_objects.filter(
                assignment=current, unit=unit, removed_at__isnull=False
            )
            .order_by("-removed_at")
            .first()
        )
        if earlier is not None:
            earlier.removed_at, earlier.removed_by, earlier.removal_reason = None, None, ""
            earlier.role = role
            earlier.save(update_fields=["removed_at", "removed_by", "removal_reason", "role"])
            responsibility = earlier
        else:
            responsibility = Responsibility.objects.create(
                assignment=current, unit=unit, role=role, mention=_("修订增加")
            )
        field = "lead_units_text" if role == Responsibility.Role.LEAD else "responsible_units_text"
        names = list(getattr(current, field) or [])
        if unit.name not in names:
            Assignment.all_objects.filter(pk=current.pk).update(**{field: [*names, unit.name]})
        return _record(
            locked,
            kind=Kind.ADD_RESPONSIBILITY,
            assignment=current,
            unit=unit,
            actor=actor,
            reason=reason,
            before=None,
            after={
                "unit": unit.pk,
                "unit_name": unit.name,
                "role": role,
                "responsibility": responsibility.pk,
                "restored": earlier is not None,
            },
            notify=[unit.pk, *_leads(current)],
        )


def amendment_responsibility_remove(
    *,
    responsibility: Responsibility,
    actor: User | None,
    reason: str,
    now: datetime | None = None,
) -> DocumentAmendment:
    """Relieve a unit of the task: its responsibility is set aside with its reports."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = responsibility.assignment
        locked, reason = _open(assignment.document, actor, reason)
        current = _current(assignment)
        row = Responsibility.all_objects.select_for_update().get(pk=responsibility.pk)
        if row.removed_at is not None:
            raise AmendmentRefused(_("该责任分工已撤销。"))
        if Responsibility.objects.filter(assignment=current).count() == 1:
            raise AmendmentRefused(_("这是该任务唯一的责任单位；如不再跟踪该任务，请撤销任务。"))
        notify = [row.unit_id, *_leads(current)]
        _set_aside(Responsibility.objects.filter(pk=row.pk), actor=actor, reason=reason, now=now)
        return _record(
            locked,
            kind=Kind.REMOVE_RESPONSIBILITY,
            assignment=current,
            unit=row.unit,
            actor=actor,
            reason=reason,
            before={"unit": row.unit_id, "unit_name": row.unit.name, "role": row.role},
            after={"responsibility": row.pk, "reports_kept": row.reports.count()},
            notify=notify,
        )


def amendment_target_add(
    *, assignment: Assignment, values: Mapping[str, Any], actor: User | None, reason: str
) -> DocumentAmendment:
    with transaction.atomic():
        locked, reason = _open(assignment.document, actor, reason)
        current = _current(assignment)
        (target,) = _new_targets(locked, current, [values])
        return _record(
            locked,
            kind=Kind.ADD_TARGET,
            assignment=current,
            target=target,
            actor=actor,
            reason=reason,
            before=None,
            after=_target_values(target),
            notify=_holders(current),
        )


def amendment_target_remove(
    *, target: Target, actor: User | None, reason: str, now: datetime | None = None
) -> DocumentAmendment:
    """Withdraw a target: the values reported against it stay readable; reports are judged on
    the targets that remain."""
    now = now or timezone.now()
    if target.assignment is None:
        raise AmendmentRefused(_("只能撤销任务的指标。"))
    with transaction.atomic():
        locked, reason = _open(target.assignment.document, actor, reason)
        current = _current(target.assignment)
        row = Target.all_objects.select_for_update().get(pk=target.pk)
        if row.removed_at is not None:
            raise AmendmentRefused(_("该指标已撤销。"))
        _set_aside(Target.objects.filter(pk=row.pk), actor=actor, reason=reason, now=now)
        _reevaluate(current)
        return _record(
            locked,
            kind=Kind.REMOVE_TARGET,
            assignment=current,
            target=row,
            actor=actor,
            reason=reason,
            before=_target_values(row),
            after={"values_kept": row.reported_values.count()},
            notify=_holders(current),
        )


def amendment_deadline_change(
    *, assignment: Assignment, deadline: date | None, actor: User | None, reason: str
) -> DocumentAmendment:
    """Move a task's deadline (完成时限): its tracked span, the quarters it is reported in and the
    elapsed share (序时进度) its reports are judged at follow."""
    with transaction.atomic():
        locked, reason = _open(assignment.document, actor, reason)
        current = _current(assignment)
        if current.deadline == deadline:
            raise AmendmentRefused(_("完成时限没有变化。"), {"deadline": ""})
        before = {"deadline": current.deadline, "active_until": current.active_until}
        Assignment.objects.filter(pk=current.pk).update(deadline=deadline)
        assignments_activate(locked)
        periods_ensure(locked)
        current.refresh_from_db()
        _reevaluate(current)
        return _record(
            locked,
            kind=Kind.CHANGE_DEADLINE,
            assignment=current,
            actor=actor,
            reason=reason,
            before=before,
            after={"deadline": current.deadline, "active_until": current.active_until},
            notify=_holders(current),
        )
