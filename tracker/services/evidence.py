"""Evidence files (佐证材料): checked by their content, not their name, and stored under a
generated name so nothing a user typed ever becomes a path on the server."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.access import can_edit_report
from tracker.models import Evidence, ProgressReport, User
from tracker.selectors.reports import report_is_editable
from tracker.services.audit import audit_record
from tracker.services.errors import Refused


class EvidenceRefused(Refused):
    """The file cannot be attached or removed: its type, size, or the report's state."""


@dataclass(frozen=True)
class FileKind:
    name: Any
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind(gettext_lazy("PDF"), "application/pdf", (".pdf",))
PNG = FileKind(gettext_lazy("PNG 图片"), "image/png", (".png",))
JPEG = FileKind(gettext_lazy("JPEG 图片"), "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileKind(
    gettext_lazy("Word 文档"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    gettext_lazy("Excel 表格"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PPTX = FileKind(
    gettext_lazy("PowerPoint 演示文稿"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
OFD = FileKind(gettext_lazy("OFD 版式文件"), "application/ofd", (".ofd",))
LEGACY_OFFICE = FileKind(
    gettext_lazy("旧版 Office/WPS 文件"),
    "application/x-ole-storage",
    (".doc", ".xls", ".ppt", ".wps", ".et"),
)
TEXT = FileKind(gettext_lazy("文本文件"), "text/plain", (".txt",))
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, OFD, LEGACY_OFFICE, TEXT)
ACCEPTED_EXTENSIONS = tuple(ext for kind in ACCEPTED for ext in kind.extensions)


def sniff(data: bytes) -> FileKind | None:
    """The kind of file the bytes are, judged by their content; None for anything not accepted
    (executables, HTML, archives of other things, unknown binaries)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return LEGACY_OFFICE
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if b"\x00" not in data[:8192] and _is_text(data):
        return TEXT
    return None


def _sniff_zip(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" not in names:
        return None
    prefixes = {name.split("/", 1)[0] for name in names}
    if "word" in prefixes:
        return DOCX
    if "xl" in prefixes:
        return XLSX
    if "ppt" in prefixes:
        return PPTX
    return None


def _is_text(data: bytes) -> bool:
    lowered = data[:1024].lstrip().lower()
    if lowered.startswith((b"<", b"#!")):
        return False  # markup or a script: never served back as a "text" file
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def evidence_attach(*, report: ProgressReport, actor: User, filename: str, data: bytes) -> Evidence:
    """Attach one file to a report the actor's unit may still edit."""
    if not can_edit_report(actor, report.responsibility):
        raise EvidenceRefused(_("只能为本单位的报告上传佐证材料。"))
    if not report_is_editable(report, report.period):
        raise EvidenceRefused(_("报告已报送或已锁定，不能再添加佐证材料。"))
    limit = settings.TRACKER_EVIDENCE_MAX_BYTES
    if not data:
        raise EvidenceRefused(_("文件是空的。"))
    if len(data) > limit:
        raise EvidenceRefused(
            _("文件过大（%(size)s），单个文件不超过 %(limit)s。")
            % {"size": human_size(len(data)), "limit": human_size(limit)}
        )
    _check_report_room(report, len(data))
    kind = sniff(data)
    if kind is None:
        raise EvidenceRefused(
            _("不支持该文件类型。可上传 PDF、图片（PNG/JPEG）、Word、Excel、PPT、OFD 或文本文件。")
        )
    original = os.path.basename(filename.replace("\\", "/")).strip() or "file"
    extension = os.path.splitext(original)[1].lower()
    if extension not in kind.extensions:
        raise EvidenceRefused(
            _("文件内容是%(kind)s，与扩展名“%(ext)s”不符，请检查后重新上传。")
            % {"kind": kind.name, "ext": extension or _("无")}
        )
    digest = hashlib.sha256(data).hexdigest()
    if report.evidence.filter(sha256=digest).exists():
        raise EvidenceRefused(_("该文件已上传过。"))
    evidence = Evidence(
        report=report,
        original_name=original[:255],
        content_type=kind.content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    evidence.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            # Checked again under the report's row lock: a submit or a lock that committed since
            # the checks above wins, and so does a colleague uploading the same file.
            _locked_editable(report, _("报告已报送或已锁定，不能再添加佐证材料。"))
            if report.evidence.filter(sha256=digest).exists():
                raise EvidenceRefused(_("该文件已上传过。"))
            # Two uploads at once must not both fit in the room left for one.
            _check_report_room(report, len(data))
            evidence.save()
            audit_record(
                actor=actor,
                action="evidence.attach",
                obj=evidence,
                after={"report": report.pk, "name": evidence.original_name, "size": len(data)},
            )
    except IntegrityError:
        evidence.file.delete(save=False)
        raise EvidenceRefused(_("该文件已上传过。")) from None
    except Exception:
        # The row never existed, so the stored file must not either.
        evidence.file.delete(save=False)
        raise
    return evidence


def _check_report_room(report: ProgressReport, size: int) -> None:
    """A report holds at most TRACKER_EVIDENCE_MAX_FILES files of together at most
    TRACKER_EVIDENCE_MAX_TOTAL_BYTES."""
    held = report.evidence.aggregate(files=Count("pk"), total=Sum("size"))
    files, total = held["files"] or 0, held["total"] or 0
    max_files = settings.TRACKER_EVIDENCE_MAX_FILES
    if files >= max_files:
        raise EvidenceRefused(
            _("每份报告最多上传 %(count)d 个佐证材料，已达上限；请删除不需要的文件或合并后再上传。")
            % {"count": max_files}
        )
    max_total = settings.TRACKER_EVIDENCE_MAX_TOTAL_BYTES
    if total + size > max_total:
        raise EvidenceRefused(
            _(
                "每份报告的佐证材料合计不超过 %(limit)s；已上传 %(held)s，"
                "加上这个文件（%(size)s）将超出。请压缩或删除部分文件后再上传。"
            )
            % {
                "limit": human_size(max_total),
                "held": human_size(total),
                "size": human_size(size),
            }
        )


def _locked_editable(report: ProgressReport, message: str) -> None:
    locked = ProgressReport.objects.select_for_update().select_related("period").get(pk=report.pk)
    if not report_is_editable(locked, locked.period):
        raise EvidenceRefused(message)


def evidence_remove(*, evidence: Evidence, actor: User) -> None:
    report = evidence.report
    if not can_edit_report(actor, report.responsibility):
        raise EvidenceRefused(_("只能删除本单位报告的佐证材料。"))
    if not report_is_editable(report, report.period):
        raise EvidenceRefused(_("报告已报送或已锁定，不能删除佐证材料。"))
    storage, name = evidence.file.storage, evidence.file.name
    with transaction.atomic():
        _locked_editable(report, _("报告已报送或已锁定，不能删除佐证材料。"))
        audit_record(
            actor=actor,
            action="evidence.remove",
            obj=evidence,
            before={"report": report.pk, "name": evidence.original_name},
        )
        evidence.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name) if name else None)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"
