"""prepare_text: the cleaned text extraction reads, spans point into, and the tracker stores."""

from __future__ import annotations

import pytest

from extraction import extract, prepare_text
from extraction.prepare import detect_script, prepare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("實(shí)現(xiàn)縣(xiàn)內(nèi)生(shēng)產(chǎn)總(zǒng)值(zhí)", "实现县内生产总值"),
        ("实（shí）现（xiàn）", "实现"),
        ("实 (shí)现 (xiàn)", "实现"),
        ("中(zhōng)国(guó)(GDP)", "中国(GDP)"),
        ("实shí现xiàn目标", "实现目标"),
        ("增长(zeng1)(zhang3)", "增长"),
    ],
)
def test_ruby_annotations_are_removed(text: str, expected: str) -> None:
    assert prepare_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["地区(GDP)增长", "方案(a)和(b)", "第(一)项", "项目(e)", "Café 咖啡"],
)
def test_brackets_that_are_not_ruby_stay(text: str) -> None:
    assert prepare_text(text) == text


def test_toneless_pinyin_goes_only_on_a_page_that_annotates_with_tones() -> None:
    assert prepare_text("方案(an)") == "方案(an)"
    assert prepare_text("实(shí)现(xiàn)方(fang)案") == "实现方案"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增长\ufffd6%", "增长6%"),
        ("区住建局锟斤拷锟斤拷", "区住建局"),
        ("区城管局\ue0a0", "区城管局"),
        ("推进â€œ口袋公园â€\x9d建设", "推进“口袋公园”建设"),
        ("å¢žé•¿6%", "增长6%"),
        ("停车泊位Ã©3000个", "停车泊位3000个"),
        ("新建\u200b口袋\u200d公园\u00ad15个\ufeff", "新建口袋公园15个"),
        ("第一行\r\n第二行\r第三行\u2028第四行\x0c", "第一行\n第二行\n第三行\n第四行\n"),
        ("铃\x07声", "铃声"),
    ],
)
def test_mojibake_and_invisible_characters(text: str, expected: str) -> None:
    assert prepare_text(text) == expected


def test_traditional_is_converted_and_reported() -> None:
    text = "雲嶺縣鄉村振興工作方案:農村居民人均可支配收入增長8%以上。(牽頭單位:縣農業農村局)"
    prepared, script = prepare(text)
    assert script == "traditional"
    assert (
        prepared
        == "云岭县乡村振兴工作方案:农村居民人均可支配收入增长8%以上。(牵头单位:县农业农村局)"
    )
    result = extract(text)
    assert result["script"] == "traditional"
    assert detect_script(prepared) == "simplified"


def test_simplified_text_is_left_alone() -> None:
    # OpenCC reads the county name 乾县 as traditional for 干县; a simplified line keeps it.
    text = "支持乾县、礼泉县建设产业园区,著力发展经济。"
    assert prepare_text(text) == text


def test_a_traditional_passage_in_a_simplified_document_is_converted() -> None:
    text = "某县工作方案\n地区生产总值增长6%。\n引用原文:經濟發展穩中求進"
    assert prepare_text(text).endswith("引用原文:经济发展稳中求进")


@pytest.mark.parametrize(
    "text",
    [
        "锟\ufffd斤拷",
        "錕斤拷區住建局",
        "實(shí)\u200b(xiàn)",
        "\r\n\r\n",
        "â€\ufffdœ",
        "臺(tái)北(běi)縣(xiàn)",
    ],
)
def test_preparation_is_idempotent(text: str) -> None:
    once = prepare_text(text)
    assert prepare_text(once) == once
