"""PO edits on needs: rename (kept across reclusters) and merge (members, stories and links follow)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select, update

from assistant.errors import BacklogsmithError, NotFoundError
from assistant.models import Need
from assistant.needs import evidence
from assistant.needs.cluster import normalise
from assistant.repository import item_from_row, load_items, need_from_row
from assistant.tables import BacklogItemRow, FeedbackRow, NeedRow, StoryRow
from assistant.textclean import clean_text


def _live(session, need_id: str) -> NeedRow:  # type: ignore[no-untyped-def]
    row = session.get(NeedRow, need_id)
    if row is not None and row.merged_into:
        row = session.get(NeedRow, row.merged_into) or row
    if row is None:
        raise NotFoundError(f"No need with id {need_id!r}; `backlogsmith needs` lists the ids.")
    return row


def get_need(ws, need_id: str) -> Need:  # type: ignore[no-untyped-def]
    """One need (a merged-away id resolves to the need it was merged into)."""
    with ws.transaction() as s:
        row = _live(s, need_id)
        ids = list(s.scalars(select(FeedbackRow.id).where(FeedbackRow.need_id == row.id).order_by(FeedbackRow.id)))
        return need_from_row(row, ids)


def rename_need(ws, need_id: str, name: str) -> Need:  # type: ignore[no-untyped-def]
    """Give a need the PO's name; it survives reclustering (name_edited)."""
    name = " ".join(clean_text(name).split())
    if not name:
        raise BacklogsmithError("A need name cannot be empty; pass the new name in quotes.")
    with ws.transaction() as s:
        row = _live(s, need_id)
        row.name, row.name_edited = name[:256], True
        row.version += 1
    return get_need(ws, need_id)


def merge_needs(ws, keep_id: str, other_id: str) -> Need:  # type: ignore[no-untyped-def]
    """Fold other into keep: its items, stories and backlog links move; its id keeps resolving to keep."""
    with ws.transaction() as s:
        keep, other = _live(s, keep_id), _live(s, other_id)
        if keep.id == other.id:
            raise BacklogsmithError(f"{keep_id} and {other_id} are already the same need.")
        moved = list(s.scalars(select(FeedbackRow.id).where(FeedbackRow.need_id == other.id)))
        own = list(s.scalars(select(FeedbackRow.id).where(FeedbackRow.need_id == keep.id)))
        # Remember what was absorbed so a later recluster keeps the PO's merge (see build._full).
        prov = dict(keep.provenance or {})
        prov["absorbed"] = {keep.id: own, **prov.get("absorbed", {}), **(other.provenance or {}).get("absorbed", {}),
                            other.id: moved}
        keep.provenance = prov
        s.execute(update(FeedbackRow).where(FeedbackRow.need_id == other.id).values(need_id=keep.id))
        s.execute(update(StoryRow).where(StoryRow.need_id == other.id).values(need_id=keep.id))
        s.execute(update(BacklogItemRow).where(BacklogItemRow.need_id == other.id).values(need_id=keep.id))
        other.merged_into = keep.id
        # Needs merged earlier into other now point straight at keep, so ids never chain.
        s.execute(update(NeedRow).where(NeedRow.merged_into == other.id).values(merged_into=keep.id))
        rows = list(s.scalars(select(FeedbackRow).where(FeedbackRow.need_id == keep.id).order_by(FeedbackRow.id)))
        items = [item_from_row(r) for r in rows]
        keep.counts = evidence.counts(items).model_dump()
        keep.version += 1
        canon = [it.id for it in items if not it.duplicate_of]
        kid = keep.id
    vecs = ws.index.get_vectors(canon)
    ids = [i for i in canon if i in vecs]
    if ids:
        mat = normalise(np.stack([vecs[i] for i in ids]))
        cent = normalise(mat.mean(axis=0)[None, :])[0]
        with ws.transaction() as s:
            row = s.get(NeedRow, kid)
            row.centroid = [round(float(x), 6) for x in cent]
            row.quotes = evidence.quotes(ids, mat, cent)
    return get_need(ws, kid)


def need_report(ws, need_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A need with its evidence: quotes with sources, stakeholder asks, linked stories."""
    need = get_need(ws, need_id)
    with ws.transaction() as s:
        items = {it.id: it for it in load_items(s, [*need.item_ids, *need.loose])}
        stories = list(s.scalars(select(StoryRow.id).where(StoryRow.need_id == need.id).order_by(StoryRow.id)))
        centroid = (s.get(NeedRow, need.id).centroid or [])
    rep = {**need_json(need, items), "stories": stories}
    if centroid:
        for q in rep["quotes"]:
            q["sentence"] = evidence.matching_sentence(q["text"], np.asarray(centroid, dtype=np.float32), ws.embedder,
                                                       problem=evidence.is_problem_need(need.counts))
    return rep


def need_json(need: Need, items: dict[str, Any]) -> dict[str, Any]:
    """The JSON shape `needs --format json` prints for one need."""
    def source(it: Any) -> dict[str, Any]:
        return {"id": it.id, "text": it.text, "source": it.source.model_dump(), "kind": it.kind,
                "segment": it.metadata.get("segment"), "author": it.metadata.get("author")}

    asks = [source(items[i]) for i in need.item_ids if i in items and items[i].kind == "stakeholder_ask"]
    customers = sum(1 for i in need.item_ids if i in items and items[i].kind != "stakeholder_ask")
    return {
        "id": need.id, "name": need.name, "statement": need.statement, "item_ids": need.item_ids,
        "counts": need.counts.model_dump(), "quotes": [source(items[q]) for q in need.quotes if q in items],
        "stakeholder_asks": asks, "customer_items": customers, "name_edited": need.name_edited,
        "loosely_related": [{**source(items[i]), **({"set_aside_by_model": need.set_aside[i]} if i in need.set_aside
                                                     else {})} for i in need.loose if i in items],
    }
