"""Bytes → text, and prepared text → a same-length "working" copy that the rules read.

Every rule in the package runs on the working copy, while every string reported "as written"
(titles, unit names, assignment text) is sliced from the prepared text (see prepare.py) at the
same offsets.  That is why this normalisation maps one character to exactly one character:
offsets, and so the assignment spans, stay valid in the prepared text.
"""

from __future__ import annotations

import os
import re
import unicodedata

from extraction import formats
from extraction.errors import DecodeError

_BLANK = " \t\r\n\f\v\u3000\ufeff\xa0\u200b"

# Known container formats, checked before any decoding is attempted.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
)
_FORMAT_NAMES = {
    "ole": "旧版 Word/Excel/WPS(.doc/.xls/.wps)",
    "rtf": "RTF",
    "image": "图片",
}
_BINARY_EXTENSIONS = {".doc", ".xls", ".wps", ".et", ".dps", ".ofd", ".rtf", ".ppt", ".xlsx"}


def read_document(path: str | os.PathLike[str]) -> str:
    """Read a file and decode it; OSError (missing file, no permission) propagates as is."""
    with open(path, "rb") as fh:
        data = fh.read()
    return decode_document(data, filename=os.fspath(path))


def decode_document(data: bytes, filename: str = "") -> str:
    """The text of an uploaded document, as written (prepare_text cleans it afterwards).

    Plain text: UTF-8 (BOM or not), then GB18030; UTF-16 with a byte-order mark too, because
    Windows Notepad's "Unicode" saves it.  Word .docx: paragraphs in order, table rows as
    tab-separated lines.  PDF: the text layer.  Raises DecodeError for empty, binary,
    undecodable, broken, oversized or unsupported input (legacy .doc/.wps/.xls among them).
    """
    if len(data) > _MAX_BYTES:
        raise DecodeError("too_large", "文件过大(超过 50 MB),请拆分后再导入。")
    if not data.strip():
        raise DecodeError("empty", _EMPTY_MESSAGE)
    ext = os.path.splitext(filename)[1].lower()
    kind = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if kind is None and b"%PDF-" in data[:1024]:
        kind = "pdf"  # some writers put a few bytes before the header
    if kind == "zip":
        text = formats.docx_text(data)
    elif kind == "pdf":
        text = formats.pdf_text(data)
    elif kind == "image":
        # A picture is not a document format that could ever be read; say so plainly.
        raise DecodeError("binary", "文件是图片,不是文本文件,请导入文件原文。")
    elif kind is not None:
        raise DecodeError("unsupported", _unsupported_message(_FORMAT_NAMES[kind]))
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise DecodeError("encoding", _ENCODING_MESSAGE) from None
    else:
        if b"\x00" in data:
            if ext in (".docx", ".pdf"):
                raise DecodeError("corrupt", f"{ext} 文件已损坏,无法读取;请重新另存后再导入。")
            if ext in _BINARY_EXTENSIONS:
                raise DecodeError("unsupported", _unsupported_message(ext))
            raise DecodeError(
                "binary", "文件含有二进制内容(空字节),不是纯文本文件,请另存为 .txt 后再导入。"
            )
        text = _decode_text(data)
    if len(text) > formats.MAX_TEXT_CHARS:
        raise DecodeError("too_large", "文件文字过多,请拆分后再导入。")
    if _control_share(text) > 0.01:
        raise DecodeError(
            "binary", "文件含有大量控制字符,看起来不是纯文本文件,请另存为 .txt 后再导入。"
        )
    if not text.strip(_BLANK):
        raise DecodeError("empty", _EMPTY_MESSAGE)
    return text[1:] if text.startswith("\ufeff") else text


_MAX_BYTES = 50_000_000
_EMPTY_MESSAGE = "文件内容为空(或只有空白字符),没有可以抽取的文字。"
_ENCODING_MESSAGE = (
    "无法识别文件编码:既不是 UTF-8 也不是 GB18030/GBK。请用 UTF-8 编码另存后再导入。"
)


def _unsupported_message(what: str) -> str:
    return (
        f"暂不支持 {what or '该格式'} 文件。请用 Word 或 WPS 另存为 .docx(或纯文本 .txt)"
        "后再导入;.pdf 需带文字层。"
    )


def _decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DecodeError("encoding", _ENCODING_MESSAGE) from None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    )
    return controls / len(sample)


# --- working copy -----------------------------------------------------------------------------

# NFKC would turn these into digits ("①" → "1", "²" → "2") and so invent numbers.
_KEEP_RANGES = ((0x2460, 0x24FF), (0x2776, 0x2793), (0x3251, 0x32BF), (0x2070, 0x209F))
_KEEP = {"\u00b2", "\u00b3", "\u00b9", "\u3002"}
_SPECIAL = {
    "\u3000": " ",
    "\xa0": " ",
    "\ufeff": " ",
    "\u200b": " ",
    "\u200c": " ",
    "\u200d": " ",
    "\r": "\n",
    "\f": "\n",
    "\v": "\n",
    "\u2028": "\n",
    "\u2029": "\n",
    "\u2012": "-",
    "\u2013": "-",
    "\u2015": "—",
    "\u2212": "-",
    "\u301c": "~",
    "\uff5e": "~",
    "\uff61": "。",
    "\u2027": "·",
}


def _map_char(ch: str) -> str:
    special = _SPECIAL.get(ch)
    if special is not None:
        return special
    code = ord(ch)
    if code < 0x80 or 0x4E00 <= code <= 0x9FFF or ch in _KEEP:
        return ch
    if any(lo <= code <= hi for lo, hi in _KEEP_RANGES):
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


class _Folding(dict[int, str]):
    """str.translate table filled on demand: each character is mapped once per process."""

    def __missing__(self, code: int) -> str:
        mapped = self[code] = _map_char(chr(code))
        return mapped


_FOLDING = _Folding()


def working_copy(text: str) -> str:
    """Same length as `text`: full-width forms folded, odd spaces and dashes unified."""
    result = text.translate(_FOLDING)
    if len(result) != len(text):  # pragma: no cover - guarded by the one-to-one maps above
        raise AssertionError("working copy must keep offsets")
    return result


def tidy(text: str) -> str:
    """Collapse a raw slice for display: trim every line, drop empty lines and CRs."""
    lines = (line.strip(_BLANK) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


# --- page debris ------------------------------------------------------------------------------

_DEBRIS = re.compile(
    r"设为首页|加入收藏|无障碍|长者模式|关怀模式|当前位置|您现在的位置|您的位置|现在位置|"
    r"分享到|扫一扫|打印本页|关闭窗口|【\s*字体|字号\s*[::]|^\s*字体\s*[::]|浏览次数|"
    r"^\s*(打印|关闭|返回|返回顶部|收藏|分享|首页|上一篇|下一篇)\s*$|"
    r"^\s*(打印|关闭)\s*[|丨/]\s*(打印|关闭)\s*$|^\s*[【\[]\s*(打印|关闭)"
)
_BULLET = re.compile(r"^\s*[•·●▪◆■□►▸※◇○]\s*")


def is_debris(line: str) -> bool:
    """Web-page chrome (menus, breadcrumbs, share and print buttons), never document content."""
    if _DEBRIS.search(line):
        return True
    if _BULLET.match(line) and len(line.strip()) <= 20:
        return True
    # Navigation bars and metadata tables are rows of "|"-separated cells, never prose.
    return "|" in line and "。" not in line
