"""HTTP Basic for programs, hardened: a locked-out account or address (django-axes) is told so
with a 429, as the sign-in page does, and credentials sent over plain HTTP are refused when the
site is served over HTTPS (TRACKER_HTTPS)."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import BasicAuthentication
from rest_framework.request import Request


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class HardenedBasicAuthentication(BasicAuthentication):
    def authenticate(self, request: Request) -> Any:
        if settings.HTTPS and not request.is_secure() and "HTTP_AUTHORIZATION" in request.META:
            raise exceptions.AuthenticationFailed(_("API 凭据只能通过 HTTPS 发送。"))
        return super().authenticate(request)

    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
        if request is not None and AxesProxyHandler.is_locked(
            getattr(request, "_request", request), credentials={"username": userid}
        ):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise LockedOut(
                _(
                    "登录失败次数过多，该账号或地址已被锁定%(minutes)s分钟。"
                    "请稍后再试，或联系督查人员解锁。"
                )
                % {"minutes": minutes}
            )
        return super().authenticate_credentials(userid, password, request)
