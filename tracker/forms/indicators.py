"""Forms of issue 13: a row of the indicator table, and the statistics sheet's upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tracker.models import IndicatorDepartment
from tracker.services.headline_indicators import split_list
from tracker.statistics_files import StatisticsFileError, StatisticsRow, read_statistics

MAX_UPLOAD = 5 * 1024 * 1024


class IndicatorDepartmentForm(forms.Form):
    indicator = forms.CharField(label=_("指标名称"), max_length=100)
    aliases = forms.CharField(
        label=_("别名"),
        required=False,
        max_length=1000,
        help_text=_("其他写法，用顿号分隔，如：GDP、生产总值"),
    )
    unit_names = forms.CharField(
        label=_("责任单位"),
        max_length=1000,
        help_text=_("用顿号分隔，第一个为牵头单位，如：统计局、发改委"),
    )

    @staticmethod
    def initial_for(entry: IndicatorDepartment) -> dict[str, Any]:
        return {
            "indicator": entry.indicator,
            "aliases": "、".join(entry.aliases or []),
            "unit_names": "、".join(entry.unit_names or []),
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "indicator": data["indicator"],
            "aliases": split_list(data.get("aliases") or ""),
            "unit_names": split_list(data["unit_names"]),
        }


class StatisticsUploadForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("统计数据表"),
        help_text=_("Excel（.xlsx）或 CSV：指标名称、本期累计值、同比增长、数据截至（月份）"),
    )

    rows: list[StatisticsRow]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件过大（上限 5 MB）。"))
        try:
            self.rows = read_statistics(upload.read(), upload.name)
        except StatisticsFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not self.rows:
            raise forms.ValidationError(_("表格中没有数据行。"))
        return upload


_SALT = "tracker.statistics"


def statistics_token(rows: list[StatisticsRow], year: int) -> str:
    """The previewed rows, signed, for the confirmation (what is saved is what was shown)."""
    payload = [year, [[r.number, r.name, r.cumulative, r.unit, r.growth, r.month] for r in rows]]
    return signing.dumps(payload, salt=_SALT, compress=True)


def statistics_from_token(token: str) -> tuple[list[StatisticsRow], int] | None:
    try:
        year, raw = signing.loads(token, salt=_SALT, max_age=6 * 3600)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return [StatisticsRow(*row) for row in raw], int(year)
