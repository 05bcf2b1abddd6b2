"""Triage accuracy on the Maalej et al. 2016 app-review set (bug_report, feature_request, user_experience, rating).

Mapping of our seven types onto the four Maalej labels: bug→bug_report, feature_request→feature_request,
praise/complaint→rating, experience→user_experience, question→bug_report (app-store questions are mostly
"why does X no longer work?"), other→rating (text that only carries a verdict). The split is by a hash of the
review text, so duplicate texts never straddle halves; "tune" is the half the weights were adjusted on,
"heldout" the half nobody looked at while tuning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evals.public import DATASETS, cli_main

LABELS = ("bug_report", "feature_request", "user_experience", "rating")
TYPE_TO_MAALEJ = {
    "bug": "bug_report", "feature_request": "feature_request", "praise": "rating", "complaint": "rating",
    "experience": "user_experience", "question": "bug_report", "other": "rating",
}
DEFAULT_PATH = DATASETS / "triage" / "maalej_2016_app_reviews.csv"


def load(path: Path = DEFAULT_PATH) -> list[dict[str, Any]]:
    """Rows as dicts with text (title + body), rating, label, split.

    Title before body is what the product's triage reads too (assistant.triage.service.triage_text: ingest keeps
    a title column as metadata "subject"), and the eval embeds that same text, as triage does for titled items."""
    import csv

    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            title = (rec.get("title") or "").strip()
            title = "" if title.lower() == "nan" else title
            text = f"{title}. {rec['text']}" if title else rec["text"]
            digest = hashlib.sha1(rec["text"].strip().lower().encode()).digest()
            rows.append({
                "id": rec["id"], "text": text, "rating": rec.get("rating"), "label": rec["label"],
                "split": "tune" if digest[0] % 2 == 0 else "heldout",
            })
    return rows


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Macro-F1 plus per-label precision/recall/F1 and support."""
    per: dict[str, dict[str, float]] = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}
    return {"macro_f1": round(float(np.mean([per[lab]["f1"] for lab in labels])), 4), "per_label": per}


def any_of(rows: Sequence[dict[str, Any]], pred: Sequence[str]) -> tuple[list[str], list[str]]:
    """One row per unique text; gold is the set of labels the text got (the CSV repeats a review once per label).

    A prediction in the set counts as correct; otherwise gold is the most specific label (anything over rating).
    """
    groups: dict[str, tuple[set[str], str]] = {}
    for row, p in zip(rows, pred):
        key = row["text"].strip().lower()
        labels, _ = groups.get(key, (set(), p))
        labels.add(row["label"])
        groups[key] = (labels, p)
    gold, out = [], []
    for labels, p in groups.values():
        specific = sorted(labels - {"rating"}) or ["rating"]
        gold.append(p if p in labels else specific[0])
        out.append(p)
    return gold, out


def predict(rows: Sequence[dict[str, Any]], vectors: np.ndarray, embedder: Any, weights: Any = None) -> list[str]:
    """Our offline triage types for the rows (vectors aligned with rows)."""
    from assistant.triage.engine import Weights, triage_batch

    out = triage_batch([r["text"] for r in rows], [r["rating"] for r in rows], vectors, embedder, w=weights or Weights())
    return [t.type for t in out]


def evaluate(path: Path = DEFAULT_PATH, embedder: Any = None, vectors: np.ndarray | None = None,
             weights: Any = None) -> dict[str, Any]:
    """Macro-F1 of the offline engine on all rows and on each half (tune / heldout)."""
    from assistant.embeddings import LocalEmbedder

    rows = load(path)
    embedder = embedder or LocalEmbedder()
    if vectors is None:
        vectors = embedder.embed([r["text"] for r in rows])
    types = predict(rows, vectors, embedder, weights)
    pred = [TYPE_TO_MAALEJ[t] for t in types]
    gold = [r["label"] for r in rows]
    result: dict[str, Any] = {"n": len(rows), "all": macro_f1(gold, pred), "any_of": {}}
    for split in ("tune", "heldout"):
        idx = [i for i, r in enumerate(rows) if r["split"] == split]
        result[split] = macro_f1([gold[i] for i in idx], [pred[i] for i in idx])
        result[split]["n"] = len(idx)
    for split in ("all", "tune", "heldout"):
        idx = [i for i, r in enumerate(rows) if split == "all" or r["split"] == split]
        g, p = any_of([rows[i] for i in idx], [pred[i] for i in idx])
        result["any_of"][split] = {**macro_f1(g, p), "n": len(g)}
    result["type_counts"] = {t: types.count(t) for t in sorted(set(types))}
    return result


def ceiling(path: Path = DEFAULT_PATH, embedder: Any = None, vectors: np.ndarray | None = None) -> dict[str, Any]:
    """What a model *trained on this file* reaches (evals.public.ceiling): TF-IDF words + characters, the MiniLM
    embedding and the star rating, class-balanced logistic regression, grouped 5-fold (a text never straddles
    folds). The bar the labels allow, to read our untrained engine's score against."""
    from assistant.embeddings import LocalEmbedder
    from evals.public.ceiling import out_of_fold

    rows = load(path)
    if vectors is None:
        vectors = np.asarray((embedder or LocalEmbedder()).embed([r["text"] for r in rows]), dtype=np.float32)
    stars = np.array([[str(r["rating"]).strip() == str(k) for k in range(1, 6)] for r in rows], dtype=np.float32)
    pred = list(out_of_fold([r["text"] for r in rows], [r["label"] for r in rows],
                            [r["text"].strip().lower() for r in rows], dense=np.hstack([vectors, stars])))
    g, p = any_of(rows, pred)
    return {"n": len(rows), "all": macro_f1([r["label"] for r in rows], pred), "any_of": {"all": macro_f1(g, p)}}


def run(path: Path = DEFAULT_PATH, with_ceiling: bool = False) -> dict[str, Any]:
    """The engine's scores, and with `with_ceiling` the supervised reference on the same embeddings."""
    from assistant.embeddings import LocalEmbedder

    embedder = LocalEmbedder()
    vectors = np.asarray(embedder.embed([r["text"] for r in load(path)]), dtype=np.float32)
    result = evaluate(path, embedder, vectors)
    if with_ceiling:
        result["ceiling"] = ceiling(path, embedder, vectors)
    return result


def format_table(result: dict[str, Any]) -> str:
    """Macro-F1 per split (strict rows and one-row-per-text), per-label F1, and the supervised reference."""
    lines = [f"{'':<22}{'macro-F1':>9}" + "".join(f"{lab:>17}" for lab in LABELS)]

    def line(name: str, m: dict[str, Any]) -> str:
        return f"{name:<22}{m['macro_f1']:>9.3f}" + "".join(f"{m['per_label'][lab]['f1']:>17.3f}" for lab in LABELS)

    for split in ("all", "tune", "heldout"):
        lines.append(line(f"engine {split}", result[split]))
        lines.append(line(f"engine {split} (any-of)", result["any_of"][split]))
    if "ceiling" in result:
        lines.append(line("supervised 5-fold", result["ceiling"]["all"]))
        lines.append(line("supervised (any-of)", result["ceiling"]["any_of"]["all"]))
    lines.append(f"rows: {result['n']}; engine types: {result['type_counts']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m evals.public.maalej [PATH] [--json] [--ceiling]` (the ceiling fits 5 models: 33 s here)."""
    return cli_main(argv, DEFAULT_PATH, run, format_table, ceiling=True)


if __name__ == "__main__":
    raise SystemExit(main())
