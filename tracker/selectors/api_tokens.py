"""Reading API tokens: the one a program presents, and a person's list."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from tracker.models import ApiToken, User
from tracker.models.api_tokens import token_digest


def api_token_active(token: str, *, at: datetime) -> ApiToken | None:
    """The token a program presented, if it still works at `at`: not revoked, not expired, and
    its person still active (a deactivated person's tokens stop with their sign-in)."""
    return (
        ApiToken.objects.filter(
            digest=token_digest(token), revoked_at__isnull=True, user__is_active=True
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        .select_related("user", "user__unit")
        .first()
    )


def api_tokens_of(person: User) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=person).select_related("revoked_by")
