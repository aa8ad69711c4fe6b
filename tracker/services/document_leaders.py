"""The leaders in charge (分管领导) a document names: matched to people on the draft, and made
the office's LeaderScope rows (a leader over an assignment) when it is published."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.models import Document, LeaderScope, User
from tracker.selectors.confidence import document_leaders, leader_candidates
from tracker.services.audit import audit_record
from tracker.services.document_drafts import DraftRefused, draft_lock, require_reviewer


def draft_leader_choose(
    *, document: Document, actor: User | None, name: str, leader: User | None
) -> Document:
    """Record which person a leader name of the draft means (None: nobody chosen, the name is
    matched by itself again)."""
    require_reviewer(actor)
    if leader is not None and not (leader.is_active and leader.role == User.Role.LEADER):
        raise DraftRefused(_("只能选择在用的分管领导账号。"))
    with transaction.atomic():
        locked = draft_lock(document)
        names = {
            n for row in locked.assignments.values_list("leaders_text", flat=True) for n in row
        }
        if name not in names:
            raise DraftRefused(_("草稿中没有这位分管领导，请刷新页面后重试。"))
        people = dict(locked.leader_people or {})
        before = people.get(name)
        if leader is None:
            people.pop(name, None)
        else:
            people[name] = leader.pk
        if people.get(name) == before:
            return locked
        locked.leader_people = people
        locked.save(update_fields=["leader_people", "updated_at"])
        audit_record(
            actor=actor,
            action="document.leader_choose",
            obj=locked,
            before={"name": name, "leader": before},
            after={"name": name, "leader": people.get(name)},
        )
    return locked


def leader_scopes_publish(*, document: Document, actor: User | None) -> list[str]:
    """Give each resolved leader named in the document the assignments named with them, as
    LeaderScope rows (existing rows are kept). Returns the names left without a person.

    Called inside document_publish's transaction.
    """
    assignments = list(document.assignments.exclude(leaders_text=[]).order_by("position"))
    if not assignments:
        return []
    choices = document_leaders(document, assignments, leader_candidates())
    existing = set(
        LeaderScope.objects.filter(assignment__document=document).values_list(
            "leader_id", "assignment_id"
        )
    )
    new: list[LeaderScope] = []
    for assignment in assignments:
        for name in assignment.leaders_text:
            person = choices[name].person
            if person is None or (person.pk, assignment.pk) in existing:
                continue
            existing.add((person.pk, assignment.pk))
            new.append(LeaderScope(leader=person, assignment=assignment))
    LeaderScope.objects.bulk_create(new)
    if new:
        audit_record(
            actor=actor,
            action="document.leader_scopes",
            obj=document,
            after={
                "scopes": [
                    {"leader": scope.leader_id, "assignment": scope.assignment_id} for scope in new
                ]
            },
        )
    return [name for name, choice in choices.items() if choice.person is None]
