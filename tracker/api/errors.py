"""How the API says no: one body for every error it answers,

    {"detail": "<the reason, in one sentence for a person>",
     "errors": {"<field>": "<what is wrong with it>", ...}}

`errors` names the fields at fault — a report's figure as `target-<id>`, as on the form; a nested
field by its path, `values.0.target` — and is empty when no field is. A service's refusal is 400,
or 409 when someone else saved first (tracker.services.errors.Conflict); DRF's own errors (bad
JSON, a missing field, 401/403/404/405) keep their status and take the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.services.errors import Conflict, Refused


def error_body(detail: str, errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": dict(errors or {})}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: the services' refusals and DRF's errors, one shape."""
    if isinstance(exc, Refused):
        code = (
            status.HTTP_409_CONFLICT if isinstance(exc, Conflict) else status.HTTP_400_BAD_REQUEST
        )
        return Response(error_body(exc.message, exc.errors), status=code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        errors = _flatten(exc.detail)
        response.data = error_body(next(iter(errors.values()), ""), errors)
    else:
        data = response.data
        detail = data.get("detail", "") if isinstance(data, Mapping) else data
        response.data = error_body(str(detail))
    return response


def _flatten(detail: Any, path: str = "") -> dict[str, str]:
    """DRF's nested error lists and dicts as {"field" or "field.0.sub": "message …"}."""
    if isinstance(detail, Mapping):
        found: dict[str, str] = {}
        for key, value in detail.items():
            found.update(_flatten(value, f"{path}.{key}" if path else str(key)))
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return {path or "request": " ".join(str(item) for item in detail)} if detail else {}
        found = {}
        for index, item in enumerate(detail):
            found.update(_flatten(item, f"{path}.{index}" if path else str(index)))
        return found
    return {path or "request": str(detail)}


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any address under /api/ that names no endpoint (/api/reports/-1/, /api/nothing/): the
    API's own 404 body, where Django would answer an HTML page a program cannot read."""
    return JsonResponse(error_body(_("未找到。")), status=status.HTTP_404_NOT_FOUND)
