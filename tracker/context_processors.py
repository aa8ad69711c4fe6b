"""What the navigation bar needs to know about the person signed in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tracker.models import Responsibility, User


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    leads = (
        bool(user.unit_id)
        and Responsibility.objects.filter(
            unit_id=user.unit_id, role=Responsibility.Role.LEAD
        ).exists()
    )
    return {"nav_supervisor": user.is_supervisor, "nav_leads": leads}
