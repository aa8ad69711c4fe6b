"""People, kept in the product by supervisors and administrators: accounts for a unit with a
role, the units and assignments a leader in charge oversees, the invitation that lets a new
person set a password (a one-time link, sent after commit by a Celery task), deactivation, and
resetting a forgotten or compromised password the same way."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from tracker.access import can_grant_role
from tracker.celery import queue
from tracker.emails import build_message
from tracker.l10n import date_text
from tracker.models import Assignment, LeaderScope, Unit, User
from tracker.periods import local_today
from tracker.services.api_tokens import api_tokens_revoke_for_person
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.reminders.digest import recipient_language
from tracker.services.units import require_unit_manager
from tracker.tokens import invitation_tokens

# The worker's entry point, by name: services sit below the tasks and never import them.
INVITATION_TASK = "tracker.tasks.invitation_send"
INVITATION_TEMPLATE = "invitation"

# Roles that act for one unit and need it.
UNIT_ROLES = (User.Role.REPORTER, User.Role.REVIEWER)

_PERSON_FIELDS = ("username", "last_name", "email", "phone", "role", "unit_id", "is_active")


class PersonRefused(Refused):
    """The change to a person cannot happen; nothing was changed."""


def _snapshot(person: User) -> dict[str, object]:
    return {name: getattr(person, name) for name in _PERSON_FIELDS}


def _check(
    *,
    actor: User | None,
    username: str,
    email: str,
    role: str,
    unit: Unit | None,
    person: User | None = None,
) -> None:
    errors: dict[str, str] = {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors["username"] = _("用户名只能包含字母、数字和 @/./+/-/_ 字符。")
    if not username:
        errors["username"] = _("请填写用户名。")
    elif (
        User.objects.filter(username__iexact=username)
        .exclude(pk=person.pk if person is not None else 0)
        .exists()
    ):
        errors["username"] = _("用户名“%(name)s”已被使用。") % {"name": username}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("电子邮箱“%(email)s”格式不正确。") % {"email": email}
    if role not in User.Role.values:
        errors["role"] = _("角色无效。")
    elif role in UNIT_ROLES and unit is None:
        errors["unit"] = _("填报员和牵头审核员须属于一个单位。")
    if unit is not None and (unit.merged_into_id is not None or not unit.is_active):
        errors["unit"] = _("单位“%(name)s”已停用或已合并。") % {"name": unit.name}
    if actor is not None and role in User.Role.values and not can_grant_role(actor, role):
        errors["role"] = _("只有管理员可以设置督查员和管理员。")
    if errors:
        raise PersonRefused(_("人员信息有误，请按提示修改。"), errors)


def _require_may_change(actor: User | None, person: User) -> None:
    require_unit_manager(actor)
    if actor is not None and not can_grant_role(actor, person.role):
        raise PersonRefused(_("只有管理员可以修改督查员和管理员的账号。"))


def _set_scope(
    person: User,
    units: Iterable[Unit],
    assignments: Iterable[Assignment],
) -> dict[str, list[int]]:
    """Make the leader's scope exactly these units and assignments; returns it as ids."""
    unit_ids = sorted({u.pk for u in units})
    assignment_ids = sorted({a.pk for a in assignments})
    if person.role != User.Role.LEADER:
        unit_ids, assignment_ids = [], []
    LeaderScope.objects.filter(leader=person).exclude(unit_id__in=unit_ids).exclude(
        assignment_id__in=assignment_ids
    ).delete()
    have_units = set(
        LeaderScope.objects.filter(leader=person, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    have_assignments = set(
        LeaderScope.objects.filter(leader=person, assignment__isnull=False).values_list(
            "assignment_id", flat=True
        )
    )
    LeaderScope.objects.bulk_create(
        [LeaderScope(leader=person, unit_id=pk) for pk in unit_ids if pk not in have_units]
        + [
            LeaderScope(leader=person, assignment_id=pk)
            for pk in assignment_ids
            if pk not in have_assignments
        ]
    )
    return {"units": unit_ids, "assignments": assignment_ids}


def _scope_ids(person: User) -> dict[str, list[int]]:
    rows = LeaderScope.objects.filter(leader=person).values_list("unit_id", "assignment_id")
    return {
        "units": sorted(u for u, _a in rows if u is not None),
        "assignments": sorted(a for _u, a in rows if a is not None),
    }


def person_create(
    *,
    actor: User | None,
    username: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    role: str = User.Role.REPORTER,
    unit: Unit | None = None,
    leader_units: Iterable[Unit] = (),
    leader_assignments: Iterable[Assignment] = (),
    invite: bool = True,
) -> User:
    """An account for a person; without a password until they set one from the invitation
    (sent after commit when `invite` and the person has an address)."""
    require_unit_manager(actor)
    username, email = username.strip(), email.strip()
    _check(actor=actor, username=username, email=email, role=role, unit=unit)
    if invite and not email:
        raise PersonRefused(_("发送邀请需要电子邮箱。"), {"email": _("发送邀请需要电子邮箱。")})
    with transaction.atomic():
        person = User(
            username=username,
            last_name=full_name.strip(),
            email=email,
            phone=phone.strip(),
            role=role,
            unit=unit,
        )
        person.set_unusable_password()
        person.save()
        scope = _set_scope(person, leader_units, leader_assignments)
        audit_record(
            actor=actor, action="user.create", obj=person, after={**_snapshot(person), **scope}
        )
        if invite:
            _invite(person, actor=actor, action="user.invite")
    return person


def person_update(
    *,
    person: User,
    actor: User | None,
    full_name: str,
    email: str,
    phone: str,
    role: str,
    unit: Unit | None,
    leader_units: Iterable[Unit] = (),
    leader_assignments: Iterable[Assignment] = (),
) -> User:
    _require_may_change(actor, person)
    email = email.strip()
    _check(actor=actor, username=person.username, email=email, role=role, unit=unit, person=person)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        before = {**_snapshot(locked), **_scope_ids(locked)}
        locked.last_name = full_name.strip()
        locked.email, locked.phone, locked.role, locked.unit = email, phone.strip(), role, unit
        locked.save(update_fields=["last_name", "email", "phone", "role", "unit"])
        after = {**_snapshot(locked), **_set_scope(locked, leader_units, leader_assignments)}
        if after != before:
            audit_record(actor=actor, action="user.update", obj=locked, before=before, after=after)
    person.refresh_from_db()
    return person


def person_set_active(*, person: User, actor: User | None, active: bool) -> User:
    """Deactivate (停用) or reactivate an account. A deactivated person cannot sign in, gets no
    notice, and no longer counts as the unit's reporter; nothing they did is removed."""
    _require_may_change(actor, person)
    if actor is not None and actor.pk == person.pk and not active:
        raise PersonRefused(_("不能停用自己的账号。"))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if locked.is_active == active:
            return locked
        if active and locked.unit is not None and locked.unit.merged_into_id is not None:
            raise PersonRefused(_("该人员所属单位已合并，请先修改所属单位。"))
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        if not active:
            api_tokens_revoke_for_person(person=locked, actor=actor)
        audit_record(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            obj=locked,
            before={"is_active": not active},
            after={"is_active": active},
        )
    person.refresh_from_db()
    return person


def person_invite(*, person: User, actor: User | None) -> User:
    """Send (again) the link that sets the password; an earlier link stops working."""
    _require_may_change(actor, person)
    if not person.is_active:
        raise PersonRefused(_("账号已停用，请先启用。"))
    if not person.email:
        raise PersonRefused(_("该人员没有电子邮箱，无法发送邀请。"))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        _invite(locked, actor=actor, action="user.invite")
    person.refresh_from_db()
    return person


def person_reset(*, person: User, actor: User | None) -> User:
    """Reset a password: the old one stops working at once and the person is sent a link to set
    a new one (a forgotten password, a departed colleague's account handed over)."""
    _require_may_change(actor, person)
    if not person.is_active:
        raise PersonRefused(_("账号已停用，请先启用。"))
    if not person.email:
        raise PersonRefused(_("该人员没有电子邮箱，无法发送重置链接。"))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        locked.set_unusable_password()
        locked.save(update_fields=["password"])
        _invite(locked, actor=actor, action="user.reset")
    person.refresh_from_db()
    return person


def _invite(person: User, *, actor: User | None, action: str) -> None:
    """Mark the invitation sent now (which retires earlier links) and queue its e-mail after
    commit, so a rolled-back change sends nothing."""
    person.invited_at = timezone.now()
    person.save(update_fields=["invited_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=person,
        after={"email": person.email, "at": person.invited_at},
    )
    person_id = person.pk
    transaction.on_commit(lambda: queue(INVITATION_TASK, person_id))


def invitation_link(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = invitation_tokens.make_token(person)
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[uid, token])


def invitation_send(*, user_id: int) -> bool:
    """E-mail one invitation (the Celery task's service); False when there is nobody to send it
    to any more (deleted, deactivated, no address, or the password already set since)."""
    person = User.objects.select_related("unit").filter(pk=user_id, is_active=True).first()
    if person is None or not person.email or person.invited_at is None:
        return False
    expires = local_today(timezone.now()) + timedelta(days=settings.TRACKER_INVITATION_DAYS)
    # In the language the person chose (an administrator may set it before inviting them),
    # like the reminders; Chinese by default.
    language = recipient_language(person.email)
    with translation.override(language):
        context = {
            "name": str(person),
            "username": person.username,
            "unit": person.unit.name if person.unit else "",
            "role": str(User.Role(person.role).label),
            "link": invitation_link(person),
            "expires": date_text(expires),
            "reset": person.last_login is not None,
        }
    message = build_message(INVITATION_TEMPLATE, context, to=[person.email], language=language)
    message.send()
    return True


def person_password_set(*, person: User, password: str) -> User:
    """The person sets their password from the invitation link (the view has checked the
    token); the link is spent, since the token covers the password hash."""
    try:
        validate_password(password, person)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise PersonRefused(message, {"new_password1": message}) from None
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit_record(actor=locked, action="user.password_set", obj=locked)
    person.refresh_from_db()
    return person
