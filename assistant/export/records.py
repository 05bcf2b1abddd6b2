"""ExportRecord bookkeeping: one row per (story, target) with the remote key/URL and the payload hash.

Stories keep their status ("approved") after an export: the record, not the status, says where a story
went, so the same story can go to a file and to a tracker, and a re-push finds the remote key to update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from assistant.tables import ExportRecord

if TYPE_CHECKING:  # chromadb + numpy load with the workspace; the CLI imports this package for --help
    from assistant.workspace import Workspace


@dataclass(frozen=True)
class Remote:
    key: str | None
    url: str | None
    payload_hash: str | None


def remotes(ws: Workspace, target: str) -> dict[str, Remote]:
    """story id -> what was recorded for this target."""
    with ws.transaction() as s:
        rows = s.scalars(select(ExportRecord).where(ExportRecord.target == target))
        return {r.story_id: Remote(r.remote_key, r.remote_url, r.payload_hash) for r in rows}


def record(ws: Workspace, story_id: str, target: str, *, key: str | None = None, url: str | None = None,
           payload_hash: str | None = None) -> None:
    """Insert or update the record for (story, target) in its own transaction (each push survives a later failure)."""
    with ws.transaction() as s:
        row = s.scalars(
            select(ExportRecord).where(ExportRecord.story_id == story_id, ExportRecord.target == target)
        ).first()
        if row is None:
            row = ExportRecord(story_id=story_id, target=target)
            s.add(row)
        if key is not None:
            row.remote_key = key
        if url is not None:
            row.remote_url = url
        row.payload_hash = payload_hash
        row.at = ws.clock()


def _parents_key(target: str) -> str:
    return f"export.{target}.parents"


def parent_keys(ws: Workspace, target: str) -> dict[str, dict[str, str]]:
    """need id -> {"key", "url"} of the parent item (Epic, Feature, parent issue) created for that need."""
    return dict(ws.get_setting(_parents_key(target)) or {})


def save_parent_key(ws: Workspace, target: str, need_id: str, key: str, url: str | None) -> None:
    # Needs are not stories, so their remote keys live in a workspace setting rather than ExportRecord.
    current = parent_keys(ws, target)
    current[need_id] = {"key": key, "url": url or ""}
    ws.set_setting(_parents_key(target), current)
