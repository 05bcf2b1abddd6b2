"""What the labels of a public dataset let a model *learn*: a supervised reference for our rule-based engines.

Our offline engines are written by hand and never trained on ../shared data. When one of them misses a target, the
fair question is whether any model could have reached it from these labels. This trains the usual strong text
baseline on the dataset itself — TF-IDF word 1-2-grams and character 2-5-grams (plus optional dense features such as
the embedding and the rating), class-balanced logistic regression — and scores it out of fold with grouped k-fold, so
the same text (or the same system abstract) is never both trained on and tested. It is a reference measured in the
eval, not part of the product: nothing it fits is saved or shipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def out_of_fold(texts: Sequence[str], labels: Sequence[Any], groups: Sequence[str], *,
                dense: np.ndarray | None = None, folds: int = 5, proba_of: Any = None) -> np.ndarray:
    """Out-of-fold predictions (or, with `proba_of`, the probability of that class) for every row.

    Each fold fits its vocabulary and scaler on the training rows only, so nothing about the test rows leaks in."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    texts, y = list(texts), np.asarray(labels)
    out = np.empty(len(texts), dtype=float if proba_of is not None else object)
    for train, test in GroupKFold(n_splits=folds).split(texts, y, list(groups)):
        fit_on = [texts[i] for i in train]
        parts = [TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(fit_on).transform(texts),
                 TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
                 .fit(fit_on).transform(texts)]
        if dense is not None:
            scaler = StandardScaler().fit(dense[train])
            # scaled to the size of one TF-IDF row so neither block drowns the other
            parts.append(csr_matrix(scaler.transform(dense) / np.sqrt(dense.shape[1])))
        matrix = hstack(parts).tocsr()
        model = LogisticRegression(C=3.0, max_iter=4000, class_weight="balanced").fit(matrix[train], y[train])
        if proba_of is None:
            out[test] = model.predict(matrix[test])
        else:
            out[test] = model.predict_proba(matrix[test])[:, list(model.classes_).index(proba_of)]
    return out


def best_threshold(gold: Sequence[bool], proba: np.ndarray) -> dict[str, float]:
    """Precision/recall at the threshold that maximises F1 *on the test folds themselves* — an optimistic bound."""
    gold_arr = np.asarray(gold, dtype=bool)
    best = {"threshold": 0.5, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    for t in np.arange(0.05, 0.96, 0.05):
        pred = proba >= t
        tp = int((pred & gold_arr).sum())
        if not tp:
            continue
        p, r = tp / int(pred.sum()), tp / int(gold_arr.sum())
        f1 = 2 * p * r / (p + r)
        if f1 > best["f1"]:
            best = {"threshold": round(float(t), 2), "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}
    return best
