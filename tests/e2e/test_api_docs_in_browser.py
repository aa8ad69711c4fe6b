"""The API's documentation page in a real browser: Swagger UI, served from the vendored files,
draws every operation of the contract under the enforced Content-Security-Policy (the `browser`
fixture fails the test on any violation), and "Try it out" answers from the API."""

from __future__ import annotations

import pytest

from tests.e2e.pages import sign_in
from tracker.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_shows_every_operation_without_a_csp_violation(
    live_server, browser, camera, units
):
    User.objects.create_user(
        "bob", password="pw-bob-2026", role=User.Role.REPORTER, unit=units["fgw"]
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, "bob", "pw-bob-2026")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock")
    assert page.locator(".info .title").inner_text().startswith("进度跟踪系统 API")
    operations = {
        block.locator(".opblock-summary-method").inner_text()
        + " "
        # Swagger UI breaks long paths with zero-width spaces.
        + block.locator(".opblock-summary-path").inner_text().replace("\u200b", "")
        for block in page.locator(".opblock").all()
    }
    assert operations >= {
        "GET /api/periods/",
        "GET /api/responsibilities/",
        "GET /api/reports/",
        "POST /api/reports/",
        "GET /api/reports/{id}/",
        "GET /api/quarter/",
    }, operations
    camera.shoot(page, "api-docs")

    # Open one operation and send it from the page, with the session the page was opened in.
    page.locator(".opblock-get", has_text="/api/periods/").first.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.wait_for_selector(".live-responses-table tbody .response-col_status")
    status = page.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text() == "200"
    camera.shoot(page, "api-docs-try")
