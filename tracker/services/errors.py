"""The one way a service says no."""

from __future__ import annotations

from collections.abc import Mapping


class Refused(Exception):
    """The write cannot happen and nothing was changed. `message` is shown to the person who
    asked, in their language, and `errors` (field name → message) beside the fields that caused
    it, when the refusal is about particular fields. Each service names its own subclass so
    callers catch precisely."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class Conflict(Refused):
    """Refused because what the caller read has changed since (another person saved first): the
    caller may reload, or save again to overwrite. Mixed into a service's own refusal, as in
    `class StaleReport(ReportRefused, Conflict)`; the API answers it with 409."""
