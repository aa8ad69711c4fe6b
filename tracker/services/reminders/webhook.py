"""A digest posted to a group robot (企业微信 or 钉钉) instead of mailed: the same claim, lease,
retries and failure log as the e-mail (tracker.services.reminders.send); only the last step
differs. Both robots take a markdown message as JSON and answer {"errcode": 0, …}; DingTalk's
加签 robots also want `timestamp` and `sign` (HMAC-SHA256 of "timestamp\\nsecret", base64) in
the URL. Each call carries the digest's Message-ID in an X-Tracker-Delivery header, so a
receiver that keeps it can drop the one duplicate a worker killed after the robot answered but
before recording it may cause."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from tracker.l10n import bracketed
from tracker.models import ReminderDigest, Webhook
from tracker.services.reminders.digest import digest_context, digest_message_id

PREFIX = "webhook:"


class WebhookFailed(Exception):
    """The robot refused or could not be reached. `permanent` when trying again cannot help (the
    hook was deleted, its address is wrong, a 4xx answer)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def is_webhook(recipient: str) -> bool:
    return recipient.startswith(PREFIX)


def signed_url(url: str, secret: str, *, now_ms: int | None = None) -> str:
    """DingTalk's signed request: the URL with `timestamp` and `sign` appended."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


def markdown(context: dict[str, Any], language: str = "zh-hans") -> str:
    """The digest as the robot's markdown, in the digest's language (the context is already
    worded in it)."""
    with translation.override(language):
        lines = [
            _("**任务调度提醒**（%(today)s，共%(count)s项）")
            % {"today": context["today"], "count": context["count"]}
        ]
        for section in context["sections"]:
            lines.append(
                "\n"
                + _("**【%(title)s】**%(intro)s")
                % {"title": section["title"], "intro": section["intro"]}
            )
            for n, item in enumerate(section["items"], 1):
                head = f"{item['ref']} {item['title']}".strip()
                unit = bracketed(item["unit"]) if item["unit"] else ""
                lines.append(f"{n}. [{head}]({item['url']}){unit}")
                if item["reason"]:
                    lines.append("   " + _("退回原因：%(reason)s") % {"reason": item["reason"]})
    return "\n".join(lines)


def webhook_payload(
    hook: Webhook, context: dict[str, Any], language: str = "zh-hans"
) -> dict[str, Any]:
    text = markdown(context, language)
    if hook.flavour == Webhook.Flavour.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": context["headline"], "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def webhook_request(digest: ReminderDigest, *, today: date) -> urllib.request.Request:
    """The call that delivers one digest to its robot (rendered, signed); WebhookFailed when the
    robot is gone."""
    hook = Webhook.objects.filter(
        pk=int(digest.recipient.removeprefix(PREFIX)), is_active=True
    ).first()
    if hook is None:
        raise WebhookFailed(_("群机器人已删除或停用。"), permanent=True)
    language = digest.language or "zh-hans"
    context = digest_context(digest, today=today, language=language)
    url = hook.url
    if hook.flavour == Webhook.Flavour.DINGTALK and hook.secret:
        url = signed_url(url, hook.secret)
    request = urllib.request.Request(  # noqa: S310 - the address is an http(s) URLField
        url,
        data=json.dumps(webhook_payload(hook, context, language), ensure_ascii=False).encode(),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Tracker-Delivery": digest_message_id(digest),
        },
        method="POST",
    )
    return request


def webhook_post(request: urllib.request.Request) -> None:
    """Make the call; raises WebhookFailed unless the robot answered errcode 0."""
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.TRACKER_WEBHOOK_TIMEOUT
        ) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise WebhookFailed(f"HTTP {exc.code}", permanent=permanent) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise WebhookFailed(f"{type(exc).__name__}: {exc}") from exc
    try:
        answer = json.loads(body or b"{}")
    except ValueError as exc:
        raise WebhookFailed(_("无法识别的应答：%(body)s") % {"body": repr(body[:200])}) from exc
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code:
        raise WebhookFailed(f"errcode {code}: {answer.get('errmsg', '')}")
