"""Import the team's existing backlog so a need it already covers is flagged, not drafted twice.

Reads a Jira CSV export (Issue key + Summary), an Azure DevOps CSV (ID + Title), or plain text with one
story per line ("SHOP-12: As a ..." or just the text). Each entry is embedded with the workspace embedder
and compared with every need: its centroid (stored by the needs step, else the mean of its members'
vectors) and its name + statement. The best need above the threshold is recorded on BacklogItemRow.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from assistant.errors import IngestError
from assistant.repository import load_items, load_needs
from assistant.tables import BacklogItemRow, NeedRow
from assistant.textclean import clean_text
from assistant.workspace import Workspace

MAX_MEMBERS = 200  # enough to place a centroid; bounded so a huge need does not stall the import
DEFAULT_THRESHOLD = 0.55  # cosine; MiniLM paraphrases of one need sit ~0.6-0.9, unrelated asks below ~0.35
KEY_COLUMNS = ("issue key", "key", "id", "issue id", "work item id", "number")
TEXT_COLUMNS = ("summary", "title")
DETAIL_COLUMNS = ("description", "body")
_LINE_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*-\d+|#\d+)\s*[:\-–]?\s+(.+)$")


class BacklogEntry(BaseModel):
    """One existing backlog item."""

    model_config = ConfigDict(extra="forbid")

    key: str
    text: str


class BacklogMatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    text: str
    need_id: str | None = None
    need_name: str | None = None
    score: float = 0.0


class BacklogImportReport(BaseModel):
    """What was imported and which needs are already covered."""

    model_config = ConfigDict(extra="forbid")

    path: str
    matches: list[BacklogMatch] = Field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD

    def covered(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in sorted(self.matches, key=lambda m: -m.score):
            if m.need_id and m.need_id not in out:
                out[m.need_id] = m.key
        return out

    def messages(self) -> list[str]:
        """One line per covered need: 'Need name: already in backlog: KEY'."""
        names = {m.need_id: m.need_name for m in self.matches}
        return [f"{names[n]} ({n}): already in backlog: {key}" for n, key in self.covered().items()]


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return clean_text(raw.decode(encoding))  # tracker text is untrusted: no control chars stored
        except UnicodeDecodeError:
            continue
    raise IngestError("cannot decode the file", path=str(path))  # pragma: no cover - latin-1 always decodes


def read_backlog(path: Path | str) -> list[BacklogEntry]:
    """Parse a tracker CSV export or a one-story-per-line text file."""
    path = Path(path)
    if not path.is_file():
        raise IngestError("file not found", path=str(path))
    text = _read_text(path)
    if path.suffix.lower() == ".csv":
        return _read_csv(text, str(path))
    entries = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("-*• ").strip()
        if not line:
            continue
        m = _LINE_KEY.match(line)
        entries.append(BacklogEntry(key=m.group(1), text=m.group(2).strip()) if m else
                       BacklogEntry(key=f"{path.stem}:{n}", text=line))
    return entries


def _read_csv(text: str, where: str) -> list[BacklogEntry]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise IngestError("the CSV is empty", path=where) from None
    text_col = next((header.index(c) for c in TEXT_COLUMNS if c in header), None)
    if text_col is None:
        raise IngestError(f"no Summary or Title column (found: {', '.join(header)})", path=where)
    key_col = next((header.index(c) for c in KEY_COLUMNS if c in header), None)
    detail_col = next((header.index(c) for c in DETAIL_COLUMNS if c in header), None)
    entries = []
    for n, row in enumerate(reader, start=1):
        if len(row) <= text_col or not row[text_col].strip():
            continue
        summary = row[text_col].strip()
        detail = row[detail_col].strip() if detail_col is not None and len(row) > detail_col else ""
        key = row[key_col].strip() if key_col is not None and len(row) > key_col and row[key_col].strip() else f"row-{n}"
        entries.append(BacklogEntry(key=key, text=f"{summary}. {detail[:400]}".strip() if detail else summary))
    return entries


def need_vectors(ws: Workspace) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """(need ids, names, centroid matrix, name+statement matrix), all L2-normalised."""
    with ws.transaction() as s:
        needs = {n.id: n for n in load_needs(s)}
        stored = {r.id: r.centroid for r in s.scalars(select(NeedRow).where(NeedRow.id.in_(list(needs))))}
    ids = list(needs)
    text_vecs = ws.embedder.embed([f"{needs[i].name}: {needs[i].statement}" for i in ids]) if ids else np.zeros((0, 1))
    # One index lookup (and at most one embed) for every need without a stored centroid, not one per need.
    members = {i: needs[i].item_ids[:MAX_MEMBERS] for i in ids if not stored.get(i) and needs[i].item_ids}
    vectors = _member_vectors(ws, members)
    cents = []
    for row, i in enumerate(ids):
        vec = np.asarray(stored.get(i) or [], dtype=np.float32)
        if vec.size == 0:
            found = [vectors[m] for m in members.get(i, []) if m in vectors]
            vec = np.mean(found, axis=0) if found else np.zeros(0, dtype=np.float32)
        if vec.size == 0:
            vec = text_vecs[row]  # no centroid, no indexed members: the need's own words stand in
        cents.append(vec / (np.linalg.norm(vec) or 1.0))
    return ids, [needs[i].name for i in ids], np.asarray(cents, dtype=np.float32), np.asarray(text_vecs, dtype=np.float32)


def _member_vectors(ws: Workspace, members: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """Members' vectors from the index; a need with none indexed gets its stored (redacted) texts embedded."""
    ids = list(dict.fromkeys(m for ms in members.values() for m in ms))
    found = ws.index.get_vectors(ids) if ids else {}
    unindexed = list(dict.fromkeys(m for ms in members.values() if not any(x in found for x in ms) for m in ms))
    if unindexed:
        with ws.transaction() as s:
            items = load_items(s, unindexed)
        if items:
            found.update(zip([it.id for it in items], ws.embedder.embed([it.text for it in items])))
    return found


