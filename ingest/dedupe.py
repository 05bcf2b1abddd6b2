"""Identity and duplicates: content-derived ids, exact-text links and near-duplicate links (never drops).

Two customers saying the same thing are two pieces of evidence, so duplicates are stored and linked to a
canonical item (the first one seen) through `duplicate_of`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_SPACE = re.compile(r"\s+")


def item_id(source: str, row: int, text: str) -> str:
    """Stable id: the same source, row and text always give the same id (re-ingest adds nothing)."""
    digest = hashlib.sha256(f"{source}\x1f{row}\x1f{text}".encode("utf-8")).hexdigest()
    return "fb_" + digest[:16]


def text_hash(text: str) -> str:
    """Hash of the (redacted) text with case and whitespace folded: equal hashes = exact duplicates."""
    return hashlib.sha256(_SPACE.sub(" ", text).strip().casefold().encode("utf-8")).hexdigest()


def link_exact(hashes: Sequence[str], ids: Sequence[str], existing: dict[str, str]) -> list[str | None]:
    """duplicate_of per new item: an existing canonical with the same hash, else the first new one with it."""
    seen = dict(existing)
    out: list[str | None] = []
    for h, i in zip(hashes, ids):
        if h in seen:
            out.append(seen[h])
        else:
            seen[h] = i
            out.append(None)
    return out


def link_near(
    vectors: np.ndarray,
    ids: Sequence[str],
    duplicate_of: list[str | None],
    existing_best: Sequence[tuple[str, float] | None],
    threshold: float,
    *,
    block: int = 1024,
) -> list[tuple[str, float] | None]:
    """(canonical id, cosine) for new items that are not exact duplicates but nearly equal an earlier item.

    Candidates are the best existing hit (already resolved to its canonical) and earlier canonical items of
    the same batch; the most similar one wins. Vectors are L2-normalised, so a dot product is the cosine.
    """
    n = len(ids)
    result: list[tuple[str, float] | None] = [None] * n
    canonical = np.array([d is None for d in duplicate_of], dtype=bool)
    for start in range(0, n, block):
        end = min(n, start + block)
        sims = vectors[start:end] @ vectors[:end].T  # each row vs every earlier-or-same item
        for r in range(end - start):
            i = start + r
            if duplicate_of[i] is not None:
                continue
            row = sims[r, :i]
            best: tuple[str, float] | None = None
            if i:
                mask = canonical[:i] & (row >= threshold)
                if mask.any():
                    j = int(np.argmax(np.where(mask, row, -1.0)))
                    best = (ids[j], float(row[j]))
            hit = existing_best[i]
            if hit is not None and hit[1] >= threshold and (best is None or hit[1] > best[1]):
                best = hit
            if best is not None:
                result[i] = best
                canonical[i] = False  # a near-duplicate never becomes someone else's canonical
    return result
