"""Clustering that needs no k: average-linkage agglomeration on cosine distance with a threshold.

Small sets are clustered item by item. Large sets go through two stages so 50k items stay within a minute
on 2 cores: mini-batch k-means to a few hundred micro-clusters, then the same threshold agglomeration on
their centroids. Small groups are dissolved and their members reassigned to the nearest need when close
enough, so the "outlier pile" stays small (HDBSCAN-style 30-50% unassigned is not useful to a PO).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNASSIGNED = -1


@dataclass(frozen=True)
class ClusterParams:
    """Thresholds are cosine similarities / distances on L2-normalised MiniLM vectors."""

    distance_threshold: float = 0.62  # average-linkage cosine distance at which groups stop merging
    min_size: int = 3  # smaller groups are not a need on their own
    reassign_similarity: float = 0.25  # an outlier joins the nearest need when at least this similar
    direct_max: int = 2500  # up to this many items: agglomerate items directly
    micro_per_item: int = 25  # two-stage: about one micro-cluster per this many items ...
    micro_max: int = 500  # ... but at most this many
    seed: int = 0


def normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)


def _agglomerate(x: np.ndarray, threshold: float) -> np.ndarray:
    """Average-linkage labels for the rows of x (unit vectors or raw member means), cut at the threshold.

    Distance is 1 - dot product: the cosine distance for unit vectors, the average member-to-member
    cosine distance for raw means of unit vectors."""
    if len(x) == 1:
        return np.zeros(1, dtype=int)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sq = np.clip(1.0 - x.astype(np.float64) @ x.T.astype(np.float64), 0.0, 2.0)
    np.fill_diagonal(sq, 0.0)
    dist = squareform(sq, checks=False)
    tree = linkage(dist, method="average")
    return fcluster(tree, t=threshold, criterion="distance").astype(int) - 1


def _micro(x: np.ndarray, p: ClusterParams) -> tuple[np.ndarray, np.ndarray]:
    """(micro label per item, micro centroid matrix) from mini-batch k-means."""
    from sklearn.cluster import MiniBatchKMeans

    k = int(min(p.micro_max, max(2, len(x) // p.micro_per_item)))
    km = MiniBatchKMeans(
        # Random init: k-means++ over hundreds of centres cost 10x the whole fit and bought nothing here,
        # since the agglomeration step merges the micro-clusters anyway.
        n_clusters=k, batch_size=4096, n_init=1, max_iter=30, random_state=p.seed, reassignment_ratio=0.0,
        max_no_improvement=5, init="random",
    )
    labels = km.fit_predict(x)
    # Raw (unnormalised) member means: for unit vectors, mean_a . mean_b is exactly the average cosine
    # between the members of a and b, so the centroid stage keeps average-linkage semantics.
    means = np.zeros((k, x.shape[1]), dtype=np.float64)
    np.add.at(means, labels, x)
    sizes = np.bincount(labels, minlength=k)
    means /= np.clip(sizes, 1, None)[:, None]
    return labels, means.astype(np.float32)


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
    if n <= params.direct_max:
        labels = _agglomerate(x, params.distance_threshold)
    else:
        micro, micro_c = _micro(x, params)
        sizes = np.bincount(micro, minlength=len(micro_c))
        used = np.where(sizes > 0)[0]
        groups = np.full(len(micro_c), UNASSIGNED)
        groups[used] = _agglomerate(micro_c[used], params.distance_threshold)
        labels = groups[micro]
    counts = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.zeros(0, dtype=int)
    small = np.where(counts < params.min_size)[0]
    labels = np.where(np.isin(labels, small), UNASSIGNED, labels)
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
