"""Matching a leader in charge (分管领导) named in a draft to a person."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.models import User
from tracker.selectors.confidence import leader_candidates


class LeaderChoiceForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.HiddenInput)
    leader = forms.ModelChoiceField(
        label=_("对应人员"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("（暂不指定）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leader"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = User.objects.filter(
                pk__in=[u.pk for u in leader_candidates()]
            ).order_by("last_name", "first_name", "username")
