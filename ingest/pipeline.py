"""ingest_paths / ingest_text: read -> map -> redact -> identify -> embed -> dedupe -> one commit -> index.

All-or-nothing per file: everything for a file is prepared in memory and written in ONE transaction, so a
bad row, a crash or a kill never leaves half a file behind. Embedding happens once per file, before the
transaction, so the database is never locked while the model runs.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.exc import IntegrityError

from assistant import memtrim
from assistant.errors import ConfigError, IngestError, StorageError
from assistant.workspace import Workspace
from ingest import store
from ingest.columns import map_rows
from ingest.dedupe import item_id, link_exact, link_near, text_hash
from ingest.records import Parsed
from ingest.redact import redact_text, redact_value
from ingest.report import BadRowReport, FileReport, IngestReport, RefusedFile
from ingest.sources import expand, parse_bytes, reader_for

# Test hook for the crash-safety test: seconds to sleep after each chunk's commit, before indexing it.
PAUSE_ENV = "BACKLOGSMITH_TEST_PAUSE_AFTER_COMMIT"
# Rows per chunk: each is redacted, embedded, committed and indexed on its own, so memory stays bounded on a
# 200k-row file and a killed run loses at most the index update of one chunk (the next run completes it).
CHUNK_ROWS = 4096
# Returning freed pages to the OS (a full gc and malloc_trim, ~70 ms) pays off only when a file or chunk left
# megabytes of garbage: on a 500-row file it was 6% of the ingest and took the ingest/embedding ratio under 0.8
TRIM_ROWS = 1000


def ingest_paths(
    ws: Workspace,
    paths: Sequence[Path | str],
    *,
    text_column: str | None = None,
    skip_bad_rows: bool = False,
    kind: str | None = None,
    progress: store.Progress | None = None,
) -> IngestReport:
    """Ingest files and folders under the workspace write lock; each file is judged on its own.

    Good files are committed; if any file is bad, an IngestError listing every bad file (with its row) is raised
    at the end, carrying `partial_report` (what the good files added). `progress`, when given, is called as
    progress(done, total, label) per chunk.
    """
    started = time.perf_counter()
    sources = expand([Path(p) for p in paths])
    first_error: IngestError | None = None
    with ws.write_lock():
        report = IngestReport(recovered=store.sync_index(ws, progress))
        for n, src in enumerate(sources, start=1):
            if progress:
                progress(n - 1, len(sources), f"reading {src.name}")
            try:
                try:
                    data = src.file.read_bytes()
                except OSError as exc:
                    raise IngestError(f"cannot read the file ({exc.strerror}).", path=src.name) from None
                report.files.append(
                    _ingest_source(
                        ws, data, name=src.name, reader=reader_for(src.file), file=src.file,
                        text_column=text_column, skip_bad_rows=skip_bad_rows, kind=kind, progress=progress,
                    )
                )
            except IngestError as exc:
                # Each file is judged on its own: a bad one is listed, the good ones after it still go in.
                report.refused.append(RefusedFile(path=src.name, message=str(exc)))
                first_error = first_error or exc
    report.seconds = time.perf_counter() - started
    if first_error is not None:
        listed = " | ".join(r.message for r in report.refused)
        error = first_error if len(sources) == 1 else IngestError(
            f"{len(report.refused)} of {len(sources)} files refused (nothing of them stored): {listed}")
        error.partial_report = report  # type: ignore[attr-defined]  # what the good files committed
        raise error
    return report


def ingest_bytes(
    ws: Workspace,
    data: bytes,
    *,
    name: str,
    text_column: str | None = None,
    skip_bad_rows: bool = False,
    kind: str | None = None,
    progress: store.Progress | None = None,
) -> IngestReport:
    """Ingest an uploaded file's bytes; `name` (e.g. "reviews.csv") picks the reader and is what items cite."""
    started = time.perf_counter()
    with ws.write_lock():
        report = IngestReport(recovered=store.sync_index(ws, progress))
        report.files.append(
            _ingest_source(ws, data, name=name, reader=reader_for(Path(name)), file=None, text_column=text_column,
                           skip_bad_rows=skip_bad_rows, kind=kind, progress=progress)
        )
    report.seconds = time.perf_counter() - started
    return report


