"""Forms of the units pages: a unit, an alias, a merge, a group. They turn typed text into
values; tracker.services.units / unit_merge / unit_groups decide and write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tracker.forms.documents import split_names
from tracker.http import parse_int
from tracker.models import Unit, UnitGroup, unit_order

# The stubs make the model choice fields generic; Django's own cannot be subscripted at runtime.
if TYPE_CHECKING:
    ModelChoiceField = forms.ModelChoiceField[Unit]
    ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Unit]
else:
    ModelChoiceField = forms.ModelChoiceField
    ModelMultipleChoiceField = forms.ModelMultipleChoiceField


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def active_units() -> QuerySet[Unit]:
    """Units a person may choose: active and not merged away, in the official order."""
    return Unit.objects.filter(is_active=True, merged_into__isnull=True).order_by(*unit_order())


class UnitChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return _("%(name)s（%(level)s）") % {"name": obj.name, "level": obj.get_level_display()}


def check_ids(values: Any, message: Any) -> None:
    """Refuse a chosen id that is not an id (thirty digits would overflow the database's
    integers in the `pk__in` query Django's multiple choice field runs)."""
    for value in values if isinstance(values, list | tuple) else ():
        if parse_int(str(value)) is None:
            raise ValidationError(message, code="invalid_pk_value", params={"pk": value})


class UnitMultipleChoiceField(ModelMultipleChoiceField):
    def clean(self, value: Any) -> QuerySet[Unit]:
        check_ids(value, self.error_messages["invalid_pk_value"])
        return super().clean(value)

    def label_from_instance(self, obj: Unit) -> str:
        return _("%(name)s（%(level)s）") % {"name": obj.name, "level": obj.get_level_display()}


class UnitForm(_Form):
    name = forms.CharField(label=_("单位全称"), max_length=200)
    level = forms.ChoiceField(label=_("层级"), choices=Unit.Level.choices)
    kind = forms.ChoiceField(label=_("类别"), choices=Unit.Kind.choices)
    parent = UnitChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False, empty_label=_("（无）")
    )
    position = forms.IntegerField(
        label=_("排序号"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_("单位列表、看板、排名和导出均按排序号排列；留空排在最后。"),
    )
    aliases = forms.CharField(
        label=_("别名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("文件中常用的简称，每行一个或用顿号分隔，如：区发改局。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = active_units()
        if unit is not None:
            parents = parents.exclude(pk=unit.pk)
            del self.fields["aliases"]
        else:
            del self.fields["is_active"]
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(unit: Unit) -> dict[str, Any]:
        return {
            "name": unit.name,
            "level": unit.level,
            "kind": unit.kind,
            "parent": unit.parent_id,
            "position": unit.position,
            "is_active": unit.is_active,
        }

    def alias_list(self) -> list[str]:
        return split_names(self.cleaned_data.get("aliases") or "")


class AliasForm(_Form):
    alias = forms.CharField(label=_("新增别名"), max_length=200)


class MergeForm(_Form):
    into = UnitChoiceField(
        label=_("并入单位（保留的单位）"),
        queryset=Unit.objects.none(),
        help_text=_(
            "两个名称指同一单位时使用：本单位的全部任务、报告、问题、督办、人员和别名都转到所选单位。"
        ),
    )
    confirm = forms.BooleanField(
        label=_("我已核对，确认合并（不可撤销）"), required=False, initial=False
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = active_units().exclude(pk=unit.pk)  # type: ignore[attr-defined]


class GroupForm(_Form):
    name = forms.CharField(
        label=_("集合名称"), max_length=200, help_text=_("如：各镇、区政府各部门。")
    )
    members = UnitMultipleChoiceField(
        label=_("成员单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_members = forms.CharField(
        label=_("新建成员单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("名册中还没有的成员，每行一个全称，保存时一并新建。"),
    )
    new_members_parent = UnitChoiceField(
        label=_("新建成员的上级单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("（无）"),
    )
    aliases = forms.CharField(
        label=_("别名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("文件中的其他写法，如：各镇人民政府。"),
    )
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, group: UnitGroup | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = active_units()  # type: ignore[attr-defined]
        self.fields["new_members_parent"].queryset = active_units()  # type: ignore[attr-defined]

    def new_member_names(self) -> list[str]:
        return split_names(self.cleaned_data.get("new_members") or "")

    def alias_list(self) -> list[str]:
        return split_names(self.cleaned_data.get("aliases") or "")
