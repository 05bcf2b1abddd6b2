"""PO edits on needs the review screen needs beyond rename/merge: unique names, merge with undo, moving an item.

A moved item is pinned to its need (the need's provenance lists it); `apply_pins` puts pinned items back after a
re-clustering, the way a rename survives one. The undo of a merge restores both needs exactly as they were.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, update

from assistant.errors import BacklogsmithError, NotFoundError
from assistant.models import Need
from assistant.needs.edit import get_need, merge_needs, rename_need
from assistant.needs.evidence import counts as need_counts
from assistant.repository import item_from_row
from assistant.tables import BacklogItemRow, FeedbackRow, NeedRow, StoryRow
from assistant.textclean import clean_text

_NEED_FIELDS = ("name", "statement", "quotes", "counts", "centroid", "merged_into", "provenance", "name_edited")
_ITEM_COUNT = re.compile(r"\(\d+ customer items?\)\.?$")


def _norm(name: str) -> str:
    return " ".join(clean_text(name).split()).casefold()


def rename_unique(ws: Any, need_id: str, name: str) -> Need:
    """Rename, refusing a name another live need already has (two needs with one name fuse in every chart)."""
    with ws.transaction() as s:
        clash = s.execute(select(NeedRow.id, NeedRow.name).where(NeedRow.merged_into.is_(None), NeedRow.id != need_id)).all()
    taken = next((r for r in clash if _norm(r.name) == _norm(name)), None)
    if taken is not None:
        raise BacklogsmithError(f"Another need is already called {taken.name!r}; pick a different name, or merge "
                                "the two needs if they are the same problem.")
    return rename_need(ws, need_id, name)


def _snapshot(s: Any, need_id: str) -> dict[str, Any]:
    row = s.get(NeedRow, need_id)
    return {
        "row": {f: getattr(row, f) for f in _NEED_FIELDS},
        "items": list(s.scalars(select(FeedbackRow.id).where(FeedbackRow.need_id == need_id))),
        "stories": list(s.scalars(select(StoryRow.id).where(StoryRow.need_id == need_id))),
        "backlog": list(s.scalars(select(BacklogItemRow.key).where(BacklogItemRow.need_id == need_id))),
        "folded": list(s.scalars(select(NeedRow.id).where(NeedRow.merged_into == need_id))),
    }


def merge_with_undo(ws: Any, keep_id: str, other_id: str) -> tuple[Need, dict[str, Any]]:
    """merge_needs, plus what `undo_merge` needs to put both needs back; the count in the statement follows."""
    with ws.transaction() as s:
        undo = {"keep": keep_id, "other": other_id, "before": {keep_id: _snapshot(s, keep_id), other_id: _snapshot(s, other_id)}}
    need = merge_needs(ws, keep_id, other_id)
    with ws.transaction() as s:
        row = s.get(NeedRow, need.id)
        customers = sum(v for k, v in (row.counts or {}).get("by_kind", {}).items() if k != "stakeholder_ask")
        if row.statement and not row.statement_edited:
            row.statement = _ITEM_COUNT.sub(f"({customers} customer item{'s' if customers != 1 else ''}).", row.statement)
    return get_need(ws, need.id), undo


def undo_merge(ws: Any, undo: dict[str, Any]) -> None:
    """Put both needs back as they were before merge_with_undo (items, stories, backlog links, names, counts)."""
    with ws.transaction() as s:
        for need_id, snap in undo["before"].items():
            row = s.get(NeedRow, need_id)
            if row is None:
                raise NotFoundError(f"Need {need_id} no longer exists; the merge cannot be undone.")
            for f, v in snap["row"].items():
                setattr(row, f, v)
            row.version += 1
        for need_id, snap in undo["before"].items():
            for column, key in ((FeedbackRow.id, "items"), (StoryRow.id, "stories"), (BacklogItemRow.key, "backlog")):
                if snap[key]:
                    s.execute(update(column.class_).where(column.in_(snap[key])).values(need_id=need_id))
            if snap["folded"]:
                s.execute(update(NeedRow).where(NeedRow.id.in_(snap["folded"])).values(merged_into=need_id))


def _recount(s: Any, need_id: str) -> None:
    row = s.get(NeedRow, need_id)
    items = [item_from_row(r) for r in s.scalars(select(FeedbackRow).where(FeedbackRow.need_id == need_id))]
    row.counts = need_counts(items).model_dump()
    row.quotes = [q for q in (row.quotes or []) if any(i.id == q for i in items)] or [i.id for i in items[:3]]
    row.version += 1


def move_item(ws: Any, item_id: str, to_need_id: str) -> Need:
    """File an item (and its duplicates) under another need; pinned there across re-clustering."""
    with ws.transaction() as s:
        item = s.get(FeedbackRow, item_id)
        target = s.get(NeedRow, to_need_id)
        if item is None:
            raise NotFoundError(f"No feedback item {item_id!r}.")
        if target is None or target.merged_into:
            raise NotFoundError(f"No live need {to_need_id!r}; reload the page.")
        source = item.need_id
        if source == to_need_id:
            raise BacklogsmithError("The item is already in that need.")
        s.execute(update(FeedbackRow).where((FeedbackRow.id == item_id) | (FeedbackRow.duplicate_of == item_id))
                  .values(need_id=to_need_id))
        for row in s.scalars(select(NeedRow).where(NeedRow.merged_into.is_(None))):
            pins = [p for p in (row.provenance or {}).get("pinned", []) if p != item_id]
            if row.id == to_need_id:
                pins.append(item_id)
            if pins != (row.provenance or {}).get("pinned", []):
                row.provenance = {**(row.provenance or {}), "pinned": pins}
        s.flush()
        for nid in {source, to_need_id} - {None}:
            _recount(s, nid)
    return get_need(ws, to_need_id)


def apply_pins(ws: Any) -> int:
    """After a re-clustering: put every pinned item back in the need the PO moved it to; returns how many moved."""
    moved = 0
    with ws.transaction() as s:
        touched: set[str] = set()
        for row in s.scalars(select(NeedRow).where(NeedRow.merged_into.is_(None))):
            pins = (row.provenance or {}).get("pinned", [])
            if not pins:
                continue
            stray = list(s.scalars(select(FeedbackRow.id).where(FeedbackRow.id.in_(pins),
                                                                 (FeedbackRow.need_id != row.id) | FeedbackRow.need_id.is_(None))))
            if stray:
                old = set(s.scalars(select(FeedbackRow.need_id).where(FeedbackRow.id.in_(stray))))
                s.execute(update(FeedbackRow).where(FeedbackRow.id.in_(stray) | FeedbackRow.duplicate_of.in_(stray))
                          .values(need_id=row.id))
                touched |= {row.id, *(o for o in old if o)}
                moved += len(stray)
        s.flush()
        for nid in touched:
            if s.scalar(select(func.count()).select_from(NeedRow).where(NeedRow.id == nid)):
                _recount(s, nid)
    return moved
