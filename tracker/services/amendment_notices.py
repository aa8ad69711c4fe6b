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
from django.utils import timezone, translation

from tracker.emails import build_message
from tracker.l10n import date_text
from tracker.models import DocumentAmendment, Notice, NoticeKind, Unit, User
from tracker.periods import local_today
from tracker.selectors.amendments import amendment_change_text, amendment_notice_text
from tracker.selectors.people import REPORTING_ROLES, unit_addresses
from tracker.services.reminders.digest import recipient_language

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
    url = settings.SITE_URL.rstrip("/") + reverse("document-detail", args=[amendment.document_id])
    _inbox(amendment, _context(amendment, url))
    messages = []
    for unit_id, to in sorted(addresses.items()):
        # Each reader in the language they chose, like the reminders: one message per unit
        # and language.
        by_language: dict[str, list[str]] = {}
        for address in to:
            by_language.setdefault(recipient_language(address), []).append(address)
        for language, group in sorted(by_language.items()):
            with translation.override(language):
                context = {**_context(amendment, url), "unit": units.get(unit_id, "")}
            messages.append(build_message(TEMPLATE, context, to=group, language=language))
    if not messages:
        return 0
    return int(get_connection().send_messages(messages) or 0)


def _context(amendment: DocumentAmendment, url: str) -> dict[str, object]:
    """What the e-mail says, in the active language."""
    assignment = amendment.assignment
    return {
        "document": amendment.document.title,
        "number": amendment.number,
        "date": date_text(local_today(amendment.created_at)),
        "kind": str(DocumentAmendment.Kind(amendment.kind).label),
        "ref": assignment.ref or assignment.number,
        "title": assignment.title,
        "change": amendment_change_text(amendment),
        "reason": amendment.reason,
        "url": url,
    }


def _inbox(amendment: DocumentAmendment, base: dict[str, object]) -> None:
    """The amendment in the inbox of each reporter of the units told (the people whose e-mail
    `unit_addresses` reads), once: a retried task adds nothing (the notice's unique key)."""
    people = User.objects.filter(
        unit_id__in=amendment.notified_units,
        is_active=True,
        role__in=REPORTING_ROLES,
        unit__is_active=True,
    ).values_list("pk", flat=True)
    now = timezone.now()
    # Stored as written now (the inbox words it again in its reader's language).
    text = amendment_notice_text(amendment)
    Notice.objects.bulk_create(
        [
            Notice(
                user_id=pk,
                kind=NoticeKind.AMENDMENT,
                item_key=f"amendment:{amendment.pk}",
                text=text[:2000],
                url=reverse("document-detail", args=[amendment.document_id]),
                created_at=now,
            )
            for pk in people
        ],
        ignore_conflicts=True,
    )
