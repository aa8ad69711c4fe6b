"""The roster upload: a .xlsx or .csv file read into rows (tracker.roster_files), and the rows
carried, signed, from the preview to the confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tracker.roster_files import RosterFileError, RosterRow, read_roster
from tracker.services.evidence import human_size

_SALT = "tracker.forms.rosters"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("名册文件"),
        help_text=_("Excel 工作簿（.xlsx，含“单位”“人员”“单位集合”工作表）或其中一张表的 .csv。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    invite = forms.BooleanField(label=_("导入后向新人员发送邀请邮件"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.rows: list[RosterRow] = []

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = int(settings.TRACKER_IMPORT_MAX_BYTES)
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s），不能超过 %(limit)s。")
                % {"size": human_size(upload.size), "limit": human_size(limit)}
            )
        try:
            self.rows = read_roster(upload.read(), upload.name or "")
        except RosterFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not self.rows:
            raise forms.ValidationError(_("名册中没有填写任何一行。"))
        return upload


def rows_token(rows: list[RosterRow]) -> str:
    """The rows, signed, for the confirmation form (so what is applied is what was previewed)."""
    payload = [[row.sheet, row.number, dict(row.values)] for row in rows]
    return signing.dumps(payload, salt=_SALT, compress=True)


def rows_from_token(token: str) -> list[RosterRow] | None:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=6 * 3600)
    except signing.BadSignature:
        return None
    return [RosterRow(sheet, number, values) for sheet, number, values in payload]
