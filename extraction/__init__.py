"""Extraction of assignments, targets and responsible units from task-division documents.

Pure Python plus jieba: this package never imports Django or the tracker, so the importer can run
it anywhere (a web request, a Celery worker, the command line).

Public API:
    EXTRACTION_VERSION
    read_document(path) -> str
    decode_document(data, filename="") -> str
    extract(text) -> dict   (the DESIGN §7 object)
"""

from extraction.errors import UnreadableDocument
from extraction.normalize import decode_document, read_document
from extraction.pipeline import extract

EXTRACTION_VERSION = "1.0"

__all__ = [
    "EXTRACTION_VERSION",
    "UnreadableDocument",
    "decode_document",
    "extract",
    "read_document",
]
