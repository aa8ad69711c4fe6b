"""Decoding uploaded bytes and the same-length working copy."""

from __future__ import annotations

import pytest

from extraction import UnreadableDocument, decode_document, read_document
from extraction.normalize import is_debris, working_copy
from extraction.prepare import detect_script, prepare_text

SAMPLE = "1.地区生产总值增长6%。(牵头单位:区发改局)\n"


def _code(data: bytes, filename: str = "") -> str:
    with pytest.raises(UnreadableDocument) as info:
        decode_document(data, filename)
    assert isinstance(info.value, ValueError)
    assert info.value.message == str(info.value)
    return info.value.code


def test_utf8_with_and_without_bom() -> None:
    assert decode_document(SAMPLE.encode("utf-8")) == SAMPLE
    assert decode_document(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")) == SAMPLE


def test_gb18030_text_decodes() -> None:
    assert decode_document(SAMPLE.encode("gb18030")) == SAMPLE
    assert decode_document("临沧市人民政府办公室".encode("gbk")) == "临沧市人民政府办公室"


def test_utf16_with_bom_decodes() -> None:
    assert decode_document(SAMPLE.encode("utf-16")) == SAMPLE


@pytest.mark.parametrize("data", [b"", b"   \n\t ", "\u3000\u3000\n".encode(), b"\xef\xbb\xbf"])
def test_empty_or_blank_is_empty(data: bytes) -> None:
    assert _code(data) == "empty"


def test_nul_bytes_are_binary() -> None:
    assert _code(b"abc\x00\x01def" * 10) == "binary"


def test_many_control_characters_are_binary() -> None:
    assert _code(("正文" + "\x01\x02\x03" * 5).encode("utf-8") * 20) == "binary"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "方案.doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "方案.wps"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "表.xls"),
        (b"{\\rtf1\\ansi hello}", "方案.rtf"),
    ],
)
def test_legacy_office_files_are_unsupported(data: bytes, filename: str) -> None:
    with pytest.raises(UnreadableDocument) as info:
        decode_document(data, filename)
    assert info.value.code == "unsupported"
    assert ".docx" in info.value.message and ".txt" in info.value.message
    assert "暂不支持" in info.value.message


def test_undecodable_bytes_are_an_encoding_error() -> None:
    assert _code(b"\xff\xfe\xfd" * 3 + b"abc" + b"\x80\x81\xff") in {"encoding", "binary"}
    assert _code(b"abc\x80") == "encoding"


def test_read_document(tmp_path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(SAMPLE.encode("gb18030"))
    assert read_document(path) == SAMPLE
    assert read_document(str(path)) == SAMPLE
    with pytest.raises(FileNotFoundError):
        read_document(tmp_path / "missing.txt")


def test_working_copy_keeps_length_and_folds_full_width() -> None:
    text = "（一）稳增长：增长６．５％，\u3000１、２\n①"
    work = working_copy(text)
    assert len(work) == len(text)
    assert work == "(一)稳增长:增长6.5%, 1、2\n①"


def test_working_copy_never_invents_digits() -> None:
    text = "面积100m²,①②"
    assert working_copy(text) == text


def test_traditional_detection() -> None:
    traditional = "臺北縣經濟發展計畫:地區生產總值增長5%,城鎮新增就業1萬人,財政收入穩定增長。" * 2
    assert detect_script(traditional) == "traditional"
    assert detect_script("地区生产总值增长5%,城镇新增就业1万人") == "simplified"
    assert prepare_text(traditional).startswith("台北县经济发展计划:地区生产总值增长5%")


@pytest.mark.parametrize(
    "line",
    [
        "设为首页| 加入收藏| 无障碍阅读| 长者模式",
        "当前位置: 首页 >> 民意征集",
        "您现在的位置:首页>政府信息公开",
        "打印|关闭",
        "  • 公告内容",
        "分享到:",
        "【打印本页】【关闭窗口】",
    ],
)
def test_page_debris(line: str) -> None:
    assert is_debris(line)


@pytest.mark.parametrize(
    "line", ["1.人均地区生产总值及增速", "牵头单位:市发展改革委", "一、主要任务"]
)
def test_content_is_not_debris(line: str) -> None:
    assert not is_debris(line)
