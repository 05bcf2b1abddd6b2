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
small to be a need.

Then the checked needs that are one need split by wording are joined: the model reads each need (the phrase it
judged against and two members closest to its centre) and names the groups one fix or feature answers. Reading
found one app's main ask ("add a real PIN/pattern lock") in four needs; closeness of embeddings keeps them apart,
because each wording is tight on its own. The need with the most members keeps its id.

Then the feedback in no need (what the offline rules left out, and what the check set aside) is offered to the
checked needs, each described by the need the model judged against: an item joins the need it is evidence of, or
stays in no need ("when in doubt, none"). Reading showed a third to a half of one app's unplaced reviews had an
obvious home ("Ooopps...all the time" beside an "Oops error" need); embeddings place them no better than they group
them. Serious items are placed afterwards (assistant/needs/serious.py), so one the model leaves out still gets a need
of its own. Stakeholder asks are offered last, after serious reports got their needs, to every need: an ask the
model places in none opens a need of its own. When the model fails, the offline membership stands and the ledger
says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.models import FeedbackItem


@dataclass
class Checked:
    """What the model said about the needs of one build."""

    aside: dict[str, dict[str, str]] = field(default_factory=dict)  # need id -> {item set aside: the model's reason}
    stated: dict[str, str] = field(default_factory=dict)  # need id -> the need the model judged its members against


NEEDS_SHOWN = 40  # needs listed in one join or placement request: a longer list costs tokens and the model's attention


def shortlist(items: list[str], vec: dict[str, np.ndarray], members: dict[str, list[str]],
              limit: int | None = None) -> list[str]:
    """The needs to offer a batch of items: all of them when few, else the `limit` whose centres come closest to any
    item of the batch (an inbox of 10k reviews has hundreds of needs; one request cannot list them all)."""
    limit = limit or NEEDS_SHOWN
    if len(members) <= limit:
        return sorted(members)
    keys = sorted(members)
    best = (np.stack([vec[i] for i in items]) @ _centres(keys, members, vec).T).max(axis=0)
    return sorted(keys[k] for k in np.argsort(-best, kind="stable")[:limit])


def _centres(keys: list[str], members: dict[str, list[str]], vec: dict[str, np.ndarray]) -> np.ndarray:
    """The unit centre of each need in `keys`, one row each."""
    centres = np.stack([np.mean([vec[i] for i in members[n]], axis=0) for n in keys])
    return centres / np.clip(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9, None)


def customers_of(assign: dict[str, str | None], canon: list[FeedbackItem],
                 keep: Callable[[str], bool] = lambda nid: True) -> dict[str, list[str]]:
    """Need id -> its customer members (stakeholder asks left out), for the needs `keep` accepts."""
    kinds = {it.id: it.kind for it in canon}
    out: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid and keep(nid) and kinds[iid] != "stakeholder_ask":
            out.setdefault(nid, []).append(iid)
    return out


def central_first(ids: list[str], vec: dict[str, np.ndarray]) -> list[str]:
    """A need's members, the closest to its centre first (what the need is about, before its fringe)."""
    mat = np.stack([vec[i] for i in ids])
    return [ids[k] for k in np.argsort(-(mat @ mat.mean(axis=0)), kind="stable")]


def check_needs(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None], provider,  # type: ignore[no-untyped-def]
                min_size: int, loose: Callable[[FeedbackItem], bool]) -> Checked:
    """The three steps of the module docstring: check each need's members, join needs that are one, place the
    feedback in no need. Changes `assign` in place."""
    aside, stated = check_members(canon, vec, assign, provider, min_size)
    join_same(canon, vec, assign, provider, stated, aside)
    place_loose(canon, vec, assign, provider, stated, aside, loose)
    return Checked(aside, stated)


