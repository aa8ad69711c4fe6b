"""Typed readers for settings that come from the environment.

Each helper fails loudly with the variable's name, so a typo in a deployment shows up at start-up
rather than as a confusing behaviour later (the healthchecks settings pattern).
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def database_from_url(url: str) -> dict[str, object]:
    """Django DATABASES entry for a DATABASE_URL, tuned for the two engines the product runs on.

    SQLite is the embedded default where the web process and the Celery worker share one file:
    WAL lets readers proceed while one writer commits, IMMEDIATE takes the write lock when a
    transaction begins (so a transaction never fails half-way upgrading a read lock), and the busy
    timeout makes a waiting writer queue instead of raising "database is locked".
    """
    import dj_database_url

    try:
        config: dict[str, object] = dict(dj_database_url.parse(url))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be parsed: {exc}") from None
    engine = str(config.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        Path(str(config["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=30000;"
            ),
        }
    elif engine.endswith("postgresql"):
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r}: only sqlite:/// and postgres:// databases are supported."
        )
    return config


def env_decimal(
    name: str, default: str, *, minimum: str | None = None, maximum: str | None = None
) -> Decimal:
    """A decimal setting such as a threshold ("0.9"); out-of-range values fail at start-up."""
    value = os.environ.get(name)
    raw = default if value is None or value.strip() == "" else value.strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not number.is_finite():
        raise ImproperlyConfigured(f"{name}={raw!r} is not a finite number.")
    if minimum is not None and number < Decimal(minimum):
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > Decimal(maximum):
        raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
    return number


def env_decimals(name: str, default: str, *, count: int) -> tuple[Decimal, ...]:
    """A comma-separated list of exactly `count` non-negative decimals (e.g. ranking weights)."""
    raw = os.environ.get(name) or default
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) != count:
        raise ImproperlyConfigured(f"{name}={raw!r} must list {count} comma-separated numbers.")
    try:
        numbers = tuple(Decimal(part) for part in parts)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} must list numbers.") from None
    if any(not n.is_finite() or n < 0 for n in numbers) or sum(numbers) <= 0:
        raise ImproperlyConfigured(f"{name}={raw!r}: weights must be ≥ 0 and not all zero.")
    return numbers
