"""A draft's unit names: mapped to an existing unit or group (an audited alias), or confirmed as
a unit publishing will create; a mapping that cannot hold is refused and changes nothing. And
all of them at once: every strong suggestion accepted (of the level the name implies), every
remaining name created — the Shashi plan settled in three actions."""

from __future__ import annotations

import pytest

from tests.samples import SHASHI_ECOLOGY, roster_workbook, shashi_roster
from tracker.models import AuditEvent, UnitAlias, UnitGroup, User
from tracker.roster_files import read_roster
from tracker.selectors.documents import document_publish_preview, document_unit_mentions
from tracker.services.document_drafts import DraftRefused
from tracker.services.document_import import document_import
from tracker.services.rosters import roster_apply
from tracker.services.unit_groups import unitgroup_save
from tracker.services.unit_mentions import (
    unit_mention_accept,
    unit_mention_map,
    unit_mentions_accept_suggestions,
    unit_mentions_create_units,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return User.objects.create_user("root", role=User.Role.ADMINISTRATOR)


def test_mapping_an_unknown_name_creates_an_audited_alias(draft, district, supervisor):
    alias = unit_mention_map(document=draft, mention="区发改局", actor=supervisor, unit=district)
    assert alias.unit == district
    event = AuditEvent.objects.get(action="unitalias.create")
    assert event.after["unit_name"] == "云江区发展和改革局"
    mentions = {m.mention: m for m in document_unit_mentions(draft)}
    assert mentions["区发改局"].units == [district]


def test_mapping_a_name_that_already_means_a_unit_is_refused(draft, district, supervisor):
    with pytest.raises(DraftRefused, match="已对应到"):
        unit_mention_map(document=draft, mention="市发展改革委", actor=supervisor, unit=district)
    assert (
        UnitAlias.objects.filter(alias="市发展改革委").get().unit.name == "云江市发展和改革委员会"
    )


def test_mapping_a_name_the_document_does_not_use_is_refused(draft, district, supervisor):
    with pytest.raises(DraftRefused, match="没有"):
        unit_mention_map(document=draft, mention="某某局", actor=supervisor, unit=district)
    assert not UnitAlias.objects.filter(alias="某某局").exists()


def test_mapping_to_a_group_without_members_is_refused(draft, supervisor):
    empty = UnitGroup.objects.create(name="各镇")
    with pytest.raises(DraftRefused, match="还没有成员单位"):
        unit_mention_map(document=draft, mention="区发改局", actor=supervisor, group=empty)


def test_confirming_a_new_unit_is_recorded_and_can_be_withdrawn(draft, supervisor):
    unit_mention_accept(document=draft, mention="市人社局", actor=supervisor)
    draft.refresh_from_db()
    assert draft.new_unit_names == ["市人社局"]
    mentions = {m.mention: m for m in document_unit_mentions(draft)}
    assert mentions["市人社局"].accepted
    unit_mention_accept(document=draft, mention="市人社局", actor=supervisor, accept=False)
    draft.refresh_from_db()
    assert draft.new_unit_names == []
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="document.unit_")] == [
        "document.unit_unaccept",
        "document.unit_accept",
    ]


# --- every unknown name in a few actions ---------------------------------------------------------


def _unknown(document):
    return [m.mention for m in document_unit_mentions(document, suggestions=False) if not m.known]


@pytest.mark.corpus
def test_the_shashi_document_is_mapped_in_three_actions_on_an_empty_database(corpus, admin):
    """Measured before: 43 unknown names, 43 clicks. Now, from nothing but the document: define
    各镇 once, accept every suggestion, create the rest — and every name means a unit."""
    document = document_import(
        data=(corpus / "shashi-14th-fyp-task-division.txt").read_bytes(),
        source_name="shashi.txt",
        actor=admin,
    ).document
    assert len(_unknown(document)) == 43
    unitgroup_save(
        actor=admin, name="各镇", members=[], new_members=["岑河镇", "观音垱镇", "关沮镇", "锣场镇"]
    )
    unit_mentions_accept_suggestions(document=document, actor=admin)  # nothing to suggest yet
    created = unit_mentions_create_units(document=document, actor=admin, parent=None)
    assert _unknown(document) == []
    assert len(created) == 42
    by_name = {u.name: u for u in created}
    assert by_name["区发改局"].level == "county"  # the issuer is a district government
    assert by_name["团区委"].level == "county"  # no prefix: the issuer's level
    assert by_name["各街道"].kind == "collective"
    preview = document_publish_preview(document)
    assert preview.new_units == [] and preview.without_units == 0


@pytest.mark.corpus
def test_with_the_offices_roster_suggestions_settle_the_rest(corpus, admin, tmp_path):
    roster_apply(
        rows=read_roster(
            roster_workbook(shashi_roster(), tmp_path / "r.xlsx").read_bytes(), "r.xlsx"
        ),
        actor=admin,
        invite=False,
    )
    document = document_import(
        data=(corpus / "shashi-14th-fyp-task-division.txt").read_bytes(),
        source_name="shashi.txt",
        actor=admin,
    ).document
    assert sorted(_unknown(document)) == sorted(
        ["各镇", "区人社局", "区政法委", "区科技局", "区金融办", "环保分局"]
    )
    aliases = unit_mentions_accept_suggestions(document=document, actor=admin)
    assert {a.alias: a.unit.name for a in aliases} == {
        "区科技局": "荆州市沙市区科学技术局",
        "区人社局": "荆州市沙市区人力资源和社会保障局",
        "区政法委": "中共荆州市沙市区委政法委员会",
        "环保分局": SHASHI_ECOLOGY,
    }
    assert sorted(_unknown(document)) == ["区金融办", "各镇"]


def test_a_district_name_is_never_suggested_a_city_unit(units, supervisor):
    """The demo city's 市发展和改革委员会 is not what a district's 区发改局 means."""
    document = document_import(
        data="荆州市沙市区人民政府\n\n1.地区生产总值增长9%。(责任单位:区发改局)\n".encode(),
        source_name="d.txt",
        actor=supervisor,
    ).document
    document.issuer = "荆州市沙市区人民政府"
    document.save()
    (status,) = [m for m in document_unit_mentions(document) if not m.known]
    assert status.mention == "区发改局" and status.suggestions == []
    assert unit_mentions_accept_suggestions(document=document, actor=supervisor) == []


def test_creating_the_rest_is_refused_for_a_published_document(draft, supervisor, units):
    draft.status = "published"
    draft.published_at = draft.imported_at
    draft.save()
    with pytest.raises(DraftRefused):
        unit_mentions_create_units(document=draft, actor=supervisor, parent=units["city"])
