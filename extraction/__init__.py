"""Extraction of assignments, targets and responsible units from task-division documents.

Pure Python plus jieba: this package never imports Django or the tracker, so the importer can run
it anywhere (a web request, a Celery worker, the command line).

Public API:
    EXTRACTION_VERSION
    read_document(path) -> str
    decode_document(data, filename="") -> str      (.txt, .docx, .pdf)
    prepare_text(text) -> str                       (what extract reads; spans refer to it)
    extract(text) -> dict                           (the DESIGN §7 object; never raises)
    extract_strict(text) -> dict                    (the same, raising on internal errors)
    canonical_unit_name(mention) -> str
    Extraction, Assignment, Target, ReportingRule  (the result's TypedDicts, extraction.types)
"""

from extraction.errors import UnreadableDocument
from extraction.normalize import decode_document, read_document
from extraction.pipeline import extract, extract_strict
from extraction.prepare import prepare_text
from extraction.types import Assignment, Extraction, ReportingRule, Target
from extraction.unitnames import canonical_unit_name

EXTRACTION_VERSION = "2.0"

__all__ = [
    "EXTRACTION_VERSION",
    "Assignment",
    "Extraction",
    "ReportingRule",
    "Target",
    "UnreadableDocument",
    "canonical_unit_name",
    "decode_document",
    "extract",
    "extract_strict",
    "prepare_text",
    "read_document",
]
