"""What the dashboard counts, kept rather than recounted (issue 19): one row per *slot*, a
responsibility owing a report for a period, with its report's state copied in.

The rows are written by tracker.services.summaries in the same transaction as whatever changes
them (reports, periods, responsibilities, assignments), so a supervisor's page groups a few
indexed rows instead of joining the province's responsibilities, schedules, periods and reports
on every request. A row is kept for every slot of an assignment still tracked when the period
starts; whether its document is published and its unit active is asked when read (a join to
six documents and the units), so archiving a document or switching a unit off changes no row.
A missing report's light depends on the day it is read (grey, then red once overdue), so the row
keeps `due_on` and the colour is worked out when read.
"""

from __future__ import annotations

from django.db import models

from tracker.models.documents import Assignment, Document
from tracker.models.reports import ProgressReport
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.units import Unit


class SlotSummary(models.Model):
    # Looked up through the unique constraint below, which starts with it.
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    responsibility = models.ForeignKey(
        Responsibility, on_delete=models.CASCADE, related_name="summaries"
    )
    # Copies of the responsibility's and period's keys, so a page filters and groups on this
    # table alone.
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    ends_on = models.DateField()
    due_on = models.DateField()
    # The report for the period, if any; its status, light and timeliness as last saved.
    report = models.ForeignKey(
        ProgressReport, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    status = models.CharField(max_length=10, blank=True)
    colour = models.CharField(max_length=6, blank=True)
    is_late = models.BooleanField(null=True)
    submitted_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "responsibility"], name="slot_summary_period_responsibility"
            ),
        ]
        indexes = [
            # The year's trend: the periods of a year ending a quarter (a scan of one year's
            # rows once the table holds several).
            models.Index(fields=["year", "ends_on"], name="slot_summary_year_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.responsibility_id}"


class SummaryChange(models.Model):
    """A mark left by every transaction that changes what the supervisors' province-wide
    figures are counted from, so those figures can be kept in the cache between changes and
    recounted after one (tracker.selectors.cached).

    `key` names what changed: a quarter ("2026-3": its summary rows, or the problems raised on
    its reports) or "roster" (units and documents: names, levels, order, active, published).
    A change *inserts* a row, it never updates one: concurrent submissions take no lock on a
    shared counter, and a reader's stamp of a key, its row count and largest id, changes when
    any transaction marking it commits, even one that took its id before another committed
    (a largest id alone would miss that one). The beat's daily prune keeps one row per key."""

    key = models.CharField(max_length=16)

    class Meta:
        indexes = [
            # The stamps are counted from this index alone (an index-only scan).
            models.Index(fields=["key", "id"], name="summary_change_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}#{self.pk}"
