"""Needs clustering and urgency on CLINC150 (Larson et al. 2019): 4,500 queries, 150 intents of 30.

`python -m evals.public.clinc [PATH] [--json]` reports, on the same MiniLM vectors:
- our clustering (no k given) against Ward told the true k and the BERTopic-style anchor: NMI, ARI, unassigned
  share and the largest need's share of the items, on all 150 intents and on the banking + credit-card slice;
- urgency against the dataset's `urgency` column (ours: high = fraud, lost card, frozen/blocked account, lost
  luggage; low = routine questions): recall of high and the share of routine items marked high.

Vectors are embedded once and cached on disk (keyed by the texts), so re-runs take seconds.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evals.public import DATASETS, cli_main

DEFAULT_PATH = DATASETS / "themes" / "clinc150_test.csv"


def cache_dir() -> Path:
    """Where embedded eval texts are kept: BACKLOGSMITH_EVAL_CACHE, else ~/.cache/backlogsmith-evals."""
    env = os.environ.get("BACKLOGSMITH_EVAL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "backlogsmith-evals"


def cached_vectors(texts: Sequence[str], embedder: Any = None) -> np.ndarray:
    """MiniLM vectors for texts, embedded once per distinct list of texts and kept as .npy."""
    if embedder is None:
        from assistant.embeddings import LocalEmbedder

        embedder = LocalEmbedder()
    key = hashlib.sha1(("\x1f".join([embedder.name, *texts])).encode()).hexdigest()[:20]
    path = cache_dir() / f"{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def load(path: Path = DEFAULT_PATH) -> list[dict[str, str]]:
    """Rows with id, text, label (intent) and urgency ('high' / 'low' / '')."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [{"id": r["id"], "text": r["text"], "label": r["label"], "urgency": r.get("urgency") or ""}
                for r in csv.DictReader(fh)]


def ward_k(vectors: np.ndarray, k: int) -> np.ndarray:
    """The reference told the answer: Ward clustering of the same vectors cut at the true number of intents."""
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)


def largest_share(labels: np.ndarray) -> float:
    assigned = labels[labels >= 0]
    return round(float(np.bincount(assigned).max() / len(labels)), 4) if len(assigned) else 0.0


def compare(gold: list[str], vectors: np.ndarray, anchor: bool = True) -> dict[str, Any]:
    """Ours vs Ward-told-k (and the BERTopic-style anchor) on one set of vectors."""
    from evals.public.urr import bertopic_anchor, metrics, ours

    out: dict[str, Any] = {"n": len(gold), "gold_clusters": len(set(gold))}
    runs = {"ours": ours(vectors), "ward_told_k": ward_k(vectors, len(set(gold)))}
    if anchor:
        runs["bertopic_anchor"] = bertopic_anchor(vectors)
    for name, labels in runs.items():
        out[name] = {**metrics(gold, labels), "largest_share": largest_share(labels)}
    out["nmi_gap_to_ward"] = round(out["ward_told_k"]["nmi"] - out["ours"]["nmi"], 4)
    out["ari_gap_to_ward"] = round(out["ward_told_k"]["ari"] - out["ours"]["ari"], 4)
    return out


def urgency(rows: list[dict[str, str]], vectors: np.ndarray) -> dict[str, Any]:
    """Offline triage urgency against the gold column: recall of high, routine items marked high."""
    from assistant.embeddings import LocalEmbedder
    from assistant.triage.engine import triage_batch

    keep = [i for i, r in enumerate(rows) if r["urgency"]]
    labels = triage_batch([rows[i]["text"] for i in keep], [None] * len(keep), vectors[keep], LocalEmbedder())
    gold = [rows[i]["urgency"] for i in keep]
    high = [t.urgency.label == "high" for t in labels]
    n_high = sum(1 for g in gold if g == "high")
    n_low = sum(1 for g in gold if g == "low")
    hit = sum(1 for g, h in zip(gold, high) if g == "high" and h)
    false = sum(1 for g, h in zip(gold, high) if g == "low" and h)
    missed = [rows[i]["text"] for i, g, h in zip(keep, gold, high) if g == "high" and not h]
    wrong = [rows[i]["text"] for i, g, h in zip(keep, gold, high) if g == "low" and h]
    return {"high": n_high, "low": n_low, "high_recall": round(hit / max(n_high, 1), 4),
            "low_marked_high": round(false / max(n_low, 1), 4), "missed_examples": missed[:5],
            "false_high_examples": wrong[:5],
            "high_reasons": sorted({t.urgency.reason for t, h in zip(labels, high) if h})}


def evaluate(path: Path = DEFAULT_PATH, anchor: bool = True) -> dict[str, Any]:
    """Clustering on all intents and the bank slice, and urgency, on cached MiniLM vectors."""
    from evals.public.inboxes import BANK_INTENTS

    rows = load(path)
    vectors = cached_vectors([r["text"] for r in rows])
    bank = [i for i, r in enumerate(rows) if r["label"] in BANK_INTENTS]
    return {
        "all": compare([r["label"] for r in rows], vectors, anchor),
        "bank": compare([rows[i]["label"] for i in bank], vectors[bank], anchor),
        "urgency": urgency(rows, vectors),
    }


def table(result: dict[str, Any]) -> str:
    lines = ["CLINC150 needs clustering (same MiniLM vectors)",
             f"{'slice':6} {'method':16} {'NMI':>6} {'ARI':>6} {'needs':>6} {'unassigned':>10} {'largest':>8}"]
    for part in ("all", "bank"):
        for name in ("ours", "ward_told_k", "bertopic_anchor"):
            m = result[part].get(name)
            if m:
                lines.append(f"{part:6} {name:16} {m['nmi']:6.3f} {m['ari']:6.3f} {m['clusters']:6d} "
                             f"{m['unassigned_share']:10.1%} {m['largest_share']:8.1%}")
        lines.append(f"{part:6} gap to Ward: NMI {result[part]['nmi_gap_to_ward']:+.3f}, "
                     f"ARI {result[part]['ari_gap_to_ward']:+.3f} (target ≤ 0.03 / ≤ 0.10)")
    u = result["urgency"]
    lines.append(f"urgency: recall of high {u['high_recall']:.1%} of {u['high']} (target ≥ 90%), routine marked high "
                 f"{u['low_marked_high']:.1%} of {u['low']} (target ≤ 5%)")
    lines += [f"  missed: {t}" for t in u["missed_examples"]]
    lines += [f"  false high: {t}" for t in u["false_high_examples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, DEFAULT_PATH, evaluate, table)


if __name__ == "__main__":
    raise SystemExit(main())
