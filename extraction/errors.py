"""Errors raised to callers of the extraction package."""

from __future__ import annotations

from typing import Literal

UnreadableCode = Literal["empty", "binary", "encoding", "unsupported"]


class UnreadableDocument(ValueError):
    """The input cannot be turned into text worth extracting from.

    `code` lets the importer choose what to tell the user without parsing the (Chinese) message.
    """

    def __init__(self, code: UnreadableCode, message: str) -> None:
        super().__init__(message)
        self.code: UnreadableCode = code
        self.message = message
