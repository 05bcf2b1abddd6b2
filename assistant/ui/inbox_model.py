"""View-model for the Inbox: preview an upload before committing it, and the latest items in the inbox."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from assistant.tables import FeedbackRow, NeedRow
from assistant.ui import lib
from assistant.workspace import Workspace

TABULAR = {".csv", ".tsv", ".json", ".jsonl", ".ndjson"}
UPLOAD_TYPES = ["csv", "tsv", "json", "jsonl", "ndjson", "txt", "md", "eml", "mbox"]


@dataclass
class Preview:
    """What a file would become: its columns, the text column chosen, and the first rows."""

    name: str
    reader: str
    columns: list[str] = field(default_factory=list)
    text_column: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def preview_file(path: Path, *, limit: int = 10) -> Preview:
    """Use the ingest package's preview when it has one; otherwise a light look at the first rows."""
    if lib.available("ingest", "preview_path"):
        got = lib.call("ingest", "preview_path", path, limit=limit)
        data = got.model_dump() if hasattr(got, "model_dump") else dict(vars(got))
        return Preview(name=path.name, **{k: v for k, v in data.items() if k in Preview.__dataclass_fields__ and k != "name"})
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()[:2_000_000].decode("utf-8-sig", errors="replace")
        if suffix in {".csv", ".tsv"}:
            rows = _csv_rows(raw, "\t" if suffix == ".tsv" else None, limit)
        elif suffix == ".json":
            data = json.loads(path.read_bytes().decode("utf-8-sig", errors="replace"))
            data = next((v for v in data.values() if isinstance(v, list)), [data]) if isinstance(data, dict) else data
            rows = [r if isinstance(r, dict) else {"text": r} for r in data[:limit]]
        elif suffix in {".jsonl", ".ndjson"}:
            rows = [json.loads(line) for line in raw.splitlines() if line.strip()][:limit]
            rows = [r if isinstance(r, dict) else {"text": r} for r in rows]
        else:
            paragraphs = [p.strip() for p in raw.split("\n\n") if p.strip()][:limit]
            return Preview(path.name, "text", ["text"], "text", [{"text": p} for p in paragraphs])
    except (ValueError, csv.Error) as exc:
        return Preview(path.name, suffix.lstrip("."), error=f"{path.name}: cannot be read ({exc})")
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return Preview(path.name, suffix.lstrip("."), columns, guess_text_column(rows, columns), rows)


def _csv_rows(raw: str, delimiter: str | None, limit: int) -> list[dict[str, Any]]:
    head = raw[:20_000]
    dialect = csv.Sniffer().sniff(head, delimiters=delimiter or ",;\t|") if head.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(raw), dialect=dialect)
    return [dict(r) for _, r in zip(range(limit), reader)]


_TEXT_NAMES = ("text", "feedback", "comment", "review", "content", "body", "message", "description", "summary")


def guess_text_column(rows: list[dict[str, Any]], columns: list[str]) -> str | None:
    """A column named like feedback text, else the one with the longest values."""
    for name in _TEXT_NAMES:
        for col in columns:
            if col and col.strip().lower() == name:
                return col
    lengths = {c: sum(len(str(r.get(c) or "")) for r in rows) for c in columns if c}
    return max(lengths, key=lengths.get) if lengths else None  # type: ignore[arg-type]


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
