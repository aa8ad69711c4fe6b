"""How a problem was settled (办结)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("解决情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("请填写问题的解决情况。")},
    )
