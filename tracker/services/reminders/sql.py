"""The calendar's SQL, written by hand: the statement pieces every item query is built from,
the recipients, the SELECT of every notice due and not yet logged (which the sweep inserts its
claims from and the preview reads), the claim and digest inserts, and the stalled digests'
condition. What is due is decided in tracker.services.reminders.due.
"""

from __future__ import annotations

from collections.abc import Sequence, Sized
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from tracker.models import (
    DeliveryStatus,
    Notice,
    NoticeKind,
    NoticePreference,
    ReminderDigest,
    ReminderLog,
    Unit,
    UnitContact,
    User,
    Webhook,
)
from tracker.services.reminders.rules import MANDATORY, OPTIONAL

# Supervisors are one audience; a unit's recipients are audience unit_id; one person (a returned
# report's submitter) is audience -user_id.
SUPERVISORS = 0


# Written out rather than built with the ORM: the statements are fixed, a sweep runs every few
# minutes (and a test runs thousands), and building them through the ORM cost ten times their
# execution. Tables come from the models' _meta; every value is a placeholder, so no text from
# users reaches the SQL (hence the S608 waivers). The SQL is the subset PostgreSQL and SQLite
# share; both are tested.


@dataclass
class Sql:
    text: str
    params: list[Any] = field(default_factory=list)

    def __add__(self, other: Sql) -> Sql:
        return Sql(f"{self.text} {other.text}", [*self.params, *other.params])


def table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(ids: Sized) -> str:
    return ", ".join(["%s"] * len(ids))


