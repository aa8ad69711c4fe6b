"""Keep tracker.models.SlotSummary in step with what it copies (issue 19).

`summaries_refresh` recounts the slots under the keys it is given, in SQL: it deletes their rows
and inserts them again from the conditions the slot counting always used (a period of the
assignment's schedule starting while the assignment is tracked; the report of the period, if
any). A published document and an active unit are checked when read, not kept.
Services that change any of the rest call it, explicitly and inside their own transaction,
rather than through signals: a reader of the service sees what it keeps up to date,
and a bulk `update()` cannot slip past unnoticed. `manage.py rebuild_summaries` calls it with
no keys, or per document or year.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Case, F, FilteredRelation, Max, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from tracker.models import (
    COUNTED_STATUSES,
    Document,
    Problem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    SlotSummary,
    SummaryChange,
)
from tracker.selectors.cached import ROSTER, quarter_key

# The table's columns, in the order the SELECT below yields them.
_COLUMNS = (
    "period_id",
    "responsibility_id",
    "document_id",
    "assignment_id",
    "unit_id",
    "year",
    "quarter",
    "ends_on",
    "due_on",
    "report_id",
    "status",
    "colour",
    "is_late",
    "submitted_at",
)


def counted_slots(
    *,
    period_ids: Iterable[int] | None = None,
    responsibility_ids: Iterable[int] | None = None,
    document_id: int | None = None,
    unit_ids: Iterable[int] | None = None,
    assignment_ids: Iterable[int] | None = None,
    year: int | None = None,
) -> QuerySet[Any]:
    """Every slot under the keys (all of them narrow together), as rows of SlotSummary's
    columns: the responsibility meets a period of its assignment's schedule, starting while the
    assignment is tracked. Whether the document is published and the unit active is left to the
    readers (tracker.selectors.aggregates.summary_slots)."""
    period_q = Q()
    if period_ids is not None:
        period_q &= Q(assignment__schedule__periods__pk__in=list(period_ids))
    if year is not None:
        period_q &= Q(assignment__schedule__periods__year=year)
    queryset = Responsibility.objects.annotate(
        slot_period=FilteredRelation("assignment__schedule__periods", condition=period_q)
        if period_q
        else FilteredRelation("assignment__schedule__periods"),
    ).annotate(
        slot_report=FilteredRelation(
            "reports", condition=Q(reports__period_id=F("slot_period__pk"))
        )
    )
    if responsibility_ids is not None:
        queryset = queryset.filter(pk__in=list(responsibility_ids))
    if document_id is not None:
        queryset = queryset.filter(assignment__document_id=document_id)
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=list(unit_ids))
    if assignment_ids is not None:
        queryset = queryset.filter(assignment_id__in=list(assignment_ids))
    return (
        queryset.filter(slot_period__isnull=False)
        .annotate(slot_starts_on=F("slot_period__starts_on"))
        .filter(
            Q(assignment__active_until__isnull=True)
            | Q(assignment__active_until__gte=F("slot_starts_on"))
        )
        .order_by()
        .values(
            s_period_id=F("slot_period__pk"),
            s_responsibility_id=F("pk"),
            s_document_id=F("assignment__document_id"),
            s_assignment_id=F("assignment_id"),
            s_unit_id=F("unit_id"),
            s_year=F("slot_period__year"),
            s_quarter=F("slot_period__quarter"),
            s_ends_on=F("slot_period__ends_on"),
            s_due_on=F("slot_period__due_on"),
            s_report_id=F("slot_report__pk"),
            s_status=Coalesce(F("slot_report__status"), Value("")),
            # A light counts once the report does (aggregates.slot_colour): a draft's, changing
            # as its figures are typed, is not kept, so its saves leave the row as it was.
            s_colour=Case(
                When(slot_report__status__in=COUNTED_STATUSES, then=F("slot_report__colour")),
                default=Value(""),
            ),
            s_is_late=F("slot_report__is_late"),
            s_submitted_at=F("slot_report__submitted_at"),
        )
    )


def summaries_refresh(
    *,
    period_ids: Iterable[int] | None = None,
    responsibility_ids: Iterable[int] | None = None,
    document_id: int | None = None,
    unit_ids: Iterable[int] | None = None,
    assignment_ids: Iterable[int] | None = None,
    year: int | None = None,
) -> int:
    """Recount the summary rows under the keys (they narrow together: `period_ids` and
    `responsibility_ids` together are those slots only; no key at all is everything): delete
    and insert, set-based, with a read of the rows before and after to mark the quarters that
    changed (summaries_changed); return how many rows there are now under the keys. Runs in
    the caller's transaction (a transaction of its own otherwise)."""
    period_ids = None if period_ids is None else sorted(set(period_ids))
    responsibility_ids = None if responsibility_ids is None else sorted(set(responsibility_ids))
    unit_ids = None if unit_ids is None else sorted(set(unit_ids))
    assignment_ids = None if assignment_ids is None else sorted(set(assignment_ids))
    if [] in (period_ids, responsibility_ids, unit_ids, assignment_ids):
        return 0
    stale = SlotSummary.objects.all()
    if period_ids is not None:
        stale = stale.filter(period_id__in=period_ids)
    if responsibility_ids is not None:
        stale = stale.filter(responsibility_id__in=responsibility_ids)
    if document_id is not None:
        stale = stale.filter(document_id=document_id)
    if unit_ids is not None:
        stale = stale.filter(unit_id__in=unit_ids)
    if assignment_ids is not None:
        stale = stale.filter(assignment_id__in=assignment_ids)
    if year is not None:
        stale = stale.filter(year=year)
    fresh = counted_slots(
        period_ids=period_ids,
        responsibility_ids=responsibility_ids,
        document_id=document_id,
        unit_ids=unit_ids,
        assignment_ids=assignment_ids,
        year=year,
    )
    select_sql, params = fresh.query.sql_with_params()
    table = connection.ops.quote_name(SlotSummary._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    updates = ", ".join(
        f"{connection.ops.quote_name(c)} = excluded.{connection.ops.quote_name(c)}"
        for c in _COLUMNS[2:]
    )
    # ON CONFLICT: two transactions recounting the same slot at once (two reports of one unit
    # saved together) must not fail on the unique key; the later one's copy wins, and it read
    # the latest committed report. The SELECT always has a WHERE, which SQLite needs to tell
    # ON CONFLICT from a join's ON.
    insert_sql = (
        f"INSERT INTO {table} ({columns}) {select_sql} "
        f"ON CONFLICT (period_id, responsibility_id) DO UPDATE SET {updates}"
    )
    # A few slots (a report's save, a responsibility's change) are compared row by row before
    # and after, and only a quarter whose rows changed is marked: a draft saved again, or the
    # autosave every few seconds of typing, leaves the supervisors' kept figures alone. A wide
    # recount (a document, a year, everything) marks every quarter it touched.
    narrow = period_ids is not None or responsibility_ids is not None
    shape = _COLUMNS if narrow else ("year", "quarter")
    # No savepoint inside the caller's transaction: the delete and the insert stand or fall
    # with it, and a report's save (the hot path at the deadline) is spared two round trips.
    with transaction.atomic(savepoint=False):
        before = set(stale.values_list(*shape).distinct().order_by())
        stale._raw_delete(stale.db)
        with connection.cursor() as cursor:
            cursor.execute(insert_sql, params)
        after = set(stale.values_list(*shape).distinct().order_by())
        changed = before ^ after if narrow else before | after
        at = shape.index("year")
        summaries_changed(quarter_key(row[at], row[at + 1]) for row in changed)
        if narrow:
            return len(after)
        return stale.count()


def summaries_changed(keys: Iterable[str]) -> None:
    """Mark what the calling transaction changed (quarters by quarter_key, or ROSTER for units
    and documents), so the supervisors' cached figures are counted again once it commits
    (tracker.selectors.cached). Inserted in the caller's transaction: a reader who sees the
    change sees its mark, and one who does not sees neither."""
    marks = [SummaryChange(key=key) for key in sorted(set(keys))]
    if marks:
        SummaryChange.objects.bulk_create(marks)


def problem_changed(problem: Problem) -> None:
    """Mark the quarter of the report a problem was raised on (the rankings count how problems
    are settled, per quarter)."""
    period = (
        ReportingPeriod.objects.filter(reports__pk=problem.report_id)
        .values_list("year", "quarter")
        .first()
    )
    if period is not None:
        summaries_changed([quarter_key(*period)])


def roster_saved(*, instance: object, **_signal: object) -> None:
    """post_save and post_delete of Unit and Document (tracker.apps): a unit's name, level, order
    or active flag, a document's status, are read by the rankings and tallies. Connected as
    signals, unlike the summary rows, so that every save counts — the admin's and the people
    pages' as much as the services' (UPDATEs mark explicitly: rosters, unit_merge). A draft
    that never had slots (one being reviewed, saved at every correction) counts in nothing."""
    if (
        isinstance(instance, Document)
        and instance.status == Document.Status.DRAFT
        and not SlotSummary.objects.filter(document_id=instance.pk).exists()
    ):
        return
    summaries_changed([ROSTER])


def problem_saved(*, instance: Problem, **_signal: object) -> None:
    """post_save and post_delete of Problem: raised, settled, moved (escalation is an UPDATE and
    marks in tracker.services.problems)."""
    problem_changed(instance)


def summary_changes_prune() -> int:
    """Keep the newest mark of each key (beat: daily); return how many were deleted. Deleting
    changes the stamps once, so the figures cached are counted again once: harmless."""
    newest = (
        SummaryChange.objects.values("key")
        .annotate(newest=Max("id"))
        .values_list("newest", flat=True)
    )
    deleted, _ = SummaryChange.objects.exclude(pk__in=list(newest)).delete()
    return deleted


def summaries_refresh_report(report: ProgressReport) -> None:
    """The one slot a report's save, submission, review or evaluation changed."""
    summaries_refresh(period_ids=[report.period_id], responsibility_ids=[report.responsibility_id])


def summaries_fill_after_upgrade(*, using: str = DEFAULT_DB_ALIAS, **_signal: object) -> int:
    """Connected to post_migrate (tracker.apps): an installation upgraded past the migration that
    created the summary table has its responsibilities and periods but no summary rows, and
    every dashboard would read zero until someone ran rebuild_summaries. Filled here once, after
    all migrations, so it runs against the current schema; an empty database or one whose rows
    exist costs two queries. Returns the rows written."""
    if using != DEFAULT_DB_ALIAS or SlotSummary.objects.exists():
        return 0
    if not ReportingPeriod.objects.exists():
        return 0
    with transaction.atomic():
        return summaries_refresh()
