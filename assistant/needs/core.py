"""A need's core, and the two repairs made on it after clustering: merge split needs, trim loose members.

Why: on one app's real reviews the embedding of a long, multi-topic review sits between topics, so clustering alone
(a) spread the app's main complaint ("out of memory") over six needs and cut praise into many small needs, and
(b) showed, as evidence of a need, reviews that mention its topic only in passing (1 in 4 quotes did not belong).

- A need's *core* is the mean vector of its founding items (problems and asks) when it is a problem need, else of
  all its items; its *key terms* are the words (plural folded) that at least `key_share` of its items use and that
  are `key_lift` times as common there as in the rest of the inbox (c-TF-IDF style, from the data, no word list).
- Merge: two problem needs whose cores are at least `merge_similarity` close and that share a key term are one
  problem split by wording; two praise needs whose cores are `praise_merge_similarity` close are one kind of praise,
  and a praise need of fewer than `small_praise` items joins the nearest praise need.
  Merging is greedy, closest pair first, and recomputes cores and key terms after every merge.
- Trim: a member of a problem need that is not itself a problem (praise of the same feature attached to it: "so easy
  to read CBR files" is no evidence that CBR files fail), or that is far from the core (below `core_floor`) and uses
  none of the need's key terms, is "loosely related": listed with the need, not counted, quoted or cited by its
  stories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.needs.asks import need_topics, topic_terms
from assistant.needs.cluster import normalise


@dataclass(frozen=True)
class CoreParams:
    key_share: float = 0.3  # a key term is used by this share of the need's items ...
    key_lift: float = 3.0  # ... and is this many times as common in the need as in the rest of the inbox
    merge_similarity: float = 0.6  # problem needs with cores this close and a shared key term are one problem
    praise_merge_similarity: float = 0.55  # praise needs with cores this close are one kind of praise
    core_floor: float = 0.62  # members further than this from the core need a key term to stay evidence
    problem_share: float = 0.4  # a need is a problem need when this share of its items found needs
    # A merge must not make a looser need: its coherence (mean cosine to its centroid) may drop at most this much
    # below the looser of the two. Two of a bank's fine-grained requests ("lost card", "card declined") are each
    # tight and lose far more when merged; one complaint worded several ways loses almost nothing.
    merge_coherence_drop: float = 0.02
    merge_max_share: float = 0.15  # and it stays below this share of the customer items
    small_praise: int = 6  # a praise need smaller than this joins the nearest praise need whatever its size


def _groups(assign: dict[str, str | None], keep: Callable[[str], bool]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid and keep(iid):
            out.setdefault(nid, []).append(iid)
    return out


def key_terms(groups: dict[str, list[str]], terms: dict[str, set[str]], p: CoreParams) -> dict[str, set[str]]:
    """Per need: the terms a good share of its items use and the rest of the inbox much less."""
    return need_topics(groups, {}, p.key_share, p.key_lift, terms=terms)


def core(ids: list[str], vec: dict[str, np.ndarray], founds: Callable[[str], bool],
         p: CoreParams) -> tuple[np.ndarray, bool]:
    """(core vector, is a problem need) of one need's customer items."""
    problems = [i for i in ids if founds(i)]
    is_problem = len(problems) >= 2 and len(problems) >= p.problem_share * len(ids)
    base = problems if is_problem else ids
    return normalise(np.mean([vec[i] for i in base], axis=0)[None, :])[0], is_problem


