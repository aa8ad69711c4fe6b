"""The one e-mail helper: a template name and a JSON-safe context make a message.

Each message has three templates side by side under templates/emails/: `<name>.subject.txt`,
`<name>.txt` and `<name>.html`, in Chinese; `emails/en/<name>.…` holds the English ones, and a
language without its own template falls back to the Chinese. The context must survive
`json.dumps`, so whatever renders a message could as well be queued and rendered elsewhere, and
nothing lazy (a queryset, a model) reaches a template that outlives its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import select_template
from django.utils import translation

DEFAULT_LANGUAGE = "zh-hans"


def _render(template: str, part: str, context: Mapping[str, Any], language: str) -> str:
    names = [f"emails/{template}.{part}"]
    if language != DEFAULT_LANGUAGE:
        names.insert(0, f"emails/{language}/{template}.{part}")
    return str(select_template(names).render(dict(context)))


def build_message(
    template: str,
    context: Mapping[str, Any],
    *,
    to: Sequence[str],
    message_id: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render `template` in `language` into a text message with an HTML alternative.

    `message_id` ("<…@…>") is kept as the message's Message-ID, so a message sent again after a
    crash is recognisably the same message; without it Django makes a fresh one.
    """
    json.dumps(context)  # fails loudly on anything not JSON-safe
    with translation.override(language):
        subject = " ".join(_render(template, "subject.txt", context, language).split())
        text = _render(template, "txt", context, language)
        html = _render(template, "html", context, language)
    all_headers = {"Auto-Submitted": "auto-generated", **(headers or {})}
    if message_id:
        all_headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=all_headers,
    )
    message.attach_alternative(html, "text/html")
    return message
