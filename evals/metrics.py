"""Scores shared by the suites: label agreement and cluster agreement."""

from __future__ import annotations

from collections.abc import Sequence

MAALEJ_CLASSES = ["bug_report", "feature_request", "rating", "user_experience"]


def accuracy(gold: Sequence[str], pred: Sequence[str | None]) -> float | None:
    pairs = [(g, p) for g, p in zip(gold, pred) if g is not None]
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else None


def macro_f1(gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str] | None = None) -> float | None:
    """Macro-F1 over the gold classes (a prediction outside them counts as wrong)."""
    if not gold:
        return None
    from sklearn.metrics import f1_score

    labels = list(labels) if labels else sorted(set(gold))
    return float(f1_score(list(gold), [p or "<none>" for p in pred], labels=labels, average="macro", zero_division=0))


def cluster_scores(gold: Sequence[str], assigned: Sequence[str | None]) -> dict[str, float]:
    """NMI and ARI against gold topics (unassigned items form one 'none' cluster) and the unassigned share."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    pred = [a if a else "<unassigned>" for a in assigned]
    return {
        "nmi": float(normalized_mutual_info_score(gold, pred)),
        "ari": float(adjusted_rand_score(gold, pred)),
        "unassigned_share": sum(1 for a in assigned if not a) / len(assigned) if assigned else 0.0,
        "needs": float(len({a for a in assigned if a})),
    }
