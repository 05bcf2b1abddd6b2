"""Clustering that needs no k: a Ward tree cut where the needs become coherent, then catch-alls split.

Why Ward and coherence: average linkage at a fixed distance chains neighbouring asks into catch-all needs (one
bank need held 13% of 900 messages from a dozen requests). Ward builds compact groups; the cut is the coarsest
one at which items sit, on average, at least `coherence` cosine from their need's centroid. That criterion
does not depend on how many items there are or how many topics, so the granularity follows the data: a bank's
thirty requests come out as about thirty needs, one app's fine-grained complaints are not merged because they
share a domain. A need larger than max(8%, 3x the median need) that is less coherent than the others is split
again by the same criterion (a "catch-all" only stays when it is as tight as the rest). A need of ordinary size that
is `loose_gap` looser than the median is two requests side by side (a bank's fraud reports beside its name changes):
it is cut in two by the tree, when the smaller part is a real share of it, and again while a part stays loose.

Large sets go through two stages so 50k items stay within a minute on 2 cores: mini-batch k-means to at most
`micro_max` micro-clusters, then the same tree and cut over their centroids (coherence is still computed on the
items, from each micro-cluster's vector sum). Groups smaller than `min_size` are dissolved and their members
join the nearest need when close enough, so the outlier pile stays small (HDBSCAN-style 30-50% unassigned is
not useful to a PO).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNASSIGNED = -1


@dataclass(frozen=True)
class ClusterParams:
    """Thresholds are cosine similarities on L2-normalised MiniLM vectors."""

    coherence: float = 0.75  # size-weighted mean cosine of items to their need's centroid at the cut
    min_size: int = 3  # smaller groups are not a need on their own
    reassign_similarity: float = 0.45  # an outlier joins the nearest need when at least this similar
    catch_all_share: float = 0.08  # a need above max(this share, catch_all_median x median need) ...
    catch_all_median: float = 3.0  # ... must be as coherent as the others, or it is split
    loose_gap: float = 0.08  # a need this far below the median coherence is split whatever its size ...
    loose_part: float = 0.15  # ... in two, when the smaller part holds at least this share of it
    direct_max: int = 5000  # up to this many items: build the tree on the items themselves
    micro_per_item: int = 3  # two-stage: about one micro-cluster per this many items ...
    micro_max: int = 2000  # ... but at most this many
    seed: int = 0


def normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)


def _group_sums(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of x per label 0..k-1 (a sparse one-hot product: np.add.at is 10x slower here)."""
    from scipy.sparse import csr_matrix

    onehot = csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    return np.asarray(onehot @ x.astype(np.float64))


def _nearest(x: np.ndarray, centres: np.ndarray, chunk: int = 8192) -> np.ndarray:
    return np.concatenate([(x[i:i + chunk] @ centres.T).argmax(axis=1) for i in range(0, len(x), chunk)])


