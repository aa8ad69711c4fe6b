"""The benches' own PostgreSQL databases: each bench creates one beside the database its
DATABASE_URL names (never touching that one) and drops it afterwards. Imported by the bench
scripts (bench/ is on their path); `make bench` runs only the files not starting with "_".
"""

from __future__ import annotations

from urllib.parse import urlparse, urlunparse


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def create_database(given: str, name: str, *, template: str = "") -> tuple[str, str]:
    """Create database `name` on the server `given` names (a copy of `template` if given,
    which the server makes in seconds); (its URL, the server's admin URL to drop it with).
    A leftover of the same name, from a bench killed before its cleanup, goes first."""
    import psycopg

    parsed = urlparse(given)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    return urlunparse(parsed._replace(path=f"/{name}")), admin


def drop_database(admin: str | None, url: str) -> None:
    """Drop the database `url` names (nothing when `admin` is None: not the bench's own)."""
    if admin is None:
        return
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
