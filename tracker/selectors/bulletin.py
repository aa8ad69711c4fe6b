"""The quarter's analysis (一季一分析) of one document: every figure the bulletin prints, as a
JSON-safe dict, so the page, the .xlsx and the .docx render the same content and a published
bulletin can be frozen as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext as _

from tracker.access import AnyUser, visible_actions, visible_problems
from tracker.formatting import number, percent
from tracker.l10n import chinese as _is_chinese
from tracker.l10n import (
    cumulative_text,
    date_text,
    datetime_text,
    gap_text,
    list_text,
    month_text,
    target_text,
)
from tracker.models import Colour, ReportingPeriod, Target, unit_order
from tracker.selectors.aggregates import (
    SUBMITTED,
    Scope,
    Tally,
    TargetRow,
    document_targets,
    late_slots,
    open_problems,
    overdue_slots,
    red_slots,
    summary_slots,
    target_rows,
    yellow_slots,
)
from tracker.selectors.rankings import quarter_units
from tracker.selectors.reports import target_spec

BULLETIN_FORMAT = 1


def _tally_dict(tally: Tally) -> dict[str, Any]:
    return {
        "expected": tally.expected,
        "submitted": tally.submitted,
        "on_time": tally.on_time,
        "late": tally.late,
        "missing": tally.missing,
        "overdue": tally.overdue,
        "reporting_rate": percent(tally.reporting_rate),
        "timeliness": percent(tally.timeliness),
        "colours": {c.value: tally.colours.get(c.value, 0) for c in Colour},
    }


def _slot_row(slot: Any) -> dict[str, Any]:
    return {
        "ref": slot.assignment.ref,
        "title": slot.assignment.title,
        "unit": slot.unit.name,
        "role": slot.get_role_display(),
        "status": slot.slot_status or "",
        "due_on": date_text(slot.slot_due_on),
    }


def _headline(rows: list[TargetRow]) -> list[dict[str, Any]]:
    """主要经济指标 (issue 13): 指标 · 年度目标 · 本期累计 · 增速 · 序时进度 · 状态, for the
    headline indicators among the document's target rows (no query of its own)."""
    out = []
    for row in rows:
        target = row.target
        if target.assignment is None or not target.assignment.is_headline:
            continue
        if target.kind == Target.Kind.QUALITATIVE:
            continue
        is_state = target_spec(target).is_state
        is_growth = target.kind == Target.Kind.GROWTH
        actual = None if is_growth else row.actual
        growth = row.actual if is_growth else row.growth
        gap = gap_text(target, row.gap_pp) if row.gap_pp is not None else ""
        out.append(
            {
                "indicator": target.indicator or target.assignment.title,
                "target": target_text(target),
                "actual": f"{number(actual)}{target.measure_unit}" if actual is not None else "",
                "growth": f"{number(growth)}%" if growth is not None else "",
                "elapsed": _("不按序时") if is_state else percent(row.elapsed, 1),
                "colour": row.colour.value,
                "colour_label": (
                    _("%(status)s（%(gap)s）") % {"status": row.colour.label, "gap": gap}
                    if gap
                    else str(row.colour.label)
                ),
                "data_month": month_text(row.data_month.month) if row.data_month else "",
                "lead_unit": row.unit_name or "",
                "actual_n": _raw(actual),
                "growth_n": _raw(growth),
                "elapsed_n": "" if is_state else _raw(row.elapsed),
            }
        )
    return out


def _raw(figure: Decimal | None) -> str:
    """A figure kept exact in the frozen content (JSON): "" for none."""
    return "" if figure is None else f"{figure.normalize():f}"


def _by_unit(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["unit"]] = counts.get(row["unit"], 0) + 1
    # The rows come in the official order of units (排序号); the sort is stable, so units with
    # as many items keep that order rather than their names' character codes.
    return [{"unit": unit, "count": n} for unit, n in sorted(counts.items(), key=lambda x: -x[1])]


class Rows:
    """One of the analysis's long tables, read a page at a time: count() and a slice each come
    from SQL (LIMIT/OFFSET), so the page computes the rows it shows; iterating reads it whole
    (the exports, a published analysis's frozen content). A Paginator takes it as it is."""

    def __init__(self, count: Callable[[], int], read: Callable[[slice], list[Any]]) -> None:
        self._count = count
        self._read = read
        self._counted: int | None = None

    @classmethod
    def of(
        cls, queryset: QuerySet[Any], shape: Callable[[Any], Any], count: int | None = None
    ) -> Rows:
        """`count`: the number of rows when a figure already says it (the tally's)."""
        rows = cls(queryset.count, lambda window: [shape(item) for item in queryset[window]])
        rows._counted = count
        return rows

    def count(self) -> int:
        if self._counted is None:
            self._counted = self._count()
        return self._counted

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        return self._read(window)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._read(slice(None)))


