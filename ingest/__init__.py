"""Source readers, encoding detection, column mapping, PII redaction and the ingest step itself.

Public API: `ingest_paths`, `ingest_bytes` (uploads), `ingest_text` (return an `IngestReport`), `sync_index`, `reindex`, and
`ingest.redact.redact_text` / `redact_value`.
"""

from ingest.pipeline import ingest_bytes, ingest_paths, ingest_text
from ingest.report import FileReport, IngestReport
from ingest.store import reindex, sync_index

__all__ = ["FileReport", "IngestReport", "ingest_bytes", "ingest_paths", "ingest_text", "reindex", "sync_index"]
