"""Supervisors' corrections of the working-day calendar (节假日调整): a holiday or a 调休 working
day the chinesecalendar package does not know yet (next year's arrangement before the package
ships it), or has wrong. Each correction is audited, and the periods not yet due whose dates
depend on the calendar (a rule in working days, or due dates moved off holidays) are computed
again, each change audited too: a due date never moves to a day already past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import CalendarDay, ReportingPeriod, User
from tracker.periods import period_schedule
from tracker.selectors.schedules import due_rule, rolls_to_working_day, working_calendar
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.summaries import summaries_refresh

_DATE_FIELDS = ("opens_on", "due_on", "first_checkpoint_on", "second_checkpoint_on")


class CalendarRefused(Refused):
    """The correction cannot be made; nothing was changed."""


@dataclass
class Rescheduled:
    """Periods whose dates a correction moved."""

    periods: list[ReportingPeriod] = field(default_factory=list)


def calendar_day_set(
    *, day: date, is_working: bool, name: str, note: str, actor: User, today: date
) -> Rescheduled:
    """Record `day` as a day off (is_working False) or a working day, whatever the package or
    the weekend rule say, and recompute the periods not yet due that it moves."""
    _check(actor)
    with transaction.atomic():
        current = CalendarDay.objects.select_for_update().filter(day=day).first()
        before = _row(current)
        if current is None:
            current = CalendarDay(day=day)
        current.is_working = is_working
        current.name = name.strip()[:50]
        current.note = note.strip()[:200]
        current.updated_by = actor
        current.save()
        audit_record(
            actor=actor, action="calendar.set", obj=current, before=before, after=_row(current)
        )
        return periods_reschedule(days=[day], actor=actor, today=today)


def calendar_day_clear(*, day: date, actor: User, today: date) -> Rescheduled:
    """Drop the correction of `day`: the package's arrangement (or the weekend rule) applies."""
    _check(actor)
    with transaction.atomic():
        current = CalendarDay.objects.select_for_update().filter(day=day).first()
        if current is None:
            raise CalendarRefused(_("该日期没有人工调整，无需删除。"))
        before = _row(current)
        current.delete()
        audit_record(actor=actor, action="calendar.clear", obj=None, before=before)
        return periods_reschedule(days=[day], actor=actor, today=today)


@transaction.atomic  # moved dates, their audit and their summary rows together, from any caller
def periods_reschedule(*, days: list[date] | None, actor: User | None, today: date) -> Rescheduled:
    """Compute again the unlocked periods not yet due whose dates may depend on `days` (None:
    on any day, after the package was upgraded): those of schedules counting working days, and
    (when due dates move off holidays) every one due on or after them. A date that would move
    before `today` is left as it is."""
    depends = Q() if rolls_to_working_day() else Q(schedule__working_days__isnull=False)
    # A day at or before the due date is the only kind that can move it.
    since = max(today, min(days)) if days else today
    candidates_q = ReportingPeriod.objects.filter(depends).filter(
        locked_at__isnull=True, due_on__gte=since
    )
    if days:
        years = {day.year for day in days}
        candidates_q = candidates_q.filter(year__in=years | {year - 1 for year in years})
    candidates = list(
        candidates_q.select_related("schedule", "document")
        .defer("document__source_text", "document__extraction")
        .order_by("pk")
    )
    outcome = Rescheduled()
    if not candidates:
        return outcome
    calendar = working_calendar(
        range(min(p.year for p in candidates), max(p.year for p in candidates) + 2)
    )
    for period in candidates:
        fresh = period_schedule(
            period.year,
            period.frequency,
            period.number,
            due_rule(period.schedule),
            window_open_day=settings.TRACKER_WINDOW_OPEN_DAY,
            first_checkpoint_day=settings.TRACKER_FIRST_CHECKPOINT_DAY,
            calendar=calendar,
            roll_to_working_day=rolls_to_working_day(),
        )
        if fresh.due_on < today:
            continue
        before = {name: getattr(period, name) for name in _DATE_FIELDS}
        after = {name: getattr(fresh, name) for name in _DATE_FIELDS}
        if before == after:
            continue
        for name, value in after.items():
            setattr(period, name, value)
        period.save(update_fields=list(_DATE_FIELDS))
        audit_record(
            actor=actor, action="period.reschedule", obj=period, before=before, after=after
        )
        outcome.periods.append(period)
    # A moved due date is copied into the periods' slots.
    summaries_refresh(period_ids=[p.pk for p in outcome.periods])
    return outcome


def _check(actor: User) -> None:
    if not can_supervise(actor):
        raise CalendarRefused(_("只有督查人员可以调整节假日。"))


def _row(row: CalendarDay | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {"day": row.day, "is_working": row.is_working, "name": row.name, "note": row.note}
