"""Telling the units an amendment concerns (the Celery task's service).

`amendment_announce` is the one place an amendment is announced: it reads whom to tell
(tracker.selectors.people.unit_addresses for each unit the amendment recorded) and sends each
unit one e-mail. The in-app inbox (issue 17) hooks in here, creating its notices from the same
units and people, so the two never disagree about who was told.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.urls import reverse

from tracker.emails import build_message
from tracker.formatting import cn_date
from tracker.models import DocumentAmendment, Unit
from tracker.periods import local_today
from tracker.selectors.amendments import amendment_change_text
from tracker.selectors.people import unit_addresses

TEMPLATE = "document_amendment"


def amendment_announce(*, amendment_id: int) -> int:
    """E-mail each unit the amendment concerns (its reporters and contact mailboxes, one message
    per unit so units do not see each other's addresses); return how many were sent."""
    amendment = (
        DocumentAmendment.objects.select_related("document", "assignment", "target")
        .filter(pk=amendment_id)
        .first()
    )
    if amendment is None:
        return 0
    addresses = unit_addresses(amendment.notified_units)
    units = {u.pk: u.name for u in Unit.objects.filter(pk__in=amendment.notified_units)}
    assignment = amendment.assignment
    url = settings.SITE_URL.rstrip("/") + reverse("document-detail", args=[amendment.document_id])
    base = {
        "document": amendment.document.title,
        "number": amendment.number,
        "date": cn_date(local_today(amendment.created_at)),
        "kind": str(DocumentAmendment.Kind(amendment.kind).label),
        "ref": assignment.ref or assignment.number,
        "title": assignment.title,
        "change": amendment_change_text(amendment),
        "reason": amendment.reason,
        "url": url,
    }
    messages = [
        build_message(TEMPLATE, {**base, "unit": units.get(unit_id, "")}, to=to)
        for unit_id, to in sorted(addresses.items())
        if to
    ]
    if not messages:
        return 0
    return int(get_connection().send_messages(messages) or 0)
