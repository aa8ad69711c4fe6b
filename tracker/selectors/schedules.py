"""Reads about reporting schedules: a schedule's due rule with the settings' defaults filled in,
its periods for a year (what publishing would create, and the calendar the review page shows),
the working-day calendar (the package's holidays under supervisors' corrections), the first
period a document would report from, and the calendar page's year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from tracker import holidays
from tracker.l10n import period_text, rule_text
from tracker.models import Assignment, CalendarDay, Document, ReportingPeriod, ReportingSchedule
from tracker.periods import (
    DueRule,
    PeriodSchedule,
    WorkingCalendar,
    months_in,
    period_bounds,
    period_schedule,
    periods_in_year,
)

# A plan names targets "到2035年" now and then; tracking stops at this many years of periods.
MAX_TRACKED_YEARS = 10


def due_rule(schedule: ReportingSchedule) -> DueRule:
    """The schedule's rule, the frequency's default filled in where the document stated none:
    TRACKER_DUE_DAY of the period's last month (TRACKER_DUE_MONTH_OF_QUARTER for quarters)."""
    if schedule.working_days is not None:
        return DueRule(after_period=True, working_days=schedule.working_days)
    if schedule.calendar_days is not None:
        return DueRule(after_period=True, calendar_days=schedule.calendar_days)
    if schedule.month is not None and schedule.day is not None:
        return DueRule(after_period=schedule.after_period, month=schedule.month, day=schedule.day)
    month = (
        settings.TRACKER_DUE_MONTH_OF_QUARTER
        if schedule.frequency == ReportingSchedule.Frequency.QUARTERLY
        else months_in(schedule.frequency)
    )
    return DueRule(month=month, day=settings.TRACKER_DUE_DAY)


def is_stated(schedule: ReportingSchedule) -> bool:
    """Whether the schedule names its own due rule (else the frequency's default applies)."""
    return any(
        value is not None
        for value in (schedule.month, schedule.working_days, schedule.calendar_days)
    )


def schedule_text(schedule: ReportingSchedule) -> str:
    """The rule in words, "（默认）" marked when the document stated no due day."""
    text = rule_text(schedule.frequency, due_rule(schedule), from_period=schedule.from_period)
    return text if is_stated(schedule) else _("%(rule)s（默认）") % {"rule": text}


def schedule_sentence(schedule: ReportingSchedule, source_text: str) -> str:
    """The sentence the rule was read from, as it stands in the document's text."""
    start, end = schedule.span_start, schedule.span_end
    if start is not None and end is not None and 0 <= start < end <= len(source_text):
        return source_text[start:end]
    return schedule.text


# --- the working-day calendar -----------------------------------------------------------------


def working_calendar(years: Iterable[int]) -> WorkingCalendar:
    """Days off and 调休 working days of the given years: the package's arrangement, with
    supervisors' corrections (CalendarDay) winning (one query)."""
    wanted = sorted(set(years))
    if not wanted:
        return WorkingCalendar()
    status: dict[date, bool] = {}
    for year in wanted:
        for official in holidays.official_days(year):
            status[official.day] = official.is_working
    corrections = CalendarDay.objects.filter(
        day__gte=date(wanted[0], 1, 1), day__lte=date(wanted[-1], 12, 31)
    ).values_list("day", "is_working")
    for day, is_working in corrections:
        if day.year in wanted:
            status[day] = is_working
    return WorkingCalendar(
        holidays=frozenset(day for day, working in status.items() if not working),
        workdays=frozenset(day for day, working in status.items() if working),
    )


def rolls_to_working_day() -> bool:
    return bool(settings.TRACKER_DUE_ROLLS_TO_WORKING_DAY)


# --- a schedule's periods ---------------------------------------------------------------------


def schedule_year(
    schedule: ReportingSchedule, year: int, *, calendar: WorkingCalendar | None = None
) -> list[PeriodSchedule]:
    """Every period of `year` under the schedule's rule (whether reported or not)."""
    rule = due_rule(schedule)
    calendar = calendar if calendar is not None else working_calendar((year, year + 1))
    return [
        period_schedule(
            year,
            schedule.frequency,
            number,
            rule,
            window_open_day=settings.TRACKER_WINDOW_OPEN_DAY,
            first_checkpoint_day=settings.TRACKER_FIRST_CHECKPOINT_DAY,
            calendar=calendar,
            roll_to_working_day=rolls_to_working_day(),
        )
        for number in range(1, periods_in_year(schedule.frequency) + 1)
    ]


def is_reported(
    schedule: ReportingSchedule,
    period: PeriodSchedule,
    *,
    first_year: int,
    reporting_from: date | None,
) -> bool:
    """Whether a period of the schedule is owed. "从第二季度起" (`from_period`) starts the
    reporting in that period of the document's first year: a period due within it or later is
    owed, so a rule due after its period ("从第二季度起每个季度第1个月的20日前报送上季度情况")
    first reports the first quarter, in April. And nothing before the first period chosen when
    publishing (`reporting_from`, the first day of its span)."""
    if schedule.from_period and period.year == first_year:
        starts, _ends = period_bounds(first_year, schedule.frequency, schedule.from_period)
        if period.due_on < starts:
            return False
    return reporting_from is None or period.starts_on >= reporting_from


