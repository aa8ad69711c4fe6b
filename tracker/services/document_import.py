"""Importing a document: text in, a draft Document with its assignments and targets out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

import extraction
from extraction import Assignment as ExtractedAssignment
from extraction import Extraction, ReportingRule
from extraction import Target as ExtractedTarget
from extraction.budget import run_limited
from extraction.errors import UnreadableDocument
from extraction.segment import get_tokenizer
from tracker.models import Assignment, Document, Target, User
from tracker.services.audit import audit_record
from tracker.services.errors import Refused
from tracker.services.schedules import schedules_from_extraction


class DocumentRejected(Refused):
    """The file cannot become a document. `message` is shown to the person who imported it."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ImportOutcome:
    document: Document
    created: bool


def _rejection_message(code: str) -> str:
    messages = {
        "empty": _("文件是空的，没有可识别的文字。"),
        "binary": _("文件不是文本文件（可能是图片、压缩包或其他二进制文件）。"),
        "encoding": _("无法识别文件的文字编码（支持 UTF-8 和 GB18030/GBK）。"),
        "unsupported": _(
            "暂不支持该文件格式（旧版 .doc/.wps/.xls 等），请另存为 .docx、.pdf 或 .txt 后再导入。"
        ),
        "corrupt": _("文件已损坏或格式不完整，无法读取；请用原软件重新另存后再导入。"),
        "no_text": _(
            "PDF 文件没有文字层（可能是扫描件），无法识别文字；请导入 Word 原件或文本，"
            "或把文字粘贴到下方文本框。"
        ),
        "too_large": _("文件过大（解压后的文字超过限制），请拆分后再导入，或另存为 .txt。"),
        "encrypted": _(
            "PDF 文件设置了打开密码，无法读取；"
            "请在原软件中取消密码（或另存为不加密的 PDF）后再导入。"
        ),
        "budget": _(
            "文件处理超出了时间或内存限制，可能含有异常复杂的内容（如大量绘图指令）；"
            "请另存为 .docx 或 .txt 后再导入，或把文字粘贴到下方文本框。"
        ),
    }
    return messages.get(code, _("无法读取该文件。"))


def import_budget() -> dict[str, Any]:
    """The CPU seconds and memory a hostile file may cost while it is read or extracted
    (TRACKER_IMPORT_CPU_SECONDS, TRACKER_IMPORT_MEMORY_BYTES): extraction.budget.run_limited
    runs the work in a forked child under them (what decode_document_limited and
    extract_limited do, with the functions looked up when called)."""
    return {
        "cpu_seconds": float(settings.TRACKER_IMPORT_CPU_SECONDS),
        "memory_bytes": int(settings.TRACKER_IMPORT_MEMORY_BYTES),
    }


def extract_within_budget(text: str) -> Extraction:
    """extraction.extract(text) in a child process under the import budget; running out of it
    is DocumentRejected with code "budget"."""
    # Built once in this process, the tokenizer is inherited by every child instead of being
    # built again (seconds) for each import.
    get_tokenizer()
    try:
        return run_limited(lambda: extraction.extract(text), **import_budget())
    except UnreadableDocument as exc:
        raise DocumentRejected(_rejection_message(exc.code), code=exc.code) from exc


def source_digest(text: str) -> str:
    """Identity of a document's text: the same words with other line endings are the same file."""
    canonical = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def prepare_source(text: str) -> str:
    """The text stored as Document.source_text: what the extractor reads (ruby and page garbage
    removed, traditional characters simplified) and what every assignment's span points into."""
    return extraction.prepare_text(text)


def assignment_key(item: ExtractedAssignment) -> str:
    """An extracted assignment's identity across extractions: its ref, else its title."""
    ref = str(item.get("ref") or "").strip()
    return (ref or "title:" + str(item.get("title") or item.get("text") or "").strip())[:200]


def target_key(raw: ExtractedTarget) -> str:
    """An extracted target's identity across extractions: its source phrase and indicator."""
    return f"{raw.get('text') or ''}|{raw.get('indicator') or ''}"[:300]


