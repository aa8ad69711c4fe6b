"""What pages and the API read from a request besides its form: whether htmx sent it, and
integer parameters, and the refusal of NUL in any parameter. Django only, so every entry layer
can use it.

`parse_int` is the one reader of ids and integers typed into a URL or a form field by hand:
`str.isdigit()` accepts "²" and "１２", which `int()` then refuses or reads as another number,
and a 23-digit id overflows the database's 64-bit integers; both were 500s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _

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


# Where tracker.urls mounts the REST API.
API_PREFIX = "/api/"


class RefuseNulMiddleware:
    """A NUL character in a query or form parameter is a 400, in one place for every page.
    No name, number or text a person types holds one, and PostgreSQL refuses it anywhere in a
    query's text, so a page passing ?q=%00 to a filter answered 500. Forms' CharFields refuse
    it already; this covers the parameters views read themselves. JSON bodies are the API
    parsers' business."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            if request.path.startswith(API_PREFIX):
                # The API's one error body (tracker.api.errors), as its contract says.
                message = _("请求参数含有无效字符（NUL）。")
                return JsonResponse({"detail": message, "errors": {}}, status=400)
            raise BadRequest("NUL in a request parameter")
        return self.get_response(request)


def _has_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())
