"""Properties that hold for any input: extraction never raises, always returns the contract's
schema with spans inside the prepared text, and preparation is idempotent.

Inputs are random text and documents mutated the way real input arrives damaged: lines lost or
repeated, web-page debris, full- and half-width swapped, ruby annotations, mojibake, traditional
characters, truncation.  Example counts are bounded to keep the suite fast.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extraction import extract, extract_strict, prepare_text
from extraction.prepare import to_simplified
from tests.extraction import schema
from tests.extraction.conftest import GOLDEN_DOCUMENTS, corpus_path

DOCUMENTS = sorted((Path(__file__).resolve().parent / "documents").glob("*.txt"))
OWN_TEXTS = [p.read_text(encoding="utf-8") for p in DOCUMENTS]

_PIECES = st.sampled_from(
    [
        *"一二三四五六七八九十()()、,,。;;::%%.．-—~ \n\t0123456789",
        *["牵头单位", "责任单位", "配合单位", "万元", "亿元", "以上", "左右", "以内", "控制在"],
        *["分别", "增长", "各镇", "街道", "“", "”", "《", "》", "到2025年", "6月底前", "(一)"],
        *["1.", "一、", "\x00", "\ufeff", "\u3000", "①", "²", "㎡", "臺", "發", "\ufffd", "锟斤拷"],
        *["Ã©", "\ue000", "(shí)", "（xiàn）", "shí", "\r\n", "\u200b", "|"],
        *["序号\t工作任务\t牵头单位\t责任单位\n", "两个", "三家", "一季度", "上半年"],
        *["限时3日内办结", "每季度末月25日前报送", "主要目标是:"],
    ]
)
RANDOM_TEXT = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=80).map("".join))

_DEBRIS = [
    "设为首页 | 加入收藏 | 无障碍浏览",
    "当前位置：首页 > 政务公开 > 通知公告",
    "【打印本页】【关闭窗口】",
    "分享到：微信 微博 QQ空间",
    "打印 | 关闭",
    "索 引 号 | 000014349/2024-00012 | 主题分类 | 综合政务",
    "上一篇：关于做好春节期间安全生产工作的通知",
]
_WIDTH = str.maketrans("0123456789%().,:;", "０１２３４５６７８９％（）．，：；")
_HALF = str.maketrans("０１２３４５６７８９％（）．，：；", "0123456789%().,:;")


def _with_ruby(line: str, rng: random.Random) -> str:
    out = []
    for ch in line:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.2:
            out.append(rng.choice(["(shí)", "(xiàn)", "（zhǎng）", "(fā)"]))
    return "".join(out)


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 8)):
        op = rng.choice(
            ["delete", "duplicate", "swap", "debris", "width", "ruby", "junk", "cut", "insert"]
        )
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "debris":
            lines.insert(i, rng.choice(_DEBRIS))
        elif op == "width":
            lines[i] = lines[i].translate(_WIDTH if rng.random() < 0.5 else _HALF)
        elif op == "ruby":
            lines[i] = _with_ruby(lines[i], rng)
        elif op == "junk":
            pos = rng.randrange(len(lines[i]) + 1)
            junk = rng.choice(["\ufffd", "锟斤拷", "Ã©", "\u200b", "\ue0a0", "â€œ", "\x07"])
            lines[i] = lines[i][:pos] + junk + lines[i][pos:]
        elif op == "cut":
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        else:
            pos = rng.randrange(len(lines[i]) + 1)
            piece = rng.choice("()(、;:。%1一“\n牵头单位:责任单位:")
            lines[i] = lines[i][:pos] + piece + lines[i][pos:]
    text = "\n".join(lines)
    if rng.random() < 0.1:
        text = text[: rng.randrange(len(text) + 1)]
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


def check(text: str) -> None:
    prepared = prepare_text(text)
    result = extract_strict(text)
    schema.check_schema(result, prepared)
    assert prepare_text(prepared) == prepared
    again = extract_strict(prepared)
    # The script describes the input as written; everything else is read from the prepared text.
    assert {**again, "script": result["script"]} == result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_TEXT)
def test_random_text(text: str) -> None:
    check(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from(range(len(OWN_TEXTS))))
def test_mutated_own_documents(seed: int, which: int) -> None:
    check(mutate(OWN_TEXTS[which], random.Random(seed)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(OWN_TEXTS))), st.integers(min_value=0, max_value=2**32 - 1))
def test_traditional_versions_of_own_documents(which: int, seed: int) -> None:
    """The same document in traditional characters, with ruby, reads like the original."""
    import opencc

    rng = random.Random(seed)
    original = OWN_TEXTS[which]
    traditional = opencc.OpenCC("s2t").convert(original)
    annotated = "\n".join(_with_ruby(line, rng) for line in traditional.split("\n"))
    check(annotated)
    if to_simplified(traditional) == to_simplified(original):
        # Round trips that OpenCC keeps exact must extract exactly the same draft.
        result, expected = extract(annotated), extract(original)
        assert result["assignments"] == expected["assignments"]
        assert result["targets"] == expected["targets"]


@pytest.mark.corpus
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.sampled_from(sorted(GOLDEN_DOCUMENTS.values())),
)
def test_mutated_corpus_documents(seed: int, filename: str) -> None:
    text = corpus_path(filename).read_text(encoding="utf-8")
    check(mutate(text, random.Random(seed)))


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "\r\n", "\ufeff", "锟斤拷", "(shí)", "一、", "牵头单位:", "1.\t2.\t3."],
)
def test_degenerate_inputs(text: str) -> None:
    check(text)
