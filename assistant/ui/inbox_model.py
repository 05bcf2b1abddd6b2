"""View-model for the Inbox: preview a source as it will be stored (mapped and redacted), and the latest items."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from assistant.errors import IngestError
from assistant.tables import FeedbackRow, NeedRow
from assistant.workspace import Workspace
from ingest.columns import detect_text_column, map_rows
from ingest.redact import redact_text, redact_value
from ingest.preview import MAX_BYTES, json_head, read_head
from ingest.sources import parse_bytes, reader_for

PASTE = "paste"  # the source name pasted text is stored under (ingest_text)
UPLOAD_TYPES = ["csv", "tsv", "json", "jsonl", "ndjson", "txt", "md", "eml", "mbox"]


@dataclass
class Preview:
    """What a source would become: its columns, the text column chosen, and the first items as they will be stored."""

    name: str
    reader: str
    columns: list[str] = field(default_factory=list)
    text_column: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0  # items that will be stored (of the head only when `truncated`)
    truncated: bool = False  # only the head of a large upload was read: `total` is a lower bound
    bad: list[str] = field(default_factory=list)
    fixed_text: bool = False  # the reader knows its text field (text, mail): no column to choose
    error: str | None = None  # the whole source cannot be stored: it is listed and left out, the others go ahead

    @property
    def blocked(self) -> bool:
        return self.error is not None


def upload_name(name: str) -> str:
    """The bare file name of an upload (a browser may send a path): it picks the reader and is what items cite."""
    return Path(name).name or "upload"


def preview_upload(name: str, data: bytes, *, text_column: str | None = None, kind: str | None = None,
                   skip_bad_rows: bool = False, max_chars: int = 20_000, limit: int = 10,
                   max_bytes: int = MAX_BYTES) -> Preview:
    """Read and map the head of a source like ingest does, and redact it (nothing is stored): the first items as
    they will be stored, and why the source would be refused (unreadable, no text column, bad rows without skip).
    Only the first `max_bytes` are parsed, so a 150 MB upload costs the server no more than a small one; ingest
    itself still reads and checks every row."""
    reader = "paste" if name == PASTE else reader_for(Path(name))
    data, truncated = read_head(data, max_bytes)
    try:
        parsed = json_head(data) if truncated and reader == "json" else parse_bytes(data, name=name, reader=reader)
    except IngestError as exc:
        return Preview(name, reader, error=str(exc))
    if parsed.fatal is not None:
        return Preview(name, reader, error=f"{name}, row {parsed.fatal.row}: {parsed.fatal.message}")
    columns = list(dict.fromkeys([*parsed.columns, *(k for r in parsed.rows[:limit] for k in r.fields)]))
    detected = parsed.text_field or detect_text_column(parsed)
    items, bad, _empty, used = map_rows(parsed, text_column=None if parsed.text_field else (text_column or detected),
                                        max_chars=max_chars, kind=kind)
    preview = Preview(name, reader, columns, used or detected, fixed_text=parsed.text_field is not None)
    column_problem = next((b for b in bad if b.row == 0), None)
    if column_problem:
        preview.error = f"{name}: {column_problem.message.replace('--text-column', 'choose the text column')}"
        return preview
    bad = sorted(parsed.bad + bad, key=lambda b: b.row)
    preview.bad = [f"row {b.row}: {b.message}" for b in bad]
    if bad and not skip_bad_rows:
        preview.error = (f"{name}: {len(bad)} unreadable row(s), first row {bad[0].row}: {bad[0].message} — fix the "
                         "file, or tick 'Skip unreadable rows' to store the good ones")
    elif not items:
        preview.error = f"{name}: no feedback text found (text column: {used or 'none'})"
    preview.total, preview.truncated = len(items), truncated
    preview.rows = [{"row": it.row, "text": redact_text(it.text), "kind": it.kind,
                     **{k: _cell(v) for k, v in redact_value(it.metadata).items()}} for it in items[:limit]]
    return preview


def _cell(value: Any) -> Any:
    # Nested JSON values are shown as text; the table must never interpret them.
    return value if isinstance(value, (str, int, float, bool)) or value is None else json.dumps(value, ensure_ascii=False)


def inbox_stats(ws: Workspace) -> dict[str, int]:
    with ws.transaction() as s:
        total = s.scalar(select(func.count()).select_from(FeedbackRow)) or 0
        triaged = s.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.triage.is_not(None))) or 0
        grouped = s.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.need_id.is_not(None))) or 0
        needs = s.scalar(select(func.count()).select_from(NeedRow).where(NeedRow.merged_into.is_(None))) or 0
    return {"items": total, "triaged": triaged, "grouped": grouped, "needs": needs}


def latest_items(ws: Workspace, limit: int = 200) -> list[dict[str, Any]]:
    """The newest items as table rows (text shown as plain text by st.dataframe)."""
    with ws.transaction() as s:
        rows = s.scalars(select(FeedbackRow).order_by(FeedbackRow.created_at.desc(), FeedbackRow.source_row.desc()).limit(limit))
        return [
            {
                "text": r.text,
                "kind": r.kind,
                "source": f"{r.source_path}:{r.source_row}",
                "segment": (r.meta or {}).get("segment"),
                "type": (r.triage or {}).get("type"),
                "sentiment": ((r.triage or {}).get("sentiment") or {}).get("label"),
                "duplicate": bool(r.duplicate_of),
            }
            for r in rows
        ]
