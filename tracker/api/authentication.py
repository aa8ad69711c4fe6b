"""How programs sign in to /api/: a per-person token in `Authorization: Bearer <token>`.

HTTP Basic is gone: a person's password never travels with every call, and a token is revoked
without changing the password. A token is refused over plain HTTP when the site is served over
HTTPS (TRACKER_HTTPS), and a wrong one counts as a failed sign-in of its address (django-axes),
so an address guessing tokens is locked out like one guessing passwords, listed on 登录锁定 and
unlocked there. Its account is left alone: a forgotten program sending a revoked token must not
lock its owner out of the sign-in page.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from tracker.models import ApiToken, User
from tracker.selectors.api_tokens import api_token_active
from tracker.services.api_tokens import api_token_mark_used

SCHEME = "Bearer"
# Marks the credentials axes is given for a token, so lockout_parameters counts the address.
TOKEN_CREDENTIAL = "api_token"  # noqa: S105 - a dictionary key, not a secret


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


def lockout_parameters(
    request_or_attempt: Any, credentials: dict[str, Any] | None = None
) -> list[str | list[str]]:
    """AXES_LOCKOUT_PARAMETERS: an account and, separately, an address are locked after repeated
    failures; a token's failures lock only the address (a token names no account one may type,
    and all of them would otherwise share the empty username and lock each other)."""
    if credentials and credentials.get(TOKEN_CREDENTIAL):
        return ["ip_address"]
    return ["username", "ip_address"]


def _locked_out() -> LockedOut:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LockedOut(
        _("登录失败次数过多，该账号或地址已被锁定%(minutes)s分钟。请稍后再试，或联系督查人员解锁。")
        % {"minutes": minutes}
    )


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer trk_…`. Any other scheme (Basic included) is not a credential
    here: the call stays anonymous and is answered 401, unless the page's session signs it in."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != SCHEME.lower().encode():
            return None
        if settings.HTTPS and not request.is_secure():
            raise exceptions.AuthenticationFailed(_("API 令牌只能通过 HTTPS 发送。"))
        django_request: HttpRequest = request._request
        credentials = {TOKEN_CREDENTIAL: True}
        if AxesProxyHandler.is_locked(django_request, credentials=credentials):
            raise _locked_out()
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Bearer 令牌。"))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        now = timezone.now()
        token = api_token_active(secret, at=now) if secret else None
        if token is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=django_request)
            if getattr(django_request, "axes_locked_out", False):
                raise _locked_out()
            raise exceptions.AuthenticationFailed(_("API 令牌无效、已过期或已吊销。"))
        api_token_mark_used(token=token, at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{SCHEME} realm="api"'
