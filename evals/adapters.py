"""Public data sets as eval records, read by path from ../shared/datasets (never shipped in the product).

The per-data-set adapters live in evals/public/; this holds the shared sampling and the URR reader.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path
from typing import Any


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def stratified_sample(rows: list[dict[str, Any]], key: str, limit: int, seed: int) -> list[dict[str, Any]]:
    """Up to `limit` rows, proportional per label (at least a few of each), deterministic for a seed."""
    if limit <= 0 or len(rows) <= limit:
        return rows
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    rng = random.Random(seed)
    picked: list[dict[str, Any]] = []
    for label in sorted(groups):
        members = groups[label]
        n = max(min(5, len(members)), round(limit * len(members) / len(rows)))
        picked += rng.sample(members, min(n, len(members)))
    rng.shuffle(picked)
    return picked[:limit]


def urr_records(path: Path, limit: int, seed: int = 7) -> list[dict[str, Any]]:
    """URR golden set: {text, rating, app, topic} with the first listed topic as the gold label."""
    rows = []
    for r in _read_csv(path):
        topics = [t.strip() for t in (r.get("topics") or "").split(";") if t.strip()]
        if not topics or not r.get("text", "").strip():
            continue
        rating = r.get("rating")
        rows.append({"text": r["text"].strip(), "rating": int(rating) if rating and rating.isdigit() else None,
                     "app": r.get("app"), "topic": topics[0]})
    return stratified_sample(rows, "topic", limit, seed)
