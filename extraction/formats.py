"""Text out of .docx (python-docx) and .pdf (pypdf's text layer).

Both readers produce plain text in the shape the layout rules expect: one paragraph per line,
and a table row as one line with its cells joined by a tab, so a task table in a Word file reads
like a task table pasted from one.

Archives and PDFs are checked against size limits before they are parsed: a small upload must
not expand into gigabytes (a zip bomb) or thousands of pages.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from extraction.errors import DecodeError

if TYPE_CHECKING:
    from docx.table import Table

# The whole extracted text of one document; the largest real plans are well under 1 MB.
MAX_TEXT_CHARS = 5_000_000
# Uncompressed size of all parts of a .docx together, and the largest expansion ratio a part may
# have (XML compresses well, about 10:1; bombs reach 1000:1).
_MAX_UNZIPPED = 200_000_000
_MAX_RATIO = 200
_MAX_PDF_PAGES = 2000


def _too_large() -> DecodeError:
    return DecodeError("too_large", "文件过大(解压后的文字超过限制),请拆分后再导入,或另存为 .txt。")


def _corrupt(kind: str) -> DecodeError:
    return DecodeError(
        "corrupt", f"{kind} 文件已损坏或格式不完整,无法读取;请用原软件重新另存后再导入。"
    )


# --- .docx -------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > _MAX_UNZIPPED or (info.file_size > 1_000_000 and ratio > _MAX_RATIO):
                    raise _too_large()
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise _corrupt("Word(.docx)") from None
    if "word/document.xml" not in names:
        if any(name.startswith("xl/") for name in names):
            raise DecodeError(
                "unsupported", "暂不支持 Excel(.xlsx)文件,请把表格复制到 Word(.docx)或另存为 .txt。"
            )
        raise DecodeError(
            "unsupported", "这个压缩包不是 Word(.docx)文件,请导入 .docx、.pdf 或 .txt 文件。"
        )


def _cell_text(cell_paragraphs: list[str]) -> str:
    # A cell's own paragraphs (units listed one per line) must not break the row's line.
    return " ".join(p.strip() for p in cell_paragraphs if p.strip())


def _table_lines(table: Table, out: list[str]) -> None:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; it is one cell.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text([p.text for p in cell.paragraphs]))
            for nested in cell.tables:
                _table_lines(nested, out)
        if any(cells):
            out.append("\t".join(cells))


def docx_text(data: bytes) -> str:
    """Paragraphs in document order, table rows as tab-separated lines."""
    _check_zip(data)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises several types (KeyError, XML errors, ValueError)
        raise _corrupt("Word(.docx)") from None
    lines: list[str] = []
    size = 0
    for block in document.iter_inner_content():
        before = len(lines)
        if isinstance(block, Table):
            _table_lines(block, lines)
        else:
            lines.append(block.text)
        size += sum(len(line) for line in lines[before:])
        if size > MAX_TEXT_CHARS:
            raise _too_large()
    return "\n".join(lines)


# --- .pdf --------------------------------------------------------------------------------------

# Page furniture that a text layer repeats on every page: "- 3 -", "第 3 页 共 9 页", "3/9".
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,,/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$"
)
_SENTENCE_END = re.compile(r"[。;;::!!??)）”]$")
_NUMBERED = (
    r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,3}[.、．]|"
    r"[\u2460-\u2473]|第[一二三四五六七八九十\d]+[章节条部])"
)
_STARTS_ITEM = re.compile(_NUMBERED)
_STARTS_BLOCK = re.compile(_NUMBERED + r"|^\s*(?:(?:牵头|责任|配合|协办|主责)(?:单位|部门)|附件)")


def _open_bracket(line: str) -> bool:
    """A bracket left open at the end of a line: the clause goes on below ("(牵头单位:…;")."""
    return line.count("(") + line.count("（") > line.count(")") + line.count("）")


def _continues(paragraph: str, last_line: str, text: str, full: int) -> bool:
    """Whether `text` goes on the paragraph built so far, whose last physical line is given."""
    if _open_bracket(paragraph):
        return not _STARTS_ITEM.match(text)
    wrapped = len(last_line) >= max(8, full - 3)
    return wrapped and not _SENTENCE_END.search(paragraph) and not _STARTS_BLOCK.match(text)


def _unwrap(lines: list[str]) -> list[str]:
    """Join the lines a PDF broke at the page width back into paragraphs.

    A line is a hard wrap when it is about as long as the page's longest lines (or leaves a
    bracket open), does not end a sentence, and the next line does not open a new item or unit
    clause.
    """
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return lines
    full = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    out: list[str] = []
    last_line = ""
    for line in lines:
        text = line.strip()
        if out and text and _continues(out[-1], last_line, text, full):
            out[-1] += text
        else:
            out.append(text)
        last_line = text
    return out


def _password_needed() -> DecodeError:
    return DecodeError("encrypted", "PDF 文件设置了打开密码,无法读取;请解除密码后再导入。")


def pdf_text(data: bytes) -> str:
    """The text layer of every page; a scan without one is refused with a clear reason.

    An encrypted PDF whose open password is empty (a "permissions only" file: printing or
    copying restricted, opening free) is decrypted and read; one that needs a password is
    refused with the code "encrypted".
    """
    import pypdf
    from pypdf.errors import (
        DependencyError,
        FileNotDecryptedError,
        LimitReachedError,
        PyPdfError,
    )

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                # The AES providers come from `cryptography` (a pinned requirement); without
                # it the file cannot be read here, whatever its password.
                raise DecodeError(
                    "encrypted", "PDF 文件已加密,当前环境无法解密;请解除加密后再导入。"
                ) from None
            if not opened:
                raise _password_needed()
        if len(reader.pages) > _MAX_PDF_PAGES:
            raise _too_large()
        lines: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text)
            if size > MAX_TEXT_CHARS:
                raise _too_large()
            lines.extend(line for line in text.splitlines() if not _PAGE_FURNITURE.match(line))
    except DecodeError:
        raise
    except FileNotDecryptedError:
        raise _password_needed() from None
    except LimitReachedError:
        # pypdf's own ceilings (tokens per content stream, decompressed bytes, array sizes).
        raise _too_large() from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise _corrupt("PDF") from None
    # Unwrapped across page breaks too: a paragraph often continues on the next page.
    text = "\n".join(_unwrap(lines))
    if sum(1 for ch in text if not ch.isspace()) < 10:
        raise DecodeError(
            "no_text",
            "PDF 没有文字层(可能是扫描件或图片),无法抽取文字;"
            "请先用 OCR 识别成文字,或导入带文字层的 PDF、.docx、.txt 文件。",
        )
    return text
