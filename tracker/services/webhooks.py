"""Group robots (企业微信/钉钉 webhooks) a unit or a person is told through."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import Unit, User, Webhook
from tracker.services.audit import audit_record
from tracker.services.errors import Refused


class WebhookRefused(Refused):
    """The robot cannot be added or removed by this person."""


def can_manage_webhooks(user: User, unit: Unit | None) -> bool:
    """A person keeps their own robots; a unit's are kept by its people and the supervisors."""
    if unit is None:
        return user.is_active
    return can_supervise(user) or (user.unit_id == unit.pk and not user.is_leader)


def webhook_add(
    *, actor: User, flavour: str, url: str, name: str = "", secret: str = "", unit: Unit | None
) -> Webhook:
    if not can_manage_webhooks(actor, unit):
        raise WebhookRefused(_("不能为该单位添加群机器人。"))
    if not url.startswith(("https://", "http://")):
        raise WebhookRefused(_("请填写 http(s) 开头的 Webhook 地址。"))
    with transaction.atomic():
        hook = Webhook.objects.create(
            flavour=flavour,
            url=url,
            name=name.strip(),
            secret=secret.strip(),
            unit=unit,
            user=None if unit is not None else actor,
        )
        audit_record(
            actor=actor,
            action="webhook.add",
            obj=hook,
            after={"flavour": flavour, "unit": unit.name if unit else None, "signed": bool(secret)},
        )
    return hook


def webhook_remove(*, actor: User, hook: Webhook) -> None:
    if hook.user_id is not None and hook.user_id != actor.pk:
        raise WebhookRefused(_("只能删除自己的群机器人。"))
    if hook.unit is not None and not can_manage_webhooks(actor, hook.unit):
        raise WebhookRefused(_("不能删除该单位的群机器人。"))
    with transaction.atomic():
        audit_record(actor=actor, action="webhook.remove", obj=hook, before={"url": hook.url})
        hook.delete()
