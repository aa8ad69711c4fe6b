"""Keyset pages for /api/reports/ (issue 19): 200,000 reports at province scale, and a client
walking them all by ?page= made the database skip every row before each page (0.4-1.7 s at an
offset of 100,000). The list is ordered by (period, responsibility), unique per report and
covered by an index, so `next` names the last report's pair and the following page starts right
after it: `?after=<period id>-<responsibility id>`. The answer is {"next": url or null,
"results": [...]}; there is no total, which would cost a count of every row on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tracker.http import parse_int


def decode_after(text: str | None) -> tuple[int, int] | None:
    period, _, responsibility = (text or "").partition("-")
    pair = parse_int(period), parse_int(responsibility)
    return None if pair[0] is None or pair[1] is None else (pair[0], pair[1])


class ReportKeysetPagination(BasePagination):
    page_size: int = api_settings.PAGE_SIZE or 50

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        assert isinstance(queryset, QuerySet)  # noqa: S101 - the report list's queryset
        self.request = request
        raw = request.query_params.get("after")
        after = decode_after(raw)
        if raw is not None and after is None:
            # Read strictly like the API's filters: an unreadable cursor is not the first page.
            raise ValidationError({"after": _("应为上一页 next 地址中的 after 值。")})
        if after is not None:
            period, responsibility = after
            # A row comparison, (period, responsibility) > (p, r), is what the index seeks on:
            # spelt as an OR it is a filter over every row before the cursor (EXPLAIN: 100,000
            # rows removed, 32 ms; this way 0.3 ms). Django 5.2's tuple lookups (those of
            # composite primary keys) write it, expanding it on a database without row values.
            queryset = queryset.filter(
                TupleGreaterThan(
                    Tuple(F("period_id"), F("responsibility_id")), (period, responsibility)
                )
            )
        found = list(queryset.order_by("period_id", "responsibility_id")[: self.page_size + 1])
        self.last = found[self.page_size - 1] if len(found) > self.page_size else None
        return found[: self.page_size]

    def next_url(self) -> str | None:
        if self.last is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        cursor = f"{self.last.period_id}-{self.last.responsibility_id}"
        return replace_query_param(url, "after", cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.next_url(), "results": data})

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": "翻页位置：取自上一页 next 地址，不要自行拼写",
                "schema": {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
            }
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
