"""The unit filter as a search-as-you-type field (issue 19): a text field holding the chosen
unit's name. With JavaScript, typing asks the unit search (htmx) for a few matching units and
picking one fills in its exact name; without, the typed name or id is submitted as it is and read
by tracker.selectors.unit_search.unit_for_filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from tracker.selectors.unit_search import MAX_QUERY


class UnitSearchInput(forms.TextInput):
    """The text field and, beside it, the box the matching units are swapped into."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                "autocomplete": "off",
                "placeholder": gettext_lazy("输入单位名称查找"),
                "class": "unit-search-input",
                **(attrs or {}),
            }
        )

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        box = f"{final.get('id') or name}-options"
        final.update(
            {
                "type": "search",
                "name": name,
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-controls": box,
                "hx-get": reverse("unit-search"),
                "hx-trigger": "input changed delay:250ms, search",
                "hx-target": f"#{box}",
                "hx-sync": "this:replace",
            }
        )
        if value not in (None, ""):
            final["value"] = str(value)
        return format_html(
            '<span class="unit-search"><input{}><span id="{}" class="unit-options"'
            ' aria-live="polite"></span></span>',
            flatatt(final),
            box,
        )


def unit_search_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=MAX_QUERY, strip=True, widget=UnitSearchInput
    )
