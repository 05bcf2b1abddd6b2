"""triage_items: label every stored item (offline engine, or an LLM through the provider layer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import select

from assistant.models import FeedbackItem, Triage, Urgency
from assistant.repository import item_from_row
from assistant.tables import FeedbackRow
from assistant.triage.engine import triage_batch
from assistant.triage.urgency import tracker_priority

Progress = Callable[[str, int, int], None]  # (stage, done, total)
BATCH = 256


def item_vectors(ws, items: Sequence[FeedbackItem]) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Vectors from the index; items not indexed yet are embedded now and upserted (the index is derived)."""
    found = ws.index.get_vectors([it.id for it in items]) if items else {}
    missing = [it for it in items if it.id not in found]
    if missing:
        fresh = ws.embedder.embed([it.text for it in missing])
        metas = [{"kind": it.kind, **{k: v for k, v in it.metadata.items() if k in ("segment", "channel", "date")}}
                 for it in missing]
        ws.index.upsert([it.id for it in missing], fresh, metas)
        with ws.transaction() as s:
            for row in s.scalars(select(FeedbackRow).where(FeedbackRow.id.in_([it.id for it in missing]))):
                row.indexed = True
        for it, vec in zip(missing, fresh):
            found[it.id] = vec
    dims = ws.embedder.dimensions
    return np.stack([found[it.id] for it in items]) if items else np.zeros((0, dims), dtype=np.float32)


def triage_text(item: FeedbackItem) -> str:
    """The text the cues read: the title/subject (metadata "subject", as ingest maps it) before the body.

    A review's title is often its verdict or its ask ("Needs dark mode", "Crashes on start"). The index keeps
    the body's vector (the needs cluster on it); triage embeds title and body together."""
    subject = str(item.metadata.get("subject") or "").strip()
    if not subject or subject.lower() in ("nan", "none") or subject.lower() in item.text.lower():
        return item.text
    return f"{subject}{'' if subject[-1] in '.!?' else '.'} {item.text}"


def _offline(ws, batch: Sequence[FeedbackItem]) -> list[Triage]:  # type: ignore[no-untyped-def]
    texts = [triage_text(it) for it in batch]
    vectors = item_vectors(ws, batch)
    titled = [i for i, (it, text) in enumerate(zip(batch, texts)) if text != it.text]
    if titled:  # the title changes what the item is about: embed it with the body, for triage only
        vectors = vectors.copy()
        vectors[titled] = ws.embedder.embed([texts[i] for i in titled])
    return triage_batch(texts, [it.metadata.get("rating") for it in batch], vectors, ws.embedder,
                        [it.kind for it in batch], metadata=[it.metadata for it in batch])


def _llm(ws, provider, batch: Sequence[FeedbackItem]) -> list[Triage]:  # type: ignore[no-untyped-def]
    """Model labels, cross-checked against each item's own words; the offline engine when the model fails.

    Called with no transaction open: the model call may take seconds and the response cache writes."""
    from assistant.errors import LLMError
    from assistant.llm.steps import llm_triage  # imported lazily: the offline path needs no LLM stack
    from assistant.triage.crosscheck import contradiction, flagged

    try:
        labels = list(llm_triage(provider, list(batch)))
    except LLMError as exc:
        provider.ledger.fallback("triage", str(exc))
        return _offline(ws, batch)
    offline = _offline(ws, batch)  # cheap next to a model call: the vectors are in the index already
    for i, (it, lab, off) in enumerate(zip(batch, labels, offline)):
        found = contradiction(it, triage_text(it), lab, off)
        if found:
            labels[i] = flagged(it, triage_text(it), off, lab, found)
            provider.ledger.fallback("triage labels", f"the model's label contradicted the item's own words ({found[0]})")
    return labels


def _with_tracker(tri: Triage, metadata: dict) -> Triage:  # type: ignore[type-arg]
    """A tracker's Blocker/Critical/P1 is the reporter's own call: it makes the item high whichever engine ran."""
    found = tracker_priority(metadata)
    if found and found[0] == "high" and tri.urgency.label != "high":
        return tri.model_copy(update={"urgency": Urgency(label="high", reason=found[1])})
    return tri


def triage_items(ws, *, provider=None, only_missing: bool = True, progress: Progress | None = None) -> int:  # type: ignore[no-untyped-def]
    """Store a Triage on every item (only those without one unless only_missing=False); returns how many."""
    with ws.transaction() as s:
        rows = s.scalars(select(FeedbackRow).order_by(FeedbackRow.created_at, FeedbackRow.source_path,
                                                      FeedbackRow.source_row)).all()
        items = [item_from_row(r) for r in rows if not (only_missing and r.triage)]
    done = 0
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        labels = _offline(ws, batch) if provider is None else _llm(ws, provider, batch)
        labels = [_with_tracker(tri, it.metadata) for tri, it in zip(labels, batch)]
        with ws.transaction() as s:  # one SELECT per batch, not one per item
            rows = {r.id: r for r in s.scalars(select(FeedbackRow).where(FeedbackRow.id.in_([it.id for it in batch])))}
            for it, tri in zip(batch, labels):
                if it.id in rows:
                    rows[it.id].triage = tri.model_dump()
        done += len(batch)
        if progress:
            progress("triage", done, len(items))
    return done
