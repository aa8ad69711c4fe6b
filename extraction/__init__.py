"""Extraction of assignments, targets and responsible units from task-division documents.

Pure Python plus jieba: this package never imports Django or the tracker, so the importer can run
it anywhere (a web request, a Celery worker, the command line).

Public API:
    EXTRACTION_VERSION
    read_document(path) -> str
    decode_document(data, filename="") -> str      (.txt, .docx, .pdf)
    decode_document_limited(data, filename="", *, cpu_seconds, memory_bytes) -> str
    extract_limited(text, *, cpu_seconds, memory_bytes) -> dict
                                                    (the same in a child process under a CPU-time
                                                    and memory budget; DecodeError "budget")
    DecodeError (alias UnreadableDocument)          .code: see errors.DecodeErrorCode
    prepare_text(text) -> str                       (what extract reads; spans refer to it)
    extract(text) -> dict                           (the DESIGN §7 object; never raises)
    extract_strict(text) -> dict                    (the same, raising on internal errors)
    canonical_unit_name(mention) -> str
    Extraction, Assignment, Target, ReportingRule, UncertainUnit, Fragment, Measure, Reason
                                                    (the result's types, see extraction.types)
    LOW_CONFIDENCE                                  below it an item needs a reviewer's look
"""

from extraction.budget import decode_document_limited, extract_limited
from extraction.errors import DecodeError, DecodeErrorCode, UnreadableDocument
from extraction.normalize import decode_document, read_document
from extraction.pipeline import extract, extract_strict
from extraction.prepare import prepare_text
from extraction.types import (
    LOW_CONFIDENCE,
    Assignment,
    Extraction,
    Fragment,
    Measure,
    Reason,
    ReportingRule,
    Target,
    UncertainUnit,
)
from extraction.unitnames import canonical_unit_name

EXTRACTION_VERSION = "3.0"

__all__ = [
    "EXTRACTION_VERSION",
    "LOW_CONFIDENCE",
    "Assignment",
    "DecodeError",
    "DecodeErrorCode",
    "Extraction",
    "Fragment",
    "Measure",
    "Reason",
    "ReportingRule",
    "Target",
    "UncertainUnit",
    "UnreadableDocument",
    "canonical_unit_name",
    "decode_document",
    "decode_document_limited",
    "extract",
    "extract_limited",
    "extract_strict",
    "prepare_text",
    "read_document",
]
