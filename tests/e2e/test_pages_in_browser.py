"""Pages that send what a person reads (issue 19), in a real browser: the unit filter is a
search field (type, pick a unit, the list filters), and the traffic-light matrix pages its
columns with sticky headers.

Each page visited is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

import re

import pytest
import time_machine

from tests.e2e.pages import sign_in
from tests.samples import NOW, reported_quarter
from tracker.models import Unit, User
from tracker.views import dashboard as dashboard_views

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quarter():
    with time_machine.travel(NOW, tick=False):
        document, q2 = reported_quarter(units=4, tasks=5)
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    return document, q2


def test_the_unit_search_filters_the_list_and_the_matrix_pages_its_columns(
    live_server, browser, camera, quarter, monkeypatch
):
    document, _q2 = quarter
    unit = Unit.objects.get(name=f"测试单位{document.pk}-002")
    # Two columns a page, so five assignments make three column pages.
    monkeypatch.setattr(dashboard_views, "MATRIX_COLUMNS", 2)
    base = live_server.url
    with time_machine.travel(NOW, tick=True):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, base, "duchashi", "pw-dcs-2026")
        page.goto(f"{base}/dashboard/slots/?show=expected")
        page.wait_for_load_state("load")
        every = page.locator("table tbody tr").count()
        field = page.locator("input[name=unit]")
        field.click()
        field.press_sequentially("-002", delay=40)
        option = page.locator(".unit-option", has_text=unit.name)
        option.wait_for()
        assert page.locator(".unit-option").count() == 1
        camera.shoot(page, "unit-search-typed")
        with page.expect_navigation():
            option.click()
        page.wait_for_load_state("load")
        camera.shoot(page, "unit-search-picked")
        # The chosen unit is in the query string and shown by name; the list is its alone.
        assert re.search(r"[?&]unit=", page.url)
        assert page.locator("input[name=unit]").input_value() == unit.name
        rows = page.locator("table tbody tr")
        assert 0 < rows.count() < every
        for text in rows.all_inner_texts():
            assert unit.name in text

        page.goto(f"{base}/dashboard/matrix/?document={document.pk}")
        page.wait_for_load_state("load")
        headers = page.locator("table.matrix thead th.col")
        first = headers.all_inner_texts()
        assert len(first) == 2
        assert page.locator("text=第 1–2 项任务，共 5 项").count() == 1
        # The header row stays in view as the matrix scrolls (position: sticky).
        sticky = headers.first.evaluate("th => getComputedStyle(th).position")
        assert sticky == "sticky"
        camera.shoot(page, "matrix-columns-1")
        page.click("a:has-text('后面的任务')")
        page.wait_for_load_state("load")
        second = headers.all_inner_texts()
        assert len(second) == 2 and not set(second) & set(first)
        assert "cols=2" in page.url
        page.click("a:has-text('后面的任务')")
        page.wait_for_load_state("load")
        third = headers.all_inner_texts()
        assert len(third) == 1 and page.locator("a:has-text('后面的任务')").count() == 0
        camera.shoot(page, "matrix-columns-3")
        page.click("a:has-text('前面的任务')")
        page.wait_for_load_state("load")
        assert headers.all_inner_texts() == second