def _unit_counts(summaries: QuerySet[Any], *, by_due: bool = False) -> list[dict[str, Any]]:
    """How many of the slots each unit has, most first; among units with as many, in the order
    the units first appear in the list of the slots: the official order of units (排序号), or
    for a list that runs by due date (`by_due`), the unit's earliest due date first. One query
    grouping the summary rows (the slots' own rows, no join but the unit's name): a row per
    unit, small enough to read whole and show a page of."""
    grouped = (
        summaries.order_by()
        .values("unit__name", "unit__position")
        .annotate(n=Count("pk"), first_due=Min("due_on"))
        .order_by("-n", *(["first_due"] if by_due else []), *unit_order("unit__"))
    )
    return [{"unit": row["unit__name"], "count": row["n"]} for row in grouped]


def _target_dict(row: TargetRow) -> dict[str, Any]:
    target = row.target
    return {
        "ref": target.assignment.ref if target.assignment else "",
        "assignment": target.assignment.title if target.assignment else "",
        "indicator": target.indicator,
        "target": target_text(target),
        "measure_unit": target.measure_unit,
        "kind": target.kind,
        "lead_unit": row.unit_name or "",
        "actual": number(row.actual) if row.actual is not None else "",
        "previous_actual": number(row.previous_actual) if row.previous_actual is not None else "",
        "completion": percent(row.completion) if row.completion is not None else "",
        "pace": percent(row.pace) if row.pace is not None else "",
        "gap": gap_text(target, row.gap_pp) if row.gap_pp is not None else "",
        "elapsed": percent(row.elapsed, 0) if row.elapsed is not None else "",
        "colour": row.colour.value,
        "colour_label": str(row.colour.label),
        # The raw figures, so the spreadsheet holds numbers (exports.NUMBER_FORMATS).
        "actual_n": _raw(row.actual),
        "previous_actual_n": _raw(row.previous_actual),
        "completion_n": _raw(row.completion),
        "elapsed_n": _raw(row.elapsed),
        "gap_n": _raw(row.gap_pp),
    }


def _problem_dict(p: Any, now: datetime) -> dict[str, Any]:
    return {
        "unit": p.unit.name,
        "ref": p.report.responsibility.assignment.ref,
        "description": p.description,
        "level": p.get_level_display(),
        "raised_at": date_text(p.raised_at),
        "deadline": datetime_text(p.level_deadline),
        "past_limit": p.level_deadline < now,
    }


def _action_dict(a: Any) -> dict[str, Any]:
    return {
        "kind": a.get_kind_display(),
        "unit": a.unit.name,
        "reason": a.reason,
        "date": date_text(a.created_at),
        "author": str(a.author) if a.author else _("系统"),
    }


def _ranking_dict(r: Any) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "previous_rank": r.previous_rank,
        "change": r.change,
        "unit": r.unit_name,
        "score": number(r.score * 100, 1),
        "good_share": percent(r.good_share),
        "on_time_rate": percent(r.on_time_rate),
        "problems_in_time": percent(r.problems_in_time),
        "expected": r.tally.expected,
        "score_n": _raw(r.score * 100),
        "good_share_n": _raw(r.good_share),
        "on_time_rate_n": _raw(r.on_time_rate),
        "problems_in_time_n": _raw(r.problems_in_time),
    }


# The content's tables that grow with the province; bulletin_tables leaves them as Rows.
TABLES = (
    "targets",
    "red",
    "yellow",
    "rankings",
    "late_units",
    "late",
    "missing_units",
    "missing",
    "problems",
    "actions",
)


