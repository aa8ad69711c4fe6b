"""Issuing a 督办单, answering it, returning it; a group robot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from tracker.forms.units import UnitMultipleChoiceField
from tracker.models import (
    Document,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Unit,
    Webhook,
    unit_order,
)


class DubanForm(forms.Form):
    period = forms.ModelChoiceField(
        label=gettext_lazy("报送周期"), queryset=ReportingPeriod.objects.none()
    )
    units = UnitMultipleChoiceField(
        label=gettext_lazy("督办对象单位"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.ChoiceField(
        label=gettext_lazy("督办事项"), choices=SupervisionAction.Subject.choices
    )
    responsibility = forms.ModelChoiceField(
        label=gettext_lazy("相关任务（可选，仅一个单位时）"),
        queryset=Responsibility.objects.none(),
        required=False,
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("紧急程度"),
        choices=SupervisionAction.Urgency.choices,
        widget=forms.RadioSelect,
        initial=SupervisionAction.Urgency.BLUE,
    )
    requirement = forms.CharField(
        label=gettext_lazy("督办要求"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    deadline = forms.DateField(
        label=gettext_lazy("办理时限"), widget=forms.DateInput(attrs={"type": "date"})
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
                assignment__document_id=period.document_id, removed_at__isnull=True
            ).select_related("assignment", "unit")
        self.fields["units"].queryset = units.distinct().order_by(*unit_order())  # type: ignore[attr-defined]
        self.fields["responsibility"].queryset = responsibilities.order_by(  # type: ignore[attr-defined]
            *unit_order("unit__"), "assignment__position"
        )
        self.fields["responsibility"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.unit} · {r.assignment.ref} {r.assignment.title[:30]}"
        )


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("反馈内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class LinkedActionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("方式"),
        choices=[
            (k.value, k.label) for k in SupervisionAction.Kind if k != SupervisionAction.Kind.URGE
        ],
    )
    reason = forms.CharField(
        label=gettext_lazy("事由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class WebhookForm(forms.Form):
    flavour = forms.ChoiceField(label=gettext_lazy("类型"), choices=Webhook.Flavour.choices)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False)
    url = forms.URLField(label=gettext_lazy("Webhook 地址"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=gettext_lazy("加签密钥（钉钉，可选）"), max_length=200, required=False
    )
