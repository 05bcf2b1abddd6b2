"""View-model for the Inbox: preview an upload before committing it, and the latest items in the inbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from assistant.errors import IngestError
from assistant.tables import FeedbackRow, NeedRow
from assistant.workspace import Workspace
from ingest.columns import detect_text_column
from ingest.sources import parse_bytes, reader_for

UPLOAD_TYPES = ["csv", "tsv", "json", "jsonl", "ndjson", "txt", "md", "eml", "mbox"]


@dataclass
class Preview:
    """What a file would become: its columns, the text column chosen, and the first rows."""

    name: str
    reader: str
    columns: list[str] = field(default_factory=list)
    text_column: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    bad: list[str] = field(default_factory=list)
    fixed_text: bool = False  # the reader knows its text field (text, mail): no column to choose
    error: str | None = None


def upload_name(name: str) -> str:
    """The bare file name of an upload (a browser may send a path): it picks the reader and is what items cite."""
    return Path(name).name or "upload"


def preview_upload(name: str, data: bytes, *, limit: int = 10) -> Preview:
    """Parse an upload with the ingest readers (nothing is stored): its columns, detected text column and first rows."""
    reader = reader_for(Path(name))
    try:
        parsed = parse_bytes(data, name=name, reader=reader)
    except IngestError as exc:
        return Preview(name, reader, error=str(exc))
    if parsed.fatal is not None:
        return Preview(name, reader, error=f"{name}, row {parsed.fatal.row}: {parsed.fatal.message}")
    text_column = parsed.text_field or detect_text_column(parsed)
    columns = list(dict.fromkeys([*parsed.columns, *(k for r in parsed.rows[:limit] for k in r.fields)]))
    rows = [{"row": r.row, **{k: _cell(v) for k, v in r.fields.items()}} for r in parsed.rows[:limit]]
    bad = [f"row {b.row}: {b.message}" for b in parsed.bad[:5]]
    return Preview(name, reader, columns, text_column, rows, total=len(parsed.rows), bad=bad,
                   fixed_text=parsed.text_field is not None)


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
