"""The review page says where the draft needs a look (issue 15): the low-confidence items first,
a filter to them, the reasons in Chinese per assignment, unit name and target, the count in the
header; fragments cut off at the end flagged and never a unit; leaders in charge matched to
people and made LeaderScope rows at publish."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.samples import DOUBTFUL
from tracker.models import (
    AuditEvent,
    LeaderScope,
    Responsibility,
    Unit,
    User,
)
from tracker.selectors.documents import review_assignments, review_cards
from tracker.services.document_drafts import draft_assignment_update
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def doubtful(supervisor):
    return document_import(
        data=DOUBTFUL.encode(), source_name="东湖县.txt", actor=supervisor
    ).document


def _refs_in_order(page: str) -> list[str]:
    return re.findall(r'<span class="ref">([^<]+)</span>', page)


def _page(client, user, document, query=""):
    client.force_login(user)
    response = client.get(reverse("document-review", args=[document.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_draft_keeps_the_extractors_confidence_reasons_and_leaders(doubtful):
    rows = {
        a.ref: (a.confidence, a.review_reasons, a.leaders_text) for a in doubtful.assignments.all()
    }
    assert rows["一.1"] == (1.0, [], ["张建国副县长"])
    assert rows["二.5"] == (0.5, ["no_unit"], [])
    cut = doubtful.assignments.get(ref="二.6")
    assert cut.uncertain_units == [{"name": "县", "role": "co", "reason": "cut_off"}]
    # The fragment is withheld from the unit lists.
    assert cut.responsible_units_text == ["县住建局"]
    context = doubtful.assignments.get(ref="二.3").targets.get(indicator="已建成")
    assert (context.confidence, context.review_reasons) == (0.5, ["maybe_context"])


def test_low_confidence_items_come_first_least_sure_first(client, supervisor, doubtful):
    page = _page(client, supervisor, doubtful)
    assert _refs_in_order(page) == ["二.6", "二.3", "二.5", "二.4", "一.1", "一.2"]
    assert "4 项识别把握不大，需要核对" in page
    assert re.search(r'id="look-tile"><div class="figure">4<', page)


def test_the_source_order_and_the_filter(client, supervisor, doubtful):
    source = _page(client, supervisor, doubtful, "?order=source")
    assert _refs_in_order(source) == ["一.1", "一.2", "二.3", "二.4", "二.5", "二.6"]
    only = _page(client, supervisor, doubtful, "?look=1")
    assert _refs_in_order(only) == ["二.6", "二.3", "二.5", "二.4"]
    assert "只看需核对的（4）" in only
    # The header still counts the whole draft.
    assert "任务（6 项）" in only


def test_the_reasons_are_shown_in_chinese_beside_what_they_concern(client, supervisor, doubtful):
    page = _page(client, supervisor, doubtful)
    assert "未找到牵头单位或责任单位" in page  # 二.5
    assert "单位“城东片”：不在名册中，也不像单位名称" in page  # 二.4
    assert "存疑：不在名册中，也不像单位名称" in page  # the chip itself
    assert "这个数字可能是背景数据" in page  # 二.3's 已建成3个
    assert "识别置信度 40%" in page  # 二.6
    # An item is as sure as its least sure target: 二.3's own text is fine, its "已建成3个" not.
    assert re.search(r'<span class="ref">二\.3</span>.*?识别置信度 (\d+)%', page, re.S)[1] == "50"
    # The cut-off "县" is shown as such, not as a unit.
    assert re.search(r'class="unit conf-withheld">县<small>（疑似被截断，未计入单位）', page)
    assert "文末疑似截断的内容" in page and "<q>县</q>" in page
    assert "no_unit" not in page and "maybe_context" not in page


def test_a_name_the_roster_knows_is_no_longer_doubted(supervisor, doubtful):
    Unit.objects.create(name="城东片")
    cards = {c.assignment.ref: c for c in review_cards(doubtful, review_assignments(doubtful))}
    review = cards["二.4"].review
    assert review is not None and not review.low and review.unit_doubts == []
    assert review.confidence == 1.0


def test_an_item_the_reviewer_corrected_leaves_the_count(client, supervisor, doubtful):
    item = doubtful.assignments.get(ref="二.5")
    draft_assignment_update(
        assignment=item,
        actor=supervisor,
        version=item.version,
        changes={"lead_units_text": ["县人社局"]},
    )
    page = _page(client, supervisor, doubtful)
    assert "3 项识别把握不大" in page
    assert _refs_in_order(page)[:3] == ["二.6", "二.3", "二.4"]


def test_a_cut_off_name_never_becomes_a_unit_at_publish(supervisor, doubtful):
    document_publish(document=doubtful, actor=supervisor)
    assert not Unit.objects.filter(name="县").exists()
    assert not Responsibility.objects.filter(mention="县").exists()


def test_a_leader_matched_by_name_gets_the_assignments_at_publish(client, supervisor, doubtful):
    leader = User.objects.create_user(
        "zhang", role=User.Role.LEADER, last_name="张", first_name="建国"
    )
    page = _page(client, supervisor, doubtful)
    assert "按姓名自动对应：张建国" in page
    outcome = document_publish(document=doubtful, actor=supervisor)
    scoped = LeaderScope.objects.filter(leader=leader).values_list("assignment__ref", flat=True)
    assert sorted(scoped) == ["一.1", "一.2"]
    assert outcome.leaders_unresolved == []
    assert AuditEvent.objects.filter(action="document.leader_scopes").exists()
    # Publishing again adds nothing.
    document_publish(document=doubtful, actor=supervisor)
    assert LeaderScope.objects.count() == 2


def test_an_unmatched_leader_is_shown_for_the_reviewer_to_pick(client, supervisor, doubtful):
    # The heading's 张建国 has no account; the office records the work under 刘洋.
    chosen = User.objects.create_user("liu", role=User.Role.LEADER, last_name="刘", first_name="洋")
    User.objects.create_user("other", role=User.Role.LEADER, last_name="王", first_name="强")
    page = _page(client, supervisor, doubtful)
    assert "未对应到人员" in page
    response = client.post(
        reverse("document-leaders", args=[doubtful.pk]),
        {"leader-0-name": "张建国副县长", "leader-0-leader": str(chosen.pk)},
    )
    assert response.status_code == 302
    doubtful.refresh_from_db()
    assert doubtful.leader_people == {"张建国副县长": chosen.pk}
    assert AuditEvent.objects.filter(action="document.leader_choose").exists()
    assert "已指定：刘洋" in _page(client, supervisor, doubtful)
    outcome = document_publish(document=doubtful, actor=supervisor)
    assert outcome.leaders_unresolved == []
    assert LeaderScope.objects.filter(leader=chosen).count() == 2


def test_without_a_person_no_scope_is_made_and_the_name_is_reported(supervisor, doubtful):
    outcome = document_publish(document=doubtful, actor=supervisor)
    assert outcome.leaders_unresolved == ["张建国副县长"]
    assert not LeaderScope.objects.exists()


def test_only_a_leader_account_can_be_chosen(client, supervisor, reporter, doubtful):
    client.force_login(supervisor)
    client.post(
        reverse("document-leaders", args=[doubtful.pk]),
        {"leader-0-name": "张建国副县长", "leader-0-leader": str(reporter.pk)},
    )
    doubtful.refresh_from_db()
    assert doubtful.leader_people == {}


@pytest.mark.parametrize("persona", ["reporter", "outsider"])
def test_outsiders_get_404_and_change_nothing(client, request, persona, doubtful):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    leader = User.objects.create_user("zhang", role=User.Role.LEADER, last_name="张")
    response = client.post(
        reverse("document-leaders", args=[doubtful.pk]),
        {"leader-0-name": "张建国副县长", "leader-0-leader": str(leader.pk)},
    )
    assert response.status_code == 404
    assert client.get(reverse("document-review", args=[doubtful.pk])).status_code == 404
    doubtful.refresh_from_db()
    assert doubtful.leader_people == {}


def test_re_extraction_refreshes_what_the_extractor_says_about_its_draft(supervisor, doubtful):
    from tracker.services.document_reextract import document_reextract

    doubtful.assignments.update(
        confidence=None, review_reasons=[], uncertain_units=[], leaders_text=[]
    )
    document_reextract(document=doubtful, actor=supervisor)
    rows = {
        a.ref: (a.confidence, a.review_reasons, a.uncertain_units, a.leaders_text)
        for a in doubtful.assignments.all()
    }
    assert rows["一.2"] == (1.0, [], [], ["张建国副县长"])
    assert rows["二.4"] == (
        0.55,
        ["unit_unlike"],
        [{"name": "城东片", "role": "co", "reason": "unit_unlike"}],
        [],
    )
