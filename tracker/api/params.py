"""Query parameters of the API, read strictly.

The pages ignore a filter they cannot read (tracker.http.int_param) and show everything; a
program that sends ?year=10.5 or ?period=abc would then silently receive every object instead of
the ones it asked for. The API refuses such a request (400, the parameter named in `errors`), as
its contract says.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from tracker.http import MAX_ID, parse_int


def query_int(
    request: Request, name: str, *, minimum: int = 1, maximum: int = MAX_ID
) -> int | None:
    """The integer parameter `name` in [minimum, maximum], None when absent; 400 otherwise."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    number = parse_int(raw, minimum=minimum, maximum=maximum)
    if number is None:
        raise ValidationError(
            {
                name: _("应为 %(minimum)s 至 %(maximum)s 之间的整数。")
                % {"minimum": minimum, "maximum": maximum}
            }
        )
    return number


def query_choice(request: Request, name: str, choices: Sequence[str]) -> str | None:
    """The parameter `name`, one of `choices`, None when absent; 400 otherwise."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if raw not in choices:
        raise ValidationError(
            {name: _("应为以下之一：%(choices)s。") % {"choices": "、".join(choices)}}
        )
    return raw
