"""Source readers, encoding detection, column mapping, PII redaction and the ingest step itself.

Public API: `ingest_paths`, `ingest_bytes` (uploads), `ingest_text` (return an `IngestReport`), `preview` (the head of an
upload only), `search` (catches the index up first), `sync_index`, `catch_up_index`, `reindex`, and
`ingest.redact.redact_text` / `redact_value`.
"""

from ingest.pipeline import ingest_bytes, ingest_paths, ingest_text
from ingest.preview import FilePreview, preview
from ingest.report import FileReport, IngestReport
from ingest.search import search
from ingest.store import catch_up_index, reindex, sync_index

__all__ = ["FilePreview", "FileReport", "IngestReport", "catch_up_index", "ingest_bytes", "ingest_paths", "ingest_text",
           "preview", "reindex", "search", "sync_index"]
