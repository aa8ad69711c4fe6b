"""Keyset pages for long lists (the reminder log, the review queue: hundreds of thousands of
rows at province scale). A page is found by the last row seen, not by an offset, so the 5,000th
page reads 50 rows from an index like the first; an offset would make the database walk past
every row before it.

A list is ordered by (`field`, pk), newest first by default or oldest first. The cursor names a
row by its timestamp (microseconds since the epoch) and primary key: `?after=<cursor>` is the
page of rows that come after that row in the list's order, `?before=<cursor>` the page of rows
that come before it. A cursor that does not parse shows the first page. The field must not be
null in the rows listed.
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
_LAST_MICROSECOND = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND


@dataclass(frozen=True)
class KeysetPage(Generic[_M]):
    object_list: list[_M]
    previous: str | None  # the cursor of the page before, or None on the first page
    next: str | None  # the cursor of the page after, or None on the last page


def encode_cursor(moment: datetime, pk: int) -> str:
    return f"{(moment - _EPOCH) // _MICROSECOND}-{pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    micros, _, pk = (text or "").partition("-")
    # No later than datetime's last moment: a larger count of microseconds overflowed (a 500).
    moment, number = parse_int(micros, maximum=_LAST_MICROSECOND), parse_int(pk)
    if moment is None or number is None:
        return None
    return _EPOCH + moment * _MICROSECOND, number


def _past(rows: QuerySet[_M], field: str, cursor: tuple[datetime, int], *, up: bool) -> Any:
    """The rows strictly past the cursor's row, going up (greater) or down (smaller)."""
    moment, pk = cursor
    if up:
        return rows.filter(**{f"{field}__gte": moment}).exclude(**{field: moment, "pk__lte": pk})
    return rows.filter(**{f"{field}__lte": moment}).exclude(**{field: moment, "pk__gte": pk})


def keyset_page(
    request: HttpRequest,
    rows: QuerySet[_M],
    *,
    field: str,
    per_page: int,
    descending: bool = True,
) -> KeysetPage[_M]:
    """One page of `rows` by (`field`, pk), newest first (or oldest first with
    descending=False), from ?after= or ?before=."""
    after = decode_cursor(request.GET.get("after"))
    before = None if after else decode_cursor(request.GET.get("before"))
    forward = (f"-{field}", "-pk") if descending else (field, "pk")
    backward = (field, "pk") if descending else (f"-{field}", "-pk")

    def cursor(row: Any) -> str:
        return encode_cursor(getattr(row, field), row.pk)

    if before is not None:
        found = list(_past(rows, field, before, up=descending).order_by(*backward)[: per_page + 1])
        more = len(found) > per_page
        items = list(reversed(found[:per_page]))
        return KeysetPage(
            items,
            previous=cursor(items[0]) if more and items else None,
            next=cursor(items[-1]) if items else None,
        )
    if after is not None:
        rows = _past(rows, field, after, up=not descending)
    found = list(rows.order_by(*forward)[: per_page + 1])
    items = found[:per_page]
    return KeysetPage(
        items,
        previous=cursor(items[0]) if after is not None and items else None,
        next=cursor(items[-1]) if len(found) > per_page else None,
    )
