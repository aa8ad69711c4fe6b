"""Small helpers for the dashboard and analysis pages: rank changes and proportional bars."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tracker import formatting

register = template.Library()


@register.simple_tag
def rank_change(change: int | None, previous_rank: int | None) -> SafeString:
    """↑2 (moved up two places), ↓1, — (unchanged), 新进 (not ranked last quarter); the arrow is
    spelled out for screen readers."""
    if change is None:
        if previous_rank is None:
            return format_html('<span class="muted">{}</span>', _("新进"))
        return format_html("{}", "")
    if change > 0:
        return format_html(
            '<span class="up" title="{}">↑{}</span>',
            _("较上季度上升%(n)s位") % {"n": change},
            change,
        )
    if change < 0:
        return format_html(
            '<span class="down" title="{}">↓{}</span>',
            _("较上季度下降%(n)s位") % {"n": -change},
            -change,
        )
    return format_html('<span class="muted" title="{}">—</span>', _("与上季度持平"))


@register.filter
def share_of(part: int | None, whole: int | None) -> str:
    """part ÷ whole as a CSS percentage ("37.5%"), for bars drawn in proportion."""
    if not part or not whole:
        return "0%"
    return f"{100 * part / whole:.1f}%"


@register.filter
def score(value: Decimal | None) -> str:
    """A ranking score (a share in [0, 1]) in points out of 100, as the analysis prints it."""
    return formatting.number(value * 100, 1) if value is not None else "—"


@register.simple_tag
def qs(base: Mapping[str, Any], **changes: Any) -> str:
    """`base` (the filters in effect) with `changes` as a query string: "?year=2026&unit=3".
    A change to None removes the key; an empty one (a variable the including template did not
    set) leaves it as it is. Like {% querystring %}, on a plain dict: rows of links build many
    of these, and this one is a few times cheaper."""
    params = {key: str(value) for key, value in base.items()}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        elif value != "":
            params[key] = str(value)
    return "?" + urlencode(params) if params else ""


@register.simple_tag(takes_context=True)
def dist(
    context: template.Context,
    tally: Any,
    *,
    unit_id: Any = "",
    level: Any = "",
    document_id: Any = "",
) -> SafeString:
    """A tally's colours as a proportional bar, each count linking to its slots (`unit_id`,
    `level` or `document_id` narrows the link). Written here rather than as an included
    template: the units' table draws one a row, and an include costs a template render each."""
    slots_url = context.get("slots_url", "")
    base = context.get("filter_query") or {}
    labels = context.get("colour_labels") or {}
    shown = [(key, n) for key, n in tally.colours.items() if n]
    bars = format_html_join(
        "",
        '<span class="{}" data-width="{}"></span>',
        ((key, share_of(n, tally.expected)) for key, n in shown),
    )
    links = format_html_join(
        "",
        '<a class="light {}" href="{}{}"><i aria-hidden="true"></i>{} {}</a>',
        (
            (
                key,
                slots_url,
                qs(base, unit=unit_id, level=level, document=document_id, colour=key, show=None),
                labels.get(key),
                n,
            )
            for key, n in shown
        ),
    )
    return format_html(
        '<div class="dist" aria-hidden="true">{}</div>\n<div class="counts">{}</div>', bars, links
    )
