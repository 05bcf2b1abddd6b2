"""build_needs: group items into needs (incrementally, or a full recluster that keeps ids, edited names and
story links), then refresh every need's name, statement, quotes, counts and centroid (assistant/needs/store.py).

Which items found needs: customer asks and problems (feature requests, bugs, complaints, questions) are clustered
first, with usage stories ("experience") that are not positive. Praise, happy usage stories and "other" are then attached to the nearest of those needs when close
enough (a compliment about exports is evidence for the exports need); those left over are clustered on their own,
so what customers value shows up as needs too ("keep X working") instead of an unassigned pile, without diluting
the problem needs (with usage stories among the founders, 1 in 4 quotes of one app's problem needs were praise).
The catch-all rule is applied again to the final needs. Stakeholder asks come last: each joins the need it serves
or opens its own (route_asks). Duplicates follow their canonical item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from datetime import datetime

import numpy as np
from sqlalchemy import select

from assistant.models import FeedbackItem, Need
from assistant.needs import clauses, core, evidence, identity, statements
from assistant.needs.actions import cut_actions
from assistant.needs.checked import Checked, check_needs, confirm_askers, place_asks
from assistant.needs.asks import need_topics, route_asks, topic_terms
from assistant.needs.cluster import ClusterParams, cluster, normalise, split_catch_alls
from assistant.needs.fit import fit_items
from assistant.needs.one_problem import hold_items
from assistant.needs.merge import merge_split
from assistant.needs.serious import join_serious, place_serious
from assistant.needs.store import write_needs
from assistant.repository import item_from_row, load_needs
from assistant.tables import FeedbackRow, NeedRow, as_utc
from assistant.triage.service import item_vectors

Progress = Callable[[str, int, int], None]
ATTACH_ONLY = ("praise", "other")


@dataclass(frozen=True)
class NeedParams:
    cluster: ClusterParams = ClusterParams()
    assign_similarity: float = 0.45  # incremental: a new item joins an existing need at this centroid cosine
    # praise/other join the nearest need at this centroid cosine: high enough that "Pretty good, works as I expect"
    # does not become evidence of a crash need (0.45 put such reviews in 1 of 10 problem quotes on real reviews)
    attach_similarity: float = 0.55
    # a stakeholder ask joins the most similar need that shares a topic term with it (assistant/needs/asks.py)
    ask_similarity: float = 0.3  # ... when its problem sentences are this similar to the need's closest items
    ask_topic_share: float = 0.15  # a need's topic term is used by this share of its items ...
    ask_topic_cover: float = 0.25  # ... and the terms it shares with the ask are used by this share of its items
    ask_topic_lift: float = 3.0  # ... and is this many times as common in the need as in the rest of the inbox
    ask_same: float = 0.75  # asks no need serves share a new need only when this similar to each other
    ask_term_similarity: float = 0.8  # a derived word this close to its stem is one word ("fraud"/"fraudulent")
    ask_asker_similarity: float = 0.4  # a customer item this close to an ask, sharing a rare word of it, asks the same
    ask_neighbours: int = 3  # similarity = mean over this many closest customer items of the need
    quotes: int = 3
    core: core.CoreParams = core.CoreParams()


def founds_need(item: FeedbackItem) -> bool:
    """Customer asks and problems found needs; praise/other only attach, stakeholder asks are routed afterwards."""
    if item.kind == "stakeholder_ask" or not says_something(item):
        return False
    if item.triage is None:
        return True
    if item.triage.type == "experience":  # a happy usage story is praise; a bad one describes a problem
        return item.triage.sentiment.label != "positive"
    return item.triage.type not in ATTACH_ONLY


def says_something(it: FeedbackItem) -> bool:
    """An item with no letter in any script ("??", "5/5", a string of emoji, or text lost to a wrong encoding) says
    nothing a need could be about: it is kept and counted in the inbox, but is no evidence of any need."""
    return any(ch.isalpha() for ch in it.text)


def reports_or_asks(item: FeedbackItem) -> bool:
    """The item reports a problem or asks for something, whatever its overall tone: it founds needs, or one of its
    sentences carries triage's defect or strong request cues, or asks a question ("Love it. Will it be possible to
    change the font colour?", "Good app. But the active mode isn't working."), or triage found it serious. Such an item
    is never praise evidence."""
    if founds_need(item):
        return True
    if item.kind == "stakeholder_ask" or not says_something(item):
        return False
    return evidence.reports(item)


def _customer_says(it: FeedbackItem) -> bool:
    return it.kind != "stakeholder_ask" and says_something(it)


def _customer_loose(it: FeedbackItem) -> bool:
    return _customer_says(it) and not founds_need(it)


def _nearest(vectors: np.ndarray, cents: dict[str, np.ndarray], min_sim: float) -> list[str | None]:
    if not cents or not len(vectors):
        return [None] * len(vectors)
    keys = sorted(cents)
    sims = vectors @ np.stack([cents[k] for k in keys]).T
    best = sims.argmax(axis=1)
    return [keys[b] if sims[i, b] >= min_sim else None for i, b in enumerate(best)]


def _centroids(assign: dict[str, str | None], vec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    groups: dict[str, list[np.ndarray]] = {}
    for iid, nid in assign.items():
        if nid:
            groups.setdefault(nid, []).append(vec[iid])
    return {nid: normalise(np.mean(vs, axis=0)[None, :])[0] for nid, vs in groups.items()}


def _cluster_sets(ids: Sequence[str], vectors: np.ndarray, params: ClusterParams) -> list[set[str]]:
    labels = cluster(vectors, params) if len(ids) else np.zeros(0, dtype=int)
    sets: dict[int, set[str]] = {}
    for iid, lab in zip(ids, labels):
        if lab >= 0:
            sets.setdefault(int(lab), set()).add(iid)
    return [sets[k] for k in sorted(sets)]


class Placed(NamedTuple):
    """Where a build put every item, and what the naming step must know about the needs it made."""

    assign: dict[str, str | None]
    dissolved: dict[str, str | None]  # old need -> the need that took its members (None: gone)
    loose: dict[str, list[str]]  # need -> items near it that are not its evidence
    apart: list[str]  # needs cut from another on purpose (assistant/needs/actions.py)
    checked: Checked  # what the model said (assistant/needs/checked.py)
    by_reason: dict[str, str]  # needs of serious reports grouped by their urgency reason (assistant/needs/serious.py)


_BUILT = "needs_built"  # workspace setting: when the last build ran and how many items it saw


def build_needs(ws, *, recluster: bool = False, provider=None, progress: Progress | None = None,  # type: ignore[no-untyped-def]
                params: NeedParams = NeedParams()) -> list[Need]:
    """Cluster items into needs (incremental unless recluster) and refresh their evidence; returns live needs."""
    with ws.transaction() as s:
        all_items = [item_from_row(r) for r in s.scalars(select(FeedbackRow).order_by(FeedbackRow.id))]
        live_ids = set(s.scalars(select(NeedRow.id).where(NeedRow.merged_into.is_(None))))
        live_rows = list(s.scalars(select(NeedRow).where(NeedRow.merged_into.is_(None))))
        stored_cents = {r.id: np.asarray(r.centroid, dtype=np.float32) for r in live_rows if r.centroid}
        absorbed = {r.id: [set(m) for m in (r.provenance or {}).get("absorbed", {}).values()] for r in live_rows}
    started = ws.clock()
    built = ws.get_setting(_BUILT) or {}
    built_at = datetime.fromisoformat(built["at"]) if built.get("at") else None
    # Items the last build already placed (in a need, set aside, or left without one) stay where it put them: a
    # second `needs` with nothing new must not move anything (POs and stories read those needs in between).
    settled = {it.id for it in all_items if built_at and it.created_at and as_utc(it.created_at) < built_at}
    nothing_new = (not recluster and bool(live_ids) and built.get("items") == len(all_items)
                   and len(settled) == len(all_items))
    if nothing_new and provider is None:
        with ws.transaction() as s:
            return load_needs(s)
    canon = [it for it in all_items if not it.duplicate_of]
    if progress:
        progress("vectors", 0, len(canon))
    vec_matrix = item_vectors(ws, canon)
    vec = {it.id: v for it, v in zip(canon, normalise(vec_matrix) if len(canon) else vec_matrix)}
    if progress:
        progress("vectors", len(canon), len(canon))
    if nothing_new:  # a model chosen since the last build may state the needs; nothing is placed again
        statements.restate(ws, canon, vec, provider, params.quotes)
        with ws.transaction() as s:
            return load_needs(s)
    old_members: dict[str, set[str]] = {}
    for it in canon:
        if it.need_id in live_ids:
            old_members.setdefault(it.need_id, set()).add(it.id)  # type: ignore[arg-type]

    if recluster or not live_ids:
        placed = _full(canon, vec, old_members, live_ids, params, absorbed, ws.embedder.embed, provider)
    else:
        placed = _incremental(canon, vec, old_members, stored_cents, params, ws.embedder.embed, settled)
    if progress:
        progress("cluster", 1, 1)
    write_needs(ws, all_items, placed.assign, placed.dissolved, vec, provider, params.quotes, params.core, progress,
                placed.loose, merge_names=recluster or not live_ids, apart=placed.apart, checked=placed.checked,
                by_reason=placed.by_reason)
    ws.set_setting(_BUILT, {"at": started.isoformat(), "items": len(all_items)})
    with ws.transaction() as s:
        return load_needs(s)


def _full(canon, vec, old_members, live_ids, params, absorbed=None, embed=None, provider=None):  # type: ignore[no-untyped-def]
    """Recluster everything; matched clusters keep their old id, unmatched old needs are dissolved, and
    needs the PO merged stay merged (a new cluster resembling an absorbed need joins its survivor)."""
    founders = [it for it in canon if founds_need(it)]
    sets = _cluster_sets([it.id for it in founders], np.stack([vec[it.id] for it in founders])
                         if founders else np.zeros((0, 1)), params.cluster)
    matched = identity.match(old_members, sets)
    # Only ids in use by this build are reserved, not those of the needs before: a need minted from the same members'
    # content is that need again (its id is their hash), so a recluster gives it back its id rather than a wider one
    # (7 of 28 needs of one app's reviews, praise and asks-only needs among them, changed id on every recluster).
    taken = identity.Taken(set(matched.values()), {it.id: identity.content_key(it.kind, it.text) for it in canon})
    new_ids: dict[int, str] = {}
    for k, members in enumerate(sets):
        if k in matched:
            new_ids[k] = matched[k]
        else:
            new_ids[k] = taken.mint(members)
    for keep, parts in (absorbed or {}).items():
        if keep not in new_ids.values():
            continue
        for k, members in enumerate(sets):
            if new_ids[k] != keep and any(identity.jaccard(members, part) >= identity.MIN_JACCARD for part in parts):
                new_ids[k] = keep
    assign: dict[str, str | None] = {it.id: None for it in canon}
    for k, members in enumerate(sets):
        for iid in members:
            assign[iid] = new_ids[k]
    _attach(canon, vec, assign, params)
    # what is left is clustered as praise: an item that reports or asks stays without a need rather than in praise
    leftovers = [it for it in canon if assign[it.id] is None and _customer_loose(it) and not reports_or_asks(it)]
    for k, members in enumerate(_cluster_sets([it.id for it in leftovers], _stack(leftovers, vec), params.cluster)):
        sets.append(members)
        matched_id = identity.match(old_members, [members]).get(0)
        nid = matched_id if matched_id and matched_id not in new_ids.values() else taken.mint(members)
        taken.add(nid)
        new_ids[len(sets) - 1] = nid
        for iid in members:
            assign[iid] = nid
    _split_catch_alls(vec, assign, params, taken, keep_whole={k for k, parts in (absorbed or {}).items() if parts})
    loose = _refine(canon, vec, assign, params, merge=True, embed=embed)
    # after merging, which joins needs on a shared thing: one object, two things done with it, is two needs
    asks = {it.id for it in canon if it.kind == "stakeholder_ask"}
    apart = cut_actions(assign, vec, {it.id: it.text for it in canon}, lambda i: i not in asks,
                        params.cluster.min_size, taken.mint, embed)
    fit_items(canon, vec, assign, founds_need, params.cluster.min_size, embed=embed)  # a member stays if it fits
    hold_items(canon, vec, assign, founds_need, params.cluster.min_size, embed)  # one problem a need
    checked = Checked()
    if provider is not None:  # the model checks each need's evidence, joins needs that are one, offers them the rest
        checked = check_needs(canon, vec, assign, provider, params.cluster.min_size, _customer_says)
        loose = {nid: [i for i in ids if not assign.get(i)] for nid, ids in loose.items()}  # some were placed
    for nid, out in checked.aside.items():  # set aside by the model: loosely related, with its reason
        loose[nid] = [*out, *[i for i in loose.get(nid, []) if i not in out]]
    by_reason = place_serious(canon, vec, assign, taken, says_something, old_members)
    join_serious(canon, vec, assign)  # one fraud problem is one need, however its reports were worded
    own = place_asks(canon, vec, assign, provider, checked.stated) if provider is not None else set()
    unplaced = {i for i, n in assign.items() if n is None}
    route_asks(canon, vec, assign, params, taken, embed, founds_need, own=own)
    if own:  # the customers an ask's own need took by shared words: the model confirms each asks the same
        confirm_askers(canon, assign, provider, own, unplaced)
    new_members: dict[str, set[str]] = {}
    for iid, nid in assign.items():
        if nid:
            new_members.setdefault(nid, set()).add(iid)
    dissolved = {old: identity.best_overlap(members, new_members)
                 for old, members in old_members.items() if old not in new_members}
    for old in live_ids - set(old_members) - set(new_members):
        dissolved[old] = None
    return Placed(assign, dissolved, loose, apart, checked, by_reason)


def _incremental(canon, vec, old_members, stored_cents, params, embed=None,  # type: ignore[no-untyped-def]
                 settled=frozenset()):
    """Keep existing needs; assign new items to them when close, cluster the rest into new needs. Items in
    `settled` were placed by the last build and are not placed again."""
    assign: dict[str, str | None] = {it.id: it.need_id if it.need_id in old_members else None for it in canon}
    cents = _centroids(assign, vec) or {}
    for nid, c in stored_cents.items():
        cents.setdefault(nid, c)
    pending = [it for it in canon if assign[it.id] is None and founds_need(it) and it.id not in settled]
    for it, nid in zip(pending, _nearest(np.stack([vec[it.id] for it in pending]) if pending else np.zeros((0, 1)),
                                         cents, params.assign_similarity)):
        assign[it.id] = nid
    rest = [it for it in pending if assign[it.id] is None]
    taken = identity.Taken(set(old_members) | set(stored_cents),
                           {it.id: identity.content_key(it.kind, it.text) for it in canon})
    for members in _cluster_sets([it.id for it in rest], np.stack([vec[it.id] for it in rest])
                                 if rest else np.zeros((0, 1)), params.cluster):
        nid = taken.mint(members)
        for iid in members:
            assign[iid] = nid
    _attach(canon, vec, assign, params, skip=settled)
    leftovers = [it for it in canon if assign[it.id] is None and _customer_loose(it) and it.id not in settled
                 and not reports_or_asks(it)]
    for members in _cluster_sets([it.id for it in leftovers], _stack(leftovers, vec), params.cluster):
        nid = taken.mint(members)
        for iid in members:
            assign[iid] = nid
    loose = _refine(canon, vec, assign, params, merge=False)  # existing needs are merged only on --recluster
    fit_items(canon, vec, assign, founds_need, params.cluster.min_size, keep=settled)
    by_reason = place_serious([it for it in canon if it.id not in settled], vec, assign, taken, says_something)
    route_asks(canon, vec, assign, params, taken, embed, founds_need)
    return Placed(assign, {}, loose, [], Checked(), by_reason)


def _refine(canon, vec, assign, params, merge: bool, embed=None) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Merge needs that are one problem split by wording, then set aside members that are not evidence of their
    need (assistant/needs/core.py); returns the loosely related items per need."""
    by_id = {it.id: it for it in canon}
    terms = core.item_terms({it.id: it.text for it in canon})
    founds = lambda i: founds_need(by_id[i])  # noqa: E731
    customer = lambda i: by_id[i].kind != "stakeholder_ask"  # noqa: E731
    if merge:
        merge_split(assign, vec, terms, founds, customer, params.core, {it.id: it.text for it in canon},
                         failure=lambda i: by_id[i].triage is not None and by_id[i].triage.type == "bug", embed=embed)
    # Not evidence of a problem need: happy praise that reports nothing and asks nothing ("so easy to read CBR
    # files"). An item typed praise that asks ("dark theme would be so nice") or reports ("crashes a lot, but easy to
    # use"), or is not positive ("how much have I spent lately", typed by its tone) is judged like the problem
    # reports, by its closeness and key terms; and it never stays in a praise need.
    mixed = {it.id for it in canon if reports_or_asks(it)}
    happy = {it.id for it in canon if it.id not in mixed and it.triage is not None
             and it.triage.sentiment.label == "positive"}
    serious = {it.id for it in canon if it.triage is not None and it.triage.urgency.label == "high"}
    loose = core.trim_loose(assign, vec, terms, founds, customer, params.cluster.min_size, params.core,
                            happy=lambda i: i in happy, serious=lambda i: i in serious)
    core.praise_holds_praise(assign, vec, terms, founds, customer, lambda i: i in mixed, params.core,
                             clauses.focus({it.id: it.text for it in canon}, embed) if embed else None)
    if merge:  # judged on the evidence left after trimming; a need a PO has seen goes only on --recluster
        one_sentence = {it.id for it in canon if len(evidence.sentences(it.text)) <= 1}
        for nid in core.dissolve_disagreeing(assign, vec, core.lemma_terms({it.id: it.text for it in canon}),
                                             founds, customer, lambda i: i in one_sentence, params.core, loose):
            loose.pop(nid, None)
    return loose


