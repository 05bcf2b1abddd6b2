"""Serious reports no need took: each joins the need made of reports like it, or shares one need with the other
loose reports of the same kind.

A serious report (high urgency: fraud, loss, an app nobody can use, ...) that no need took must still be a need the
PO sees, not a line in the unassigned pile. One need per report ("Charge", "Remember buying", "Slide") cut the
backlog into rows of one review each (comic-viewer: 9 of 25 rows after the member-fit step). Triage already says
what kind of serious it is (its urgency reason, from the item's own words), so
- a report joins the need whose customer items are mostly serious for that same reason, when it is close enough in
  meaning to that need to be the same problem (bank: "this charge is bs" and "i don't remember buying this" join the
  fraud need the member-fit step had taken them away from, out of a bills need);
- the rest share one need per reason (comic-viewer: six "won't open", "freezes at every other slide", "FC in every
  book" reviews are one need of reports that make the app unusable, instead of six).
A need's id is the one such a need had before, matched by members, so ids stay stable across rebuilds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

from assistant.models import FeedbackItem
from assistant.needs import identity
from assistant.needs.cluster import normalise

SERIOUS_SHARE = 0.5  # a need is "made of" serious reports of a reason when this share of its customer items are
# MiniLM cosine of a report to the centre of such a need: bank's fraud need and its two short loose reports score
# 0.45 and 0.52; a crash report of another app's feature scores under 0.3 to a memory-error need
REASON_SIMILARITY = 0.35
# MiniLM cosine between the centres of two such needs: bank's two fraud needs 0.64, maalej's three won't-open needs
# 0.52-0.67; needs of one reason about different things score under 0.25 (a fraud need and "i don't remember buying")
JOIN_SIMILARITY = 0.5
CATCH_ALL_SHARE, CATCH_ALL_MEDIAN = 0.08, 3  # the catch-all limit of issue 15 (max of 8% and 3x the median need)


def _serious(it: FeedbackItem) -> bool:
    return it.triage is not None and it.triage.urgency.label == "high"


def _reason_needs(canon: Iterable[FeedbackItem], assign: dict[str, str | None]) -> dict[str, str]:
    """need id -> the urgency reason most of its customer items are serious for (needs without one are left out)."""
    members: dict[str, list[FeedbackItem]] = {}
    for it in canon:
        nid = assign.get(it.id)
        if nid and it.kind != "stakeholder_ask":
            members.setdefault(nid, []).append(it)
    out = {}
    for nid, items in members.items():
        reasons = Counter(it.triage.urgency.reason for it in items if _serious(it))  # type: ignore[union-attr]
        if reasons:
            reason, k = reasons.most_common(1)[0]
            if k >= SERIOUS_SHARE * len(items):
                out[nid] = reason
    return out


def _centres(assign: dict[str, str | None], vec: dict[str, np.ndarray], nids: Iterable[str]) -> dict[str, np.ndarray]:
    """The normalised centre of each of these needs' items (one pass over the assignment)."""
    wanted = set(nids)
    members: dict[str, list[np.ndarray]] = {}
    for iid, nid in assign.items():
        if nid in wanted:
            members.setdefault(nid, []).append(vec[iid])
    return {nid: normalise(np.stack(vs).mean(axis=0, keepdims=True))[0] for nid, vs in members.items()}


def place_serious(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None],
                  taken: identity.Taken, says: Callable[[FeedbackItem], bool],
                  old_members: dict[str, set[str]] | None = None) -> dict[str, str]:
    """Give every serious customer report without a need one (see the module docstring); returns the needs made of
    reports grouped by their reason, with the reason (they are named by it: assistant/needs/store.py)."""
    loose = [it for it in canon if assign.get(it.id) is None and it.kind != "stakeholder_ask" and says(it)
             and _serious(it)]
    if not loose:
        return {}
    reasons = _reason_needs(canon, assign)
    centres = _centres(assign, vec, reasons)
    rest: dict[str, set[str]] = {}
    for it in loose:
        reason = it.triage.urgency.reason  # type: ignore[union-attr]
        v = normalise(vec[it.id][None, :])[0]
        near = max(((float(v @ centres[nid]), nid) for nid, r in sorted(reasons.items()) if r == reason),
                   default=(0.0, ""))
        if near[0] >= REASON_SIMILARITY:
            assign[it.id] = near[1]
        else:
            rest.setdefault(reason, set()).add(it.id)
    used = {n for n in assign.values() if n}
    grouped = {}
    for reason, members in sorted(rest.items()):
        before = identity.match(old_members or {}, [members]).get(0)
        nid = before if before and before not in used else taken.mint(members)
        used.add(nid)
        taken.add(nid)
        grouped[nid] = reason
        for iid in members:
            assign[iid] = nid
    return grouped


def join_serious(canon: list[FeedbackItem], vec: dict[str, np.ndarray], assign: dict[str, str | None],
                 similarity: float = JOIN_SIMILARITY) -> None:
    """Needs made of reports serious for the same reason, close in meaning, are one need (bank: "Fraudulent
    transaction" and "Fraudulent activity" were two backlog rows for one fraud problem; maalej: three "won't open"
    needs). The biggest keeps its id. A join that would make a catch-all (over max(CATCH_ALL_SHARE of the items,
    CATCH_ALL_MEDIAN x the median need size)) is not made."""
    reasons = _reason_needs(canon, assign)
    sizes = Counter(n for n in assign.values() if n)
    if len(reasons) < 2 or not sizes:
        return
    limit = max(CATCH_ALL_SHARE * sum(sizes.values()), CATCH_ALL_MEDIAN * float(np.median(list(sizes.values()))))
    centre = _centres(assign, vec, reasons)
    pairs = sorted(((float(centre[a] @ centre[b]), a, b) for a in reasons for b in reasons
                    if a < b and reasons[a] == reasons[b]), reverse=True)
    into: dict[str, str] = {}

    def root(n: str) -> str:
        while n in into:
            n = into[n]
        return n

    for sim, a, b in pairs:
        a, b = root(a), root(b)
        if sim < similarity or a == b or sizes[a] + sizes[b] > limit:
            continue
        keep, gone = sorted((a, b), key=lambda n: (-sizes[n], n))
        into[gone] = keep
        sizes[keep] += sizes.pop(gone)
    for iid, nid in assign.items():
        if nid in into:
            assign[iid] = root(nid)