def document_import(
    *, data: bytes, source_name: str, actor: User | None, title: str = ""
) -> ImportOutcome:
    """Store `data` as a draft document, or return the copy already imported.

    `title`, when given, is used instead of the title the extractor finds. Raises
    DocumentRejected, changing nothing, for a file that is empty, binary, undecodable or has
    neither recognisable assignments nor targets.
    """
    try:
        text = run_limited(lambda: extraction.decode_document(data, source_name), **import_budget())
    except UnreadableDocument as exc:
        raise DocumentRejected(_rejection_message(exc.code), code=exc.code) from exc
    raw = text
    text = prepare_source(raw)
    digest = source_digest(text)

    existing = Document.objects.filter(source_sha256=digest).first()
    if existing is not None:
        return ImportOutcome(document=existing, created=False)

    # Extraction is CPU work; it runs before the transaction so no database lock is held meanwhile.
    # Extracted from the text as it arrived, so the draft records whether it was traditional; the
    # spans point into the prepared text stored below.
    result = extract_within_budget(raw)
    # A 政府工作报告 or an annual plan may carry only document-level targets; the reviewer then
    # turns them into assignments. A text with neither has nothing to track.
    if not result.get("assignments") and not result.get("targets"):
        raise DocumentRejected(
            _(
                "未能从文件中识别出任何编号任务（如“1.……（牵头单位：……）”）或量化目标"
                "（如“增长6%左右”），未导入。"
            ),
            code="no_assignments",
        )
    try:
        with transaction.atomic():
            document = _store(
                result,
                text=text,
                digest=digest,
                source_name=source_name,
                actor=actor,
                title=title.strip(),
            )
    except IntegrityError:
        # Another import of the same text committed first; theirs is the copy.
        existing = Document.objects.filter(source_sha256=digest).first()
        if existing is None:
            raise
        return ImportOutcome(document=existing, created=False)
    return ImportOutcome(document=document, created=True)


def _store(
    result: Extraction,
    *,
    text: str,
    digest: str,
    source_name: str,
    actor: User | None,
    title: str,
) -> Document:
    metadata = metadata_values(result)
    metadata["title"] = _clip(
        title or metadata["title"] or PurePath(source_name).stem or _("未命名文件"), 300
    )
    document = Document.objects.create(
        **metadata,
        source_name=_clip(PurePath(source_name).name, 255),
        source_text=text,
        source_sha256=digest,
        extraction_version=extraction.EXTRACTION_VERSION,
        extraction=result,
        # A title typed by the person importing is theirs: re-extraction keeps it.
        edited_fields=["title"] if title else [],
        imported_by=actor,
    )
    schedules_from_extraction(document, reporting_rules(result))
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(document=document, position=position, **assignment_values(item))
            for position, item in enumerate(result["assignments"], start=1)
        ]
    )
    targets = [
        target_from_extraction(document, None, position, raw)
        for position, raw in enumerate(result.get("targets") or [], start=1)
    ]
    for assignment, item in zip(assignments, result["assignments"], strict=True):
        targets.extend(
            target_from_extraction(document, assignment, position, raw)
            for position, raw in enumerate(item.get("targets") or [], start=1)
        )
    Target.objects.bulk_create(targets)
    audit_record(
        actor=actor,
        action="document.import",
        obj=document,
        after={
            "source_name": document.source_name,
            "assignments": len(assignments),
            "targets": len(targets),
            "extraction_version": document.extraction_version,
        },
    )
    return document


def metadata_values(result: Extraction) -> dict[str, Any]:
    """The extracted document metadata as Document field values; `title` may be empty."""
    issued_on = _parse_date(result.get("date"))
    return {
        "title": _clip(result.get("title") or "", 300),
        "issuer": _clip(result.get("issuer") or "", 200),
        "issued_on": issued_on,
        "year": _plausible_year(result.get("year")) or (issued_on.year if issued_on else None),
    }


def reporting_rules(result: Extraction) -> list[ReportingRule]:
    """The extractor's reporting rules (tracker.services.schedules.rule_values reads them)."""
    return list(result.get("reporting") or [])