def _micro(x: np.ndarray, p: ClusterParams) -> np.ndarray:
    """Micro-cluster label per item: spherical k-means from a random sample of items, two refinement passes.

    Few passes on purpose: the tree does the real grouping, the micro-clusters only need to be tight."""
    k = int(min(p.micro_max, max(2, len(x) // p.micro_per_item)))
    rng = np.random.default_rng(p.seed)
    centres = x[rng.choice(len(x), size=k, replace=False)]
    for _ in range(2):
        labels = _nearest(x, centres)
        sums = _group_sums(x, labels, k)
        filled = np.linalg.norm(sums, axis=1) > 0
        centres = np.where(filled[:, None], normalise(sums), centres).astype(np.float32)
    return _nearest(x, centres)


class _Points:
    """The objects the tree is built on (items, or micro-clusters) with the item-level sums behind them."""

    def __init__(self, sums: np.ndarray, counts: np.ndarray):
        self.sums = sums.astype(np.float64)
        self.counts = counts.astype(np.int64)

    def coherence(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean item cosine to the centroid, item count) per label 0..max: |sum of unit vectors| / count."""
        k = int(labels.max()) + 1
        s = _group_sums(self.sums, labels, k)
        n = np.bincount(labels, weights=self.counts, minlength=k)
        return np.linalg.norm(s, axis=1) / np.clip(n, 1, None), n


def _cut(points: _Points, tree: np.ndarray, target: float, min_size: int, min_k: int = 1) -> np.ndarray:
    """Labels of the coarsest cut of the tree whose needs (of min_size+ items) reach the target coherence."""
    from scipy.cluster.hierarchy import fcluster

    m = len(points.counts)

    def at(k: int) -> tuple[np.ndarray, bool]:
        labels = fcluster(tree, k, criterion="maxclust").astype(int) - 1
        coh, n = points.coherence(labels)
        real = n >= min_size
        ok = not real.any() or float((coh[real] * n[real]).sum() / n[real].sum()) >= target
        return labels, ok

    lo, hi = max(1, min_k), m
    while lo < hi:  # coherence grows (nearly) monotonically with k: binary search for the smallest good k
        mid = (lo + hi) // 2
        if at(mid)[1]:
            hi = mid
        else:
            lo = mid + 1
    return at(lo)[0]


def _tree(points: np.ndarray) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage

    return linkage(normalise(points).astype(np.float64), method="ward")


def _split_catch_alls(points: _Points, vectors: np.ndarray, labels: np.ndarray, p: ClusterParams) -> np.ndarray:
    """Split needs over max(share, k x median) items that are less coherent than the median of the others."""
    kept: set[int] = set()  # loose needs whose two-way cut only cuts off a few outliers: not tried again
    for _ in range(20):  # each round splits at least one need; bounded so odd data cannot loop
        coh, n = points.coherence(labels)
        real = n >= p.min_size
        if real.sum() < 2:
            return labels
        limit = max(p.catch_all_share * n.sum(), p.catch_all_median * float(np.median(n[real])))
        others = real & (n <= limit)
        reference = float(np.median(coh[others] if others.any() else coh[real]))
        # Over the size limit and less coherent than the others, or of any real size and far looser than them
        # (one loose group hides among tight ones in the average the cut is chosen by).
        loose = (n >= 2 * p.min_size) & (coh < reference - p.loose_gap)
        worst = [k for k in np.where(((n > limit) & (coh < reference)) | loose)[0]
                 if (labels == k).sum() > 2 and k not in kept]
        if not worst:
            return labels
        nxt = int(labels.max()) + 1
        for k in worst:
            rows = np.where(labels == k)[0]
            sub = _Points(points.sums[rows], points.counts[rows])
            tree = _tree(vectors[rows])
            if n[k] <= limit:
                # A loose need of ordinary size is two requests side by side (fraud reports beside name changes):
                # cut it in two, and again next round if a part is still loose, rather than into as many parts as
                # the median coherence asks for (that shreds a need of long, varied reviews).
                from scipy.cluster.hierarchy import fcluster

                parts = fcluster(tree, 2, criterion="maxclust").astype(int) - 1
                if min(np.bincount(parts, weights=sub.counts)) < max(p.min_size, p.loose_part * n[k]):
                    kept.add(k)  # a few outliers cut off is no second request: trimming sets those aside
                    continue
            else:
                parts = _cut(sub, tree, reference, p.min_size, min_k=2)
            for part in range(1, int(parts.max()) + 1):
                labels[rows[parts == part]] = nxt
                nxt += 1
    return labels


def split_catch_alls(vectors: np.ndarray, labels: np.ndarray, params: ClusterParams = ClusterParams()) -> np.ndarray:
    """The catch-all rule on any labelling (e.g. after praise was attached to the clustered needs): a need over
    max(8%, 3x median) that is less coherent than the others is split. Unassigned rows (-1) stay unassigned."""
    x = normalise(vectors)
    out = labels.copy()
    rows = np.where(labels >= 0)[0]
    if len(rows) < 2:
        return out
    _, dense = np.unique(labels[rows], return_inverse=True)
    points = _Points(x[rows], np.ones(len(rows)))
    split = _split_catch_alls(points, x[rows], dense.astype(int), params)
    out[rows] = split
    return _renumber(out)


def centroids(x: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Normalised mean vector per non-negative label."""
    out: dict[int, np.ndarray] = {}
    for lab in np.unique(labels):
        if lab < 0:
            continue
        c = x[labels == lab].mean(axis=0)
        out[int(lab)] = c / max(float(np.linalg.norm(c)), 1e-12)
    return out


def reassign(x: np.ndarray, labels: np.ndarray, min_similarity: float) -> np.ndarray:
    """Give unassigned rows the label of the nearest centroid when at least min_similarity close."""
    cents = centroids(x, labels)
    lost = np.where(labels < 0)[0]
    if not cents or not len(lost):
        return labels
    keys = np.array(list(cents))
    mat = np.stack([cents[k] for k in keys])
    sims = x[lost] @ mat.T
    best = sims.argmax(axis=1)
    ok = sims[np.arange(len(lost)), best] >= min_similarity
    labels = labels.copy()
    labels[lost[ok]] = keys[best[ok]]
    return labels


def cluster(vectors: np.ndarray, params: ClusterParams = ClusterParams()) -> np.ndarray:
    """A label per row (0..m-1, or -1 = unassigned); labels are ordered by first appearance."""
    x = normalise(vectors)
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n < params.min_size:
        return np.full(n, UNASSIGNED)
    if n == 1:
        return np.zeros(1, dtype=int)
    if n <= params.direct_max:
        micro = np.arange(n)
        reps = x
        points = _Points(x, np.ones(n))
    else:
        micro = _micro(x, params)
        used, micro = np.unique(micro, return_inverse=True)
        sums = _group_sums(x, micro, len(used))
        points = _Points(sums, np.bincount(micro))
        reps = normalise(sums)
    groups = _cut(points, _tree(reps), params.coherence, params.min_size)
    groups = _split_catch_alls(points, reps, groups, params)
    labels = groups[micro]
    counts = np.bincount(labels)
    labels = np.where(np.isin(labels, np.where(counts < params.min_size)[0]), UNASSIGNED, labels)
    labels = reassign(x, labels, params.reassign_similarity)
    return _renumber(labels)


def _renumber(labels: np.ndarray) -> np.ndarray:
    mapping: dict[int, int] = {}
    out = np.full(len(labels), UNASSIGNED)
    for i, lab in enumerate(labels):
        if lab < 0:
            continue
        out[i] = mapping.setdefault(int(lab), len(mapping))
    return out
