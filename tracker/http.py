"""What pages and the API read from a request besides its form: whether htmx sent it, and
integer parameters. Django only, so every entry layer can use it.

`parse_int` is the one reader of ids and integers typed into a URL or a form field by hand:
`str.isdigit()` accepts "²" and "１２", which `int()` then refuses or reads as another number,
and a 23-digit id overflows the database's 64-bit integers; both were 500s.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest

# The largest value a BigAutoField (and SQLite's INTEGER) holds.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = frozenset("0123456789")


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request, so the answer is a fragment it swaps into the page rather
    than a whole page (every fragment URL also works without JavaScript)."""
    return request.headers.get("HX-Request") == "true"


def parse_int(raw: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """An integer written in ASCII digits (an optional leading "-" when `minimum` is negative)
    within [minimum, maximum], or None for anything else: absent, empty, "²", "１２", "1e309",
    "-1" for an id, thirty digits."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text.startswith("-") and minimum < 0 else text
    if not digits or len(digits) > 19 or not set(digits) <= _ASCII_DIGITS:
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def int_param(
    request: HttpRequest,
    name: str,
    *,
    minimum: int = 0,
    maximum: int = MAX_ID,
    data: Mapping[str, str] | None = None,
) -> int | None:
    """An integer query parameter (or, with `data`, a field of that form data: request.POST),
    or None when it is absent or not an integer in range."""
    source = request.GET if data is None else data
    return parse_int(source.get(name), minimum=minimum, maximum=maximum)
