"""Saving a quarter's sheet (季度填报表): every task's report of the upload through report_save,
in one transaction, so the upload is saved whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tracker.models import ProgressReport, ReportingPeriod, Responsibility, User
from tracker.services.reports import ReportInput, report_save


@dataclass(frozen=True)
class SheetEntry:
    """One task's report from the sheet, with the report's version the sheet was made at."""

    responsibility: Responsibility
    report_input: ReportInput
    expected_version: int | None


def sheet_save(
    *,
    period: ReportingPeriod,
    actor: User,
    entries: Sequence[SheetEntry],
    submit: bool,
    now: datetime | None = None,
) -> list[ProgressReport]:
    """Save (or submit) each entry's report. Any refusal — a report changed on the page since
    the sheet was downloaded, a lock meanwhile — raises ReportRefused and rolls back every
    report of the upload; each saved one is audited by report_save."""
    now = now or timezone.now()
    with transaction.atomic():
        return [
            report_save(
                responsibility=entry.responsibility,
                period=period,
                actor=actor,
                report_input=entry.report_input,
                expected_version=entry.expected_version,
                submit=submit,
                now=now,
            )
            for entry in entries
        ]
