"""Real feedback text for the clustering benchmark: the public datasets beside the checkout, embedded once.

Texts: CLINC150 queries, URR and Maalej app reviews (whole and split into sentences), Dalpiaz backlog stories and
UStAI stories. Vectors are cached on disk (evals.public.clinc.cached_vectors), so only the first run embeds.
Returns None when the datasets are missing; the benchmark then falls back to its synthetic vectors and says so.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import numpy as np

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _column(path: Path, column: str) -> list[str]:
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        return [r.get(column) or "" for r in csv.DictReader(fh)]


def texts(root: Path) -> list[str]:
    """Distinct real texts (at least 4 words) from the shared datasets under root, in a fixed order."""
    found: list[str] = []
    found += _column(root / "themes" / "clinc150_test.csv", "text")
    reviews = _column(root / "themes" / "urr_golden_set.csv", "text") + _column(
        root / "triage" / "maalej_2016_app_reviews.csv", "text")
    found += reviews + [s for r in reviews for s in _SENTENCE.split(r)]
    for story_file in sorted((root / "stories" / "dalpiaz_2018").glob("*.txt")):
        found += story_file.read_bytes().decode("utf-8", errors="replace").splitlines()
    ustai = root / "stories" / "ustai_qus_annotated.csv"
    if ustai.exists():
        found += _column(ustai, "User story")
    seen: dict[str, None] = {}
    for t in found:
        t = t.strip().lstrip("\ufeff")
        if len(t.split()) >= 4:
            seen.setdefault(t, None)
    return list(seen)


def real_vectors(n: int, embedder: Any = None) -> tuple[np.ndarray, int] | None:
    """(n vectors of real text, distinct texts behind them), cycling the texts past their count; None if absent."""
    from evals.public import DATASETS
    from evals.public.clinc import cached_vectors

    if not (DATASETS / "themes" / "clinc150_test.csv").exists():
        return None
    pool = cached_vectors(texts(DATASETS), embedder)
    reps = int(np.ceil(n / len(pool)))
    # Repeats are the duplicates and near-duplicates of a big inbox; a fixed shuffle mixes the sources.
    order = np.random.default_rng(0).permutation(len(pool) * reps) % len(pool)
    return pool[order[:n]], len(pool)
