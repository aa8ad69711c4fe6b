"""Recording 督办、通报、面商、约谈 against a unit for a quarter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from tracker.models import (
    Document,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Unit,
    unit_order,
)


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("方式"), choices=SupervisionAction.Kind.choices)
    period = forms.ModelChoiceField(
        label=gettext_lazy("报送周期"), queryset=ReportingPeriod.objects.none()
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("对象单位"), queryset=Unit.objects.none())
    responsibility = forms.ModelChoiceField(
        label=gettext_lazy("相关任务（可选）"),
        queryset=Responsibility.objects.none(),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("事由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args: Any, period: ReportingPeriod | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = (
            ReportingPeriod.objects.filter(document__status=Document.Status.PUBLISHED)
            .select_related("document")
            .order_by("-ends_on", "document__title", "pk")
        )
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]
        self.fields["period"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.document.title} · {p}"
        )
        units = Unit.objects.filter(is_active=True)
        responsibilities = Responsibility.objects.none()
        if period is not None:
            units = units.filter(responsibilities__assignment__document_id=period.document_id)
            responsibilities = Responsibility.objects.filter(
                assignment__document_id=period.document_id
            ).select_related("assignment", "unit")
        self.fields["unit"].queryset = units.distinct().order_by(*unit_order())  # type: ignore[attr-defined]
        self.fields["responsibility"].queryset = responsibilities.order_by(  # type: ignore[attr-defined]
            *unit_order("unit__"), "assignment__position"
        )
        self.fields["responsibility"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.unit} · {r.assignment.ref} {r.assignment.title[:30]}"
        )
