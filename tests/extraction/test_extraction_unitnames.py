"""canonical_unit_name: one key for every way a document writes a department's name."""

from __future__ import annotations

import pytest

from extraction import canonical_unit_name
from extraction.unitnames import aliases


@pytest.mark.parametrize(
    ("mentions", "canonical"),
    [
        (["区发改局", "区发展改革局", "区发展和改革局"], "区发展和改革局"),
        (["市发展改革委", "市发改委", "市发展和改革委员会"], "市发展和改革委员会"),
        (["市人社局", "市人力资源社会保障局", "市人力资源和社会保障局"], "市人力资源和社会保障局"),
        (["县住建局", "县住房城乡建设局", "县住房和城乡建设局"], "县住房和城乡建设局"),
        (["市卫健委", "市卫生健康委", "市 卫健委"], "市卫生健康委员会"),
        (["区市场监管局", "区市场监督管理局"], "区市场监督管理局"),
        (["市金融办", "市政府金融办"], "市金融工作办公室"),
        (["市政府办", "市人民政府办公室"], "市人民政府办公室"),
        (["区自规分局", "区自然资源和规划分局"], "区自然资源和规划分局"),
        (["县林草局", "县林业和草原局"], "县林业和草原局"),
        (["县医保局", "县医疗保障局"], "县医疗保障局"),
        (["县应急局", "县应急管理局"], "县应急管理局"),
        (["县文旅局", "县文化和旅游局", "县文化旅游局"], "县文化和旅游局"),
        (["临沧市发展改革委", "临沧市发改委"], "临沧市发展和改革委员会"),
        (["區發改局", "区发改局"], "区发展和改革局"),
    ],
)
def test_mentions_of_one_unit_share_a_name(mentions: list[str], canonical: str) -> None:
    assert {canonical_unit_name(m) for m in mentions} == {canonical}


def test_level_prefix_is_kept() -> None:
    names = {canonical_unit_name(m) for m in ("市发改委", "区发改局", "县发改局", "省发展改革委")}
    assert names == {"市发展和改革委员会", "区发展和改革局", "县发展和改革局", "省发展和改革委员会"}


def test_width_spacing_and_lead_mark_are_folded() -> None:
    assert canonical_unit_name("各县（区）党委和政府") == canonical_unit_name("各县(区)党委和政府")
    assert canonical_unit_name(" 区 发改局 ") == "区发展和改革局"
    assert canonical_unit_name("区发改局（牵头）") == "区发展和改革局"


def test_unknown_names_come_back_folded() -> None:
    assert canonical_unit_name("临沧高新区管委会") == "临沧高新区管委会"
    assert canonical_unit_name("市安委会各成员单位") == "市安委会各成员单位"


@pytest.mark.parametrize(
    "short",
    [
        "发改委",
        "工信局",
        "教体局",
        "科技局",
        "人社局",
        "自规局",
        "住建局",
        "交通局",
        "文旅局",
        "卫健委",
        "退役军人局",
        "应急局",
        "国资委",
        "市场监管局",
        "医保局",
        "林草局",
        "机关事务局",
        "大数据局",
        "政数局",
        "金融办",
        "银保监分局",
        "城管局",
    ],
)
def test_common_short_names_are_known(short: str) -> None:
    assert short in aliases()
    assert canonical_unit_name("市" + short) != "市" + short


def test_every_alias_maps_to_a_canonical_name_that_maps_to_itself() -> None:
    table = aliases()
    for canonical in set(table.values()):
        assert table[canonical] == canonical
        assert canonical_unit_name("市" + canonical) == "市" + canonical