def match(ws: Workspace, entries: Sequence[BacklogEntry], threshold: float) -> list[BacklogMatch]:
    """Best need per entry by cosine similarity (max of centroid and need-text similarity)."""
    ids, names, cents, texts = need_vectors(ws)
    if not entries:
        return []
    vecs = ws.embedder.embed([e.text for e in entries])
    out = []
    for row, entry in enumerate(entries):
        if not ids:
            out.append(BacklogMatch(key=entry.key, text=entry.text))
            continue
        sims = np.maximum(cents @ vecs[row], texts @ vecs[row])
        best = int(np.argmax(sims))
        score = float(sims[best])
        hit = score >= threshold
        out.append(BacklogMatch(key=entry.key, text=entry.text, need_id=ids[best] if hit else None,
                                need_name=names[best] if hit else None, score=round(score, 4)))
    return out


def import_backlog(ws: Workspace, path: Path | str, *, threshold: float | None = None) -> BacklogImportReport:
    """Read an existing backlog, store it (BacklogItemRow, upsert by key) and match it against the needs."""
    threshold = float(threshold if threshold is not None else ws.get_setting("backlog_match_threshold") or DEFAULT_THRESHOLD)
    entries = read_backlog(path)
    matches = match(ws, entries, threshold)
    with ws.transaction() as s:
        for m in matches:
            row = s.get(BacklogItemRow, m.key)
            if row is None:
                row = BacklogItemRow(key=m.key)
                s.add(row)
            row.text, row.source_path, row.need_id = m.text, str(path), m.need_id
    return BacklogImportReport(path=str(path), matches=matches, threshold=threshold)


def covered_needs(ws: Workspace) -> dict[str, str]:
    """need id -> key of an existing backlog item that already covers it (drafting skips these)."""
    with ws.transaction() as s:
        rows = s.execute(select(BacklogItemRow.need_id, BacklogItemRow.key)
                         .where(BacklogItemRow.need_id.is_not(None)).order_by(BacklogItemRow.key))
        out: dict[str, str] = {}
        for need_id, key in rows:
            out.setdefault(need_id, key)
        return out
