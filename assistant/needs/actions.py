"""Cutting a need in two when its items do two things with one object.

Why: the embedding puts "what is my credit score" next to "how can I improve my credit score" (one object, almost
the same words), so the tree cut and the loose-need split (cluster.py) keep them together, and merging on a shared
thing (merge.py) joins them again; a PO reads two needs and the story covers one (bank audit: credit score, reward
points balance vs redeem, lost vs damaged card, freeze vs "why is my account blocked"). Here a need is cut by an
action verb from the parse of its own items (no word list) when (a) the items with that verb and those without are
each a real share of the need and (b) the embeddings agree: nearly every item is nearer its own side's centroid. A
verb that is merely spread over a need's reviews ("open", "try") fails (b), since the two sides then share a centre.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

MIN_PART = 1 / 3  # each side of the tree's two-way cut holds at least this share of the need (and min_size items)
GAP = 0.5  # ... and each side uses a verb of its own in this larger a share of its items than the other side


def _verbs(texts: dict[str, str]) -> dict[str, set[str]]:
    """Content verbs per item (spaCy's general stop list drops be/have/do/can: they carry no action)."""
    from assistant.stories.nlp import parse

    ids = sorted(texts)
    out: dict[str, set[str]] = {}
    for i, doc in zip(ids, parse([texts[i] for i in ids])):  # the shared parse cache (instances.py, drafting)
        out[i] = {t.lemma_.lower() for t in doc if t.pos_ == "VERB" and not t.is_stop and t.is_alpha}
    return out


def action_cuts(groups: dict[str, list[str]], vec: dict[str, np.ndarray], texts: dict[str, str],
                min_size: int) -> dict[str, tuple[str, list[str]]]:
    """{need: (the two sides' verbs, the items of one side)} for each need whose two-way tree cut is two action groups."""
    from scipy.cluster.hierarchy import fcluster

    from assistant.needs.cluster import _tree

    big = {n: ids for n, ids in groups.items() if len(ids) >= 4 * min_size}
    verbs = _verbs({i: texts[i] for ids in big.values() for i in ids if i in texts})
    cuts: dict[str, tuple[str, list[str]]] = {}
    for n, ids in sorted(big.items()):
        parts = fcluster(_tree(np.stack([vec[i] for i in ids])), 2, criterion="maxclust").astype(int) - 1
        sides = [[i for i, q in zip(ids, parts) if q == s] for s in (0, 1)]
        if min(map(len, sides)) < max(2 * min_size, MIN_PART * len(ids)):  # each side a real need, not a few
            continue
        rate = [{v: sum(1 for i in side if v in verbs.get(i, ())) / len(side)
                 for v in {v for i in ids for v in verbs.get(i, ())}} for side in sides]
        # two action groups: each side has a verb of its own ("lose" my card / my card is "damaged"); one side's
        # verb alone ("uninstall" beside the reason it fails) is one problem told with and without its action
        best = [max(((rate[s][v] - rate[1 - s][v], v) for v in rate[s]), default=(0.0, "")) for s in (0, 1)]
        if min(gap for gap, _ in best) >= GAP:
            cuts[n] = (best[0][1] + "/" + best[1][1], sides[0])
    return cuts


def cut_actions(assign: dict[str, str | None], vec: dict[str, np.ndarray], texts: dict[str, str],
                customer: Callable[[str], bool], min_size: int, mint: Callable[[set[str]], str]) -> list[str]:
    """Cut in place: the side with fewer customer items gets a new need (the bulk keeps the id and its stories).
    Returns the new need ids."""
    groups: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid and customer(iid):
            groups.setdefault(nid, []).append(iid)
    new: list[str] = []
    for n, (_, side) in action_cuts(groups, vec, texts, min_size).items():
        rest = [i for i in groups[n] if i not in set(side)]
        moved = set(side) if len(side) <= len(rest) else set(rest)
        nid = mint(moved)
        for iid in moved:
            assign[iid] = nid
        new.append(nid)
    return new
