"""Cutting a need in two when its items do two things with one object.

Why: the embedding puts "what is my credit score" next to "how can I improve my credit score" (one object, almost
the same words), so the tree cut and the loose-need split (cluster.py) keep them together, and merging on a shared
thing (merge.py) joins them again; a PO reads two needs and the story covers one (bank audit: credit score, reward
points balance vs redeem, lost vs damaged card, freeze vs "why is my account blocked"). A need is cut in three ways,
all from the parse of its own items and the embeddings (no word list):

- two action groups: the tree's two-way cut has on each side a verb of its own ("lose" my card / my card is
  "damaged"), in a far larger share of its items than the other side (GAP). A verb merely spread over a need's
  reviews ("open", "try") fails, since the two sides then share it.
- a thing done and a question about the thing: "how do I raise my score" beside "what's my credit score". The side
  that does something is told by verbs that carry the item's ask (taking them out of the item moves its embedding:
  "how can i ___ my credit score"), the other side asks with a wh-word and a verb that carries nothing ("what rate
  am i getting" is the rate without "getting"). Verbs every few needs use ("know", "tell") carry no action.
- a verb and its reversal in one need: "unfreeze"/"freeze", "unlock"/"lock" are opposite asks on one object.

A cut needs each side big enough to be a need (min_size, and a share of the need) and, for the first two, the two
sides to differ in the embeddings too (a 2-means refinement keeps them apart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from assistant.needs.cluster import _tree, normalise

MIN_PART = 1 / 3  # each side of the tree's two-way cut holds at least this share of the need (and min_size items)
GAP = 0.5  # ... and each side uses a verb of its own in this larger a share of its items than the other side
# a thing done beside questions about it: each side at least this share of the need, and the items whose verbs
# carry their ask are this much more common on the doing side
ASK_PART = 1 / 4
ASK_GAP = 0.5
AGREE = 0.9  # ... and the embeddings' own two-way cut puts this share of the items on the same sides
# a verb carries an item's ask when the item without it is at most this similar to the item ("how can I raise my
# score" 0.64-0.90; "what interest rate am I getting" 0.89-0.98 on the bank inbox)
CARRIES = 0.9
SPREAD = 0.2  # a verb used (by 2+ items) in this share of the needs (and 3+) asks, it does nothing ("tell", "know")
ASK_ITEMS = 300  # items of a large need whose verbs are read and re-embedded
# items of a need this long or shorter (median words) are one request each, whose verb the re-embedding can read:
# the bank inbox's support queries run 8-12 words; app reviews 20-40, and no review need was ever cut this way
ONE_REQUEST_WORDS = 16
SAMPLE = 40  # items per need read to find the verbs that only ask (bounded for large inboxes)
REVERSAL = "un"  # English's reversing prefix: "unfreeze" undoes "freeze"


def _verbs(texts: dict[str, str]) -> dict[str, set[str]]:
    """Content verbs per item (spaCy's general stop list drops be/have/do/can: they carry no action)."""
    from assistant.stories.nlp import parse

    ids = sorted(texts)
    out: dict[str, set[str]] = {}
    for i, doc in zip(ids, parse([texts[i] for i in ids])):  # the shared parse cache (instances.py, drafting)
        out[i] = {t.lemma_.lower() for t in doc if t.pos_ == "VERB" and not t.is_stop and t.is_alpha}
    return out


def _asking(groups: dict[str, list[str]], verbs: dict[str, set[str]]) -> set[str]:
    """Verbs many needs of this inbox use: people ask with them ("tell me", "I need to know"), they do nothing."""
    used = Counter(v for ids in groups.values()
                   for v, k in Counter(v for i in ids for v in verbs.get(i, ())).items() if k >= 2)
    return {v for v, k in used.items() if k >= max(3, SPREAD * len(groups))}


def _doers(ids: list[str], x: np.ndarray, verbs: dict[str, set[str]], asking: set[str], texts: dict[str, str],
           embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Per item, whether a verb of its own carries its ask: the item without that verb (and the words made from
    it: "redeem"/"redemption") embeds apart from the item."""
    import re

    own = {i: {v for v in verbs.get(i, ()) if v not in asking} for i in ids}
    cand = [k for k, i in enumerate(ids) if own[i]]
    if not cand:
        return np.zeros(len(ids), dtype=bool)

    def kept(word: str, vs: set[str]) -> bool:
        w = word.lower()
        return not any(w.startswith(v[:max(len(v) - 1, 3)]) for v in vs)

    masked = [" ".join(w for w in re.findall(r"[\w']+", texts[ids[k]]) if kept(w, own[ids[k]])) for k in cand]
    out = np.zeros(len(ids), dtype=bool)
    out[cand] = (x[cand] * normalise(np.asarray(embed(masked), dtype=np.float32))).sum(axis=1) <= CARRIES
    return out


def _two_means(x: np.ndarray, seed: np.ndarray, rounds: int = 10) -> np.ndarray:
    """The seed's two sides moved to their nearer centroid until nothing moves: the cut the embeddings agree with."""
    side = seed.copy()
    for _ in range(rounds):
        if side.all() or not side.any():
            break
        c = normalise(np.stack([x[side].mean(axis=0), x[~side].mean(axis=0)]))
        moved = x @ c[0] > x @ c[1]
        if (moved == side).all():
            break
        side = moved
    return side


def _reversed(ids: list[str], verbs: dict[str, set[str]], x: np.ndarray, min_size: int) -> list[str]:
    """The items that undo what others of the need do ("unfreeze my account" in a need about freezing it): at least
    min_size items use the reversed verb and at least min_size others the verb it reverses without it ("I lock my
    phone and try to unlock it" tells of one thing, not two asks), and the embeddings keep the two apart too."""
    used = Counter(v for i in ids for v in verbs.get(i, ()))
    undo = {v for v in used if v.startswith(REVERSAL) and used[v[len(REVERSAL):]]}
    side = np.array([bool(verbs.get(i, set()) & undo) for i in ids])
    done = [i for i, s in zip(ids, side) if not s and verbs.get(i, set()) & {v[len(REVERSAL):] for v in undo}]
    if not (min_size <= side.sum() <= len(ids) - 2 * min_size and len(done) >= min_size):
        return []
    c = normalise(np.stack([x[side].mean(axis=0), x[~side].mean(axis=0)]))
    return [i for i, s in zip(ids, side) if s] if float(((x @ c[0] > x @ c[1]) == side).mean()) >= AGREE else []


def action_cuts(groups: dict[str, list[str]], vec: dict[str, np.ndarray], texts: dict[str, str],
                min_size: int, embed: Callable[[list[str]], np.ndarray] | None = None
                ) -> dict[str, tuple[str, list[str]]]:
    """{need: (what tells the sides apart, the items of one side)} for each need whose items do two things."""
    from scipy.cluster.hierarchy import fcluster

    big = {n: ids for n, ids in groups.items() if len(ids) >= 4 * min_size}
    verbs = _verbs({i: texts[i] for ids in big.values() for i in ids if i in texts})
    # which verbs only ask, from up to SAMPLE items of every need (bounded for large inboxes)
    sample = {n: sorted(i for i in ids if i in texts)[:SAMPLE] for n, ids in groups.items()}
    asking = _asking(sample, {**verbs, **_verbs({i: texts[i] for ids in sample.values() for i in ids
                                                 if i not in verbs})}) if embed else set()
    cuts: dict[str, tuple[str, list[str]]] = {}
    for n, ids in sorted(big.items()):
        x = np.stack([vec[i] for i in ids])
        undo = _reversed(ids, verbs, x, min_size)
        if undo:
            cuts[n] = ("reversed", undo)
            continue
        parts = fcluster(_tree(x), 2, criterion="maxclust").astype(int) - 1
        sides = [[i for i, q in zip(ids, parts) if q == s] for s in (0, 1)]
        if min(map(len, sides)) >= max(2 * min_size, MIN_PART * len(ids)):  # each side a real need, not a few
            rate = [{v: sum(1 for i in side if v in verbs.get(i, ())) / len(side)
                     for v in {v for i in ids for v in verbs.get(i, ())}} for side in sides]
            # two action groups: each side has a verb of its own ("lose" my card / my card is "damaged"); one side's
            # verb alone ("uninstall" beside the reason it fails) is one problem told with and without its action
            best = [max(((rate[s][v] - rate[1 - s][v], v) for v in rate[s]), default=(0.0, "")) for s in (0, 1)]
            if min(gap for gap, _ in best) >= GAP:
                cuts[n] = (best[0][1] + "/" + best[1][1], sides[0])
                continue
        if embed is None:
            continue
        # read on up to ASK_ITEMS items (ids are hashes: an even sample), then every item goes to the nearer side
        k = slice(0, ASK_ITEMS)
        # the embeddings alone cut the need the same way (the tree's two-way cut, refined alike): the two asks are
        # apart in the data, not one ask the action words happen to halve ("where do I find" / "what is" my routing
        # number: the tree cuts those elsewhere)
        tree = _two_means(x[k], parts[k] == 0)
        need = max(2 * min_size, ASK_PART * len(tree))
        if min(int(tree.sum()), int((~tree).sum())) < need - (1 - AGREE) * len(tree):
            continue  # no side that agrees this well with the tree's can be big enough: spare the re-embedding
        if sum(1 for i in ids[k] if verbs.get(i, set()) - asking) < ASK_GAP * need:
            continue  # too few items with a verb of their own for one side to be mostly doers
        if float(np.median([len(texts[i].split()) for i in ids[k]])) > ONE_REQUEST_WORDS:
            continue  # reviews of several sentences embed their topics, not one verb: masking it moves nothing
        doing = _doers(ids[k], x[k], verbs, asking, texts, embed)
        side = _two_means(x[k], doing)
        if min(int(side.sum()), int((~side).sum())) < need:
            continue
        same = max(float((tree == side).mean()), float((tree != side).mean()))
        if same >= AGREE and doing[side].mean() - doing[~side].mean() >= ASK_GAP:
            c = normalise(np.stack([x[k][side].mean(axis=0), x[k][~side].mean(axis=0)]))
            cuts[n] = ("do/ask", [i for i, d in zip(ids, x @ c[0] > x @ c[1]) if d])
    return cuts


def cut_actions(assign: dict[str, str | None], vec: dict[str, np.ndarray], texts: dict[str, str],
                customer: Callable[[str], bool], min_size: int, mint: Callable[[set[str]], str],
                embed: Callable[[list[str]], np.ndarray] | None = None) -> list[str]:
    """Cut in place: the side with fewer customer items gets a new need (the bulk keeps the id and its stories).
    Returns the new need ids."""
    groups: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid and customer(iid):
            groups.setdefault(nid, []).append(iid)
    new: list[str] = []
    for n, (_, side) in action_cuts(groups, vec, texts, min_size, embed).items():
        rest = [i for i in groups[n] if i not in set(side)]
        moved = set(side) if len(side) <= len(rest) else set(rest)
        nid = mint(moved)
        for iid in moved:
            assign[iid] = nid
        new.append(nid)
    return new
