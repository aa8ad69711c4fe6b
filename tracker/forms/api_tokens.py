"""Naming a new API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("写明用途，便于日后识别和吊销，例如“统计数据自动报送”。"),
    )
