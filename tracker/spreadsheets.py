"""Opening the spreadsheets people upload (the roster, the quarter sheet, the statistics sheet):
the same refusals, in the reader's language, for every kind of file. Each reader passes its own
error class, so its page shows the message where it shows its other refusals."""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook


def workbook_open(data: bytes, error: type[ValueError], message: str | None = None) -> Workbook:
    """The .xlsx read-only (close it when done); `error` with `message` (or the usual one) when
    the bytes are not a workbook."""
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise error(
            message or _("无法读取该 .xlsx 文件，请确认文件未损坏且为 Excel 工作簿。")
        ) from exc


def csv_text(data: bytes, error: type[ValueError]) -> str:
    """A CSV file's text: UTF-8 (with or without a byte-order mark), else GB18030, the encoding
    Excel in China saves CSV in; `error` when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise error(_("无法识别 .csv 文件的编码，请另存为 UTF-8 编码的 CSV。"))
