"""What the browser tests do on every page the same way."""

from __future__ import annotations

from typing import Any


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
