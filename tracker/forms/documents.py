"""Forms of the document pages: import, the review's metadata, assignment and target edits,
unit mapping, archiving. They turn typed text into values; the services decide and write."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tracker.models import Assignment, Document, Target
from tracker.number_errors import number_error_text
from tracker.numbers import NumberError, parse_actual
from tracker.services.evidence import human_size

IMPORT_EXTENSIONS = (".txt", ".docx", ".pdf")
# Pasted text is UTF-8 in the request body; Django refuses bodies above
# DATA_UPLOAD_MAX_MEMORY_SIZE before the form sees them, so the form's own limit is below it.
PASTE_MAX_CHARS = 500_000
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
# Unit lists are typed one per line or separated by Chinese/Western commas, 、 or semicolons.
_LIST_SEPARATORS = re.compile(r"[\n\r,，、;；]+")
_SECTION_SEPARATORS = re.compile(r"\s*(?:›|>|\n)\s*")


def import_max_bytes() -> int:
    return int(settings.TRACKER_IMPORT_MAX_BYTES)


class _Form(forms.Form):
    """Labels without a Western colon (templates render each field with _field.html)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DocumentImportForm(_Form):
    file = forms.FileField(
        label=_("选择文件"),
        required=False,
        help_text=_("支持 .txt、.docx、.pdf，不超过 %(limit)s。"),
        # A new import has nothing to clear; ClearableFileInput would turn a posted
        # "file-clear" into False, which is not a file.
        widget=forms.FileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
    )
    text = forms.CharField(
        label=_("或粘贴文件全文"),
        required=False,
        strip=False,
        max_length=PASTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    title = forms.CharField(
        label=_("文件标题（可选）"),
        required=False,
        max_length=300,
        help_text=_("不填则使用从文件中识别出的标题。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = str(self.fields["file"].help_text) % {
            "limit": human_size(import_max_bytes())
        }

    def clean_file(self) -> UploadedFile[bytes] | None:
        upload: UploadedFile[bytes] | None = self.cleaned_data.get("file")
        if upload is None:
            return None
        # The size is known from the request before anything is read into memory.
        if upload.size is not None and upload.size > import_max_bytes():
            raise forms.ValidationError(
                _("文件过大（%(size)s），不能超过 %(limit)s；请拆分后再导入，或粘贴文字。")
                % {"size": human_size(upload.size), "limit": human_size(import_max_bytes())}
            )
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in IMPORT_EXTENSIONS:
            raise forms.ValidationError(
                _("不支持 %(suffix)s 文件，请导入 .txt、.docx 或 .pdf 文件。")
                % {"suffix": suffix or _("无扩展名的")}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_file = cleaned.get("file") is not None
        has_text = bool((cleaned.get("text") or "").strip())
        if not self.errors and not has_file and not has_text:
            raise forms.ValidationError(_("请选择一个文件，或把文件全文粘贴到文本框中。"))
        if has_file and has_text:
            raise forms.ValidationError(
                _("请只用一种方式导入：选择了文件时，请清空粘贴的文字（或反之）。")
            )
        return cleaned


class DocumentMetadataForm(_Form):
    title = forms.CharField(label=_("标题"), max_length=300)
    issuer = forms.CharField(label=_("发文单位"), max_length=200, required=False)
    issued_on = forms.DateField(
        label=_("成文日期"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=1949,
        max_value=2100,
        help_text=_("发布前必须填写。"),
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(document: Document, seen: str) -> dict[str, Any]:
        return {
            "title": document.title,
            "issuer": document.issuer,
            "issued_on": document.issued_on,
            "year": document.year,
            "seen": seen,
        }


def split_names(text: str) -> list[str]:
    """Unit names typed one per line, or separated by ，、; and the like."""
    return [part.strip() for part in _LIST_SEPARATORS.split(text or "") if part.strip()]


class AssignmentForm(_Form):
    ref = forms.CharField(label=_("编号路径"), max_length=60, required=False)
    number = forms.CharField(label=_("序号"), max_length=20, required=False)
    title = forms.CharField(label=_("标题"), max_length=500)
    section = forms.CharField(
        label=_("所属章节"),
        required=False,
        help_text=_("多级章节用 › 分隔，如：主要任务 › 综合指标"),
    )
    text = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ChoiceField(
        label=_("指标属性"),
        required=False,
        choices=[("", _("（无）")), *Assignment.Category.choices],
    )
    deadline = forms.DateField(
        label=_("完成时限"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    lead_units = forms.CharField(
        label=_("牵头单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个，或用逗号、顿号分隔。"),
    )
    responsible_units = forms.CharField(
        label=_("责任单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，或用逗号、顿号分隔。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(assignment: Assignment) -> dict[str, Any]:
        return {
            "ref": assignment.ref,
            "number": assignment.number,
            "title": assignment.title,
            "section": " › ".join(assignment.section or []),
            "text": assignment.text,
            "category": assignment.category,
            "deadline": assignment.deadline,
            # One per line: a name such as "各镇、街道" survives the round trip only this way.
            "lead_units": "\n".join(assignment.lead_units_text or []),
            "responsible_units": "\n".join(assignment.responsible_units_text or []),
            "version": assignment.version,
        }

    def changes(self) -> dict[str, Any]:
        """The cleaned values under the model's field names."""
        data = self.cleaned_data
        return {
            "ref": data["ref"],
            "number": data["number"],
            "title": data["title"],
            "section": [p for p in _SECTION_SEPARATORS.split(data["section"] or "") if p],
            "text": data["text"],
            "category": data["category"],
            "deadline": data["deadline"],
            "lead_units_text": split_names(data["lead_units"]),
            "responsible_units_text": split_names(data["responsible_units"]),
        }


class TargetForm(_Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    indicator = forms.CharField(label=_("指标"), max_length=200, required=False)
    comparator = forms.ChoiceField(
        label=_("比较"), choices=Target.Comparator.choices, initial=Target.Comparator.EQUAL
    )
    value = forms.CharField(label=_("目标值"), max_length=40, required=False)
    value_high = forms.CharField(label=_("目标上限"), max_length=40, required=False)
    measure_unit = forms.CharField(label=_("计量单位"), max_length=30, required=False)
    kind = forms.ChoiceField(
        label=_("类型"), choices=Target.Kind.choices, initial=Target.Kind.LEVEL
    )
    direction = forms.ChoiceField(
        label=_("方向"), choices=Target.Direction.choices, initial=Target.Direction.INCREASE
    )
    # State (read at a moment, no pacing) or cumulative (序时进度); empty lets the kind decide.
    measure = forms.ChoiceField(
        label=_("指标性质"),
        choices=[("", _("按类型")), *Target.Measure.choices],
        required=False,
    )
    scope = forms.CharField(label=_("适用范围"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        unit = cleaned.get("measure_unit") or ""
        value = self._number("value", unit)
        high = self._number("value_high", unit)
        kind = cleaned.get("kind")
        if kind == Target.Kind.QUALITATIVE and value is not None:
            self.add_error("value", _("定性指标不填目标值；有数值的请选择其他类型。"))
        if kind != Target.Kind.QUALITATIVE and value is None and "value" not in self.errors:
            self.add_error("value", _("请填写目标值（如 6.5）；没有数值的指标请把类型选为“定性”。"))
        if high is not None and value is not None and high < value:
            self.add_error("value_high", _("目标上限不能小于目标值。"))
        if high is not None and value is None and "value" not in self.errors:
            self.add_error("value_high", _("填写目标上限时须同时填写目标值。"))
        if not cleaned.get("indicator") and not cleaned.get("id") and not self.errors:
            self.add_error("indicator", _("请填写指标名称。"))
        cleaned["value"], cleaned["value_high"] = value, high
        return cleaned

    def _number(self, name: str, unit: str) -> Decimal | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return parse_actual(text, unit)
        except NumberError as exc:
            self.add_error(name, number_error_text(exc))
            return None

    @staticmethod
    def initial_for(target: Target) -> dict[str, Any]:
        return {
            "id": target.pk,
            "indicator": target.indicator,
            "comparator": target.comparator,
            "value": _plain(target.value),
            "value_high": _plain(target.value_high),
            "measure_unit": target.measure_unit,
            "kind": target.kind,
            "direction": target.direction,
            "measure": target.measure,
            "scope": target.scope,
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "indicator",
                "comparator",
                "value",
                "value_high",
                "measure_unit",
                "kind",
                "direction",
                "measure",
                "scope",
            )
        }


def _plain(value: Decimal | None) -> str:
    """6.500000 as "6.5", 1380.000000 as "1380"."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


TargetFormSet = forms.formset_factory(TargetForm, extra=1, can_delete=True, max_num=50)


class UnitMappingForm(_Form):
    ACTIONS = (("map", _("对应到已有单位")), ("accept", _("作为新单位")), ("unaccept", _("撤销")))

    mention = forms.CharField(label=_("单位名称"), max_length=300)
    action = forms.ChoiceField(choices=ACTIONS, initial="map")
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    group = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("已有单位或单位集合的名称"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == "map" and not (
            cleaned.get("unit") or cleaned.get("group") or (cleaned.get("name") or "").strip()
        ):
            raise forms.ValidationError(_("请选择建议的单位，或填写已有单位的名称。"))
        return cleaned


class ArchiveForm(_Form):
    reason = forms.CharField(
        label=_("归档原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：年度任务已结束、已被新文件替代。"),
    )
