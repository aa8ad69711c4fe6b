"""What a report's numbers mean: each value's completion, pace and colour (tracker.progress),
stored beside the value so dashboards can count colours in SQL rather than loop in Python."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from tracker import progress
from tracker.models import ProgressReport, Target, TargetValue
from tracker.selectors.reports import elapsed_for, target_spec, thresholds
from tracker.services.summaries import summaries_refresh, summaries_refresh_report


def report_evaluate(
    report: ProgressReport, values: Iterable[TargetValue], targets: dict[int, Target]
) -> list[TargetValue]:
    """Assess every value of a report and set the report's colour (saved by the caller with the
    report). Returns the values, updated in memory, for one bulk_update."""
    assignment = report.responsibility.assignment
    period = report.period
    elapsed = elapsed_for(
        assignment, period, assignment.document.year or period.year, report.data_month
    )
    limits = thresholds()
    colours = []
    evaluated = []
    for value in values:
        if value.target_id not in targets:
            # A target withdrawn by an amendment: its value stays as judged then, and the
            # report is judged on the targets that remain.
            continue
        outcome = progress.assess(
            target_spec(targets[value.target_id]),
            value.actual,
            elapsed=elapsed,
            thresholds=limits,
            assessment=value.assessment,
            judgement=value.judgement,
        )
        value.elapsed = elapsed
        value.completion = _fit(outcome.completion)
        value.pace = _fit(outcome.pace)
        value.gap_pp = _fit(outcome.gap_pp)
        value.met = outcome.met
        value.colour = outcome.colour.value
        colours.append(outcome.colour)
        evaluated.append(value)
    if not targets or all(colour == progress.Colour.GREY for colour in colours):
        # A task without numbers, or a report that gives none (a co-unit reporting its part in
        # words), is judged on the unit's own assessment and the reviewer's view.
        colours.append(
            progress.assess(
                progress.TargetSpec(kind="qualitative", comparator="=", direction="increase"),
                None,
                elapsed=elapsed,
                thresholds=limits,
                assessment=report.assessment,
                judgement=report.judgement,
            ).colour
        )
    report.colour = progress.combine(colours).value if report.is_submitted else ""
    return evaluated


# The derived columns hold eight integer digits: a ratio beyond that (a target of 0.01 met a
# million times over) is shown at the ceiling rather than breaking every page that reads it.
_DERIVED_CEILING = Decimal("99999999")


def _fit(figure: Decimal | None) -> Decimal | None:
    if figure is None or abs(figure) <= _DERIVED_CEILING:
        return figure
    return _DERIVED_CEILING if figure > 0 else -_DERIVED_CEILING


_VALUE_FIELDS = ["elapsed", "completion", "pace", "gap_pp", "met", "colour"]


def report_evaluate_and_store(report: ProgressReport) -> None:
    """Recompute one report's derived figures from what is stored (after a review or a change of
    thresholds)."""
    targets = {t.pk: t for t in report.responsibility.assignment.targets.all()}
    values = report_evaluate(report, list(report.values.all()), targets)
    TargetValue.objects.bulk_update(values, _VALUE_FIELDS)
    ProgressReport.objects.filter(pk=report.pk).update(colour=report.colour)
    summaries_refresh_report(report)


def reports_recompute(*, period_ids: Iterable[int] | None = None, batch: int = 500) -> int:
    """Recompute every stored report's colours (after thresholds change); returns the count.

    Works in batches so a province's 200,000 reports never sit in memory at once; each batch is
    its own transaction, so a run interrupted half-way leaves every report consistent.
    """
    reports = ProgressReport.objects.exclude(status=ProgressReport.Status.DRAFT).order_by("pk")
    if period_ids is not None:
        reports = reports.filter(period_id__in=list(period_ids))
    last = 0
    done = 0
    while True:
        chunk = list(
            reports.filter(pk__gt=last)
            .select_related("responsibility__assignment__document", "period")
            .prefetch_related("values", "responsibility__assignment__targets")[:batch]
        )
        if not chunk:
            return done
        with transaction.atomic():
            values: list[TargetValue] = []
            for report in chunk:
                targets = {t.pk: t for t in report.responsibility.assignment.targets.all()}
                values.extend(report_evaluate(report, list(report.values.all()), targets))
            TargetValue.objects.bulk_update(values, _VALUE_FIELDS, batch_size=batch)
            ProgressReport.objects.bulk_update(chunk, ["colour"], batch_size=batch)
            summaries_refresh(
                period_ids={r.period_id for r in chunk},
                responsibility_ids={r.responsibility_id for r in chunk},
            )
        done += len(chunk)
        last = chunk[-1].pk
