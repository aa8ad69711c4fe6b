"""Where a draft needs a look, in a real browser: the supervisor pastes a plan whose items the
extractor doubts (tests.samples.DOUBTFUL); the review page counts them in its header, lists them
first (least sure first) with their reasons in Chinese, filters to them, goes back to the
document's order, shows the cut-off "县" as a fragment, and lets the reviewer say who the
heading's leader in charge is.

Each page visited is saved as a screenshot under var/artifacts/e2e/<test name>/.
"""

from __future__ import annotations

import pytest

from tests.e2e.pages import sign_in
from tests.samples import DOUBTFUL
from tracker.models import Document, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def refs(page) -> list[str]:
    return [ref.strip() for ref in page.locator("#assignments article .ref").all_inner_texts()]


def test_the_review_page_puts_doubtful_items_first_with_their_reasons(
    live_server, browser, camera, units
):
    User.objects.create_user("duchashi", password="pw-dcs-2026", role="supervisor")
    leader = User.objects.create_user(
        "liuyang", password="pw-ly-2026", role="leader", last_name="刘", first_name="洋"
    )
    base = live_server.url
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, base, "duchashi", "pw-dcs-2026")
    page.goto(f"{base}/documents/import/")
    page.fill("#id_text", DOUBTFUL)
    page.click("button:has-text('导入并识别')")
    page.wait_for_selector("h1:has-text('审核草稿')")

    # The header says how many need a look; they come first, least sure first.
    summary = page.locator("#look-summary")
    assert "4 项识别把握不大，需要核对" in summary.inner_text()
    assert page.locator("#look-tile .figure").inner_text() == "4"
    assert refs(page) == ["二.6", "二.3", "二.5", "二.4", "一.1", "一.2"]
    first = page.locator("#assignments article").first
    assert "需要核对" in first.inner_text() and "识别置信度 40%" in first.inner_text()
    assert "疑似被截断，未计入单位" in first.inner_text()
    camera.shoot(page, "review-doubtful-first")

    # Each reason beside what it concerns.
    card = page.locator("article:has(.ref:text-is('二.4'))")
    assert "单位“城东片”：不在名册中，也不像单位名称" in card.inner_text()
    assert "存疑" in card.locator(".unit.conf-doubtful").inner_text()
    card = page.locator("article:has(.ref:text-is('二.5'))")
    assert "未找到牵头单位或责任单位" in card.inner_text()
    card = page.locator("article:has(.ref:text-is('二.3'))")
    target = card.locator(".targets li.conf-low")
    assert "可能是背景数据" in target.inner_text()
    card.scroll_into_view_if_needed()
    camera.shoot(page, "review-reasons")
    fragments = page.locator(".conf-fragments")
    assert "县" in fragments.inner_text()

    # Only the doubtful ones.
    page.click("#look-filter")
    page.wait_for_selector("strong:has-text('只看需核对的（4）')")
    assert refs(page) == ["二.6", "二.3", "二.5", "二.4"]
    camera.shoot(page, "review-filtered")

    # The document's own order.
    page.click("a:has-text('按原文顺序')")
    page.wait_for_selector("strong:has-text('按原文顺序')")
    assert refs(page) == ["一.1", "一.2", "二.3", "二.4", "二.5", "二.6"]

    # The heading names 张建国副县长, who has no account: the reviewer picks the person.
    leaders = page.locator("#leaders + p + .conf-leader-list")
    assert "未对应到人员" in leaders.inner_text()
    leaders.locator("select").select_option(str(leader.pk))
    leaders.locator("button:has-text('保存')").click()
    page.wait_for_selector("text=分管领导已保存")
    assert "已指定：刘洋" in page.locator(".conf-leader-list").inner_text()
    page.locator("#leaders").scroll_into_view_if_needed()
    camera.shoot(page, "review-leader-chosen")
    document = Document.objects.get()
    assert document.leader_people == {"张建国副县长": leader.pk}
    page.close()
