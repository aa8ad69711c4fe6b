"""Keyset pages for the API's long lists (issue 19): /api/reports/ (200,000 reports at province
scale) and /api/responsibilities/ (54,000); a client walking them by ?page= made the database
skip every row before each page (0.4-1.7 s at an offset of 100,000). Each list is ordered by a
pair of ids unique per row and covered by an index — reports by (period, responsibility),
responsibilities by (assignment, unit) — so `next` names the last row's pair and the following
page starts right after it: `?after=<id>-<id>`. The answer is {"next": url or null,
"results": [...]}; there is no total, which would cost a count of every row on every page. A
?page= beyond the first, without ?after=, is refused (400) naming the cursor.
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


def decode_after(text: str | None, size: int = 2) -> tuple[int, ...] | None:
    """The ids an ?after= cursor names ("12-345"), `size` of them, or None for anything else."""
    parts = (text or "").split("-")
    ids = tuple(parse_int(part) for part in parts)
    if len(ids) != size or any(number is None for number in ids):
        return None
    return ids  # type: ignore[return-value]  # no None left


class KeysetPagination(BasePagination):
    """Pages of a list ordered by `fields` (ids, unique together per row and led by an index),
    each page starting right after the last row of the one before."""

    fields: tuple[str, ...]
    page_size: int = api_settings.PAGE_SIZE or 50

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        assert isinstance(queryset, QuerySet)  # noqa: S101 - a list view's queryset
        self.request = request
        raw = request.query_params.get("after")
        after = decode_after(raw, len(self.fields))
        if raw is not None and after is None:
            # Read strictly like the API's filters: an unreadable cursor is not the first page.
            raise ValidationError({"after": _("应为上一页 next 地址中的 after 值。")})
        if raw is None and request.query_params.get("page", "").strip() not in ("", "1"):
            # These lists were once paged by number: a client still counting pages would get
            # the first page again and again, so it is told how they page now. With ?after=
            # the cursor says where the page is and a leftover ?page= is of no account.
            raise ValidationError(
                {"page": _("列表不再按页码翻页：请跟随上一页的 next 地址（after 参数）。")}
            )
        if after is not None:
            # A row comparison, (period, responsibility) > (p, r), is what the index seeks on:
            # spelt as an OR it is a filter over every row before the cursor (EXPLAIN: 100,000
            # rows removed, 32 ms; this way 0.3 ms). Django 5.2's tuple lookups (those of
            # composite primary keys) write it, expanding it on a database without row values.
            queryset = queryset.filter(
                TupleGreaterThan(Tuple(*[F(field) for field in self.fields]), after)
            )
        found = list(queryset.order_by(*self.fields)[: self.page_size + 1])
        self.last = found[self.page_size - 1] if len(found) > self.page_size else None
        return found[: self.page_size]

    def next_url(self) -> str | None:
        if self.last is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        cursor = "-".join(str(getattr(self.last, field)) for field in self.fields)
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
                "schema": {
                    "type": "string",
                    "pattern": "^" + "-".join(["[0-9]+"] * len(self.fields)) + "$",
                },
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


class ReportKeysetPagination(KeysetPagination):
    # Unique per report, and the leading columns of the report's unique index.
    fields = ("period_id", "responsibility_id")


class ResponsibilityKeysetPagination(KeysetPagination):
    # Unique per current responsibility (a removed one is not listed), and the columns of its
    # unique index: page 1,000 by number took 173 ms (sorted by document, position and unit, an
    # incremental sort of every row before it); this way a deep page reads 51 rows.
    fields = ("assignment_id", "unit_id")
