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


def score(rows: list[dict[str, str]], said: dict[str, Any]) -> dict[str, Any]:
    """Recall of high, share of the other rows marked high, and which were missed or falsely high."""
    key = lambda r: r["source"] + ":" + r["id"]  # noqa: E731
    high = [r for r in rows if r["label"] == "high"]
    rest = [r for r in rows if r["label"] != "high"]
    hit = [r for r in high if said[key(r)].label == "high"]
    false = [r for r in rest if said[key(r)].label == "high"]
    return {
        "high": len(high), "not_high": len(rest),
        "high_recall": round(len(hit) / max(len(high), 1), 4),
        "false_high_share": round(len(false) / max(len(rest), 1), 4),
        "same_reason": round(sum(1 for r in hit if said[key(r)].reason == r["reason"]) / max(len(hit), 1), 4),
        "recall_by_reason": {k: f"{sum(1 for r in hit if r['reason'] == k)}/{n}"
                             for k, n in sorted(Counter(r["reason"] for r in high).items())},
        "missed": [f"[{r['reason']}] {r['text'][:110]}" for r in high if r not in hit],
        "false_high": [f"[{said[key(r)].reason}] {r['text'][:110]}" for r in false],
    }


def evaluate(path: Path = DEFAULT_PATH, embedder: Any = None) -> dict[str, Any]:
    """Offline triage of every labelled review, scored on all rows and per split (`tuned`: the rows the urgency
    rules were adjusted on; `held-out`: labelled blind afterwards and never tuned on)."""
    from assistant.embeddings import LocalEmbedder
    from assistant.triage.engine import triage_batch
    from evals.public.clinc import cached_vectors

    rows = load(path)
    embedder = embedder or LocalEmbedder()
    texts = [r["text"] for r in rows]
    got = triage_batch(texts, [r["rating"] for r in rows], cached_vectors(texts, embedder), embedder)
    said = {r["source"] + ":" + r["id"]: t.urgency for r, t in zip(rows, got)}
    out = {"all": score(rows, said)}
    for split in sorted({r.get("split") or "" for r in rows} - {""}):
        out[split] = score([r for r in rows if r.get("split") == split], said)
    return out


def table(result: dict[str, Any]) -> str:
    lines = []
    for part, r in result.items():
        lines += [f"{part}: {r['high'] + r['not_high']} labelled reviews, recall of high {r['high_recall']:.1%} of "
                  f"{r['high']} (target ≥ 80%), others marked high {r['false_high_share']:.1%} of {r['not_high']} "
                  f"(target ≤ 10%), same reason {r['same_reason']:.1%} of the hits",
                  f"  by reason: {r['recall_by_reason']}"]
        if part != "all":
            lines += [f"  missed: {t}" for t in r["missed"]]
            lines += [f"  false high: {t}" for t in r["false_high"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, DEFAULT_PATH, evaluate, table)


if __name__ == "__main__":
    raise SystemExit(main())