def _split_catch_alls(vec, assign, params, taken, keep_whole=frozenset()) -> None:  # type: ignore[no-untyped-def]
    """Attaching praise can swell a need past the catch-all limit: apply the rule to the final needs. The biggest
    part of a split need keeps its id (its stories stay with the bulk of its evidence). Needs the PO merged
    (`keep_whole`) stay whole: two themes in one need is their call."""
    ids = sorted(iid for iid, nid in assign.items() if nid)
    if len(ids) < 2:
        return
    nids = sorted({assign[i] for i in ids})
    before = np.array([nids.index(assign[i]) for i in ids])
    after = split_catch_alls(np.stack([vec[i] for i in ids]), before, params.cluster)
    for old in np.unique(before):
        rows = np.where(before == old)[0]
        parts = np.unique(after[rows])
        if len(parts) < 2 or nids[old] in keep_whole:
            continue
        keep = max(parts, key=lambda p: (int((after[rows] == p).sum()), -int(p)))
        for part in parts:
            if part == keep:
                continue
            members = {ids[r] for r in rows if after[r] == part}
            if len(members) < params.cluster.min_size:
                continue  # too small to be a need: stays with the bulk
            nid = taken.mint(members)
            for iid in members:
                assign[iid] = nid


def _stack(items, vec) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.stack([vec[it.id] for it in items]) if items else np.zeros((0, 1), dtype=np.float32)


def _attach(canon, vec, assign, params, skip=frozenset()) -> None:  # type: ignore[no-untyped-def]
    """Praise/other (and leftovers) join the nearest need when close enough (items in `skip` stay as they are)."""
    cents = _centroids(assign, vec)
    loose = [it for it in canon if assign[it.id] is None and _customer_loose(it) and it.id not in skip]
    if not loose:
        return
    # Near in meaning is not enough: "Great app!" sits close to many short complaints. A praise item joins a need
    # only when it also uses one of the need's topic terms (what it praises is what the need is about).
    groups: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid:
            groups.setdefault(nid, []).append(iid)
    texts = {it.id: it.text for it in canon}
    topics = need_topics(groups, texts, params.ask_topic_share, params.ask_topic_lift, rest=False)
    for it, nid in zip(loose, _nearest(np.stack([vec[it.id] for it in loose]), cents, params.attach_similarity)):
        if nid and topic_terms(it.text) & topics.get(nid, set()):
            assign[it.id] = nid
