"""Stable need ids: a hash of the founding members' content, and old→new matching by member overlap on recluster.

Why content and not item ids: an item id includes the source path, so the same inbox ingested from another folder
(a fresh workspace, a copied export) gave every need a different id; the members' texts are the same wherever the
file lies, so two fresh runs of the same inbox give the same need ids."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

MIN_JACCARD = 0.2  # below this a new cluster is a different need, not the old one re-shaped


def need_id(member_ids: Iterable[str], taken: set[str] | None = None) -> str:
    """'need_' + short hash of the sorted founding member keys (unique against taken ids)."""
    base = hashlib.sha1("\n".join(sorted(member_ids)).encode()).hexdigest()
    for width in (10, 14, 18, 40):
        candidate = f"need_{base[:width]}"
        if not taken or candidate not in taken:
            return candidate
    raise AssertionError("sha1 collision")  # pragma: no cover


class Taken(set):  # type: ignore[type-arg]
    """Need ids in use, and the content key of every item: `mint` names a new need after its members' texts."""

    def __init__(self, ids: Iterable[str] = (), content: Mapping[str, str] | None = None):
        super().__init__(ids)
        self.content = dict(content or {})

    def mint(self, member_ids: Iterable[str]) -> str:
        nid = need_id([self.content.get(i, i) for i in member_ids], self)
        self.add(nid)
        return nid


def content_key(kind: str, text: str) -> str:
    return f"{kind}\x1f{text}"


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def match(old: Mapping[str, set[str]], new: Sequence[set[str]], min_jaccard: float = MIN_JACCARD) -> dict[int, str]:
    """Map new cluster index → old need id, one-to-one, maximising total Jaccard overlap (Hungarian)."""
    if not old or not new:
        return {}
    from scipy.optimize import linear_sum_assignment

    old_ids = sorted(old)
    score = np.array([[jaccard(members, old[o]) for o in old_ids] for members in new])
    rows, cols = linear_sum_assignment(-score)
    return {int(r): old_ids[c] for r, c in zip(rows, cols) if score[r, c] >= min_jaccard}


def best_overlap(members: set[str], new: Mapping[str, set[str]]) -> str | None:
    """The new need that took most of an old need's members (where a dissolved need's stories should go)."""
    best, best_n = None, 0
    for nid in sorted(new):
        n = len(members & new[nid])
        if n > best_n:
            best, best_n = nid, n
    return best
