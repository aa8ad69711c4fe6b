"""The API's JSON parser, with a bound on nesting.

Python's json module recurses once per level: a body nested fifty thousand levels deep raised
RecursionError, a 500. Nothing the API takes nests more than a few levels (a report's values are
a list of objects), so a body deeper than JSON_MAX_DEPTH is refused as malformed before it is
parsed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

JSON_MAX_DEPTH = 32
# A JSON string (its brackets are text, not nesting), and what is left that opens or closes.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def json_depth(body: bytes) -> int:
    """How deeply `body` nests arrays and objects (0 for a scalar)."""
    deepest = depth = 0
    for byte in _NOT_BRACKET.sub(b"", _STRING.sub(b"", body)):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        body = stream.read() if stream is not None else b""
        limit = getattr(settings, "TRACKER_JSON_MAX_DEPTH", JSON_MAX_DEPTH)
        if json_depth(body) > limit:
            raise ParseError(f"JSON parse error - nested deeper than {limit} levels")
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
