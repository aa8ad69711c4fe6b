"""Forms of the amendment page: each change of a published document with its reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.forms.documents import DATE_INPUT_FORMATS, TargetForm
from tracker.forms.units import UnitChoiceField, UnitMultipleChoiceField, active_units
from tracker.models import Responsibility
from tracker.services.amendments import REASON_LIMIT


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("修订原因"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写修订原因。")},
        help_text=_("如：经区政府常务会议研究调整。修订原因随通知发给相关单位。"),
    )


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReasonForm(_Form):
    """Removing a task, a unit's responsibility or a target: only the reason is asked."""

    reason = _reason()


class DeadlineForm(_Form):
    deadline = forms.DateField(
        label=_("新的完成时限"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("留空表示跟踪到文件年度末。"),
    )
    reason = _reason()


class ResponsibilityAddForm(_Form):
    unit = UnitChoiceField(label=_("单位"), queryset=active_units().none())
    role = forms.ChoiceField(
        label=_("角色"), choices=Responsibility.Role.choices, initial=Responsibility.Role.CO
    )
    reason = _reason()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()  # type: ignore[attr-defined]


class TargetAddForm(TargetForm):
    reason = _reason()


class AssignmentAddForm(_Form):
    ref = forms.CharField(label=_("编号"), max_length=60, required=False)
    title = forms.CharField(label=_("任务标题"), max_length=500)
    text = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(
        label=_("完成时限"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    lead_units = UnitMultipleChoiceField(
        label=_("牵头单位"), queryset=active_units().none(), required=False
    )
    co_units = UnitMultipleChoiceField(
        label=_("责任单位"), queryset=active_units().none(), required=False
    )
    reason = _reason()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_units"].queryset = active_units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = active_units()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("lead_units") and not cleaned.get("co_units"):
            raise forms.ValidationError(_("请至少选择一个牵头单位或责任单位。"))
        return cleaned
