"""Semantic search over the stored feedback; the index catches up first, so a search never silently misses items."""

from __future__ import annotations

from assistant.models import FeedbackItem
from assistant.workspace import Workspace
from ingest.redact import redact_text
from ingest.store import catch_up_index


def search(ws: Workspace, query: str, n: int = 10) -> list[tuple[float, FeedbackItem]]:
    """(similarity, item) pairs, best first. The query is redacted like stored text before it is embedded."""
    from assistant.repository import load_items

    catch_up_index(ws)
    vector = ws.embedder.embed([redact_text(query)])[0]
    hits = ws.index.query(vector, n=n)
    with ws.transaction() as session:
        items = {i.id: i for i in load_items(session, [h.id for h in hits])}
    return [(round(1.0 - h.distance, 4), items[h.id]) for h in hits if h.id in items]
