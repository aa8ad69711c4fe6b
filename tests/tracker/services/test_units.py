"""Writing units: a name no roster knew becomes a unit flagged for review (its level guessed from
the name), and a roster is loaded whole or not at all."""

from __future__ import annotations

import pytest

from tracker.models import Unit
from tracker.selectors.units import UnitDirectory, name_key
from tracker.services.units import guess_level, unit_resolve, units_import_roster

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
