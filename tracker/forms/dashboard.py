"""The dashboard's filters (document, quarter, unit, level, colour), read from the query string.

A filter value that is not valid (letters in the year, an unknown document, quarter 7) never
breaks the page: it is dropped with a message saying so, and the default takes its place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.access import AnyUser, visible_documents
from tracker.forms.unit_search import unit_search_field
from tracker.http import parse_int
from tracker.models import Colour, Document, ReportingPeriod, Unit
from tracker.periods import reporting_quarter
from tracker.selectors.aggregates import Scope
from tracker.selectors.unit_search import unit_for_filter

# The years a filter may ask for (the document year's own plausible range).
YEARS = (1949, 2100)
QUARTER_CHOICES = [
    (1, gettext_lazy("一季度")),
    (2, gettext_lazy("二季度")),
    (3, gettext_lazy("三季度")),
    (4, gettext_lazy("四季度")),
]


@dataclass(frozen=True)
class DashboardFilters:
    """The filters in effect (after dropping invalid values)."""

    year: int
    quarter: int
    document_id: int | None = None
    unit_id: int | None = None
    level: str | None = None
    colour: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope(self.year, self.quarter, self.document_id, self.unit_id, self.level)

    def with_document(self, document_id: int | None) -> DashboardFilters:
        return replace(self, document_id=document_id)

    def params(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them."""
        params = {}
        for key, value in (
            ("document", self.document_id),
            ("year", self.year),
            ("quarter", self.quarter),
            ("unit", self.unit_id),
            ("level", self.level),
            ("colour", self.colour),
        ):
            if value not in (None, ""):
                params[key] = str(value)
        return params


class QuickSelect(forms.Select):
    """A <select> written out in Python: Django renders each <option> through a template, which
    with a province's thousands of units would cost more than the rest of the page."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        groups = []
        for group_label, options in self._grouped():
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (key, mark_safe(" selected") if str(key) in selected else "", label)
                    for key, label in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_label, html)
                if group_label is not None
                else html
            )
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final),
            mark_safe("".join(groups)),  # noqa: S308 - each part is built by format_html above
        )

    def _grouped(self) -> list[tuple[str | None, list[tuple[Any, str]]]]:
        grouped: list[tuple[str | None, list[tuple[Any, str]]]] = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                grouped.append((str(key), [(k, str(v)) for k, v in label]))
            elif grouped and grouped[-1][0] is None:
                grouped[-1][1].append((key, str(label)))
            else:
                grouped.append((None, [(key, str(label))]))
        return grouped


class DashboardFilterForm(forms.Form):
    document = forms.TypedChoiceField(
        label=gettext_lazy("文件"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=QUARTER_CHOICES,
        widget=QuickSelect,
    )
    # A search field, not a <select>: a province has 8,000 units (issue 19).
    unit = unit_search_field(gettext_lazy("单位"))
    level = forms.ChoiceField(label=gettext_lazy("单位层级"), required=False, widget=QuickSelect)
    colour = forms.ChoiceField(label=gettext_lazy("进度状态"), required=False, widget=QuickSelect)

    def __init__(
        self, *args: Any, choices: FilterChoices, user: AnyUser | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.chosen_unit: Unit | None = None
        options: dict[str, list[Any]] = {
            "document": [("", _("全部文件")), *choices.documents],
            "year": [(y, _("%(year)s年") % {"year": y}) for y in choices.years],
            "level": [("", _("全部层级")), *Unit.Level.choices],
            "colour": [("", _("全部状态")), *Colour.choices],
        }
        for name, values in options.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows for the checker
            field.choices = values

    def clean_unit(self) -> int | None:
        """The unit named by id or by name, among those the person may filter by."""
        value = self.cleaned_data.get("unit") or ""
        if not value or self.user is None:
            return None
        self.chosen_unit = unit_for_filter(self.user, value)
        if self.chosen_unit is None:
            raise forms.ValidationError(_("没有这个单位。"), code="unknown")
        return self.chosen_unit.pk


@dataclass(frozen=True)
class FilterChoices:
    documents: list[tuple[int, str]]
    years: list[int]


def filter_choices(user: AnyUser, *, today: date) -> FilterChoices:
    """What the filters offer (two queries; units are searched, not listed)."""
    documents = list(
        visible_documents(user)
        .exclude(status=Document.Status.DRAFT)
        .order_by("title")
        .values_list("pk", "title")
    )
    years = set(ReportingPeriod.objects.values_list("year", flat=True).distinct())
    years.add(today.year)
    return FilterChoices(documents=documents, years=sorted(years, reverse=True))


def dashboard_filters(
    data: QueryDict, *, user: AnyUser, today: date
) -> tuple[DashboardFilterForm, DashboardFilters, list[str]]:
    """Read the filters from `data`: the form to show (holding the values in effect), the
    values in effect, and a message per value that was dropped."""
    choices = filter_choices(user, today=today)
    asked = parse_int(data.get("year"), minimum=YEARS[0], maximum=YEARS[1])
    if asked is not None and asked not in choices.years:
        # A plausible year without periods is shown (empty, and saying so), not refused.
        choices = replace(choices, years=sorted([*choices.years, asked], reverse=True))
    bound = DashboardFilterForm(data, choices=choices, user=user)
    bound.is_valid()
    cleaned = bound.cleaned_data
    notes = []
    for name, _errors in bound.errors.items():
        notes.append(
            _("筛选条件“%(label)s”的值“%(value)s”无效，已改用默认值。")
            % {"label": bound.fields[name].label, "value": data.get(name, "")[:40]}
        )
    default_year, default_quarter = default_quarter_for(today)
    filters = DashboardFilters(
        year=cleaned.get("year") or default_year,
        quarter=cleaned.get("quarter") or default_quarter,
        document_id=cleaned.get("document"),
        unit_id=cleaned.get("unit"),
        level=cleaned.get("level") or None,
        colour=cleaned.get("colour") or None,
    )
    return filters_form(filters, choices, unit=bound.chosen_unit), filters, notes


def default_quarter_for(today: date) -> tuple[int, int]:
    """The quarter whose reporting window has opened (with the default reporting rule)."""
    return reporting_quarter(
        today,
        due_month_of_quarter=settings.TRACKER_DUE_MONTH_OF_QUARTER,
        window_open_day=settings.TRACKER_WINDOW_OPEN_DAY,
    )


def filters_form(
    filters: DashboardFilters, choices: FilterChoices, *, unit: Unit | None = None
) -> DashboardFilterForm:
    """An unbound form showing `filters` (what the page shows, not what was typed); the unit
    by its name."""
    return DashboardFilterForm(
        choices=choices,
        initial={
            "document": filters.document_id or "",
            "year": filters.year,
            "quarter": filters.quarter,
            "unit": unit.name if unit is not None else "",
            "level": filters.level or "",
            "colour": filters.colour or "",
        },
    )


class BulletinPublishForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("综述"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("可按实际情况修改；留空则使用根据数据生成的综述。"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("我已核对以上数据，确认发布。发布后内容即固定，如需更正须先撤回。"),
        error_messages={"required": gettext_lazy("请勾选确认后再发布。")},
    )


class BulletinWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写撤回原因。")},
    )