def tracked_until(deadline: date | None, year: int) -> date:
    """An assignment's last tracked day: its deadline, or the end of the document's year.

    A deadline before the document's year (a typo, or a carried-over task) would leave the task
    with no period at all, so it is tracked through the document's year instead; a deadline
    beyond MAX_TRACKED_YEARS stops there.
    """
    until = deadline if deadline and deadline.year >= year else date(year, 12, 31)
    return min(until, date(year + MAX_TRACKED_YEARS - 1, 12, 31))


@dataclass
class SchedulePlan:
    """One schedule of a document at publishing: the assignments following it, the periods
    publishing creates for them (those not there yet), and the first period reported."""

    schedule: ReportingSchedule
    assignments: int
    periods: list[PeriodSchedule]
    first: PeriodSchedule | None
    past_due: list[PeriodSchedule]
    # The first day reported from (ReportingSchedule.reporting_from), None: from the start.
    start: date | None = None
    # The rule in words.
    text: str = ""


def schedule_plans(
    document: Document, *, reporting_from: date | None = None, today: date | None = None
) -> list[SchedulePlan]:
    """What publishing creates per schedule (creating nothing). `reporting_from`, the first
    day of the default schedule's first reported period, applies to a schedule that has none
    stored yet; a schedule of single assignments then starts with its first period on or after
    that day whose due date is not past on `today`, so they make nothing overdue either. Four
    queries, whatever the number of assignments."""
    if document.year is None:
        return []
    schedules = {s.pk: s for s in ReportingSchedule.objects.filter(document=document)}
    default = next((s for s in schedules.values() if s.is_default), None)
    # The document's own schedule covers at least its year, assignments or not.
    last: dict[int, date] = {default.pk: date(document.year, 12, 31)} if default else {}
    counts: dict[int, int] = {default.pk: 0} if default else {}
    for schedule_id, deadline in Assignment.objects.filter(document=document).values_list(
        "schedule_id", "deadline"
    ):
        key = schedule_id or (default.pk if default else None)
        if key is None or key not in schedules:
            continue
        until = tracked_until(deadline, document.year)
        last[key] = max(last.get(key, until), until)
        counts[key] = counts.get(key, 0) + 1
    if not last:
        return []
    calendar = working_calendar(range(document.year, max(d.year for d in last.values()) + 2))
    existing = set(
        ReportingPeriod.objects.filter(document=document).values_list(
            "schedule_id", "year", "number"
        )
    )
    plans = []
    ordered = sorted(
        last, key=lambda pk: (not schedules[pk].is_default, schedules[pk].position, pk)
    )
    for pk in ordered:
        schedule = schedules[pk]
        every = [
            period
            for year in range(document.year, last[pk].year + 1)
            for period in schedule_year(schedule, year, calendar=calendar)
        ]
        start = schedule.reporting_from
        if start is None and reporting_from is not None:
            start = _start_of(schedule, every, reporting_from, today)
        owed = [
            p
            for p in every
            if is_reported(schedule, p, first_year=document.year, reporting_from=start)
        ]
        plans.append(
            SchedulePlan(
                schedule=schedule,
                assignments=counts[pk],
                periods=[p for p in owed if (pk, p.year, p.number) not in existing],
                first=owed[0] if owed else None,
                past_due=[p for p in owed if today is not None and p.due_on < today],
                start=start,
                text=schedule_text(schedule),
            )
        )
    return plans


def _start_of(
    schedule: ReportingSchedule, every: list[PeriodSchedule], chosen: date, today: date | None
) -> date:
    if schedule.is_default or today is None:
        return chosen
    later = [p for p in every if p.starts_on >= chosen]
    upcoming = [p for p in later if p.due_on >= today]
    first = upcoming[0] if upcoming else (later[0] if later else None)
    return first.starts_on if first else chosen


# --- the draft: the default schedule and the first period to report ---------------------------


def default_schedule(document: Document) -> ReportingSchedule | None:
    return ReportingSchedule.objects.filter(document=document, is_default=True).first()


@dataclass(frozen=True)
class PeriodChoice:
    """A period the publish page offers as the first one to report."""

    starts_on: date
    label: str
    due_on: date
    past_due: bool


def first_period_choices(
    document: Document, schedule: ReportingSchedule, *, today: date
) -> tuple[list[PeriodChoice], date | None]:
    """The periods of the document's year the schedule could start from, and the default:
    the current reporting period, the first one not yet past its due date (so publishing makes
    nothing overdue); the last one when every period is past due."""
    if document.year is None:
        return [], None
    periods = [
        p
        for p in schedule_year(schedule, document.year)
        if is_reported(schedule, p, first_year=document.year, reporting_from=None)
    ]
    choices = [
        PeriodChoice(
            p.starts_on, period_text(p.year, p.frequency, p.number), p.due_on, p.due_on < today
        )
        for p in periods
    ]
    upcoming = [c for c in choices if not c.past_due]
    default = upcoming[0] if upcoming else (choices[-1] if choices else None)
    return choices, default.starts_on if default else None


