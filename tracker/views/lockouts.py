"""Sign-in lockouts: what a locked-out person (or program) is told, and the supervisors' page
that lists locked accounts and addresses and unlocks them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.selectors.lockouts import lockouts_current
from tracker.services.lockouts import lockout_clear
from tracker.views.common import current_user, supervisor_required


def _minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API answers in its error shape, pages with a page; both 429."""
    message = _(
        "登录失败次数过多，该账号或地址已被锁定%(minutes)s分钟。请稍后再试，或联系督查人员解锁。"
    ) % {"minutes": _minutes()}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


@supervisor_required
def lockout_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tracker/lockouts/list.html",
        {"lockouts": lockouts_current(), "limit": settings.AXES_FAILURE_LIMIT},
    )


@supervisor_required
@require_POST
def lockout_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_object_or_404(lockouts_current(), pk=pk)
    lockout_clear(attempt=attempt, actor=current_user(request))
    messages.success(
        request, _("已解锁 %(who)s。") % {"who": attempt.username or attempt.ip_address}
    )
    return redirect("lockout-list")


urlpatterns = [
    path("lockouts/", lockout_list, name="lockout-list"),
    path("lockouts/<int:pk>/unlock/", lockout_unlock, name="lockout-unlock"),
]
