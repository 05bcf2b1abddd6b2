"""Urgency on real app reviews: recall of high and false-high share on the labelled set in
`evals/data/urgency_reviews.csv` (comic-viewer and Maalej reviews, quoted verbatim; see evals/data/README.md).

`python -m evals.public.urgency_reviews [PATH] [--json]`. The labelled file ships with the evals; the reviews'
vectors are embedded once and cached like CLINC150's.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

from evals.public import cli_main

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "urgency_reviews.csv"


def load(path: Path = DEFAULT_PATH) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def evaluate(path: Path = DEFAULT_PATH, embedder: Any = None) -> dict[str, Any]:
    """Offline triage of every labelled review: recall of high, share of the others marked high, reasons."""
    from assistant.embeddings import LocalEmbedder
    from assistant.triage.engine import triage_batch
    from evals.public.clinc import cached_vectors

    rows = load(path)
    embedder = embedder or LocalEmbedder()
    texts = [r["text"] for r in rows]
    got = triage_batch(texts, [r["rating"] for r in rows], cached_vectors(texts, embedder), embedder)
    high = [r for r in rows if r["label"] == "high"]
    rest = [r for r in rows if r["label"] != "high"]
    said = {r["id"] + r["source"]: t.urgency for r, t in zip(rows, got)}
    hit = [r for r in high if said[r["id"] + r["source"]].label == "high"]
    false = [r for r in rest if said[r["id"] + r["source"]].label == "high"]
    return {
        "high": len(high), "not_high": len(rest),
        "high_recall": round(len(hit) / max(len(high), 1), 4),
        "false_high_share": round(len(false) / max(len(rest), 1), 4),
        "same_reason": round(sum(1 for r in hit if said[r["id"] + r["source"]].reason == r["reason"])
                             / max(len(hit), 1), 4),
        "recall_by_reason": {k: f"{sum(1 for r in hit if r['reason'] == k)}/{n}"
                             for k, n in sorted(Counter(r["reason"] for r in high).items())},
        "missed": [f"[{r['reason']}] {r['text'][:110]}" for r in high if r not in hit],
        "false_high": [f"[{said[r['id'] + r['source']].reason}] {r['text'][:110]}" for r in false],
        "by_source": {s: {"high_recall": round(sum(1 for r in hit if r["source"] == s)
                                              / max(sum(1 for r in high if r["source"] == s), 1), 4),
                          "false_high": sum(1 for r in false if r["source"] == s)}
                      for s in sorted({r["source"] for r in rows})},
    }


def table(result: dict[str, Any]) -> str:
    lines = [f"urgency on {result['high'] + result['not_high']} labelled reviews: recall of high "
             f"{result['high_recall']:.1%} of {result['high']} (target ≥ 80%), others marked high "
             f"{result['false_high_share']:.1%} of {result['not_high']} (target ≤ 10%), same reason "
             f"{result['same_reason']:.1%} of the hits",
             f"  by reason: {result['recall_by_reason']}", f"  by source: {result['by_source']}"]
    lines += [f"  missed: {t}" for t in result["missed"]]
    lines += [f"  false high: {t}" for t in result["false_high"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, DEFAULT_PATH, evaluate, table)


if __name__ == "__main__":
    raise SystemExit(main())
