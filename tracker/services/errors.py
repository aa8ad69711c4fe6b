"""The one way a service says no."""

from __future__ import annotations


class Refused(Exception):
    """The write cannot happen and nothing was changed. `message` is shown to the person who
    asked, in their language; each service names its own subclass so callers catch precisely."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
