"""The English interface in a real browser: the supervisor's dashboard and a unit's report form
hold their layout at a laptop's 1366 px and a phone's 390 px, in English and in Chinese: nothing
is wider than the window (no horizontal scrolling).

Each page is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

import pytest
import time_machine

from tests.samples import NOW, reported_quarter
from tracker.models import ProgressReport, Responsibility, Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Real names are long: the layout has to hold them, not the tests' short ones.
LONG_NAMES = [
    "云江市发展和改革委员会",
    "云江市人力资源和社会保障局",
    "云江市住房和城乡建设局",
    "云江市政务服务和大数据管理局",
    "云江市文化和旅游局",
    "云江市市场监督管理局",
]


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


# The outermost elements reaching past the window's right edge, to say what to fix.
CULPRITS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
    && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
    + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 8)"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_dashboard_and_the_report_form_fit_a_laptop_and_a_phone(
    live_server, browser, camera, language
):
    document, q2 = reported_quarter(
        6, 12, title="云江市2026年国民经济和社会发展计划重点任务分工方案"
    )
    for unit, name in zip(Unit.objects.order_by("pk"), LONG_NAMES, strict=True):
        unit.name = name
        unit.save(update_fields=["name"])
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    reported = ProgressReport.objects.filter(period=q2).values("responsibility_id")
    missing = (
        Responsibility.objects.filter(assignment__document=document)
        .exclude(pk__in=reported)
        .select_related("unit")
        .first()
    )
    reporter = missing.unit.users.get()
    reporter.set_password("pw-unit-2026")
    reporter.save()
    base = live_server.url
    host = base.split("//", 1)[1].split(":")[0]
    pages = [
        ("duchashi", "pw-dcs-2026", f"/dashboard/?document={document.pk}&year=2026&quarter=2"),
        (reporter.username, "pw-unit-2026", f"/work/{missing.pk}/{q2.pk}/"),
    ]
    wide = []
    with time_machine.travel(NOW, tick=True):
        for device, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport)
            context.add_cookies(
                [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
            )
            for username, password, path in pages:
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", password)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                assert page.locator("html").get_attribute("lang") == language
                name = f"{language}-{device}-{path.strip('/').split('/')[0]}"
                camera.shoot(page, name)
                # What the window shows first, at its real size (the full page is very long).
                page.screenshot(path=str(camera.folder / f"{name}-window.png"))
                scroll_width, inner_width = _overflow(page)
                if scroll_width > inner_width:
                    wide.append((name, scroll_width, inner_width, page.evaluate(CULPRITS)))
                page.context.clear_cookies()
                context.add_cookies(
                    [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
                )
                page.close()
            context.close()
    assert not wide, wide
