"""Forms of the reporting calendar: a document's reporting rule as a reviewer corrects it, the
first period to report when publishing, and a supervisor's correction of the holiday calendar.
They turn what was typed into values; the services decide and write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.forms.documents import DATE_INPUT_FORMATS
from tracker.l10n import month_day_text
from tracker.models import ReportingSchedule
from tracker.models.schedules import MAX_CALENDAR_DAYS, MAX_WORKING_DAYS
from tracker.periods import months_in, periods_in_year
from tracker.selectors.schedules import PeriodChoice
from tracker.services.schedules import schedule_token

# The due rule's forms, as a reviewer picks one.
RULE_FORMS = [
    ("default", _("按系统默认（期内末月）")),
    ("in_period", _("期内第几个月的某日前")),
    ("after_month", _("期满后第几个月的某日前")),
    ("after_working_days", _("期满后若干个工作日内")),
    ("after_calendar_days", _("期满后若干日内")),
]


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ScheduleForm(_Form):
    frequency = forms.ChoiceField(label=_("报送频次"), choices=ReportingSchedule.Frequency.choices)
    form = forms.ChoiceField(label=_("截止规则"), choices=RULE_FORMS)
    month = forms.IntegerField(
        label=_("第几个月"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_(
            "期内：周期的第几个月（季度末月为3）；期满后：周期结束后的第几个月（次月为1）。"
        ),
    )
    day = forms.IntegerField(
        label=_("日"),
        required=False,
        min_value=1,
        max_value=31,
        help_text=_("超过当月天数的按月末计（如31日在6月即30日）。"),
    )
    days = forms.IntegerField(
        label=_("天数"), required=False, min_value=1, max_value=MAX_CALENDAR_DAYS
    )
    from_period = forms.IntegerField(
        label=_("从本年第几期起报送"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_("如“从第二季度起”填2；留空为从第一期起。"),
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        frequency, form = cleaned.get("frequency"), cleaned.get("form")
        if not frequency or not form or self.errors:
            return cleaned
        month, day, days = cleaned.get("month"), cleaned.get("day"), cleaned.get("days")
        length = months_in(frequency)
        if form in ("in_period", "after_month"):
            if day is None:
                self.add_error("day", _("请填写截止日。"))
            if frequency == "monthly" and form == "in_period":
                month = 1
            elif month is None:
                self.add_error("month", _("请填写第几个月。"))
            elif form == "in_period" and month > length:
                self.add_error(
                    "month",
                    _("每个周期只有 %(count)s 个月，期内的月份须在 1—%(count)s 之间。")
                    % {"count": length},
                )
        if form in ("after_working_days", "after_calendar_days"):
            limit = MAX_WORKING_DAYS if form == "after_working_days" else MAX_CALENDAR_DAYS
            if days is None:
                self.add_error("days", _("请填写天数。"))
            elif days > limit:
                self.add_error("days", _("天数不能超过 %(limit)s。") % {"limit": limit})
        start = cleaned.get("from_period")
        if start is not None and start > periods_in_year(frequency):
            self.add_error(
                "from_period",
                _("一年只有 %(count)s 期。") % {"count": periods_in_year(frequency)},
            )
        cleaned["month"] = month
        return cleaned

    def values(self) -> dict[str, Any]:
        """The rule as ReportingSchedule field values (tracker.services.schedules.RULE_FIELDS)."""
        data = self.cleaned_data
        form = data["form"]
        values: dict[str, Any] = {
            "frequency": data["frequency"],
            "after_period": form.startswith("after"),
            "month": None,
            "day": None,
            "working_days": None,
            "calendar_days": None,
            "from_period": data.get("from_period") if (data.get("from_period") or 0) > 1 else None,
        }
        if form in ("in_period", "after_month"):
            values.update(month=data["month"], day=data["day"])
        elif form == "after_working_days":
            values["working_days"] = data["days"]
        elif form == "after_calendar_days":
            values["calendar_days"] = data["days"]
        return values

    @staticmethod
    def initial_for(schedule: ReportingSchedule | None) -> dict[str, Any]:
        if schedule is None:
            return {"frequency": "quarterly", "form": "in_period", "month": 3, "day": 25}
        if schedule.working_days is not None:
            form, days = "after_working_days", schedule.working_days
        elif schedule.calendar_days is not None:
            form, days = "after_calendar_days", schedule.calendar_days
        elif schedule.month is None:
            form, days = "default", None
        else:
            form, days = ("after_month" if schedule.after_period else "in_period"), None
        return {
            "frequency": schedule.frequency,
            "form": form,
            "month": schedule.month,
            "day": schedule.day,
            "days": days,
            "from_period": schedule.from_period,
            "seen": schedule_token(schedule),
        }


class AssignmentSchedulesForm(_Form):
    """Which assignments follow one rule of their own."""

    assignments = forms.MultipleChoiceField(
        label=_("适用任务"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignments"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - narrows for mypy
        field.choices = [(str(pk), label) for pk, label in choices]

    def chosen(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["assignments"]}


class FirstPeriodForm(_Form):
    """The first period to report, when publishing mid-year (issue 12: nothing made overdue)."""

    first_period = forms.ChoiceField(
        label=_("从哪一期开始报送"),
        help_text=_("所选期之前的报送周期不再生成；默认为当前报送期（尚未到截止日的第一期）。"),
    )

    def __init__(self, *args: Any, choices: list[PeriodChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["first_period"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows for mypy
        field.choices = [
            (
                choice.starts_on.isoformat(),
                _("%(label)s（%(due)s截止%(past)s）")
                % {
                    "label": choice.label,
                    "due": month_day_text(choice.due_on),
                    "past": _("，已过期") if choice.past_due else "",
                },
            )
            for choice in choices
        ]

    def first_day(self) -> date:
        return date.fromisoformat(self.cleaned_data["first_period"])


class CalendarDayForm(_Form):
    day = forms.DateField(
        label=_("日期"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    is_working = forms.TypedChoiceField(
        label=_("安排"),
        coerce=lambda value: value == "1",
        choices=[("0", _("休息（放假）")), ("1", _("上班（调休）"))],
    )
    name = forms.CharField(label=_("名称"), max_length=50, required=False)
    note = forms.CharField(
        label=_("依据"),
        max_length=200,
        required=False,
        help_text=_("如“国务院办公厅关于2027年部分节假日安排的通知”。"),
    )
