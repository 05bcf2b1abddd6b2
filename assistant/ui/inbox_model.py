"""View-model for the Inbox: preview an upload before committing it, and the latest items in the inbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from assistant.tables import FeedbackRow, NeedRow
from assistant.ui import lib
from assistant.workspace import Workspace

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


def preview_file(path: Path, *, limit: int = 10) -> Preview:
    """Read a file with the ingest readers (nothing is stored) and show what the text column and rows would be."""
    from assistant.errors import IngestError

    if lib.available("ingest", "preview_path"):  # the ingest package's own preview, when it offers one
        got = lib.call("ingest", "preview_path", path, limit=limit)
        data = got.model_dump() if hasattr(got, "model_dump") else dict(vars(got))
        return Preview(name=path.name, **{k: v for k, v in data.items() if k in Preview.__dataclass_fields__ and k != "name"})
    reader_for = lib.resolve("ingest.sources", "reader_for")
    parse_bytes = lib.resolve("ingest.sources", "parse_bytes")
    detect = lib.resolve("ingest.columns", "detect_text_column")
    reader = reader_for(path)
    try:
        parsed = parse_bytes(path.read_bytes(), name=path.name, reader=reader, file=path)
    except IngestError as exc:
        return Preview(path.name, reader, error=str(exc))
    if parsed.fatal is not None:
        return Preview(path.name, reader, error=f"{path.name}, row {parsed.fatal.row}: {parsed.fatal.message}")
    text_column = parsed.text_field or detect(parsed)
    columns = list(dict.fromkeys([*parsed.columns, *(k for r in parsed.rows[:limit] for k in r.fields)]))
    rows = [{"row": r.row, **{k: _cell(v) for k, v in r.fields.items()}} for r in parsed.rows[:limit]]
    bad = [f"row {b.row}: {b.message}" for b in parsed.bad[:5]]
    return Preview(path.name, reader, columns, text_column, rows, total=len(parsed.rows), bad=bad,
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
