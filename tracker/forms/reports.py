"""The quarterly report form: one row per target, the three narrative boxes, a self-assessment
for tasks without numbers, and the version the editor started from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.models import Assessment, Judgement, Target
from tracker.number_errors import number_error_text
from tracker.numbers import NumberError, parse_actual
from tracker.services.reports import TEXT_LIMIT, ReportInput, TargetInput

_ASSESSMENT_CHOICES = [("", _("请选择")), *Assessment.choices]
_JUDGEMENT_CHOICES = [("", _("（按计算结果）")), *Judgement.choices]


def parse_figure(text: str | None, target: Target) -> Decimal | None:
    """A cumulative figure as a reporter types it ("4.8", "4.8万元", "1,200") in the target's
    unit; None when blank. Raises NumberError with the reason. The API reads figures with it too."""
    text = (text or "").strip()
    return parse_actual(text, target.measure_unit) if text else None


def parse_month(text: str | None) -> date | None:
    """ "2026-11" (an <input type=month>) or "2026年11月" as the first day of that month."""
    text = (text or "").strip()
    if not text:
        return None
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise forms.ValidationError(_("请按“2026-11”的格式填写数据截至月份。"))
    return date(int(match[1]), int(match[2]), 1)


_MONTH = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?")


def value_field(target: Target) -> str:
    return f"target-{target.pk}"


def assessment_field(target: Target) -> str:
    return f"assessment-{target.pk}"


def note_field(target: Target) -> str:
    return f"note-{target.pk}"


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=TEXT_LIMIT,
    )
    problems_text = forms.CharField(
        label=_("存在问题"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("填写需要协调解决的问题；报送后按“限时3日”逐级上报，直至办结。"),
    )
    next_steps = forms.CharField(
        label=_("下步打算"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_LIMIT,
    )
    assessment = forms.ChoiceField(label=_("自评"), choices=_ASSESSMENT_CHOICES, required=False)
    # 数据截至: the month the figures run to; 序时进度 is computed to its end.
    data_month = forms.CharField(
        label=_("数据截至"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "class": "report-data-month"}),
        help_text=_("填报数据所截至的月份，序时进度按该月计算（如12月25日前报送、数据截至11月）。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The task's version the form was opened at: an amendment since makes the form stale.
    assignment_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, targets: Sequence[Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for target in self.targets:
            if target.kind == Target.Kind.QUALITATIVE:
                self.fields[assessment_field(target)] = forms.ChoiceField(
                    label=target.indicator or _("完成情况"),
                    choices=_ASSESSMENT_CHOICES,
                    required=False,
                )
            else:
                self.fields[value_field(target)] = forms.CharField(
                    label=target.indicator or _("累计完成值"),
                    required=False,
                    max_length=40,
                    widget=forms.TextInput(
                        attrs={"class": "figure", "inputmode": "decimal", "autocomplete": "off"}
                    ),
                )
            self.fields[note_field(target)] = forms.CharField(
                label=_("说明"), required=False, max_length=500
            )
        if self.targets:
            # With targets the figures decide; the overall view counts when a unit gives none
            # (a co-unit reporting its part of the work in words).
            self.fields["assessment"].label = _("总体自评（未填写指标数值时作为进度依据）")

    def clean_data_month(self) -> date | None:
        return parse_month(self.cleaned_data.get("data_month"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for target in self.targets:
            name = value_field(target)
            if name not in self.fields:
                continue
            try:
                cleaned[name] = parse_figure(cleaned.get(name), target)
            except NumberError as exc:
                self.add_error(name, number_error_text(exc))
        return cleaned

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        values: dict[int, TargetInput] = {}
        for target in self.targets:
            note = (data.get(note_field(target)) or "").strip()
            if target.kind == Target.Kind.QUALITATIVE:
                values[target.pk] = TargetInput(
                    assessment=data.get(assessment_field(target)) or "", note=note
                )
            else:
                actual: Decimal | None = data.get(value_field(target))
                values[target.pk] = TargetInput(actual=actual, note=note)
        return ReportInput(
            values=values,
            narrative=data.get("narrative") or "",
            problems_text=data.get("problems_text") or "",
            next_steps=data.get("next_steps") or "",
            assessment=data.get("assessment") or "",
            data_month=data.get("data_month"),
        )

    def add_service_errors(self, errors: Mapping[str, str]) -> None:
        """Errors the service found, shown beside the fields that caused them."""
        by_target = {t.pk: t for t in self.targets}
        for key, message in errors.items():
            name = key
            if key.startswith("target-"):
                target = by_target.get(int(key.split("-", 1)[1]))
                if target is not None and target.kind == Target.Kind.QUALITATIVE:
                    name = assessment_field(target)
            self.add_error(name if name in self.fields else None, message)

    def rows(self) -> list[tuple[Target, forms.BoundField, forms.BoundField]]:
        """(target, its input, its note) for the template's one-row-per-target table."""
        out = []
        for target in self.targets:
            name = (
                assessment_field(target)
                if target.kind == Target.Kind.QUALITATIVE
                else value_field(target)
            )
            out.append((target, self[name], self[note_field(target)]))
        return out


def initial_for(report: Any, targets: Sequence[Target]) -> dict[str, Any]:
    """The form's starting values from a stored report (or nothing for a new one)."""
    if report is None:
        return {}
    initial: dict[str, Any] = {
        "narrative": report.narrative,
        "problems_text": report.problems_text,
        "next_steps": report.next_steps,
        "assessment": report.assessment,
        "version": report.version,
    }
    if report.data_month:
        initial["data_month"] = f"{report.data_month:%Y-%m}"
    values = {v.target_id: v for v in report.values.all()}
    for target in targets:
        value = values.get(target.pk)
        if value is None:
            continue
        if target.kind == Target.Kind.QUALITATIVE:
            initial[assessment_field(target)] = value.assessment
        elif value.actual is not None:
            initial[value_field(target)] = f"{value.actual.normalize():f}"
        initial[note_field(target)] = value.note
    return initial


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("退回时请填写原因，便于填报单位修改。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ApproveForm(forms.Form):
    judgement = forms.ChoiceField(label=_("审核评价"), choices=_JUDGEMENT_CHOICES, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