def ingest_text(ws: Workspace, text: str, *, name: str = "paste", kind: str | None = None) -> IngestReport:
    """Ingest pasted text: one item per line, or per paragraph when blank lines separate multi-line blocks."""
    started = time.perf_counter()
    with ws.write_lock():
        report = IngestReport(recovered=store.sync_index(ws))
        report.files.append(
            _ingest_source(ws, text.encode("utf-8"), name=name, reader="paste", file=None, text_column=None,
                           skip_bad_rows=False, kind=kind, progress=None)
        )
    report.seconds = time.perf_counter() - started
    return report


def _parse(data: bytes, *, name: str, reader: str, file: Path | None) -> Parsed:
    if reader == "paste":
        if not data.strip():
            raise IngestError("the pasted text is empty.", path=name)
        parsed = parse_bytes(data, name=name, reader="text")
        parsed.reader = "paste"
        return parsed
    return parse_bytes(data, name=name, reader=reader, file=file)


def _ingest_source(
    ws: Workspace,
    data: bytes,
    *,
    name: str,
    reader: str,
    file: Path | None,
    text_column: str | None,
    skip_bad_rows: bool,
    kind: str | None,
    progress: store.Progress | None,
) -> FileReport:
    if kind not in (None, "feedback", "stakeholder_ask"):
        raise ConfigError(f"Unknown kind {kind!r}; use feedback or stakeholder_ask.")
    content_hash = hashlib.sha256(data).hexdigest()
    with ws.transaction() as session:
        seen = store.source_seen(session, content_hash)
    if seen is not None and seen.item_count != store.IN_PROGRESS:
        return FileReport(path=name, status="already_ingested", reader=seen.reader, encoding=seen.encoding)

    parsed = _parse(data, name=name, reader=reader, file=file)
    if parsed.fatal:
        raise IngestError(parsed.fatal.message, path=name, row=parsed.fatal.row)
    items, bad, empty, text_field = map_rows(
        parsed, text_column=text_column, max_chars=ws.settings.max_field_chars, kind=kind
    )
    column_problem = next((b for b in bad if b.row == 0), None)
    if column_problem:
        raise IngestError(column_problem.message, path=name)
    bad = sorted(parsed.bad + bad, key=lambda b: b.row)
    if bad and not skip_bad_rows:
        more = f" ({len(bad) - 1} more bad rows)" if len(bad) > 1 else ""
        raise IngestError(
            f"{bad[0].message}{more}; fix the file or use --skip-bad-rows to keep the good rows.", path=name, row=bad[0].row
        )
    if not items and not bad:
        raise IngestError(f"no feedback text found (text column: {text_field or 'none'}).", path=name)

    report = FileReport(
        path=name, reader=parsed.reader, encoding=parsed.encoding, text_column=text_field, rows=len(items),
        skipped_empty=empty, bad_rows=[BadRowReport(row=b.row, message=b.message) for b in bad],
    )
    del parsed  # the raw rows are mapped; let them go (and give the pages back) before the chunks are embedded
    if len(items) >= TRIM_ROWS:
        memtrim.release()
    keep_original = bool(ws.get_setting("keep_original_text"))
    threshold = float(ws.get_setting("near_duplicate_threshold"))
    now = ws.clock()  # one timestamp per file: items list in (ingest time, source, row) order
    source = {
        "path": name, "content_hash": content_hash, "reader": report.reader, "encoding": report.encoding,
        "text_column": text_field, "item_count": store.IN_PROGRESS, "ingested_at": now,
    }
    source_id = seen.id if seen is not None else None
    for start in range(0, len(items), CHUNK_ROWS):
        chunk = items[start : start + CHUNK_ROWS]
        # Let each chunk's rows go once taken: the mapped rows of a 200k-row file are ~200 MB, and the index grows
        # by about as much while they are ingested; holding both broke the 1 GB bound.
        items[start : start + CHUNK_ROWS] = [None] * len(chunk)
        try:
            source_id = _ingest_chunk(ws, chunk, report, name=name, source=source, source_id=source_id,
                                      keep_original=keep_original, threshold=threshold, now=now)
        except IntegrityError:
            # Another process (another machine, in team mode) wrote the same file or rows at the same time.
            with ws.transaction() as session:
                seen = store.source_seen(session, content_hash)
            if seen is not None and seen.item_count != store.IN_PROGRESS:
                return FileReport(path=name, status="already_ingested", reader=seen.reader, encoding=seen.encoding)
            raise StorageError(f"{name}: another ingest wrote the same rows at the same time; run the command again.") from None
        if progress:
            progress(min(start + CHUNK_ROWS, len(items)), len(items), f"ingesting {name}")
    with ws.transaction() as session:
        if source_id is None:  # every row was already stored from another source
            source_id = store.start_source(session, source)
        store.finish_source(session, source_id)
    return report


