"""The calendar's side of the pages: what was sent to whom and when, what the next sweep will
send, each person's notice choices, and a unit's contact addresses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tracker import access, selectors
from tracker.forms.reminders import ContactForm, NoticeChoicesForm, ReminderFilterForm
from tracker.forms.unit_search import UnitSearchInput
from tracker.http import parse_int
from tracker.models import NoticePreference, Unit
from tracker.selectors.health import heartbeats
from tracker.selectors.unit_search import unit_for_filter
from tracker.services.reminders.preferences import (
    ContactRefused,
    notice_preferences_update,
    unit_contact_save,
)
from tracker.services.reminders.preview import reminders_preview
from tracker.views.common import PAGE_SIZE, current_user, now, supervisor_required
from tracker.views.keyset import keyset_page

PREVIEW_LIMIT = 200


@supervisor_required
def reminder_log(request: HttpRequest) -> HttpResponse:
    """提醒记录: every notice claimed, newest first, with its delivery state and last error."""
    form = ReminderFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    logs = selectors.reminders_sent(
        current_user(request),
        status=filters.get("status") or None,
        kind=filters.get("kind") or None,
        recipient=(filters.get("recipient") or "").strip() or None,
    )
    failed = selectors.reminders_failed(current_user(request)).count()
    return render(
        request,
        "tracker/reminders/log.html",
        {
            "form": form,
            "page": keyset_page(request, logs, field="claimed_at", per_page=PAGE_SIZE),
            "failed": failed,
            "sweep": heartbeats(now())["sweep"],
        },
    )


@supervisor_required
def reminder_preview(request: HttpRequest) -> HttpResponse:
    """What the next sweep would send if it ran now, one e-mail per recipient."""
    preview = reminders_preview(current_user(request), now=now(), limit=PREVIEW_LIMIT)
    return render(
        request, "tracker/reminders/preview.html", {"preview": preview, "limit": PREVIEW_LIMIT}
    )


def _contacts_unit(request: HttpRequest) -> Unit | None:
    """Whose contacts the page shows: a supervisor picks any unit (?unit=), anyone else their
    own unit; another unit's id from a reporter is 404."""
    user = current_user(request)
    raw = request.GET.get("unit") or request.POST.get("unit") or ""
    if raw:
        unit_id = parse_int(raw)
        if unit_id is None and access.can_supervise(user):
            # A supervisor's unit search field submits a name (issue 19).
            found = unit_for_filter(user, raw)
            if found is None:
                raise Http404
            return found
        if unit_id is None:
            raise Http404
        if not access.can_supervise(user) and unit_id != user.unit_id:
            raise Http404
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise Http404
        return unit
    return user.unit


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """提醒设置: the person's own choices, and (for a unit) its contact addresses. Overdue
    chasers, escalations, problems and returned reports cannot be switched off."""
    user = current_user(request)
    unit = _contacts_unit(request)
    preference = NoticePreference.objects.filter(user=user).first()
    initial = {
        "notify_window_open": preference.notify_window_open if preference else True,
        "notify_reminders": preference.notify_reminders if preference else True,
        "notify_checkpoints": preference.notify_checkpoints if preference else True,
        "language": preference.language if preference else "zh-hans",
    }
    choices_form = NoticeChoicesForm(initial=initial, prefix="me")
    contact_form = ContactForm(initial={"is_active": True, **initial}, prefix="contact")
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "me":
            choices_form = NoticeChoicesForm(request.POST, prefix="me")
            if choices_form.is_valid():
                notice_preferences_update(user=user, **choices_form.cleaned_data)
                messages.success(request, _("提醒设置已保存。"))
                return redirect(request.get_full_path())
        elif request.POST.get("form") == "contact" and unit is not None:
            contact_form = ContactForm(request.POST, prefix="contact")
            if contact_form.is_valid():
                try:
                    unit_contact_save(unit=unit, actor=user, **contact_form.cleaned_data)
                except ContactRefused as exc:
                    contact_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("联系人已保存。"))
                    return redirect(request.get_full_path())
        status = 400
    return render(
        request,
        "tracker/reminders/settings.html",
        {
            "choices_form": choices_form,
            "contact_form": contact_form,
            "unit": unit,
            "contacts": unit.contacts.order_by("-is_active", "email") if unit else [],
            # A search field, not a <select> of every unit (8,000 in a province).
            "unit_picker": UnitSearchInput().render(
                "unit", unit.name if unit else "", attrs={"id": "unit-pick"}
            )
            if access.can_supervise(user)
            else "",
        },
        status=status,
    )


urlpatterns = [
    path("reminders/", reminder_log, name="reminder-log"),
    path("reminders/preview/", reminder_preview, name="reminder-preview"),
    path("settings/notices/", reminder_settings, name="notice-settings"),
]
