"""Errors raised to callers of the extraction package."""

from __future__ import annotations

from typing import Literal

# The codes a refusal carries; the tracker translates each one for the person importing.
#   empty        nothing but blanks
#   binary       not text (null bytes, control characters, a picture)
#   encoding     text in neither UTF-8, GB18030 nor UTF-16 with a byte-order mark
#   unsupported  a format that is not read (.doc, .wps, .xls, .xlsx, RTF, another archive)
#   corrupt      a broken .docx/.pdf
#   no_text      a PDF without a text layer (a scan)
#   too_large    more text, pages or decompressed data than a document can reasonably hold
#   encrypted    a PDF that needs a password to open (one with an empty open password, the usual
#                "permissions only" PDF, is read)
#   budget       decoding or extraction ran out of its CPU-time or memory budget
DecodeErrorCode = Literal[
    "empty",
    "binary",
    "encoding",
    "unsupported",
    "corrupt",
    "no_text",
    "too_large",
    "encrypted",
    "budget",
]
# The name the importer has used so far.
UnreadableCode = DecodeErrorCode


class DecodeError(ValueError):
    """The input cannot be turned into text worth extracting from (or not within its budget).

    `code` lets the importer choose what to tell the user without parsing the (Chinese) message.
    """

    def __init__(self, code: DecodeErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: DecodeErrorCode = code
        self.message = message

    def __reduce__(self) -> tuple[type[DecodeError], tuple[DecodeErrorCode, str]]:
        # Rebuilt from both arguments when it crosses a process boundary (see budget.py).
        return type(self), (self.code, self.message)


# The tracker imports this name; it is the same class.
UnreadableDocument = DecodeError
