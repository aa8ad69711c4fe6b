"""A draft's unit names: mapped to an existing unit or group (an audited alias), or confirmed as
a unit publishing will create; a mapping that cannot hold is refused and changes nothing."""

from __future__ import annotations

import pytest

from tracker.models import AuditEvent, UnitAlias, UnitGroup
from tracker.selectors.documents import (
    document_unit_mentions,
)
from tracker.services.document_drafts import (
    DraftRefused,
)
from tracker.services.unit_mentions import unit_mention_accept, unit_mention_map

pytestmark = pytest.mark.django_db


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
