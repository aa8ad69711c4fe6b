"""Writing units: a name no roster knew becomes a unit flagged for review (its level guessed from
the name), and a roster is loaded whole or not at all; units kept in the product (a new name
keeps the old as an alias; no name twice, no loop of parents) and groups defined once."""

from __future__ import annotations

import pytest

from tracker.models import AuditEvent, Unit
from tracker.selectors.units import UnitDirectory, name_key
from tracker.services.unit_groups import unitgroup_save
from tracker.services.units import (
    UnitRefused,
    guess_level,
    unit_alias_add,
    unit_create,
    unit_resolve,
    unit_update,
    units_import_roster,
)

pytestmark = pytest.mark.django_db


def test_names_match_across_full_and_half_width_brackets(roster):
    directory = UnitDirectory.load()
    half = unit_resolve(directory=directory, mention="各县(区)党委和政府", actor=None)
    full = unit_resolve(directory=directory, mention="各县（区）党委和政府", actor=None)
    assert [u.pk for u in half.units] == [u.pk for u in full.units]
    assert len(half.units) == 4
    assert name_key(" 市 发展改革委 ") == "市发展改革委"


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("市财政局", "city"),
        ("区发改局", "county"),
        ("各镇", "town"),
        ("各街道", "town"),
        ("省统计局", "province"),
    ],
)
def test_level_is_guessed_from_the_name(name, level):
    assert guess_level(name) == level


def test_a_roster_with_an_unknown_member_is_refused_whole():
    broken = {
        "jurisdiction": {"name": "测试市人民政府"},
        "units": [{"name": "测试市财政局", "parent": "测试市人民政府"}],
        "groups": [{"name": "各县", "members": ["不存在的县"]}],
    }
    with pytest.raises(ValueError, match="不存在的县"):
        units_import_roster(roster=broken, actor=None)
    assert not Unit.objects.exists()


# --- keeping units in the product ---------------------------------------------------------------


def test_a_renamed_unit_keeps_its_old_name_as_an_alias(units, supervisor):
    from tracker.services.units import unit_update

    czj = units["czj"]
    unit_update(
        unit=czj,
        actor=supervisor,
        name="云江市财政局（国资委）",
        level="city",
        kind="department",
        parent=units["city"],
        position=3,
    )
    czj.refresh_from_db()
    assert (czj.name, czj.position) == ("云江市财政局（国资委）", 3)
    directory = UnitDirectory.load()
    assert directory.find("云江市财政局").units == [czj]
    event = AuditEvent.objects.get(action="unit.update")
    assert event.before["name"] == "云江市财政局" and event.after["position"] == 3


def test_a_name_another_unit_answers_to_is_refused(units, supervisor):

    with pytest.raises(UnitRefused, match="云江市发展和改革委员会"):
        unit_create(actor=supervisor, name="市发展改革委", level="city")
    with pytest.raises(UnitRefused, match="云江市财政局"):
        unit_alias_add(unit=units["fgw"], alias="市财政局", actor=supervisor)
    assert Unit.objects.count() == 3


def test_a_parent_that_would_close_a_loop_is_refused(units, supervisor):

    city = units["city"]
    with pytest.raises(UnitRefused, match="循环"):
        unit_update(
            unit=city,
            actor=supervisor,
            name=city.name,
            level=city.level,
            kind=city.kind,
            parent=units["fgw"],
            position=None,
        )
    city.refresh_from_db()
    assert city.parent is None


def test_a_reporter_cannot_keep_units(units, reporter):

    with pytest.raises(UnitRefused):
        unit_create(actor=reporter, name="新单位", level="city")


def test_a_group_defined_once_expands_every_mention(units, supervisor):

    group = unitgroup_save(
        actor=supervisor,
        name="各镇",
        members=[],
        new_members=["岑河镇", "观音垱镇"],
        new_members_parent=units["city"],
        aliases=["各镇人民政府"],
    )
    towns = list(Unit.objects.filter(name__endswith="镇").order_by("name"))
    assert {t.level for t in towns} == {"town"}
    assert {t.parent_id for t in towns} == {units["city"].pk}
    directory = UnitDirectory.load()
    for mention in ("各镇", "各镇人民政府"):
        found = directory.find(mention)
        assert found.group == group
        assert sorted(u.name for u in found.units) == ["岑河镇", "观音垱镇"]


def test_a_group_without_members_is_refused_and_creates_nothing(units, supervisor):
    from tracker.services.units import UnitRefused

    with pytest.raises(UnitRefused, match="成员"):
        unitgroup_save(actor=supervisor, name="各镇", members=[])
    with pytest.raises(UnitRefused):
        # The second new member clashes with an existing unit: the first is not kept either.
        unitgroup_save(
            actor=supervisor, name="各镇", members=[], new_members=["岑河镇", "市财政局"]
        )
    assert not Unit.objects.filter(name="岑河镇").exists()
