"""Errors raised to callers of the extraction package."""

from __future__ import annotations

from typing import Literal

# empty: nothing but blanks; binary: not text; encoding: neither UTF-8 nor GB18030;
# unsupported: a format that is not read (.doc, .wps, .xls, images, encrypted PDF);
# corrupt: a broken .docx/.pdf; no_text: a PDF without a text layer (a scan);
# too_large: more text (or decompressed data) than a document can reasonably hold.
UnreadableCode = Literal[
    "empty", "binary", "encoding", "unsupported", "corrupt", "no_text", "too_large"
]


class UnreadableDocument(ValueError):
    """The input cannot be turned into text worth extracting from.

    `code` lets the importer choose what to tell the user without parsing the (Chinese) message.
    """

    def __init__(self, code: UnreadableCode, message: str) -> None:
        super().__init__(message)
        self.code: UnreadableCode = code
        self.message = message
