"""Keyset pages for long, newest-first lists (the reminder log: hundreds of thousands of rows
at province scale). A page is found by the last row seen, not by an offset, so the 5,000th page
reads 50 rows from an index like the first; an offset would make the database walk past every
row before it.

The cursor names a row by its timestamp (microseconds since the epoch) and primary key:
`?after=<cursor>` is the page of rows older than that row, `?before=<cursor>` the page of rows
newer than it. A cursor that does not parse shows the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from tracker.http import parse_int

_M = TypeVar("_M", bound=Model)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class KeysetPage(Generic[_M]):
    object_list: list[_M]
    newer: str | None  # the cursor of the page before (newer rows), or None on the first page
    older: str | None  # the cursor of the page after (older rows), or None on the last page


def encode_cursor(moment: datetime, pk: int) -> str:
    return f"{(moment - _EPOCH) // _MICROSECOND}-{pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    micros, _, pk = (text or "").partition("-")
    moment, number = parse_int(micros, maximum=10**18 - 1), parse_int(pk)
    if moment is None or number is None:
        return None
    return _EPOCH + moment * _MICROSECOND, number


def keyset_page(
    request: HttpRequest, rows: QuerySet[_M], *, field: str, per_page: int
) -> KeysetPage[_M]:
    """One page of `rows`, newest first by (`field`, pk), from ?after= or ?before=."""
    after = decode_cursor(request.GET.get("after"))
    before = None if after else decode_cursor(request.GET.get("before"))

    def cursor(row: Any) -> str:
        return encode_cursor(getattr(row, field), row.pk)

    if before is not None:
        moment, pk = before
        newer_first = list(
            rows.filter(**{f"{field}__gte": moment})
            .exclude(**{field: moment, "pk__lte": pk})
            .order_by(field, "pk")[: per_page + 1]
        )
        more = len(newer_first) > per_page
        items = list(reversed(newer_first[:per_page]))
        return KeysetPage(
            items,
            newer=cursor(items[0]) if more and items else None,
            older=cursor(items[-1]) if items else None,
        )
    if after is not None:
        moment, pk = after
        rows = rows.filter(**{f"{field}__lte": moment}).exclude(**{field: moment, "pk__gte": pk})
    found = list(rows.order_by(f"-{field}", "-pk")[: per_page + 1])
    items = found[:per_page]
    return KeysetPage(
        items,
        newer=cursor(items[0]) if after is not None and items else None,
        older=cursor(items[-1]) if len(found) > per_page else None,
    )
