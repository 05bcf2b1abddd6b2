"""Workspace summary: what feedback is in the workspace, from where, and how much of it is duplicated."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from assistant.tables import FeedbackRow, NeedRow, SourceFile, StoryRow
from assistant.workspace import Workspace


class WorkspaceStats(BaseModel):
    """Counts the PO sees after an ingest (`backlogsmith stats`, the main job's summary)."""

    items: int = 0
    sources: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)
    by_channel: dict[str, int] = Field(default_factory=dict)
    by_segment: dict[str, int] = Field(default_factory=dict)
    by_source: dict[str, int] = Field(default_factory=dict)
    exact_duplicates: int = 0
    near_duplicates: int = 0
    unique_items: int = Field(0, description="Items that are not linked as a duplicate of another.")
    first_date: str | None = None
    last_date: str | None = None
    triaged: int = 0
    with_need: int = 0
    needs: int = 0
    stories: int = 0
    not_indexed: int = Field(0, description="Rows waiting for the search index (repaired by the next ingest).")

    def summary(self) -> str:
        """A short human-readable block."""

        def fmt(counts: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in counts.items()) or "-"

        lines = [
            f"{self.items} items from {self.sources} source(s); {self.unique_items} unique "
            f"({self.exact_duplicates} exact and {self.near_duplicates} near duplicates linked)",
            f"kind: {fmt(self.by_kind)}",
            f"channel: {fmt(self.by_channel)}",
            f"segment: {fmt(self.by_segment)}",
            f"sources: {fmt(self.by_source)}",
        ]
        if self.first_date:
            lines.append(f"dates: {self.first_date} .. {self.last_date}")
        if self.triaged or self.needs or self.stories:
            lines.append(f"triaged {self.triaged}, in a need {self.with_need}, needs {self.needs}, stories {self.stories}")
        if self.not_indexed:
            lines.append(f"{self.not_indexed} items not yet in the search index (run `backlogsmith reindex`)")
        return "\n".join(lines)


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def workspace_stats(ws: Workspace) -> WorkspaceStats:
    """Compute the summary in one pass over the feedback rows."""
    kinds: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    segments: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    dates: list[str] = []
    stats = WorkspaceStats()
    with ws.transaction() as session:
        stmt = select(
            FeedbackRow.kind, FeedbackRow.source_path, FeedbackRow.meta, FeedbackRow.duplicate_of,
            FeedbackRow.triage.is_not(None), FeedbackRow.need_id, FeedbackRow.indexed,
        )
        for kind, path, meta, dup, triaged, need_id, indexed in session.execute(stmt):
            meta: dict[str, Any] = meta or {}
            stats.items += 1
            kinds[kind] += 1
            sources[path] += 1
            channels[str(meta.get("channel") or "unknown")] += 1
            segments[str(meta.get("segment") or "unknown")] += 1
            if dup:
                if meta.get("duplicate_similarity") == 1.0:
                    stats.exact_duplicates += 1
                else:
                    stats.near_duplicates += 1
            date = meta.get("date")
            if isinstance(date, str) and len(date) >= 10 and date[:4].isdigit() and date[4] == "-":
                dates.append(date[:10])
            stats.triaged += bool(triaged)
            stats.with_need += need_id is not None
            stats.not_indexed += not indexed
        stats.sources = session.scalar(select(func.count()).select_from(SourceFile)) or 0
        stats.needs = session.scalar(select(func.count()).select_from(NeedRow).where(NeedRow.merged_into.is_(None))) or 0
        stats.stories = session.scalar(select(func.count()).select_from(StoryRow)) or 0
    stats.unique_items = stats.items - stats.exact_duplicates - stats.near_duplicates
    stats.by_kind, stats.by_channel = _sorted(kinds), _sorted(channels)
    stats.by_segment, stats.by_source = _sorted(segments), _sorted(sources)
    if dates:
        stats.first_date, stats.last_date = min(dates), max(dates)
    return stats
