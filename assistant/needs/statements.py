"""Need statements written by the model: during a build, and for needs the last build left as they are (a model
chosen since then states them; members, names and quotes stay). A need the model fails on keeps its offline
statement."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from assistant.models import FeedbackItem, Need
from assistant.needs import evidence, naming
from assistant.needs.cluster import normalise
from assistant.tables import NeedRow


def by_model(ws, provider, members, by_id, vec, phrases, quote_params) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Model statements for needs whose statement the PO did not edit; a need the model fails on keeps the
    offline statement (the reason is noted on the provider's ledger). Runs outside any transaction."""
    from assistant.errors import LLMError
    from assistant.llm.engine import run_batches
    from assistant.llm.steps import llm_need_statement  # lazy: the offline path needs no LLM stack

    with ws.transaction() as s:
        rows = {r.id: (r.name, r.name_edited, r.statement_edited)
                for r in s.scalars(select(NeedRow).where(NeedRow.id.in_(list(members))))}
    todo = []
    for nid, ids in sorted(members.items()):
        name, name_edited, statement_edited = rows.get(nid, ("", False, False))
        if statement_edited:
            continue
        mat = np.stack([vec[i] for i in ids])
        cent = normalise(mat.mean(axis=0)[None, :])[0]
        need = Need(id=nid, name=name if name_edited else naming.name_from(phrases.get(nid, [])), statement="",
                    item_ids=list(ids), quotes=evidence.quotes(ids, mat, cent, quote_params))
        todo.append((need, [by_id[i] for i in ids]))

    def one(job: tuple[Need, list[FeedbackItem]]) -> tuple[str, str | None]:
        try:
            return job[0].id, llm_need_statement(provider, job[0], job[1])
        except LLMError as exc:
            provider.ledger.fallback("needs", str(exc))
            return job[0].id, None

    return {nid: text for nid, text in run_batches(provider, one, todo) if text}


def restate(ws, canon, vec, provider, quote_params) -> None:  # type: ignore[no-untyped-def]
    """Only the model's need statements, for needs as the last build left them (members, names, quotes kept)."""
    by_id = {it.id: it for it in canon}
    members: dict[str, list[str]] = {}
    for it in sorted(canon, key=lambda i: i.id):
        if it.need_id:
            members.setdefault(it.need_id, []).append(it.id)
    phrases = naming.phrases({nid: evidence.topic_texts([by_id[i] for i in ids], vec)
                              for nid, ids in members.items()}, mixed={})
    stated = by_model(ws, provider, members, by_id, vec, phrases, quote_params)
    with ws.transaction() as s:
        for nid, text in stated.items():
            row = s.get(NeedRow, nid)
            if row is not None and text and not row.statement_edited:
                row.statement = text
                row.provenance = {**(row.provenance or {}), "engine": str(getattr(provider, "model", "llm"))}
