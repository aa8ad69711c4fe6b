"""我的 API 令牌 in a real browser: a reporter opens the page from the user menu, creates a token,
copies it with the button, and sees it once; a program calls the API with it; the reporter
revokes it after confirming, and the program is refused. Screenshots under
var/artifacts/e2e/<test name>/."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.e2e.pages import sign_in
from tracker.models import ApiToken, AuditEvent, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _api_status(base: str, secret: str) -> int:
    """A program's call, with no cookie of the signed-in page."""
    url = f"{base}/api/periods/"  # the live test server, over http://
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_reporter_creates_uses_and_revokes_a_token(live_server, browser, camera, units):
    User.objects.create_user("bob", password="pw-bob-2026", role="reporter", unit=units["fgw"])
    base = live_server.url
    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    sign_in(page, base, "bob", "pw-bob-2026")
    page.click("header .who a:has-text('API 令牌')")
    page.wait_for_load_state()
    assert page.url.endswith("/account/api-tokens/")
    assert page.locator("text=还没有令牌。").is_visible()
    camera.shoot(page, "empty")

    page.fill("#id_name", "季度数据同步脚本")
    page.click("button:has-text('创建令牌')")
    page.wait_for_load_state()
    secret = page.input_value("#new-token")
    assert secret.startswith("trk_") and len(secret) > 40
    page.click("button[data-copy]")
    page.wait_for_selector("button[data-copy]:has-text('已复制')")
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
    camera.shoot(page, "created")
    assert _api_status(base, secret) == 200

    # Opened again, the page lists the token by its prefix and never shows it.
    page.goto(f"{base}/account/api-tokens/")
    assert secret not in page.content()
    token = ApiToken.objects.get()
    assert page.locator(f"code:has-text('{token.prefix}')").is_visible()
    assert page.locator("td:has-text('有效')").is_visible()

    page.click("a:has-text('吊销')")
    page.wait_for_load_state()
    assert page.locator("text=确定吊销？").is_visible()
    camera.shoot(page, "confirm")
    page.click("button:has-text('确定吊销')")
    page.wait_for_load_state()
    assert page.locator("text=已吊销，使用它的程序将无法再访问").is_visible()
    assert page.locator("td:has-text('已吊销')").is_visible()
    camera.shoot(page, "revoked")
    assert _api_status(base, secret) == 401
    assert set(
        AuditEvent.objects.filter(action__startswith="api_token").values_list("action", flat=True)
    ) == {"api_token.create", "api_token.revoke"}
