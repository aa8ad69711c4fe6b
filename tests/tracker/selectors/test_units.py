"""The unit directory: what a name the documents use means, and which units an unknown name
probably means."""

from __future__ import annotations

import pytest

from tracker.models import Unit
from tracker.selectors.units import (
    UnitDirectory,
    group_member_suggestions,
    issuer_level,
    mention_level,
    units_list,
)

pytestmark = pytest.mark.django_db


def test_suggestions_leave_out_unrelated_names(units):
    directory = UnitDirectory.load()
    assert directory.suggest("市教育局") == []


@pytest.mark.parametrize(
    ("name", "issuer", "level"),
    [
        ("区发改局", "云江市人民政府", "county"),
        ("市发改委", "荆州市沙市区人民政府", "city"),
        ("团区委", "荆州市沙市区人民政府", "county"),
        ("环保分局", "荆州市沙市区人民政府", "county"),
        ("环保分局", "云江市人民政府办公室", "city"),
        ("各镇", "", "town"),
        ("环保分局", "", None),
    ],
)
def test_a_name_means_the_level_of_its_prefix_else_the_issuers(name, issuer, level):
    assert mention_level(name, issuer) == level


def test_the_issuer_level_is_read_from_the_end_of_its_place_name():
    assert issuer_level("荆州市沙市区人民政府") == "county"
    assert issuer_level("中共临沧市委办公室 临沧市人民政府办公室") == "city"
    assert issuer_level("某某公司") is None


def test_a_collective_name_suggests_its_members(units):
    towns = [Unit.objects.create(name=n, level="town") for n in ("乙镇", "甲镇")]
    Unit.objects.create(name="中山街道办事处", level="town")
    Unit.objects.create(name="已并入的镇", level="town", is_active=False)
    assert group_member_suggestions("各镇") == sorted(towns, key=lambda u: u.name)
    assert [u.name for u in group_member_suggestions("各街道")] == ["中山街道办事处"]
    assert group_member_suggestions("区营商环境工作领导小组成员单位") == []


def test_units_are_listed_in_the_official_order(units):
    units["czj"].position = 1
    units["czj"].save()
    units["fgw"].position = 2
    units["fgw"].save()
    assert [u.name for u in units_list()] == [
        "云江市财政局",
        "云江市发展和改革委员会",
        "云江市人民政府",
    ]
