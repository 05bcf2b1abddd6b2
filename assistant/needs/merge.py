"""Merging needs that are one problem split by wording (or one kind of praise), on a need's core and key terms
(assistant/needs/core.py). See core's docstring for the rule; the pieces added here and why:

- cores `same_core` apart are one problem without a shared key term: the words that tie them are spread over every
  piece, so no piece has them as its own;
- two needs that mostly report a defect may be candidates without a shared key term, and when they name the same
  thing their merge may loosen the need by `failure_coherence_drop` and pass the size cap: one failure described in
  long, varied reviews spreads more than two short requests do;
- a merge may pass the size cap when the need it leaves is as coherent as the median problem need (the catch-all
  rule: a large need is fine when it is as tight as the others);
- every problem merge must leave a need whose items still agree on what it is about (_Agreement), the test
  dissolve_disagreeing applies afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.needs import evidence
from assistant.needs.asks import topic_terms
from assistant.needs.cluster import ClusterParams
from assistant.needs.core import CoreParams, _groups, agreement, core, key_terms, lemma_terms
from assistant.needs.instances import instance_pairs

OBJECT_ITEMS = 40  # items parsed per need and term to tell a thing from an action (bounded for large inboxes)


def things(groups: dict[str, list[str]], keys: dict[str, set[str]],
           texts: dict[str, str]) -> dict[str, tuple[set[str], set[str]]]:
    """Per need, (its key terms its items use as a thing, those they use as an action or a state): a noun in most of
    the items that use the word, or not. "fraud", "card", "bill" are what people ask about; "report" in "report
    fraudulent activity" and "report my card lost" is what they do with it, "pay" in "pay my phone bill" what they
    want done. From the parse of the items, no word list."""
    from assistant.needs.naming import _stem
    from assistant.stories.nlp import parse

    jobs = [(n, term, t) for n in sorted(groups) for term in sorted(keys.get(n, ()))
            for t in sorted({texts[i] for i in groups[n]
                             if i in texts and term in topic_terms(texts[i])})[:OBJECT_ITEMS]]
    unique = sorted({t for _, _, t in jobs})
    tags: dict[str, list[tuple[str, str]]] = {}
    for t, doc in zip(unique, parse(unique)):
        tags[t] = [(_stem(tok.lower_), tok.pos_) for tok in doc]
    votes: dict[tuple[str, str], list[int]] = {}
    for n, term, t in jobs:
        pos = [p for w, p in tags[t] if w == term]
        if pos:
            v = votes.setdefault((n, term), [0, 0])
            v[1 if all(p in ("VERB", "AUX") for p in pos) else 0] += 1
    return {n: ({term for term in keys.get(n, ()) if (v := votes.get((n, term))) and v[0] >= v[1]},
                {term for term in keys.get(n, ()) if (v := votes.get((n, term))) and v[0] < v[1]}) for n in groups}


def merge_split(assign: dict[str, str | None], vec: dict[str, np.ndarray], terms: dict[str, set[str]],
                founds: Callable[[str], bool], customer: Callable[[str], bool],
                p: CoreParams = CoreParams(), texts: dict[str, str] | None = None,
                failure: Callable[[str], bool] = lambda i: False,
                embed: Callable[[list[str]], np.ndarray] | None = None) -> dict[str, str]:
    """Merge needs that are one problem (or one kind of praise) in place; returns {absorbed need: survivor}.

    One pass, closest pair first: candidate pairs come from one matrix product of the cores (in row blocks, so
    thousands of needs stay fast); sizes and vector sums follow the merges, cores and key terms are those of the
    needs as clustered. The larger need survives (its stories stay with the bulk of the evidence). With `embed`,
    needs that differ only by an instance word ("visa limit" / "discover limit") are joined too (instances.py)."""
    groups = _groups(assign, customer)
    nids = sorted(groups)
    if len(nids) < 2:
        return {}
    keys = key_terms(groups, terms, p)
    cores = [core(groups[n], vec, founds, p) for n in nids]
    mat = np.stack([c[0] for c in cores])
    problem = np.array([c[1] for c in cores])
    size = {k: len(groups[n]) for k, n in enumerate(nids)}
    sums = {k: np.sum([vec[i] for i in groups[n]], axis=0) for k, n in enumerate(nids)}
    total = sum(size.values())
    root = list(range(len(nids)))
    # needs whose items mostly report a defect (triage's type): see failure_coherence_drop
    fails = {k: 2 * sum(1 for i in groups[n] if failure(i)) > len(groups[n]) for k, n in enumerate(nids)}
    tolerance: dict[tuple[int, int], float] = {}
    caps: dict[tuple[int, int], float] = {}
    later: list[tuple[float, int, int]] = []
    agrees = _Agreement(groups, nids, vec, texts, p) if texts is not None else None
    tight = [np.linalg.norm(sums[k]) / size[k] for k in size if problem[k] and size[k] >= 3]
    typical = float(np.median(tight)) if tight else 1.0

    def find(k: int) -> int:
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    def join(a: int, b: int, drop: float = p.merge_coherence_drop, cap: float = p.merge_max_share) -> None:
        a, b = find(a), find(b)
        # a merge may pass the cap when it leaves a need as coherent as the median problem need (the catch-all rule:
        # a large need is fine when it is as tight as the others)
        capped = size[a] + size[b] > cap * total and not (
            a != b and problem[a] and np.linalg.norm(sums[a] + sums[b]) / (size[a] + size[b]) >= typical)
        if a == b or capped and (problem[a] or min(size[a], size[b]) >= p.small_praise):
            return
        if problem[a]:
            loosest = min(np.linalg.norm(sums[a]) / size[a], np.linalg.norm(sums[b]) / size[b])
            if np.linalg.norm(sums[a] + sums[b]) / (size[a] + size[b]) < loosest - drop:
                return  # merging would loosen the need: two requests of one domain, not one problem
            if agrees is not None and not agrees.joined(a, b, sums[a] + sums[b]):
                return  # together they no longer agree on what they are about: dissolve would undo the merge
        keep, gone = (a, b) if (size[a], -a) >= (size[b], -b) else (b, a)
        if agrees is not None:
            agrees.merge(keep, gone)
        root[gone] = keep
        size[keep] += size.pop(gone)
        sums[keep] = sums[keep] + sums.pop(gone)

    floor = min(p.merge_similarity, p.praise_merge_similarity)
    pairs: list[tuple[float, int, int]] = []
    for lo in range(0, len(nids), 1024):
        block = mat[lo:lo + 1024] @ mat.T
        for a, b in zip(*np.nonzero(block >= floor)):
            a = int(a) + lo
            b = int(b)
            if a >= b or problem[a] != problem[b]:
                continue  # praise is not evidence of a problem, nor the other way round
            sim = float(block[a - lo, b])
            # two needs of defect reports need no shared key term here: together they must still agree (join())
            if (sim >= p.merge_similarity and (keys[nids[a]] & keys[nids[b]] or sim >= p.same_core
                                               or agrees is not None and fails[a] and fails[b])) if problem[a] \
                    else sim >= p.praise_merge_similarity:
                pairs.append((sim, a, b))
    if texts is not None:
        # Two problem needs are one problem when they ask about the same thing and want the same done with it:
        # "report fraud" and "report a lost card" share only an action, "pay my bill" and "how much is my bill" only
        # a thing. Needs keyed on no thing at all ("how much have I spent") are about what their action is.
        involved = {nids[k] for _, a, b in pairs for k in (a, b) if problem[k]}
        kind = things({n: groups[n] for n in involved}, keys, texts)

        pos = {n: k for k, n in enumerate(nids)}

        def used(term: str, n: str) -> float:
            return sum(1 for i in groups[n] if term in terms[i]) / len(groups[n])

        def same_problem(a: str, b: str, sim: float) -> bool:
            # what most of a need's items want done ("pay" the bill), not an action a few mention ("start up")
            wanted = [(t, b) for t in kind[a][1] if used(t, a) >= 0.5] + [
                (t, a) for t in kind[b][1] if used(t, b) >= 0.5]
            about = kind[a][0] & kind[b][0] if kind[a][0] or kind[b][0] else kind[a][1] & kind[b][1]
            # cores this close are one problem whatever words tell them apart (see same_core); the agreement test
            # in join() still keeps a merge from making a need whose items do not agree
            return sim >= p.same_core or bool(about) and all(used(t, n) >= p.key_share / 2 for t, n in wanted) \
                or fails[pos[a]] and fails[pos[b]]

        pairs = [(sim, a, b) for sim, a, b in pairs if not problem[a] or same_problem(nids[a], nids[b], sim)]
        # the same failure named with the same thing (a key term both use as a thing) may loosen the merge more
        tolerance.update({(a, b): p.failure_coherence_drop for _, a, b in pairs
                          if problem[a] and fails[a] and fails[b] and kind[nids[a]][0] & kind[nids[b]][0]})
        # one product's main defect is often a third of its reviews: a failure both needs name with the same thing
        # may grow past the cap (agreement in join() still keeps unrelated complaints apart)
        caps.update({pair: 2 * p.merge_max_share for pair in tolerance})
        if embed is not None:
            # needs that differ only by an instance of what they ask about: their embeddings lie apart by that word,
            # so the merge may loosen the need like a failure's, but never past the catch-all limit (cluster.py)
            limit = max(ClusterParams().catch_all_share, ClusterParams().catch_all_median * float(
                np.median(list(size.values()))) / total)
            # ... after the other merges, so a need grown by an instance does not then pull in a neighbour the
            # merges before had kept apart (bank: "pay my bill" took "minimum payment" once its utilities joined)
            later = [(sim, a, b) for sim, a, b in instance_pairs(nids, groups, keys, terms, texts, mat, problem,
                                                                 embed, p.key_share / 2) if (a, b) not in tolerance]
            pairs = [t for t in pairs if (t[1], t[2]) not in {(a, b) for _, a, b in later}]
            tolerance.update({(a, b): p.failure_coherence_drop for _, a, b in later})
            caps.update({(a, b): min(limit, p.merge_max_share) for _, a, b in later})
    for sim, a, b in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])) + later:
        join(a, b, tolerance.get((a, b), p.merge_coherence_drop), caps.get((a, b), p.merge_max_share))
    # A handful of reviews praising something is kept with the nearest praise, not shown as a need of its own.
    praise = np.nonzero(~problem)[0]
    for a in sorted(praise, key=lambda k: (size.get(find(k), 0), k)):
        if len(praise) < 2 or find(a) != a or size[a] >= p.small_praise:
            continue
        sims = mat[praise] @ mat[a]
        order = [int(praise[j]) for j in np.argsort(-sims, kind="stable") if find(int(praise[j])) != a]
        if order:
            join(a, order[0])
    absorbed = {nids[k]: nids[find(k)] for k in range(len(nids)) if find(k) != k}
    for iid, nid in assign.items():
        if nid in absorbed:
            assign[iid] = absorbed[nid]
    return absorbed


class _Agreement:
    """Whether two needs as one would still agree on what they are about (agreement(), on lemmas, with the key
    terms of the union against the rest of the inbox): the test dissolve_disagreeing applies after merging, applied
    before it, so a merge never makes a need that is then dissolved (comic-viewer: three pieces of "comics fail to
    load" merged by their cores shared only "reader", and all 44 items lost their need)."""

    def __init__(self, groups: dict[str, list[str]], nids: list[str], vec: dict[str, np.ndarray],
                 texts: dict[str, str], p: CoreParams):
        from collections import Counter

        from assistant.needs.asks import INBOX_WORD

        self.inbox_word, self.p, self.vec = INBOX_WORD, p, vec
        ids = [i for n in nids for i in groups[n]]
        self.lemmas = lemma_terms({i: texts[i] for i in ids})
        self.short = {i for i in ids if len(evidence.sentences(texts[i])) <= 1}
        self.members = {k: list(groups[n]) for k, n in enumerate(nids)}
        self.counts = {k: Counter(t for i in m for t in self.lemmas[i]) for k, m in self.members.items()}
        self.overall: Counter[str] = Counter()
        for c in self.counts.values():
            self.overall.update(c)
        self.total = len(ids)

    def joined(self, a: int, b: int, vector_sum: np.ndarray) -> bool:
        ids, counts, p = self.members[a] + self.members[b], self.counts[a] + self.counts[b], self.p
        n, rest = len(ids), max(self.total - len(ids), 1)
        keys = {t for t, k in counts.items() if k >= max(2, p.key_share * n) and self.overall[t] - k <= self.inbox_word
                * rest and k / n >= p.key_lift * (self.overall[t] - k) / rest}
        centre = vector_sum / max(float(np.linalg.norm(vector_sum)), 1e-12)
        sims = {i: float(self.vec[i] @ centre) for i in ids}
        return bool(keys) and agreement(ids, self.lemmas, keys, sims, self.short.__contains__,
                                        p.core_floor) >= p.min_agreement

    def merge(self, keep: int, gone: int) -> None:
        self.members[keep] += self.members.pop(gone)
        self.counts[keep] += self.counts.pop(gone)