def merge_split(assign: dict[str, str | None], vec: dict[str, np.ndarray], terms: dict[str, set[str]],
                founds: Callable[[str], bool], customer: Callable[[str], bool],
                p: CoreParams = CoreParams()) -> dict[str, str]:
    """Merge needs that are one problem (or one kind of praise) in place; returns {absorbed need: survivor}. The
    larger need survives (its stories stay with the bulk of the evidence)."""
    absorbed: dict[str, str] = {}
    while True:
        groups = _groups(assign, customer)
        if len(groups) < 2:
            return absorbed
        keys = key_terms(groups, terms, p)
        nids = sorted(groups)
        cores = {nid: core(groups[nid], vec, founds, p) for nid in nids}
        mat = np.stack([cores[n][0] for n in nids])
        sims = mat @ mat.T
        sums = {n: np.sum([vec[i] for i in groups[n]], axis=0) for n in nids}
        total = sum(len(v) for v in groups.values())

        def coherent(a: str, b: str) -> bool:
            na, nb = len(groups[a]), len(groups[b])
            if na + nb > p.merge_max_share * total:
                return False
            if not cores[a][1]:
                return True  # praise is generic ("great app"): praise needs merge by nearness up to the size cap
            loosest = min(np.linalg.norm(sums[a]) / na, np.linalg.norm(sums[b]) / nb)
            return bool(np.linalg.norm(sums[a] + sums[b]) / (na + nb) >= loosest - p.merge_coherence_drop)
        best: tuple[float, str, str] | None = None
        for a in range(len(nids)):
            for b in range(a + 1, len(nids)):
                na, nb = nids[a], nids[b]
                pa, pb = cores[na][1], cores[nb][1]
                if pa != pb:
                    continue  # praise is not evidence of a problem, nor the other way round
                ok = (sims[a, b] >= p.merge_similarity and keys[na] & keys[nb]) if pa \
                    else sims[a, b] >= p.praise_merge_similarity
                if ok and (best is None or sims[a, b] > best[0]) and coherent(na, nb):
                    best = (float(sims[a, b]), na, nb)
        if best is None:
            best = _small_praise(groups, cores, nids, sims, p)
        if best is None:
            return absorbed
        _, na, nb = best
        keep, gone = (na, nb) if (len(groups[na]), nb) >= (len(groups[nb]), na) else (nb, na)
        for iid, nid in assign.items():
            if nid == gone:
                assign[iid] = keep
        for old, new in absorbed.items():
            if new == gone:
                absorbed[old] = keep
        absorbed[gone] = keep


def _small_praise(groups, cores, nids, sims, p: CoreParams) -> tuple[float, str, str] | None:  # type: ignore[no-untyped-def]
    """The smallest praise need under `small_praise` items and the praise need nearest to it: a handful of reviews
    praising something is kept with the nearest praise, not shown as a need of its own (praise is not backlog)."""
    praise = [k for k, n in enumerate(nids) if not cores[n][1]]
    small = sorted((len(groups[nids[k]]), nids[k], k) for k in praise if len(groups[nids[k]]) < p.small_praise)
    if not small or len(praise) < 2:
        return None
    _, na, a = small[0]
    b = max((k for k in praise if k != a), key=lambda k: (sims[a, k], nids[k]))
    return float(sims[a, b]), na, nids[b]


def trim_loose(assign: dict[str, str | None], vec: dict[str, np.ndarray], terms: dict[str, set[str]],
               founds: Callable[[str], bool], customer: Callable[[str], bool], min_size: int,
               p: CoreParams = CoreParams()) -> dict[str, list[str]]:
    """Unassign members of problem needs that are not evidence of them (see the module docstring); returns
    {need id: loosely related item ids, closest first}. A need never drops below min_size evidence items."""
    groups = _groups(assign, customer)
    keys = key_terms(groups, terms, p)
    loose: dict[str, list[str]] = {}
    for nid, ids in groups.items():
        centre, is_problem = core(ids, vec, founds, p)
        if not is_problem:
            continue
        sims = {i: float(vec[i] @ centre) for i in ids}
        out = [i for i in ids if not founds(i) or (sims[i] < p.core_floor and not terms[i] & keys[nid])]
        if len(ids) - len(out) < min_size:
            continue
        out.sort(key=lambda i: (-sims[i], i))
        for i in out:
            assign[i] = None
        if out:
            loose[nid] = out
    return loose


def item_terms(texts: dict[str, str]) -> dict[str, set[str]]:
    return {iid: topic_terms(t) for iid, t in texts.items()}
