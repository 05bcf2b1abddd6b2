"""Membership checked by the model (LLM path only): every member of a need is judged against the one need most of
its members share, and a member that is no evidence of it leaves the need.

Why: the offline engine groups by closeness of sentence embeddings, and on one app's reviews those cannot tell two
problems of one screen apart. Measured against hand labels of three inboxes of real reviews, two reviews with the same
need are each other's nearest neighbour only 57% of the time on one app, and Ward clustering told the true number
of needs is no purer than the engine. A reader (or a capable model) tells "pages load slowly" from "pages never load"
at once. So when a model is configured, a citation is checked like a PO would check it: the items closest to the
need's centre go first and fix the need; every member gets a verdict and a reason.

A rejected member goes to no need and is kept as loosely related, with the model's reason, so the PO sees what was
set aside and why. A need left with fewer than `min_size` members that share it is dissolved, like any group too
small to be a need. Serious items are placed afterwards (assistant/needs/serious.py), so one the model sets aside
still gets a need of its own. When the model fails, the offline membership stands and the ledger says why.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.models import FeedbackItem


def check_members(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None], provider,  # type: ignore[no-untyped-def]
                  min_size: int, customer: Callable[[FeedbackItem], bool]) -> dict[str, dict[str, str]]:
    """Judge every need's customer members with the model; returns {need id: {item id set aside: reason}} of the
    needs that stay. Changes `assign` in place."""
    from assistant.errors import LLMError
    from assistant.llm.engine import run_batches
    from assistant.llm.steps import llm_need_members  # lazy: the offline path needs no LLM stack

    by_id = {it.id: it for it in canon}
    groups: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid and customer(by_id[iid]):
            groups.setdefault(nid, []).append(iid)
    jobs = []
    for nid, ids in sorted(groups.items()):
        if len(ids) < min_size:
            continue  # a serious report placed alone, or a need too small to have a majority
        mat = np.stack([vec[i] for i in ids])
        centre = mat.mean(axis=0)
        order = np.argsort(-(mat @ centre), kind="stable")
        jobs.append((nid, [by_id[ids[k]] for k in order]))

    def one(job: tuple[str, list[FeedbackItem]]):  # type: ignore[no-untyped-def]
        try:
            return job[0], llm_need_members(provider, job[1])
        except LLMError as exc:
            provider.ledger.fallback("needs", str(exc))
            return job[0], None

    aside: dict[str, dict[str, str]] = {}
    for nid, check in run_batches(provider, one, jobs):
        if check is None:
            continue
        out = {iid: reason for iid, (belongs, reason) in check.verdicts.items() if not belongs}
        kept = [i for i in groups[nid] if i not in out]
        if len(kept) < min_size:
            for iid in groups[nid]:
                assign[iid] = None
            continue
        for iid in out:
            assign[iid] = None
        if out:
            aside[nid] = out
    return aside