# --- the review page ----------------------------------------------------------------------------


@dataclass
class ScheduleCard:
    """One rule of a draft as the review page shows it: in words, the sentence it came from,
    the assignments following it and its calendar for the document's year."""

    schedule: ReportingSchedule
    text: str
    sentence: str
    stated: bool
    # (id, "ref title") of the assignments following the rule; for the document's own rule,
    # only their number is counted.
    assignments: list[tuple[int, str]]
    assignment_count: int
    periods: list[PeriodSchedule]
    # Periods of the year not reported: before "从第N期起".
    skipped: list[PeriodSchedule]


@dataclass
class ReviewSchedules:
    cards: list[ScheduleCard]
    # (id, "ref title") of every assignment, for choosing those on a rule of their own.
    choices: list[tuple[int, str]]
    # Years of the calendars shown for which no holiday arrangement is known yet.
    uncovered_years: list[int]


def review_schedules(document: Document) -> ReviewSchedules:
    """The draft's rules with their calendars (three queries)."""
    schedules = list(
        ReportingSchedule.objects.filter(document=document).order_by(
            "-is_default", "position", "pk"
        )
    )
    rows = list(
        Assignment.objects.filter(document=document)
        .order_by("position")
        .values_list("pk", "ref", "number", "title", "schedule_id")
    )
    choices = [(pk, f"{ref or number} {title}"[:80]) for pk, ref, number, title, _s in rows]
    if document.year is None:
        calendar = WorkingCalendar()
        years: list[int] = []
    else:
        years = [document.year, document.year + 1]
        calendar = working_calendar(years)
    default_id = next((s.pk for s in schedules if s.is_default), None)
    cards = []
    for schedule in schedules:
        mine = [
            (pk, label)
            for (pk, label), row in zip(choices, rows, strict=True)
            if row[4] == schedule.pk or (schedule.pk == default_id and row[4] is None)
        ]
        periods: list[PeriodSchedule] = []
        skipped: list[PeriodSchedule] = []
        if document.year is not None:
            for period in schedule_year(schedule, document.year, calendar=calendar):
                owed = is_reported(schedule, period, first_year=document.year, reporting_from=None)
                (periods if owed else skipped).append(period)
        cards.append(
            ScheduleCard(
                schedule=schedule,
                text=schedule_text(schedule),
                sentence=schedule_sentence(schedule, document.source_text),
                stated=is_stated(schedule),
                assignments=[] if schedule.is_default else mine,
                assignment_count=len(mine),
                periods=periods,
                skipped=skipped,
            )
        )
    # Only a rule counting working days (or due dates moved off holidays) needs the holidays.
    due_years = {
        p.due_on.year
        for card in cards
        if card.schedule.working_days is not None or rolls_to_working_day()
        for p in card.periods
    }
    uncovered = [year for year in sorted(due_years) if year not in holidays.covered_years()]
    return ReviewSchedules(cards=cards, choices=choices, uncovered_years=uncovered)


# --- the holiday calendar page ------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarRow:
    """A day off or a worked weekend of the year: the State Council's, or a correction."""

    day: date
    is_working: bool
    name: str
    official: bool
    correction: CalendarDay | None
    # What the package says of a corrected day (None: nothing, the weekend rule).
    official_working: bool | None = None


@dataclass(frozen=True)
class CalendarYear:
    year: int
    covered: bool
    first_covered: int
    last_covered: int
    package_version: str
    rows: list[CalendarRow]

    @property
    def corrections(self) -> int:
        return sum(1 for row in self.rows if row.correction is not None)


def calendar_year(year: int) -> CalendarYear:
    """The year's days off and worked weekends, the package's with the corrections laid over
    them (one query)."""
    official = {o.day: o for o in holidays.official_days(year)}
    corrections = {
        c.day: c
        for c in CalendarDay.objects.filter(
            day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)
        ).select_related("updated_by")
    }
    rows = []
    for day in sorted(set(official) | set(corrections)):
        found, correction = official.get(day), corrections.get(day)
        if correction is not None:
            rows.append(
                CalendarRow(
                    day=day,
                    is_working=correction.is_working,
                    name=correction.name or (found.name if found else ""),
                    official=found is not None,
                    correction=correction,
                    official_working=found.is_working if found else None,
                )
            )
        elif found is not None:
            rows.append(CalendarRow(day, found.is_working, found.name, True, None))
    covered = holidays.covered_years()
    return CalendarYear(
        year=year,
        covered=year in covered,
        first_covered=min(covered),
        last_covered=max(covered),
        package_version=holidays.package_version(),
        rows=rows,
    )