def assignment_values(item: ExtractedAssignment) -> dict[str, Any]:
    """An extracted assignment as Assignment field values (all but document and position)."""
    return {
        "ref": _clip(item.get("ref") or "", 60),
        "number": _clip(str(item.get("number") or ""), 20),
        "section": list(item.get("section") or []),
        "title": _clip(item.get("title") or item.get("text") or "", 500),
        "text": item.get("text") or "",
        "category": item.get("category") if item.get("category") in Assignment.Category else "",
        "deadline": _parse_date(item.get("deadline")),
        "span_start": _span(item, 0),
        "span_end": _span(item, 1),
        "lead_units_text": list(item.get("lead_units") or []),
        "responsible_units_text": list(item.get("responsible_units") or []),
        "extracted_key": assignment_key(item),
        **confidence_values(item),
        "uncertain_units": _uncertain_units(item.get("uncertain_units")),
        "leaders_text": [
            _clip(name, 100) for name in item.get("leaders") or [] if str(name or "").strip()
        ],
    }


def confidence_values(raw: ExtractedAssignment | ExtractedTarget) -> dict[str, Any]:
    """The extractor's confidence (None when it gave none) and its reason codes."""
    confidence = raw.get("confidence")
    reasons = raw.get("reasons")
    return {
        "confidence": (
            min(1.0, max(0.0, float(confidence)))
            if isinstance(confidence, int | float) and not isinstance(confidence, bool)
            else None
        ),
        "review_reasons": [str(r) for r in reasons if isinstance(r, str)]
        if isinstance(reasons, list)
        else [],
    }


def _uncertain_units(value: Any) -> list[dict[str, str]]:
    """The unit mentions the extractor doubts, as {"name", "role", "reason"}."""
    if not isinstance(value, list):
        return []
    return [
        {
            "name": _clip(entry.get("name") or "", 200),
            "role": "lead" if entry.get("role") == "lead" else "co",
            "reason": str(entry.get("reason") or ""),
        }
        for entry in value
        if isinstance(entry, dict) and str(entry.get("name") or "").strip()
    ]


def target_from_extraction(
    document: Document, assignment: Assignment | None, position: int, raw: ExtractedTarget
) -> Target:
    """An extracted target as an unsaved Target, its figures checked against the model's rules."""
    value = _decimal(raw.get("value"))
    value_high = _decimal(raw.get("value_high"))
    if value is None or (value_high is not None and value_high < value):
        value_high = None
    kind = _choice(raw.get("kind"), Target.Kind, Target.Kind.LEVEL)
    if value is None:
        kind = Target.Kind.QUALITATIVE
    elif kind == Target.Kind.QUALITATIVE:
        kind = Target.Kind.LEVEL
    return Target(
        document=document,
        assignment=assignment,
        position=position,
        indicator=_clip(raw.get("indicator") or "", 200),
        value=value,
        value_high=value_high,
        measure_unit=_clip(raw.get("unit") or "", 30),
        comparator=_choice(raw.get("comparator"), Target.Comparator, Target.Comparator.EQUAL),
        kind=kind,
        direction=_choice(raw.get("direction"), Target.Direction, Target.Direction.INCREASE),
        scope=_clip(raw.get("scope") or "", 100),
        text=raw.get("text") or "",
        extracted_key=target_key(raw),
        **confidence_values(raw),
    )


def _choice(value: Any, choices: type[models.TextChoices], default: str) -> str:
    """The extractor's value when it is one of the model's choices, else the default."""
    return str(value) if value in choices.values else default


def _clip(value: str, length: int) -> str:
    return str(value).strip()[:length]


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    # The column holds 14 integer digits; anything larger is an extraction error, not a target.
    return number if number.is_finite() and abs(number) < Decimal(10) ** 14 else None


def _parse_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _plausible_year(value: Any) -> int | None:
    return value if isinstance(value, int) and 1949 <= value <= 2100 else None


def _span(item: ExtractedAssignment, index: int) -> int | None:
    span = item.get("span")
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(v, int) for v in span):
        return max(0, span[index])
    return None
