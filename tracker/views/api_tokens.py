"""我的 API 令牌: every signed-in person lists, creates and revokes the tokens their programs
sign in to /api/ with; a supervisor opens anyone's whose account they keep (from the person's
page) and revokes them. The token itself is in the one answer to the request that created it,
never stored and never shown again."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tracker.access import api_token_for_user, api_token_owner_for_user
from tracker.forms.api_tokens import ApiTokenForm
from tracker.models import User
from tracker.selectors.api_tokens import api_tokens_of
from tracker.services.api_tokens import api_token_create, api_token_revoke
from tracker.services.errors import Refused
from tracker.views.common import current_user, now


def _rows(person: User) -> list[dict[str, object]]:
    moment = now()
    return [{"token": t, "state": t.state_at(moment)} for t in api_tokens_of(person)]


# The answer carrying a new token must not be kept by the browser's or a proxy's cache.
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_create(actor=user, name=form.cleaned_data["name"])
        except Refused as exc:
            form.add_error("name" if "name" in exc.errors else None, exc.message)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "tracker/api_tokens/list.html",
        {
            "person": user,
            "own": True,
            "rows": _rows(user),
            "form": form,
            "issued": issued,
            "days": int(settings.TRACKER_API_TOKEN_DAYS),
        },
    )


@login_required
def person_api_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    person = api_token_owner_for_user(current_user(request), pk)
    if person.pk == request.user.pk:
        return redirect("api-token-list")
    return render(
        request,
        "tracker/api_tokens/list.html",
        {"person": person, "own": False, "rows": _rows(person)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST revokes."""
    user = current_user(request)
    token = api_token_for_user(user, pk)
    back = (
        redirect("api-token-list")
        if token.user_id == user.pk
        else redirect("person-api-tokens", pk=token.user_id)
    )
    if request.method == "POST":
        try:
            api_token_revoke(token=token, actor=user)
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("令牌“%(name)s”已吊销，使用它的程序将无法再访问。") % {"name": token.name},
            )
        return back
    return render(
        request,
        "tracker/api_tokens/revoke.html",
        {"token": token, "state": token.state_at(now()), "back": back.url},
    )


urlpatterns = [
    path("account/api-tokens/", api_token_list, name="api-token-list"),
    path("account/api-tokens/<int:pk>/revoke/", api_token_revoke_view, name="api-token-revoke"),
    path("account/api-tokens/people/<int:pk>/", person_api_tokens, name="person-api-tokens"),
]