def check_members(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None], provider,  # type: ignore[no-untyped-def]
                  min_size: int) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Judge every need's customer members with the model; returns ({need id: {item id set aside: reason}}, {need id:
    the need the model judged against}) of the needs that stay. Changes `assign` in place."""
    from assistant.errors import LLMError
    from assistant.llm.engine import run_batches
    from assistant.llm.steps import llm_need_members  # lazy: the offline path needs no LLM stack

    by_id = {it.id: it for it in canon}
    groups = customers_of(assign, canon)
    jobs = []
    for nid, ids in sorted(groups.items()):
        if len(ids) < min_size:
            continue  # a serious report placed alone, or a need too small to have a majority
        jobs.append((nid, [by_id[i] for i in central_first(ids, vec)]))

    def one(job: tuple[str, list[FeedbackItem]]):  # type: ignore[no-untyped-def]
        try:
            return job[0], llm_need_members(provider, job[1])
        except LLMError as exc:
            provider.ledger.fallback("needs", str(exc))
            return job[0], None

    aside: dict[str, dict[str, str]] = {}
    stated: dict[str, str] = {}
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
        stated[nid] = check.need
    return aside, stated


def join_same(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None], provider,  # type: ignore[no-untyped-def]
              stated: dict[str, str], aside: dict[str, dict[str, str]]) -> int:
    """Join the checked needs the model says are one need (see the module docstring); returns how many needs were
    joined into another. Changes `assign`, `stated` and `aside` in place."""
    from assistant.errors import LLMError
    from assistant.llm.steps import llm_same_needs  # lazy: the offline path needs no LLM stack

    by_id = {it.id: it for it in canon}
    members = customers_of(assign, canon, lambda nid: nid in stated)
    if len(members) < 2:
        return 0
    shown = {}
    for nid, ids in members.items():
        shown[nid] = (stated[nid], [by_id[i] for i in central_first(ids, vec)[:2]])
    try:  # many needs: one request per group of needs close to each other, each at most NEEDS_SHOWN
        groups = [g for part in _neighbourhoods(members, vec) for g in llm_same_needs(provider, {n: shown[n] for n in part})]
    except LLMError as exc:
        provider.ledger.fallback("needs", str(exc))
        return 0
    joined = 0
    for group in groups:
        keep = max(group, key=lambda n: (len(members[n]), n))
        for nid in group:
            if nid == keep:
                continue
            for iid, at in assign.items():
                if at == nid:
                    assign[iid] = keep
            aside.setdefault(keep, {}).update(aside.pop(nid, {}))
            stated.pop(nid, None)
            joined += 1
    return joined


def place_loose(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None], provider,  # type: ignore[no-untyped-def]
                stated: dict[str, str], aside: dict[str, dict[str, str]], loose: Callable[[FeedbackItem], bool]) -> None:
    """Offer the feedback in no need to the checked needs: each joins the need the model says it is evidence of
    (never the one it was just set aside from). Changes `assign` and `aside` in place."""
    from assistant.errors import LLMError

    members = customers_of(assign, canon, lambda nid: nid in stated)
    needs = {nid: stated[nid] for nid in members}
    pending = [it for it in canon if assign.get(it.id) is None and loose(it)]
    if not needs or not pending:
        return
    try:
        placed = _offer(provider, needs, members, pending, vec)
    except LLMError as exc:
        provider.ledger.fallback("needs", str(exc))
        return
    for iid, (nid, _reason) in placed.items():
        if iid in aside.get(nid, {}):
            continue
        for other in aside.values():
            other.pop(iid, None)
        assign[iid] = nid


def place_asks(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None], provider,  # type: ignore[no-untyped-def]
               stated: dict[str, str]) -> set[str]:
    """Offer the stakeholder asks to every need (a checked need described by the need the model judged against, any
    other by its member closest to its centre): an ask joins the need the model says building it would answer.
    Returns the asks the model placed in no need: they open needs of their own (assistant/needs/asks.py does not put
    them in a need by shared words; "kiosk mode for ward phones" had joined "Always on mode" on the word "mode")."""
    from assistant.errors import LLMError

    by_id = {it.id: it for it in canon}
    asks = [it for it in canon if it.kind == "stakeholder_ask" and assign.get(it.id) is None]
    members = customers_of(assign, canon)
    if not asks or not members:
        return set()
    needs = {}
    for nid, ids in members.items():
        needs[nid] = stated.get(nid) or " ".join(by_id[central_first(ids, vec)[0]].text.split()[:30])
    try:
        placed = _offer(provider, needs, members, asks, vec)
    except LLMError as exc:
        provider.ledger.fallback("needs", str(exc))
        return set()
    for iid, (nid, _reason) in placed.items():
        assign[iid] = nid
    return {it.id for it in asks if assign.get(it.id) is None}


def _offer(provider, needs: dict[str, str], members: dict[str, list[str]], items: list[FeedbackItem],  # type: ignore[no-untyped-def]
           vec: dict[str, np.ndarray]) -> dict[str, tuple[str, str]]:
    """Placements of `items`, a request per PLACED_PER_CALL of them, each listing the needs shortlisted for it."""
    from assistant.llm.steps import PLACED_PER_CALL, llm_place

    placed: dict[str, tuple[str, str]] = {}
    for start in range(0, len(items), PLACED_PER_CALL):
        batch = items[start:start + PLACED_PER_CALL]
        shown = shortlist([it.id for it in batch], vec, {n: members[n] for n in needs})
        placed.update(llm_place(provider, {n: needs[n] for n in shown}, batch))
    return placed


def _neighbourhoods(members: dict[str, list[str]], vec: dict[str, np.ndarray]) -> list[list[str]]:
    """Needs in groups of at most NEEDS_SHOWN, close needs together (a join is only ever between close needs): all
    in one when few; else each need in turn with its nearest needs not yet grouped."""
    keys = sorted(members)
    if len(keys) <= NEEDS_SHOWN:
        return [keys]
    centres = _centres(keys, members, vec)
    sims = centres @ centres.T
    left = set(range(len(keys)))
    parts = []
    for k in range(len(keys)):
        if k not in left:
            continue
        near = [j for j in np.argsort(-sims[k], kind="stable") if j in left][:NEEDS_SHOWN]
        left -= set(near)
        parts.append(sorted(keys[j] for j in near))
    return parts


def confirm_askers(canon: list[FeedbackItem], assign: dict[str, str | None], provider, own: set[str],  # type: ignore[no-untyped-def]
                   unplaced: set[str]) -> None:
    """An ask that opens its own need takes along the customer items in no need that share its rarer words
    (assistant/needs/asks.py). Words are not meaning: DuckDuckGo's "downloads must not be traceable" took a review
    asking for downloads in a folder anyone can open. Each such item is offered to the ask's need, described by the
    ask itself; one the model does not place there goes back to no need. Changes `assign` in place."""
    from assistant.errors import LLMError
    from assistant.llm.steps import llm_place  # lazy: the offline path needs no LLM stack

    by_id = {it.id: it for it in canon}
    seen: set[str | None] = {None}
    for ask in sorted(own):
        nid = assign.get(ask)
        if nid in seen:  # asks that say nearly the same share one need: it is checked once
            continue
        seen.add(nid)
        took = [by_id[i] for i in sorted(unplaced) if assign.get(i) == nid and by_id[i].kind != "stakeholder_ask"]
        if not took:
            continue
        try:
            placed = llm_place(provider, {nid: " ".join(by_id[ask].text.split()[:60])}, took)
        except LLMError as exc:
            provider.ledger.fallback("needs", str(exc))
            return
        for it in took:
            if placed.get(it.id, ("", ""))[0] != nid:
                assign[it.id] = None

