"""Who the calendar writes to: a unit's contact addresses, and each person's choices.

Only the optional notices (window open, the reminders before the due date, the dispatch
checkpoints) have a switch; overdue chasers, escalations, problems and returned reports are
mandatory, so there is nothing here to turn them off.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import NoticeLanguage, NoticePreference, Unit, UnitContact, User
from tracker.services.audit import audit_record, snapshot
from tracker.services.errors import Refused


class ContactRefused(Refused):
    """The contact or choice cannot be saved (another unit's, a bad address)."""


def _check_language(language: str) -> None:
    if language not in NoticeLanguage.values:
        raise ContactRefused(_("请选择邮件语言。"))


def notice_preferences_update(
    *,
    user: User,
    notify_window_open: bool,
    notify_reminders: bool,
    notify_checkpoints: bool,
    language: str = NoticeLanguage.ZH_HANS,
) -> NoticePreference:
    """Set a user's own choices (a user only ever changes their own)."""
    _check_language(language)
    with transaction.atomic():
        preference, _created = NoticePreference.objects.select_for_update().get_or_create(user=user)
        before = snapshot(preference)
        preference.notify_window_open = notify_window_open
        preference.notify_reminders = notify_reminders
        preference.notify_checkpoints = notify_checkpoints
        preference.language = language
        preference.save()
        audit_record(
            actor=user,
            action="notice_preference.update",
            obj=preference,
            before=before,
            after=snapshot(preference),
        )
    return preference


def unit_contact_save(
    *,
    unit: Unit,
    email: str,
    actor: User,
    name: str = "",
    is_active: bool = True,
    notify_window_open: bool = True,
    notify_reminders: bool = True,
    notify_checkpoints: bool = True,
    language: str = NoticeLanguage.ZH_HANS,
) -> UnitContact:
    """Add or change one of a unit's contact addresses (keyed by the address). A supervisor
    manages every unit's contacts; a unit's own people manage theirs."""
    email = email.strip().lower()
    if not (can_supervise(actor) or (actor.is_active and actor.unit_id == unit.pk)):
        raise ContactRefused(_("只能维护本单位的联系人。"))
    try:
        validate_email(email)
    except ValidationError:
        raise ContactRefused(_("请填写有效的电子邮箱。")) from None
    _check_language(language)
    with transaction.atomic():
        contact = UnitContact.objects.select_for_update().filter(unit=unit, email=email).first()
        before = snapshot(contact) if contact else None
        contact = contact or UnitContact(unit=unit, email=email)
        contact.name = name.strip()
        contact.is_active = is_active
        contact.notify_window_open = notify_window_open
        contact.notify_reminders = notify_reminders
        contact.notify_checkpoints = notify_checkpoints
        contact.language = language
        contact.save()
        audit_record(
            actor=actor,
            action="unit_contact.save",
            obj=contact,
            before=before,
            after=snapshot(contact),
        )
    return contact
