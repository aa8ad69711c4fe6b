"""The review queue's filters (报告审核: document, unit, level, period or quarter, status, light,
text, sort) and the bulk approval's selection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tracker.access import AnyUser
from tracker.forms.unit_search import unit_search_field
from tracker.http import parse_int
from tracker.models import Colour, Document, ProgressReport, Unit
from tracker.selectors.reports import QueueFilters
from tracker.selectors.unit_search import unit_for_filter

_STATUS_CHOICES = [
    (value, label)
    for value, label in ProgressReport.Status.choices
    if value != ProgressReport.Status.DRAFT
]
_SORT_CHOICES = [
    ("oldest", _("报送时间（最早在前）")),
    ("newest", _("报送时间（最新在前）")),
    ("unit", _("单位")),
    ("task", _("任务编号")),
    ("due", _("报送截止")),
]


class ReviewQueueForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=_STATUS_CHOICES, required=False)
    document = forms.ModelChoiceField(
        label=_("文件"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("全部文件"),
    )
    # A search field, not a <select> of every unit with work (thousands in a province).
    unit = unit_search_field(_("单位"))
    level = forms.ChoiceField(
        label=_("层级"), choices=[("", _("全部层级")), *Unit.Level.choices], required=False
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        choices=[("", _("全部季度")), *[(str(q), str(q)) for q in range(1, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    period = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )
    colour = forms.ChoiceField(
        label=_("进度"), choices=[("", _("全部")), *Colour.choices], required=False
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("任务编号、名称或单位")}),
    )
    sort = forms.ChoiceField(label=_("排序"), choices=_SORT_CHOICES, required=False)

    def __init__(self, *args: Any, user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["document"].queryset = (  # type: ignore[attr-defined]
            Document.objects.filter(status=Document.Status.PUBLISHED)
            .only("pk", "title", "year")
            .order_by("-year", "title")
        )

    def clean_unit(self) -> Unit | None:
        """The unit named by id or by name, among those the person may filter by."""
        value = self.cleaned_data.get("unit") or ""
        if not value:
            return None
        unit = unit_for_filter(self.user, value) if self.user is not None else None
        if unit is None:
            raise forms.ValidationError(_("没有这个单位。"), code="unknown")
        if value != unit.name:
            # Shown by its name, whether a link gave its id or a person typed part of the name.
            shown = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            shown["unit"] = unit.name
            self.data = shown
        return unit

    def filters(self) -> QueueFilters:
        """What to show; a filter that does not validate is left out rather than failing."""
        self.is_valid()  # cleaned_data then holds the fields that did validate
        data = self.cleaned_data
        document = data.get("document")
        unit = data.get("unit")
        return QueueFilters(
            status=data.get("status") or ProgressReport.Status.SUBMITTED,
            document_id=document.pk if document else None,
            unit_id=unit.pk if unit else None,
            level=data.get("level") or "",
            period_id=data.get("period"),
            year=data.get("year"),
            quarter=data.get("quarter"),
            colour=data.get("colour") or "",
            text=(data.get("q") or "").strip(),
            sort=data.get("sort") or "oldest",
        )


class BulkApproveForm(forms.Form):
    """The reports ticked in the queue; each is approved at the version the queue showed."""

    report = forms.TypedMultipleChoiceField(coerce=int, required=True, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here: which of them the person may approve is decided by the view
        # through tracker.access, and a stale one by the service.
        ids = self.data.getlist("report") if hasattr(self.data, "getlist") else []
        self.fields["report"].choices = [(i, i) for i in ids if parse_int(str(i)) is not None]  # type: ignore[attr-defined]
        self.fields["report"].error_messages["required"] = _("请先勾选要审核通过的报告。")

    def versions(self) -> dict[int, int | None]:
        """Report id → the version the queue showed (field `version-<id>`), None if absent."""
        out: dict[int, int | None] = {}
        for report_id in self.cleaned_data["report"]:
            raw = str(self.data.get(f"version-{report_id}", ""))
            out[report_id] = parse_int(raw)
        return out
