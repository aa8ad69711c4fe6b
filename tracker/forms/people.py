"""The person form: an account for a unit with a role, and a leader's units and tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tracker.access import AnyUser, can_grant_role
from tracker.forms.units import (
    UnitChoiceField,
    UnitMultipleChoiceField,
    active_units,
    check_ids,
)
from tracker.models import Assignment, Document, User

# The stubs make the field generic; Django's own cannot be subscripted at runtime.
if TYPE_CHECKING:
    _AssignmentsField = forms.ModelMultipleChoiceField[Assignment]
else:
    _AssignmentsField = forms.ModelMultipleChoiceField


class AssignmentMultipleChoiceField(_AssignmentsField):
    def clean(self, value: Any) -> QuerySet[Assignment]:
        check_ids(value, self.error_messages["invalid_pk_value"])
        return super().clean(value)

    def label_from_instance(self, obj: Assignment) -> str:
        return f"{obj.document.title[:20]} · {obj.ref or obj.number} {obj.title[:30]}"


def _tracked_assignments() -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(document__status=Document.Status.PUBLISHED)
        .select_related("document")
        .defer("document__source_text", "document__extraction", "text")
        .order_by("document_id", "position")
    )


class PersonForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录用，字母、数字或 @ . + - _。")
    )
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        help_text=_("邀请链接和提醒发到此邮箱。"),
        error_messages={"invalid": _("请输入有效的电子邮箱。")},
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    unit = UnitChoiceField(label=_("所属单位"), queryset=active_units().none(), required=False)
    role = forms.ChoiceField(label=_("角色"), choices=User.Role.choices)
    leader_units = UnitMultipleChoiceField(
        label=_("分管单位"),
        queryset=active_units().none(),
        required=False,
        help_text=_("仅分管领导：问题升级到第三级时，由所分管单位或任务的领导办结。"),
    )
    leader_assignments = AssignmentMultipleChoiceField(
        label=_("分管任务"), queryset=Assignment.objects.none(), required=False
    )
    invite = forms.BooleanField(
        label=_("保存后发送邀请邮件（含设置密码的一次性链接）"), required=False, initial=True
    )

    def __init__(self, *args: Any, actor: AnyUser, person: User | None = None, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()  # type: ignore[attr-defined]
        self.fields["leader_units"].queryset = active_units()  # type: ignore[attr-defined]
        self.fields["leader_assignments"].queryset = _tracked_assignments()  # type: ignore[attr-defined]
        # Roles the signed-in person may give: supervisors never raise anyone to their rank.
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)  # noqa: S101 - narrows for the checker
        role_field.choices = [
            (v, label) for v, label in User.Role.choices if can_grant_role(actor, v)
        ]
        if person is not None:
            self.fields["username"].disabled = True
            del self.fields["invite"]

    @staticmethod
    def initial_for(person: User) -> dict[str, Any]:
        scopes = list(person.leader_scopes.values_list("unit_id", "assignment_id"))
        return {
            "username": person.username,
            "full_name": person.last_name + person.first_name,
            "email": person.email,
            "phone": person.phone,
            "unit": person.unit_id,
            "role": person.role,
            "leader_units": [u for u, _a in scopes if u is not None],
            "leader_assignments": [a for _u, a in scopes if a is not None],
        }
