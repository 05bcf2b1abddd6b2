"""SQL and index side of ingest: bulk lookups, the one-transaction write per file, and index catch-up.

Crash safety: rows are committed with indexed=False; the chroma upsert happens after the commit and then
flips the flag. Whatever a killed run left un-indexed is embedded and upserted by `sync_index`, which every
ingest (and `reindex`) runs first. Upserts are idempotent, so doing one twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from assistant.tables import FeedbackRow, SourceFile
from assistant.workspace import Workspace

Progress = Callable[[int, int, str], None]
IN_PROGRESS = -1  # source_files.item_count while a file's chunks are still being written
_CHUNK = 500
_INDEX_META = ("segment", "channel", "rating", "date", "author")


def chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def existing_ids(session: Session, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(list(ids)):
        found.update(session.scalars(select(FeedbackRow.id).where(FeedbackRow.id.in_(part))))
    return found


def canonical_by_hash(session: Session, hashes: Iterable[str]) -> dict[str, str]:
    """text_hash -> id of the earliest canonical (non-duplicate) item with that text."""
    out: dict[str, str] = {}
    wanted = list(set(hashes))
    for part in chunks(wanted):
        stmt = (
            select(FeedbackRow.text_hash, FeedbackRow.id)
            .where(FeedbackRow.text_hash.in_(part), FeedbackRow.duplicate_of.is_(None))
            .order_by(FeedbackRow.created_at, FeedbackRow.source_path, FeedbackRow.source_row)
        )
        for h, i in session.execute(stmt):
            out.setdefault(h, i)
    return out


def resolve_canonical(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """id -> its canonical id (itself when it is not a duplicate)."""
    out: dict[str, str] = {}
    for part in chunks(list(set(ids))):
        for i, dup in session.execute(select(FeedbackRow.id, FeedbackRow.duplicate_of).where(FeedbackRow.id.in_(part))):
            out[i] = dup or i
    return out


def source_seen(session: Session, content_hash: str) -> SourceFile | None:
    return session.scalars(select(SourceFile).where(SourceFile.content_hash == content_hash)).first()


def start_source(session: Session, source: dict[str, Any]) -> int:
    """Insert the source file marked in progress (item_count = IN_PROGRESS) until `finish_source`."""
    return int(session.execute(insert(SourceFile).returning(SourceFile.id), [source]).scalar_one())


def finish_source(session: Session, source_id: int) -> None:
    """Mark a source complete: re-ingesting the same bytes is then "already ingested"."""
    count = session.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.source_file_id == source_id))
    session.execute(update(SourceFile).where(SourceFile.id == source_id).values(item_count=int(count or 0)))


def write_rows(session: Session, source_id: int, rows: list[dict[str, Any]]) -> None:
    """Insert one chunk of a source's rows in the caller's transaction (bulk, no per-row queries)."""
    for row in rows:
        row["source_file_id"] = source_id
    # Canonical rows first: duplicate_of is a foreign key, and a duplicate may point into this same batch.
    ordered = [r for r in rows if r["duplicate_of"] is None] + [r for r in rows if r["duplicate_of"] is not None]
    for part in chunks(ordered, 2000):
        session.execute(insert(FeedbackRow), list(part))


def index_metadata(row: dict[str, Any]) -> dict[str, Any]:
    meta = row.get("meta") or {}
    out = {"kind": row["kind"], "source_path": row["source_path"], "source_row": row["source_row"]}
    out.update({k: meta[k] for k in _INDEX_META if isinstance(meta.get(k), (str, int, float, bool))})
    if row.get("duplicate_of"):
        out["duplicate_of"] = row["duplicate_of"]
    return out


def index_rows(ws: Workspace, rows: Sequence[dict[str, Any]], vectors: np.ndarray) -> None:
    """Upsert committed rows into chroma, then mark them indexed (a crash in between is repaired later)."""
    if not rows:
        return
    ids = [r["id"] for r in rows]
    ws.index.upsert(ids, vectors, [index_metadata(r) for r in rows])
    with ws.transaction() as session:
        for part in chunks(ids):
            session.execute(update(FeedbackRow).where(FeedbackRow.id.in_(part)).values(indexed=True))


def _row_dict(r: FeedbackRow) -> dict[str, Any]:
    return {
        "id": r.id, "text": r.text, "kind": r.kind, "source_path": r.source_path, "source_row": r.source_row,
        "meta": r.meta or {}, "duplicate_of": r.duplicate_of,
    }


def _embed_and_index(ws: Workspace, rows: list[dict[str, Any]], progress: Progress | None, label: str) -> int:
    batch = 512
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        index_rows(ws, part, ws.embedder.embed([r["text"] for r in part]))
        if progress:
            progress(min(start + batch, len(rows)), len(rows), label)
    return len(rows)


def sync_index(ws: Workspace, progress: Progress | None = None) -> int:
    """Embed and upsert every committed row not yet in the index (left by an interrupted run)."""
    with ws.transaction() as session:
        rows = [_row_dict(r) for r in session.scalars(select(FeedbackRow).where(FeedbackRow.indexed.is_(False)))]
    return _embed_and_index(ws, rows, progress, "indexing items from an interrupted run")


def reindex(ws: Workspace, progress: Progress | None = None) -> int:
    """Rebuild the chroma index from SQL (the system of record); returns the number of items indexed."""
    ws.index.reset()
    with ws.transaction() as session:
        session.execute(update(FeedbackRow).values(indexed=False))
        rows = [_row_dict(r) for r in session.scalars(select(FeedbackRow).order_by(FeedbackRow.id))]
    return _embed_and_index(ws, rows, progress, "reindexing")


def catch_up_index(ws: Workspace, progress: Progress | None = None, *, wait: float = 5.0) -> int:
    """Make the index hold every stored item before it is searched; returns how many items were added.

    Cheap when nothing is missing (two counts). Rows a killed run committed but never indexed are embedded and
    upserted; when the index holds fewer vectors than SQL says were indexed (a lost or half-written index), the
    missing ids are found by comparing id sets. Needs the write lock: if another run holds it longer than
    `wait` seconds, that run is indexing its own rows and StorageError says so (never a silent miss).
    """
    with ws.transaction() as session:
        total = session.scalar(select(func.count()).select_from(FeedbackRow)) or 0
        pending = session.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.indexed.is_(False))) or 0
    if not pending and ws.index.count() >= total:
        return 0
    with ws.write_lock(timeout=wait):
        if ws.index.count() < total - pending:
            have = ws.index.ids()
            with ws.transaction() as session:
                missing = [i for i in session.scalars(select(FeedbackRow.id)) if i not in have]
                for part in chunks(missing):
                    session.execute(update(FeedbackRow).where(FeedbackRow.id.in_(part)).values(indexed=False))
        return sync_index(ws, progress)
