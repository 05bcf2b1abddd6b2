"""Benchmark: need clustering time at 1k, 10k and 50k items, and how it grows (not a timed test).

Vectors are MiniLM embeddings of real feedback text from the public datasets beside the checkout
(assistant.benchmarks.real_text: ~15k distinct texts, embedded once and cached; past that count the texts
repeat, as duplicates do in a big inbox). Without the datasets it falls back to synthetic vectors anchored in
real sentence embeddings (30 product areas x 5 phrasings plus Gaussian noise) and says so. Only `cluster()`
is timed; embedding and storage are measured by the ingest benchmark.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

AREAS = [
    "invoice export", "bank sync", "dark mode", "receipt scanning", "single sign-on", "mobile app", "push notifications",
    "search", "dashboard loading", "expense approvals", "multi-currency", "monthly reports", "calendar view",
    "card payments", "password reset", "CSV import", "user roles and permissions", "audit log", "API access",
    "offline mode", "tax rates", "recurring invoices", "customer support chat", "PDF layout", "team invitations",
    "data backup", "subscription billing", "mileage tracking", "time tracking", "language settings",
]
FRAMES = [
    "Please add better {x}, we need it every week.",
    "{x} is broken since the last update.",
    "I love how {x} works, it saves me time.",
    "How do I set up {x} for my team?",
    "{x} is far too slow and frustrating.",
]


def synthetic_vectors(n: int, embedder: Any = None, seed: int = 0, cosine: float = 0.75) -> np.ndarray:
    """n unit vectors scattered around real embeddings of product-feedback sentences."""
    from assistant.embeddings import LocalEmbedder

    embedder = embedder or LocalEmbedder()
    anchors = np.asarray(embedder.embed([f.format(x=a) for a in AREAS for f in FRAMES]), dtype=np.float32)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(anchors), size=n)
    radius = np.sqrt(1.0 / cosine**2 - 1.0)  # noise norm giving the wanted cosine to the anchor
    noise = rng.standard_normal((n, anchors.shape[1])).astype(np.float32)
    noise *= radius / np.linalg.norm(noise, axis=1, keepdims=True)
    x = anchors[pick] + noise
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def growth_exponent(sizes: list[int], seconds: list[float]) -> float | None:
    """Slope of log(time) against log(n): ~1 linear, ~2 quadratic."""
    pts = [(np.log(n), np.log(t)) for n, t in zip(sizes, seconds) if t > 0]
    if len(pts) < 2:
        return None
    xs, ys = np.array(pts).T
    return round(float(np.polyfit(xs, ys, 1)[0]), 3)


def run(quick: bool = False, sizes: tuple[int, ...] | None = None, embedder: Any = None) -> dict[str, Any]:
    """Seconds per size, the growth exponent, clusters found and the unassigned share."""
    from assistant.needs.cluster import ClusterParams, cluster

    from assistant.benchmarks.real_text import real_vectors

    sizes = sizes or ((1000, 10000) if quick else (1000, 10000, 50000))
    real = real_vectors(max(sizes), embedder)
    if real is not None:
        base, distinct = real
        source = f"MiniLM embeddings of {distinct} distinct real feedback texts (public datasets), cycled to size"
    else:
        base = synthetic_vectors(max(sizes), embedder)
        source = "synthetic: real MiniLM embeddings of 150 feedback sentences + Gaussian noise (cosine 0.75)"
    params = ClusterParams()
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    details: dict[str, Any] = {}
    for n in sizes:
        x = base[:n]
        start, cpu_start = time.perf_counter(), time.process_time()
        labels = cluster(x, params)
        seconds[str(n)] = round(time.perf_counter() - start, 3)
        cpu[str(n)] = round(time.process_time() - cpu_start, 3)
        sizes_n = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.zeros(1, dtype=int)
        details[str(n)] = {"clusters": int(labels.max() + 1) if len(labels) else 0,
                           "unassigned_share": round(float((labels < 0).mean()), 4),
                           "largest_share": round(float(sizes_n.max() / n), 4)}
    return {
        "seconds": seconds,
        "growth_exponent": growth_exponent([int(k) for k in seconds], list(seconds.values())),
        "cpu_seconds": cpu,  # process CPU time: steadier than wall time on a shared machine
        "details": details,
        "method": f"Ward tree cut at coherence {params.coherence} + catch-all split; direct up to {params.direct_max} "
                  f"items, else mini-batch k-means (<={params.micro_max}) first",
        "vectors": source,
    }


if __name__ == "__main__":  # python -m assistant.benchmarks.clustering
    import json

    print(json.dumps(run(), indent=2))
