"""A real browser (Debian's Chromium driven by Playwright) against the live Django server.

`.ci/run` installs Chromium with apt-get; elsewhere the tests skip when it is absent, except
under CI=true, where a skipped browser test fails the run (tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.samples import REPO

ARTIFACTS = Path(os.environ.get("TRACKER_ARTIFACTS") or REPO / "var" / "artifacts" / "e2e")
CHROMIUM = os.environ.get("TRACKER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium from reaching for the network (closed here) and from needing a
# sandbox user namespace when run as root in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # The sync API refuses to start inside a running asyncio loop; Django's async-unsafe guard
    # would also object to ORM calls made while one runs in this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class CspWatchingBrowser:
    """The browser the tests drive: every page it opens reports the Content-Security-Policy
    violations the browser logs (a refused inline script or style, a refused source), and the
    test fails on any, whichever page it visited."""

    def __init__(self, launched: object) -> None:
        self.launched = launched
        self.violations: list[str] = []

    def new_page(self, **options: object) -> object:
        page = self.launched.new_page(**options)  # type: ignore[attr-defined]
        page.on("console", self._console_listener(page))
        return page

    def _console_listener(self, page: object) -> object:
        def listen(message: object) -> None:
            text = message.text  # type: ignore[attr-defined]
            if "Content Security Policy" in text:
                self.violations.append(f"{page.url}: {text}")  # type: ignore[attr-defined]

        return listen

    def __getattr__(self, name: str) -> object:
        return getattr(self.launched, name)


@pytest.fixture
def browser(chromium: object) -> Iterator[CspWatchingBrowser]:
    watching = CspWatchingBrowser(chromium)
    yield watching
    assert not watching.violations, "CSP violations:\n" + "\n".join(watching.violations)


class Camera:
    """Numbered screenshots of every page the test visits, kept as CI artifacts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)

    def shoot(self, page: object, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path


@pytest.fixture
def camera(request: pytest.FixtureRequest) -> Camera:
    return Camera(ARTIFACTS / request.node.name)
