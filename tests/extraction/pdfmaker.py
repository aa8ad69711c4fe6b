"""Minimal PDF files for the tests, written by hand.

`text_pdf(pages)` lays each page's lines out top to bottom in a Type0 font with Identity-H
encoding and a ToUnicode map, the way office suites export Chinese text, so a PDF reader
recovers the characters from the text layer.  No glyphs are embedded: nothing here renders,
only the text layer is read.  `scan_pdf()` is a page with an image and no text layer.
`encrypted_pdf()` encrypts a text PDF with pypdf's writer (RC4 or AES, with or without an open
password); `drawing_bomb_pdf()` is a small file whose pages share one huge drawing-only stream.
"""

from __future__ import annotations

import io
import zlib


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def _to_unicode(cids: dict[str, int]) -> bytes:
    entries = sorted((cid, ch) for ch, cid in cids.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        lines.append(f"{len(block)} beginbfchar")
        for cid, ch in block:
            code = ch.encode("utf-16-be").hex().upper()
            lines.append(f"<{cid:04X}> <{code}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages show the given lines, with a text layer."""
    cids: dict[str, int] = {}
    for page in pages:
        for line in page:
            for ch in line:
                cids.setdefault(ch, len(cids) + 1)
    # 1 catalog, 2 pages, 3 font, 4 descendant font, 5 descriptor, 6 ToUnicode, then page pairs.
    objects: list[bytes] = [b"", b"", b"", b"", b"", b""]
    kids = []
    for page in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "50 800 Td"]
        for line in page:
            hexed = "".join(f"{cids[ch]:04X}" for ch in line)
            ops.append(f"<{hexed}> Tj T*")
        ops.append("ET")
        content_number = len(objects) + 1
        objects.append(_stream("\n".join(ops).encode()))
        page_number = len(objects) + 1
        kids.append(page_number)
        objects.append(
            (
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_number} 0 R >>"
            ).encode()
        )
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    objects[2] = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
    )
    objects[3] = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 5 0 R /DW 1000 >>"
    )
    objects[4] = (
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -120 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    )
    objects[5] = _stream(_to_unicode(cids))
    return _pdf(objects)


def scan_pdf() -> bytes:
    """One page showing a 2×2 grey image: what a scanner produces, without a text layer."""
    image = _stream(
        bytes([128, 128, 128, 128]),
        " /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        "/BitsPerComponent 8",
    )
    content = _stream(b"q 500 0 0 700 40 60 cm /Im1 Do Q")
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            content,
            image,
        ]
    )


def encrypted_pdf(pages: list[list[str]], *, algorithm: str, user_password: str = "") -> bytes:
    """text_pdf(pages) encrypted; an empty user password is a "permissions only" PDF."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(text_pdf(pages))))
    # Printing only: what government sites set to stop copying; opening stays free.
    writer.encrypt(
        user_password=user_password,
        owner_password="owner-secret",
        algorithm=algorithm,
        permissions_flag=pypdf.constants.UserAccessPermissions.PRINT,
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def drawing_bomb_pdf(pages: int = 15, strokes: int = 280_000) -> bytes:
    """Pages that all show one content stream of `strokes` line segments and one letter.

    About 15 KB compressed; reading the text layer parses the whole stream once per page,
    several CPU seconds each (kept under pypdf's own ceiling of tokens per stream).
    """
    ops = b"10 10 m 20 20 l S\n" * strokes + b"BT /F1 12 Tf 50 800 Td (x) Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            f"<< /Type /Pages /Kids [{' '.join(f'{5 + i} 0 R' for i in range(pages))}] "
            f"/Count {pages} >>"
        ).encode(),
        _stream(zlib.compress(ops, 9), " /Filter /FlateDecode"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"
        )
    return _pdf(objects)
