"""Clustering quality on the URR golden set (Ciurumelea, Panichella et al. 2017): NMI and ARI against the
first topic of each review, the share of unassigned items, for our clustering and a BERTopic-style anchor
(UMAP + HDBSCAN on the same embeddings; umap-learn is an eval-only dependency)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from evals.public import DATASETS

DEFAULT_PATH = DATASETS / "themes" / "urr_golden_set.csv"


def load(path: Path = DEFAULT_PATH) -> list[dict[str, Any]]:
    """Rows with text, app, rating and label (the first of the ';'-joined topics)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [
            {"id": r["id"], "text": r["text"], "app": r["app"], "rating": r.get("rating"),
             "label": (r["topics"] or "OTHER").split(";")[0].strip()}
            for r in csv.DictReader(fh)
        ]


def metrics(gold: list[str], labels: np.ndarray) -> dict[str, Any]:
    """NMI and ARI over all items (unassigned = one extra cluster, the honest way), plus the unassigned share."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = np.asarray(labels)
    assigned = labels >= 0
    out = {
        "nmi": round(float(normalized_mutual_info_score(gold, labels)), 4),
        "ari": round(float(adjusted_rand_score(gold, labels)), 4),
        "clusters": len(set(labels[assigned].tolist())),
        "unassigned_share": round(float(1 - assigned.mean()), 4),
    }
    if assigned.any():
        g = [x for x, a in zip(gold, assigned) if a]
        out["nmi_assigned_only"] = round(float(normalized_mutual_info_score(g, labels[assigned])), 4)
        out["ari_assigned_only"] = round(float(adjusted_rand_score(g, labels[assigned])), 4)
    return out


def ours(vectors: np.ndarray, params: Any = None) -> np.ndarray:
    """Labels from backlogsmith's need clustering."""
    from assistant.needs.cluster import ClusterParams, cluster

    return cluster(vectors, params or ClusterParams())


def bertopic_anchor(vectors: np.ndarray, *, seed: int = 42, min_cluster_size: int = 10) -> np.ndarray:
    """BERTopic's default pipeline on the same vectors: UMAP(5 dims, 15 neighbours, cosine) + HDBSCAN."""
    import umap
    from sklearn.cluster import HDBSCAN

    reduced = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed).fit_transform(vectors)
    return HDBSCAN(min_cluster_size=min_cluster_size, metric="euclidean", cluster_selection_method="eom").fit_predict(reduced)


def evaluate(path: Path = DEFAULT_PATH, embedder: Any = None, vectors: np.ndarray | None = None,
             anchor: bool = True) -> dict[str, Any]:
    """Our clustering vs the BERTopic-style anchor on the URR golden set."""
    rows = load(path)
    if vectors is None:
        from assistant.embeddings import LocalEmbedder

        vectors = (embedder or LocalEmbedder()).embed([r["text"] for r in rows])
    gold = [r["label"] for r in rows]
    result: dict[str, Any] = {"n": len(rows), "gold_topics": len(set(gold)), "ours": metrics(gold, ours(vectors))}
    if anchor:
        result["bertopic_anchor"] = metrics(gold, bertopic_anchor(vectors))
    return result
