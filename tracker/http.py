"""What pages and the API read from a request besides its form: whether htmx sent it, and
integer query parameters. Django only, so every entry layer can use it."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request, so the answer is a fragment it swaps into the page rather
    than a whole page (every fragment URL also works without JavaScript)."""
    return request.headers.get("HX-Request") == "true"


def int_param(request: HttpRequest, name: str) -> int | None:
    """An integer query parameter, or None when it is absent or not an integer."""
    raw = request.GET.get(name, "").strip()
    return int(raw) if raw.isdigit() else None
