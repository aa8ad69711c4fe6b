"""The working-day calendar for supervisors (节假日安排): each year's days off and worked
weekends as the State Council arranged them (the chinesecalendar package), a year the package
does not cover yet said so, and the corrections supervisors add; a correction recomputes the
due dates of the periods it moves."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.forms.schedules import CalendarDayForm
from tracker.http import int_param
from tracker.l10n import chinese, month_day_text
from tracker.selectors.schedules import calendar_year, rolls_to_working_day
from tracker.services.working_days import (
    CalendarRefused,
    Rescheduled,
    calendar_day_clear,
    calendar_day_set,
)
from tracker.views.common import current_user, supervisor_required, today

# The years the page offers: the package's first, through a few after today.
FIRST_YEAR, YEARS_AHEAD = 2004, 3


def _year(request: HttpRequest) -> int:
    asked = int_param(request, "year")
    this_year = today().year
    if asked is None or not FIRST_YEAR <= asked <= this_year + YEARS_AHEAD:
        return this_year
    return asked


def _moved(request: HttpRequest, outcome: Rescheduled) -> None:
    if outcome.periods:
        messages.info(
            request,
            _("已按新的节假日安排重新计算 %(count)d 个未到期报送周期的日期：%(periods)s。")
            % {
                "count": len(outcome.periods),
                "periods": ("；" if chinese() else "; ").join(
                    f"{p.document.title} {p.label} → {month_day_text(p.due_on)}"
                    for p in outcome.periods[:10]
                ),
            },
        )


@supervisor_required
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    year = _year(request)
    form = CalendarDayForm(request.POST or None, initial={"day": date(year, 1, 1)})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["day"]
        try:
            outcome = calendar_day_set(
                day=day,
                is_working=form.cleaned_data["is_working"],
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                actor=user,
                today=today(),
            )
        except CalendarRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已将%(day)s设为%(what)s。")
                % {
                    "day": f"{day.year}年{day.month}月{day.day}日",
                    "what": _("上班日") if form.cleaned_data["is_working"] else _("休息日"),
                },
            )
            _moved(request, outcome)
            return redirect(f"{reverse('holidays')}?year={day.year}")
    calendar = calendar_year(year)
    return render(
        request,
        "tracker/holidays.html",
        {
            "calendar": calendar,
            "form": form,
            "year": year,
            "years": range(FIRST_YEAR, today().year + YEARS_AHEAD + 1),
            "rolls": rolls_to_working_day(),
        },
    )


@supervisor_required
@require_POST
def holiday_clear(request: HttpRequest, day: str) -> HttpResponse:
    user = current_user(request)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        messages.error(request, _("日期格式有误。"))
        return redirect("holidays")
    try:
        outcome = calendar_day_clear(day=when, actor=user, today=today())
    except CalendarRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除该日的人工调整，恢复国务院安排（或按周末计算）。"))
        _moved(request, outcome)
    return redirect(f"{reverse('holidays')}?year={when.year}")


urlpatterns = [
    path("calendar/", holidays, name="holidays"),
    path("calendar/<str:day>/clear/", holiday_clear, name="holiday-clear"),
]