def db_date(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def db_datetime(value: datetime) -> Any:
    """A datetime as the database stores it (SQLite: UTC text), for hand-written statements."""
    return connection.ops.adapt_datetimefield_value(value)


# Every item query yields these columns, in this order.
ITEM_COLUMNS = (
    "{audience} AS c_audience, {key} AS c_item_key, {period} AS c_period_id,"
    " %s AS c_kind, %s AS c_category, %s AS c_day,"
    " {responsibility} AS c_responsibility_id, {problem} AS c_problem_id"
)
NO_ID = "CAST(NULL AS BIGINT)"


def item_head(kind: str, today: date, *, key_params: Sequence[Any] = (), **columns: str) -> Sql:
    """SELECT of the item columns; `key_params` fill the placeholders of the key expression."""
    return Sql(
        "SELECT " + ITEM_COLUMNS.format(**columns),
        [*key_params, kind, OPTIONAL.get(NoticeKind(kind), MANDATORY), db_date(today)],
    )


@dataclass
class Selection:
    """The item queries due at one instant, and the urge (督办) queries."""

    today: date
    day_bound: bool = False
    items: list[Sql] = field(default_factory=list)
    urges: list[Sql] = field(default_factory=list)


# Reclaimed digests queued per sweep; the rest wait ten minutes for the next one.
RECLAIM_BATCH = 5000
# A digest due to start a reclaim period ago, unsent, and held by no live sender.
STALLED = (
    "status IN (%s, %s) AND next_attempt_at < %s AND (lease_until IS NULL OR lease_until < %s)"
)


def stalled_params(now: datetime) -> list[Any]:
    reclaim = timedelta(seconds=settings.TRACKER_REMINDER_RECLAIM_SECONDS)
    return [
        DeliveryStatus.CLAIMED.value,
        DeliveryStatus.RETRYING.value,
        db_datetime(now - reclaim),
        db_datetime(now),
    ]


def _recipients() -> Sql:
    """Every address by audience, with its switches for the optional kinds. Addresses are
    compared in lower case, so one mailbox entered twice gets one e-mail."""
    switches = (
        "COALESCE(np.notify_window_open, TRUE), COALESCE(np.notify_reminders, TRUE),"
        " COALESCE(np.notify_checkpoints, TRUE)"
    )
    people = (
        f"FROM {table(User)} us LEFT JOIN {table(NoticePreference)} np ON np.user_id = us.id"
        " WHERE us.is_active AND us.email <> ''"
    )
    return Sql(
        "SELECT c.unit_id AS c_audience, LOWER(c.email) AS c_email,"  # noqa: S608
        " c.notify_window_open AS c_window, c.notify_reminders AS c_reminders,"
        " c.notify_checkpoints AS c_checkpoints"
        f" FROM {table(UnitContact)} c JOIN {table(Unit)} u ON u.id = c.unit_id"
        " WHERE c.is_active AND u.is_active"
        f" UNION ALL SELECT us.unit_id, LOWER(us.email), {switches} {people}"
        f" AND us.unit_id IN (SELECT id FROM {table(Unit)} WHERE is_active)"
        f" UNION ALL SELECT {SUPERVISORS}, LOWER(us.email), {switches} {people} AND us.role = %s"
        f" UNION ALL SELECT 0 - us.id, LOWER(us.email), {switches} {people}"
        # Group robots (企业微信/钉钉): a unit's hears the unit's notices, a person's theirs.
        f" UNION ALL {_webhooks()}",
        [User.Role.SUPERVISOR.value, User.Role.SUPERVISOR.value],
    )


def _webhooks() -> str:
    """Webhooks as recipients "webhook:<id>", by audience, every notice switched on."""
    hooks = table(Webhook)
    address = "'webhook:' || CAST(w.id AS TEXT)"
    on = "TRUE, TRUE, TRUE"
    owner = (
        f"FROM {hooks} w JOIN {table(User)} us ON us.id = w.user_id"
        " WHERE w.is_active AND us.is_active"
    )
    return (
        f"SELECT w.unit_id, {address}, {on} FROM {hooks} w"  # noqa: S608
        f" JOIN {table(Unit)} u ON u.id = w.unit_id WHERE w.is_active AND u.is_active"
        f" UNION ALL SELECT us.unit_id, {address}, {on} {owner}"
        f" AND us.unit_id IN (SELECT id FROM {table(Unit)} WHERE is_active)"
        f" UNION ALL SELECT {SUPERVISORS}, {address}, {on} {owner} AND us.role = %s"
        f" UNION ALL SELECT 0 - us.id, {address}, {on} {owner}"
    )


def _people() -> Sql:
    """Every active person by audience, whatever their e-mail and switches: the inbox."""
    users = table(User)
    return Sql(
        f"SELECT us.unit_id AS c_audience, us.id AS c_user FROM {users} us"  # noqa: S608
        f" WHERE us.is_active AND us.unit_id IN (SELECT id FROM {table(Unit)} WHERE is_active)"
        f" UNION ALL SELECT {SUPERVISORS}, us.id FROM {users} us"
        " WHERE us.is_active AND us.role = %s"
        f" UNION ALL SELECT 0 - us.id, us.id FROM {users} us WHERE us.is_active",
        [User.Role.SUPERVISOR.value],
    )


def insert_inbox(selection: Selection, *, token: str, now: datetime) -> int:
    """One inbox Notice per person and item due, from the very item queries the e-mail and
    webhook claims come from, in the same transaction; the unique key (user, kind, item with
    its period) makes a second sweep add nothing."""
    if not selection.items:
        return 0
    items = _union(selection.items)
    people = _people()
    statement = (
        f"INSERT INTO {table(Notice)} (user_id, kind, item_key, period_id, day,"  # noqa: S608
        " responsibility_id, problem_id, text, url, sweep, created_at)"
        " SELECT DISTINCT pp.c_user, q.c_kind,"
        " q.c_item_key || '#' || CAST(q.c_period_id AS TEXT), q.c_period_id, q.c_day,"
        " q.c_responsibility_id, q.c_problem_id, '', '', %s, %s"
        f" FROM ({items.text}) q INNER JOIN ({people.text}) pp ON pp.c_audience = q.c_audience"
        " WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [token, db_datetime(now), *items.params, *people.params])
        return max(int(cursor.rowcount), 0)


def _union(parts: Sequence[Sql]) -> Sql:
    return Sql(
        " UNION ALL ".join(part.text for part in parts), [p for part in parts for p in part.params]
    )


def _not_logged(recipient: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM {table(ReminderLog)} l WHERE l.recipient = {recipient}"  # noqa: S608
        " AND l.item_key = q.c_item_key AND l.period_id = q.c_period_id AND l.kind = q.c_kind)"
    )


def notices_sql(selection: Selection) -> Sql | None:
    """SELECT (recipient, item_key, period_id, kind, day, responsibility_id, problem_id) of every
    notice due and not yet logged. The sweep inserts exactly these rows; the preview reads them."""
    if not selection.items:
        return None
    items = _union(selection.items)
    recipients = _recipients()
    wanted = (
        f"(q.c_category = '{MANDATORY}'"
        " OR (q.c_category = 'window' AND r.c_window)"
        " OR (q.c_category = 'reminders' AND r.c_reminders)"
        " OR (q.c_category = 'checkpoints' AND r.c_checkpoints))"
    )
    return Sql(
        "SELECT r.c_email, q.c_item_key, q.c_period_id, q.c_kind, q.c_day,"  # noqa: S608
        " q.c_responsibility_id, q.c_problem_id"
        f" FROM ({items.text}) q INNER JOIN ({recipients.text}) r ON r.c_audience = q.c_audience"
        f" WHERE {wanted} AND {_not_logged('r.c_email')}",
        [*items.params, *recipients.params],
    )


def urges_sql(selection: Selection) -> Sql | None:
    """The same for the automatic 督办 claims (recipient empty)."""
    if not selection.urges:
        return None
    items = _union(selection.urges)
    nobody = "''"
    return Sql(
        "SELECT '', q.c_item_key, q.c_period_id, q.c_kind, q.c_day,"  # noqa: S608
        " q.c_responsibility_id, q.c_problem_id"
        f" FROM ({items.text}) q WHERE {_not_logged(nobody)}",
        items.params,
    )


_CLAIM_COLUMNS = (
    "recipient",
    "item_key",
    "period_id",
    "kind",
    "day",
    "responsibility_id",
    "problem_id",
    "sweep",
    "status",
    "claimed_at",
    "attempts",
    "error",
    "message_id",
)


def insert_claims(select: Sql, *, token: str, now: datetime) -> int:
    columns = ", ".join(_CLAIM_COLUMNS)
    # The constant columns ride on the outer SELECT; WHERE is required by SQLite's parser
    # before ON CONFLICT.
    statement = (
        f"INSERT INTO {table(ReminderLog)} ({columns})"  # noqa: S608
        f" SELECT s.*, %s, %s, %s, 0, '', '' FROM ({select.text}) s WHERE 1 = 1"
        " ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement, (token, DeliveryStatus.CLAIMED.value, db_datetime(now), *select.params)
        )
        return max(int(cursor.rowcount), 0)


def insert_digests(*, token: str, now: datetime) -> None:
    statement = (
        f"INSERT INTO {table(ReminderDigest)} (recipient, sweep, item_count, status, language,"  # noqa: S608
        " claimed_at, next_attempt_at, attempts, error, message_id)"
        " SELECT recipient, %s, COUNT(*), %s, '', %s, %s, 0, '', ''"
        f" FROM {table(ReminderLog)} WHERE sweep = %s AND recipient <> '' GROUP BY recipient"
    )
    moment = db_datetime(now)
    with connection.cursor() as cursor:
        cursor.execute(statement, (token, DeliveryStatus.CLAIMED.value, moment, moment, token))
