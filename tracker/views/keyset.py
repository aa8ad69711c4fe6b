"""Keyset pages for long lists (the reminder log, the review queue: hundreds of thousands of
rows at province scale). A page is found by the last row seen, not by an offset, so the 5,000th
page reads 50 rows like the first; an offset would make the database walk past every row
before it.

A list is ordered by its keys and then the pk (one key, a timestamp, for the reminder log; the
unit's 排序号 and name, then the submission time, for the review queue sorted by unit), all
descending (newest first, the default) or all ascending. The cursor names a row by its keys'
values and its pk, written "-"-separated: a timestamp as microseconds since the epoch, a date as
its day number, a text as the hex of its UTF-8, so "1781920800000000-42" is the one-timestamp
cursor these lists have always written. `?after=<cursor>` is the page of rows that come after
that row in the list's order, `?before=<cursor>` the page of rows that come before it. A cursor
that does not parse (another sort's, an old link, a typing error) shows the first page. A key
must not be null in the rows listed: a nullable column is listed through Coalesce.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db.models import Expression, F, Model, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleGreaterThanOrEqual,
    TupleLessThan,
    TupleLessThanOrEqual,
)
from django.http import HttpRequest

from tracker.http import parse_int

_M = TypeVar("_M", bound=Model)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_LAST_MICROSECOND = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
# A unit name is at most 200 characters, 800 bytes of UTF-8 (1,600 hex digits); a longer text
# is not a cursor's.
_LONGEST_TEXT = 2 * 4 * 200
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Key:
    """One of a list's sort keys: `name` is a field of its rows, or, with `expression`, the name
    it is annotated as; `kind` says how the cursor writes its values."""

    name: str
    kind: type[int] | type[str] | type[date] | type[datetime] = int
    expression: Expression | F | None = None


@dataclass(frozen=True)
class KeysetPage(Generic[_M]):
    object_list: list[_M]
    previous: str | None  # the cursor of the page before, or None on the first page
    next: str | None  # the cursor of the page after, or None on the last page


def _write(value: Any) -> str:
    if isinstance(value, datetime):
        return str((value - _EPOCH) // _MICROSECOND)
    if isinstance(value, date):
        return str(value.toordinal())
    if isinstance(value, str):
        return value.encode().hex()
    return str(value)


def _read(text: str, kind: type) -> Any:
    """The value `text` writes, or None when it writes none of `kind`."""
    if kind is str:
        if len(text) > _LONGEST_TEXT or len(text) % 2 or not set(text) <= _HEX:
            return None
        try:
            decoded = bytes.fromhex(text).decode()
        except UnicodeDecodeError:
            return None
        # No name holds a NUL, and PostgreSQL refuses one as a parameter (a 500, not a page).
        return None if "\x00" in decoded else decoded
    if kind is datetime:
        # No later than datetime's last moment: a larger count of microseconds overflowed.
        micros = parse_int(text, maximum=_LAST_MICROSECOND)
        return None if micros is None else _EPOCH + micros * _MICROSECOND
    if kind is date:
        day = parse_int(text, minimum=1, maximum=date.max.toordinal())
        return None if day is None else date.fromordinal(day)
    return parse_int(text)


def encode_cursor(*values: Any) -> str:
    """The cursor of a row whose keys and pk are `values`."""
    return "-".join(_write(value) for value in values)


def decode_cursor(text: str | None, kinds: Sequence[type] = (datetime,)) -> tuple[Any, ...] | None:
    """The key values and pk a cursor names (keys of `kinds`, then the pk), or None for
    anything else."""
    parts = (text or "").split("-")
    if len(parts) != len(kinds) + 1:
        return None
    values = tuple(_read(part, kind) for part, kind in zip(parts, [*kinds, int], strict=True))
    return None if any(value is None for value in values) else values


def keyset_page(
    request: HttpRequest,
    rows: QuerySet[_M],
    *,
    per_page: int,
    field: str | None = None,
    keys: Sequence[Key] = (),
    descending: bool = True,
    seek: int = 0,
    narrow: bool = False,
) -> KeysetPage[_M]:
    """One page of `rows` by `keys` (or the one timestamp `field`) and then the pk, newest first
    (or oldest first with descending=False), from ?after= or ?before=. The rows' own order is
    replaced by the keys'.

    `seek`: how many of the leading keys are one joined table's columns in an index of their
    own (the unit's 排序号 and name): past a cursor the rows are also bounded by those keys
    alone, which the whole comparison implies but which, unlike it, the database can start
    that index's scan from (a deep page sorted by unit: 2 ms instead of 200).

    `narrow`: for an order no index gives, which the database sorts: the page's ids are chosen
    in a subquery that reads only the keys, and the rows fetched by them, rather than carrying
    every row's joined columns through the sort (the queue by due date: 300 ms that way)."""
    keys = (Key(field, datetime),) if field is not None else tuple(keys)
    annotations = {key.name: key.expression for key in keys if key.expression is not None}
    if annotations:
        rows = rows.annotate(**annotations)
    kinds = [key.kind for key in keys]
    after = decode_cursor(request.GET.get("after"), kinds)
    before = None if after else decode_cursor(request.GET.get("before"), kinds)
    names = [key.name for key in keys] + ["pk"]
    up = tuple(names)
    down = tuple(f"-{name}" for name in names)
    forward, backward = (down, up) if descending else (up, down)
    # A row comparison, (key…, pk) > (value…, pk), is what an index on the keys seeks on;
    # spelt as ORs it is a filter over every row before the cursor (see tracker/api/pagination).
    row = Tuple(*[F(name) for name in names])

    lead = Tuple(*[F(name) for name in names[:seek]])

    def past(cursor: tuple[Any, ...], *, greater: bool) -> QuerySet[_M]:
        found = rows.filter((TupleGreaterThan if greater else TupleLessThan)(row, cursor))
        if seek:
            bound = TupleGreaterThanOrEqual if greater else TupleLessThanOrEqual
            found = found.filter(bound(lead, cursor[:seek]))
        return found

    def cursor_of(item: Any) -> str:
        return encode_cursor(*(getattr(item, key.name) for key in keys), item.pk)

    def take(found: QuerySet[_M], order: tuple[str, ...]) -> list[_M]:
        found = found.order_by(*order)
        if narrow:
            found = rows.filter(pk__in=found.values("pk")[: per_page + 1]).order_by(*order)
        return list(found[: per_page + 1])

    if before is not None:
        found = take(past(before, greater=descending), backward)
        more = len(found) > per_page
        items = list(reversed(found[:per_page]))
        return KeysetPage(
            items,
            previous=cursor_of(items[0]) if more and items else None,
            next=cursor_of(items[-1]) if items else None,
        )
    if after is not None:
        rows = past(after, greater=not descending)
    found = take(rows, forward)
    items = found[:per_page]
    return KeysetPage(
        items,
        previous=cursor_of(items[0]) if after is not None and items else None,
        next=cursor_of(items[-1]) if len(found) > per_page else None,
    )
