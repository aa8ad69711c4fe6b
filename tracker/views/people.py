"""People, kept in the product by supervisors and administrators (everyone else gets 404): the
list, an account for a unit with its role (and a leader's units and tasks), the invitation with
its one-time link, reset, deactivation; and the public page that link opens, where the invited
person sets a password."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from tracker.access import can_grant_role
from tracker.forms.people import PersonForm
from tracker.forms.units import active_units
from tracker.http import int_param
from tracker.models import User
from tracker.selectors.people import people
from tracker.services.errors import Refused
from tracker.services.people import (
    person_create,
    person_invite,
    person_password_set,
    person_reset,
    person_set_active,
    person_update,
)
from tracker.tokens import invitation_tokens
from tracker.views.common import current_user, paginate, supervisor_required


@supervisor_required
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    state = request.GET.get("state", "")
    unit_id = int_param(request, "unit")
    active = {"active": True, "inactive": False}.get(state)
    return render(
        request,
        "tracker/people/list.html",
        {
            "page": paginate(
                request, people(query=query, role=role, unit_id=unit_id, active=active)
            ),
            "query": query,
            "role": role,
            "state": state,
            "unit_id": unit_id,
            "roles": User.Role.choices,
            "units": active_units().only("pk", "name"),
        },
    )


def _apply_errors(form: PersonForm, exc: Refused) -> None:
    placed = False
    for name, message in exc.errors.items():
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@supervisor_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    initial = {"unit": int_param(request, "unit"), "role": User.Role.REPORTER, "invite": True}
    form = PersonForm(request.POST or None, actor=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_create(
                actor=user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"],
                unit=data["unit"],
                leader_units=data["leader_units"],
                leader_assignments=data["leader_assignments"],
                invite=data["invite"],
            )
        except Refused as exc:
            _apply_errors(form, exc)
        else:
            text = _("已创建账号“%(name)s”。") % {"name": person.username}
            if person.invited_at:
                text += _("邀请邮件已发往 %(email)s，链接%(days)s天内有效。") % {
                    "email": person.email,
                    "days": _invitation_days(),
                }
            messages.success(request, text)
            return redirect("person-detail", pk=person.pk)
    return render(request, "tracker/people/form.html", {"form": form, "person": None})


def _invitation_days() -> int:
    return int(settings.TRACKER_INVITATION_DAYS)


def _person(request: HttpRequest, pk: int) -> User:
    """A person the signed-in supervisor may manage; a supervisor's or administrator's account
    is the administrators' alone (404 for anyone else, as for another unit's data)."""
    person = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if not can_grant_role(current_user(request), person.role):
        raise Http404
    return person


@supervisor_required
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    person = _person(request, pk)
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        actor=user,
        person=person,
        initial=PersonForm.initial_for(person),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_update(
                person=person,
                actor=user,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"],
                unit=data["unit"],
                leader_units=data["leader_units"],
                leader_assignments=data["leader_assignments"],
            )
        except Refused as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("人员信息已保存。"))
            return redirect("person-detail", pk=person.pk)
    return render(request, "tracker/people/form.html", {"form": form, "person": person})


@supervisor_required
@require_POST
def person_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """邀请 / 重置密码 / 停用 / 启用."""
    user = current_user(request)
    person = _person(request, pk)
    try:
        if action == "invite":
            person_invite(person=person, actor=user)
            text = _("邀请邮件已发往 %(email)s。") % {"email": person.email}
        elif action == "reset":
            person_reset(person=person, actor=user)
            text = _("原密码已失效，设置新密码的链接已发往 %(email)s。") % {"email": person.email}
        elif action in ("deactivate", "activate"):
            person_set_active(person=person, actor=user, active=action == "activate")
            text = _("账号已启用。") if action == "activate" else _("账号已停用。")
        else:
            raise Http404
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, text)
    return redirect("person-detail", pk=person.pk)


# --- the invitation link (public) ---------------------------------------------------------------


def _invited(uidb64: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None or not invitation_tokens.check_token(person, token):
        return None
    return person


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """设置密码: the invited person chooses a password and is signed in; the link is spent."""
    person = _invited(uidb64, token)
    if person is None:
        return render(request, "tracker/people/invitation_invalid.html", status=410)
    form = SetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_password_set(person=person, password=form.cleaned_data["new_password1"])
        except Refused as exc:
            form.add_error("new_password1", exc.message)
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("密码已设置，欢迎使用。"))
            return redirect("home")
    return render(request, "tracker/people/invitation.html", {"form": form, "person": person})


urlpatterns = [
    path("people/", person_list, name="person-list"),
    path("people/new/", person_new, name="person-new"),
    path("people/<int:pk>/", person_detail, name="person-detail"),
    path(
        "people/<int:pk>/<str:action>/",
        person_action,
        name="person-action",
    ),
    path(
        "accounts/invitation/<str:uidb64>/<str:token>/",
        invitation_accept,
        name="invitation-accept",
    ),
]
