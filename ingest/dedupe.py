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
    block: int = 512,
    chunk: int = 8192,
) -> list[tuple[str, float] | None]:
    """(canonical id, cosine) for new items that are not exact duplicates but nearly equal an earlier item.

    Candidates are the best existing hit (already resolved to its canonical) and earlier canonical items of
    the same batch; the most similar one wins. Vectors are L2-normalised, so a dot product is the cosine.
    Work is done in row blocks x column chunks so memory stays bounded (a few MB) on very large files.
    """
    n = len(ids)
    result: list[tuple[str, float] | None] = [None] * n
    canonical = np.array([d is None for d in duplicate_of], dtype=bool)
    for start in range(0, n, block):
        end = min(n, start + block)
        rows = vectors[start:end]
        best_sim = np.full(end - start, -1.0, dtype=np.float32)
        best_idx = np.full(end - start, -1, dtype=np.int64)
        # Earlier blocks: their canonical flags are final, so this part is plain vectorised work.
        for c0 in range(0, start, chunk):
            c1 = min(start, c0 + chunk)
            sims = rows @ vectors[c0:c1].T
            sims = np.where(canonical[c0:c1] & (sims >= threshold), sims, -1.0)
            j = sims.argmax(axis=1)
            top = sims[np.arange(len(j)), j]
            better = top > best_sim
            best_sim[better], best_idx[better] = top[better], j[better] + c0
        inside = rows @ rows.T
        # Inside the block, order matters: an item linked as a near-duplicate is nobody's canonical.
        for r in range(end - start):
            i = start + r
            if duplicate_of[i] is not None:
                continue
            best: tuple[str, float] | None = None
            if best_idx[r] >= 0:
                best = (ids[int(best_idx[r])], float(best_sim[r]))
            if r:
                row = np.where(canonical[start:i] & (inside[r, :r] >= threshold), inside[r, :r], -1.0)
                j = int(row.argmax())
                if row[j] >= threshold and (best is None or row[j] > best[1]):
                    best = (ids[start + j], float(row[j]))
            hit = existing_best[i]
            if hit is not None and hit[1] >= threshold and (best is None or hit[1] > best[1]):
                best = hit
            if best is not None:
                result[i] = best
                canonical[i] = False
    return result
