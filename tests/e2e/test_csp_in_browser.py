"""Every page under the Content-Security-Policy in a real browser: a supervisor, a reporter and
an administrator open the product's pages (the dashboard's charts drawn, the back office's
report page) and the browser logs no violation. The `browser` fixture (tests/e2e/conftest.py)
fails any browser test on a violation; this one visits the pages no other walks through, and
checks first that an inline script would be caught.
"""

from __future__ import annotations

import pytest
import time_machine

from tests.e2e.pages import sign_in
from tests.samples import NOW, reported_quarter
from tracker.models import ProgressReport, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPERVISOR_PAGES = [
    "/",
    "/dashboard/",
    "/dashboard/matrix/",
    "/documents/",
    "/reviews/",
    "/problems/",
    "/actions/",
    "/actions/new/",
    "/reminders/",
    "/reminders/preview/",
    "/units/",
    "/units/groups/",
    "/people/",
    "/roster/",
    "/calendar/",
    "/analysis/",
    "/accounts/password_change/",
]


@pytest.fixture
def quarter(db):
    document, q2 = reported_quarter(4, 6)
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    User.objects.create_superuser("root", password="pw-root-2026", role="administrator")
    reporter = User.objects.filter(role="reporter").order_by("pk").first()
    reporter.set_password("pw-rep-2026")
    reporter.save()
    return {"document": document, "q2": q2, "reporter": reporter}


def test_the_watcher_catches_an_inline_script(live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert browser.violations and "script-src" in browser.violations[0]
    browser.violations.clear()


def test_no_page_breaks_the_content_security_policy(live_server, browser, camera, quarter):
    base = live_server.url
    with time_machine.travel(NOW, tick=True):
        supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(supervisor, base, "duchashi", "pw-dcs-2026")
        for path in SUPERVISOR_PAGES:
            supervisor.goto(base + path)
            supervisor.wait_for_load_state("load")
            camera.shoot(supervisor, path.strip("/").replace("/", "-") or "home")
        document = quarter["document"]
        for path in (f"/documents/{document.pk}/", f"/periods/{quarter['q2'].pk}/"):
            supervisor.goto(base + path)
            supervisor.wait_for_load_state("load")
        supervisor.goto(f"{base}/dashboard/")
        supervisor.wait_for_selector("[data-chart] svg")
        bar = supervisor.locator(".dist span").first
        assert bar.evaluate("el => el.style.width").endswith("%")
        camera.shoot(supervisor, "dashboard-charts")

        reporter = browser.new_page(viewport={"width": 390, "height": 844})
        sign_in(reporter, base, quarter["reporter"].username, "pw-rep-2026")
        for path in ("/tasks/", "/tasks/history/", "/lead/", "/settings/notices/"):
            reporter.goto(base + path)
            reporter.wait_for_load_state("load")
        reporter.select_option("#lang", "en")
        reporter.wait_for_load_state("load")
        camera.shoot(reporter, "reporter-english")

        admin = browser.new_page(viewport={"width": 1280, "height": 900})
        admin.goto(f"{base}/admin/login/")
        admin.fill("#id_username", "root")
        admin.fill("#id_password", "pw-root-2026")
        admin.click("input[type=submit]")
        report = ProgressReport.objects.order_by("pk").first()
        for path in (
            "/admin/",
            "/admin/tracker/progressreport/",
            f"/admin/tracker/progressreport/{report.pk}/change/",
            "/admin/tracker/unit/add/",
        ):
            admin.goto(base + path)
            admin.wait_for_load_state("load")
        camera.shoot(admin, "admin-report")