def bulletin_tables(
    user: AnyUser, period: ReportingPeriod, *, today: date, now: datetime, whole: bool = False
) -> dict[str, Any]:
    """What the quarter's analysis shows, computed now for `user`'s view of the data, with its
    long tables (TABLES) as Rows to be read a page at a time: the page reads one page of each,
    bulletin_content reads them whole. The figures (summary, headline, problem counts, 综述)
    are computed here in full, from the summary rows and a few aggregates. `whole`: the tables
    as lists, the headline and the units' counts taken from them (no query of their own)."""
    scope = Scope.of(period)
    document = period.document
    # The tally is the sum of the units' counts, counted with their ranking (and kept).
    units = quarter_units(user, scope, today=today)
    tally, ranked = units.total, units.ranking
    targets = document_targets(period)
    problem_counts = (
        visible_problems(user)
        .filter(report__period=period)
        .aggregate(
            raised=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            in_time=Count("pk", filter=Q(resolved_in_time=True)),
        )
    )
    late = late_slots(user, scope, today=today)
    missing = overdue_slots(user, scope, today=today)
    tables: dict[str, Any] = {
        "targets": Rows(
            targets.count,
            lambda window: [_target_dict(r) for r in target_rows(user, period, targets[window])],
        ),
        # The slot lists count what the tally counted, by the same definitions (_counts).
        "red": Rows.of(red_slots(user, scope, today=today), _slot_row, tally.colours["red"]),
        "yellow": Rows.of(
            yellow_slots(user, scope, today=today), _slot_row, tally.colours["yellow"]
        ),
        "late": Rows.of(late, _slot_row, tally.late),
        "missing": Rows.of(missing, _slot_row, tally.overdue),
        # The rankings are computed whole (rankings.py, one row per unit, kept in the cache)
        # and only the rows shown are formatted.
        "rankings": Rows(
            lambda: len(ranked), lambda window: [_ranking_dict(r) for r in ranked[window]]
        ),
        "problems": Rows.of(open_problems(user, scope), lambda p: _problem_dict(p, now)),
        "actions": Rows.of(
            visible_actions(user)
            .filter(period=period)
            .select_related("unit", "author")
            .order_by("created_at", "pk"),
            _action_dict,
        ),
    }
    if whole:
        rows = target_rows(user, period)
        headline = _headline(rows)
        for key in ("red", "yellow", "late", "missing", "rankings", "problems", "actions"):
            tables[key] = list(tables[key])
        tables["targets"] = [_target_dict(r) for r in rows]
        tables["late_units"] = _by_unit(tables["late"])
        tables["missing_units"] = _by_unit(tables["missing"])
    else:
        # By the definitions of late_slots and overdue_slots, on the summary rows.
        summaries = summary_slots(user, scope, today=today)
        submitted = Q(status__in=SUBMITTED)
        tables["late_units"] = _unit_counts(summaries.filter(submitted, is_late=True))
        tables["missing_units"] = _unit_counts(
            summaries.filter(~submitted, due_on__lt=today), by_due=True
        )
        headline_targets = targets.filter(assignment__is_headline=True).exclude(
            kind=Target.Kind.QUALITATIVE
        )
        headline = _headline(target_rows(user, period, headline_targets))
    content: dict[str, Any] = {
        "format": BULLETIN_FORMAT,
        "document": {
            "id": document.pk,
            "title": document.title,
            "issuer": document.issuer,
            "year": document.year,
        },
        "period": {
            "id": period.pk,
            "year": period.year,
            "quarter": period.quarter,
            "frequency": period.frequency,
            "label": period.label,
            "cumulative": cumulative_text(period.frequency, period.number),
            "due_on": date_text(period.due_on),
            "locked": period.is_locked,
        },
        "as_of": date_text(today),
        "headline": headline,
        "summary": _tally_dict(tally),
        **{key: tables[key] for key in TABLES},
        "problem_counts": problem_counts,
    }
    content["summary_text"] = bulletin_headline(content)
    return content


def bulletin_content(
    user: AnyUser, period: ReportingPeriod, *, today: date, now: datetime
) -> dict[str, Any]:
    """Everything the quarter's analysis shows, computed now for `user`'s view of the data,
    every table whole: what the exports print and a published analysis freezes."""
    return bulletin_tables(user, period, today=today, now=now, whole=True)


def bulletin_headline(content: dict[str, Any]) -> str:
    """The opening paragraph of the analysis, written from its figures (综述), in the reader's
    language."""
    s = content["summary"]
    colours = s["colours"]
    period = content["period"]
    parts = [
        _(
            "%(period)s，%(title)s共涉及应报送责任事项%(expected)s项，已报送%(submitted)s项"
            "（报送率%(rate)s），其中按时报送%(on_time)s项、逾期报送%(late)s项，未报送%(missing)s项。"
        )
        % {
            "period": period["label"],
            "title": content["document"]["title"],
            "expected": s["expected"],
            "submitted": s["submitted"],
            "rate": s["reporting_rate"],
            "on_time": s["on_time"],
            "late": s["late"],
            "missing": s["missing"],
        },
        _(
            "从进度看，已完成%(blue)s项、进度正常%(green)s项、滞后%(yellow)s项、"
            "严重滞后%(red)s项、未填报%(grey)s项。"
        )
        % colours,
    ]
    # A list in the exports and a published analysis, Rows on the page: both slice.
    if first := content["rankings"][:3]:
        top = list_text(r["unit"] for r in first)
        parts.append(_("综合排名靠前的单位为%(units)s。") % {"units": top})
    pc = content["problem_counts"]
    counts = {"raised": pc["raised"], "resolved": pc["resolved"], "in_time": pc["in_time"]}
    if period.get("frequency", "quarterly") == "quarterly":
        parts.append(
            _("本季度共反映问题%(raised)s个，已办结%(resolved)s个（其中按时办结%(in_time)s个）。")
            % counts
        )
    else:
        parts.append(
            _("本期共反映问题%(raised)s个，已办结%(resolved)s个（其中按时办结%(in_time)s个）。")
            % counts
        )
    return ("" if _is_chinese() else " ").join(parts)