def _ingest_chunk(
    ws: Workspace, chunk: Sequence[Any], report: FileReport, *, name: str, source: dict[str, Any],
    source_id: int | None, keep_original: bool, threshold: float, now: Any,
) -> int | None:
    """read -> redact -> store -> embed -> index for one chunk of a file, in its own transaction.

    Ids come from the original text so they stay stable even if redaction rules improve later; a chunk that
    was committed before a crash is found by its ids and skipped, so a re-run resumes where the last one stopped.
    """
    rows: list[dict[str, Any]] = []
    for it in chunk:
        clean = redact_text(it.text)
        rows.append({
            "id": item_id(name, it.row, it.text), "text": clean,
            "original_text": it.text if keep_original else None, "text_hash": text_hash(clean),
            "kind": it.kind, "source_path": name, "source_row": it.row,
            "source_id": redact_text(it.source_id) if it.source_id else None,
            "meta": redact_value(it.metadata), "duplicate_of": None, "indexed": False, "created_at": now,
        })
    with ws.transaction() as session:
        present = store.existing_ids(session, [r["id"] for r in rows])
        rows = [r for r in rows if r["id"] not in present]
        existing_canonical = store.canonical_by_hash(session, [r["text_hash"] for r in rows])
    report.existing += len(present)
    if not rows:
        return source_id
    vectors = _embed_unique(ws, [r["text"] for r in rows])
    _link_duplicates(ws, rows, vectors, existing_canonical, threshold)
    report.added += len(rows)
    report.duplicates += sum(1 for r in rows if r["meta"].get("duplicate_similarity") == 1.0)
    report.near_duplicates += sum(1 for r in rows if r["duplicate_of"] and r["meta"].get("duplicate_similarity") != 1.0)
    report.stakeholder_asks += sum(1 for r in rows if r["kind"] == "stakeholder_ask")
    with ws.transaction() as session:
        if source_id is None:
            source_id = store.start_source(session, source)
        store.write_rows(session, source_id, rows)
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))
    store.index_rows(ws, rows, vectors)
    if len(rows) >= TRIM_ROWS:
        memtrim.release()  # the chunk's rows, tokens and activations are garbage now
    return source_id


def _embed_unique(ws: Workspace, texts: list[str]) -> np.ndarray:
    """Embed each distinct text once (exact duplicates share a vector); one call per chunk keeps padding low."""
    unique = list(dict.fromkeys(texts))
    position = {t: i for i, t in enumerate(unique)}
    vectors = ws.embedder.embed(unique)
    return vectors[[position[t] for t in texts]]


def _link_duplicates(
    ws: Workspace, rows: list[dict[str, Any]], vectors: np.ndarray, existing: dict[str, str], threshold: float
) -> None:
    ids = [r["id"] for r in rows]
    exact = link_exact([r["text_hash"] for r in rows], ids, existing)
    # Nearest existing item for each new one (one batched chroma query), resolved to its canonical.
    pending = [i for i, d in enumerate(exact) if d is None]
    existing_best: list[tuple[str, float] | None] = [None] * len(rows)
    if pending:
        hits = ws.index.query_many(vectors[pending], n=1)
        hit_ids = [h[0].id for h in hits if h]
        with ws.transaction() as session:
            canonical = store.resolve_canonical(session, hit_ids)
        for i, h in zip(pending, hits):
            if h and h[0].id in canonical:
                existing_best[i] = (canonical[h[0].id], 1.0 - h[0].distance)
    near = link_near(vectors, ids, exact, existing_best, threshold)
    for r, d, n in zip(rows, exact, near):
        if d is not None:
            r["duplicate_of"] = d
            r["meta"] = {**r["meta"], "duplicate_similarity": 1.0}
        elif n is not None:
            r["duplicate_of"] = n[0]
            r["meta"] = {**r["meta"], "duplicate_similarity": round(min(n[1], 0.9999), 4)}
