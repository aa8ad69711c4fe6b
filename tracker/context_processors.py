"""What the navigation bar needs to know about the person signed in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tracker.models import Notice, Responsibility, User


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    leads = False
    # A leader in charge may belong to a unit (the government office) but reports for none.
    if user.unit_id is not None and not user.is_leader:
        unit_id: int = user.unit_id
        leads = Responsibility.objects.filter(
            unit_id=unit_id, role=Responsibility.Role.LEAD
        ).exists()
    return {
        "nav_supervisor": user.is_supervisor,
        "nav_leads": leads,
        "nav_reports": user.unit_id is not None and not user.is_leader,
    }


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The unread count beside 通知 in the navigation."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"nav_unread": Notice.objects.filter(user=user, read_at__isnull=True).count()}
