"""API tokens: a person creates one for a program (the token is shown once and only its digest
kept), the person or a supervisor who keeps their account revokes it, and each use is noted at
most once a minute."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.access import can_manage_api_tokens
from tracker.models import ApiToken, User
from tracker.models.api_tokens import PREFIX_LENGTH, TOKEN_START, token_digest
from tracker.services.audit import audit_record
from tracker.services.errors import Refused

# Enough for a handful of programs per person; a person who needs more should revoke old ones.
MAX_ACTIVE_TOKENS = 20
# How stale last_used_at may be before a use writes it again.
USE_RESOLUTION = timedelta(minutes=1)


class ApiTokenRefused(Refused):
    """The token cannot be created or revoked; nothing was changed."""


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret, which exists nowhere else: show it once, never store it."""

    token: ApiToken
    secret: str


def _expiry(now: datetime) -> datetime | None:
    days = int(settings.TRACKER_API_TOKEN_DAYS)
    return now + timedelta(days=days) if days else None


def api_token_create(*, actor: User, name: str) -> IssuedToken:
    """A token for the actor's own programs, valid TRACKER_API_TOKEN_DAYS (0: until revoked)."""
    name = name.strip()
    if not name:
        raise ApiTokenRefused(_("请填写令牌名称。"), {"name": _("请填写令牌名称。")})
    if len(name) > 100:
        raise ApiTokenRefused(_("名称最多100个字。"), {"name": _("名称最多100个字。")})
    # 256 random bits: a plain SHA-256 of it cannot be searched backwards.
    secret = TOKEN_START + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=actor.pk)
        if not person.is_active:
            raise ApiTokenRefused(_("账号已停用。"))
        active = (
            ApiToken.objects.filter(user=person, revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .count()
        )
        if active >= MAX_ACTIVE_TOKENS:
            raise ApiTokenRefused(
                _("有效令牌已达%(count)s个，请先吊销不再使用的令牌。")
                % {"count": MAX_ACTIVE_TOKENS}
            )
        token = ApiToken.objects.create(
            user=person,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            digest=token_digest(secret),
            expires_at=_expiry(now),
        )
        audit_record(
            actor=person,
            action="api_token.create",
            obj=token,
            after={
                "user_id": person.pk,
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": token.expires_at,
            },
        )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token at once: the next call that presents it is refused. Revoking a revoked
    token changes nothing."""
    if not can_manage_api_tokens(actor, token.user):
        raise ApiTokenRefused(_("无权吊销该令牌。"))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                actor=actor,
                action="api_token.revoke",
                obj=locked,
                before={"revoked_at": None},
                after={
                    "user_id": locked.user_id,
                    "prefix": locked.prefix,
                    "revoked_at": locked.revoked_at,
                },
            )
    token.refresh_from_db()
    return token


def api_tokens_revoke_for_person(*, person: User, actor: User | None) -> int:
    """Revoke every active token of a person being deactivated, in the caller's transaction,
    each audited: reactivating the account months later must not bring back a token some
    forgotten program still holds. The caller has checked that `actor` may deactivate them."""
    now = timezone.now()
    revoked = 0
    for token in ApiToken.objects.select_for_update().filter(user=person, revoked_at__isnull=True):
        token.revoked_at = now
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            before={"revoked_at": None},
            after={"user_id": person.pk, "prefix": token.prefix, "revoked_at": now},
        )
        revoked += 1
    return revoked


def api_token_mark_used(*, token: ApiToken, at: datetime) -> bool:
    """Note that the token was used at `at`, unless that was noted less than a minute ago: one
    conditional UPDATE, so concurrent calls write it once. Returns whether it wrote."""
    if token.last_used_at is not None and token.last_used_at > at - USE_RESOLUTION:
        return False
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=at - USE_RESOLUTION))
        .update(last_used_at=at)
    )
    if written:
        token.last_used_at = at
    return bool(written)
