from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tracker.models import AuditEvent, User

SYSTEM_ACTOR_NAME = "系统"


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the trail. Call it inside the transaction that made the change, so the
    change and its record commit or roll back together."""
    event = audit_entry(actor=actor, action=action, obj=obj, before=before, after=after)
    event.save()
    return event


def audit_entry(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event audit_record would append, unsaved: a change of thousands of rows (a roster)
    writes its events with one bulk_create, in the same transaction."""
    return AuditEvent(
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else SYSTEM_ACTOR_NAME),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
    )


# Fields never copied into the trail: secrets, and timestamps that change on every save.
_SNAPSHOT_EXCLUDE = {"password", "last_login", "updated_at", "source_text", "extraction"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe picture of a row's own fields (foreign keys as ids), for before/after records."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SNAPSHOT_EXCLUDE:
            continue
        data[field.attname] = field.value_from_object(obj)
    return data
