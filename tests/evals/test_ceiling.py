"""The supervised reference used to read public-eval targets: it must learn what is learnable and not what is not."""

from __future__ import annotations

import random

import numpy as np

from evals.public import maalej
from evals.public.ceiling import best_threshold, out_of_fold

_WORDS = ["screen", "sync", "export", "report", "invoice", "login", "account", "folder", "photo", "calendar", "settings", "search"]


def _corpus(n: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = ("bug", "ask", "praise")[i % 3]
        noun = rng.choice(_WORDS)
        texts.append({"bug": f"the {noun} crashes and shows an error",
                      "ask": f"please add a {noun} option",
                      "praise": f"love the {noun}, great work"}[label] + f" {rng.choice(_WORDS)}")
        labels.append(label)
    return texts, labels, [str(i) for i in range(n)]


def test_learns_learnable_labels_out_of_fold() -> None:
    texts, labels, groups = _corpus(150, seed=1)
    pred = out_of_fold(texts, labels, groups)
    assert maalej.macro_f1(labels, list(pred), ("bug", "ask", "praise"))["macro_f1"] >= 0.95


def test_shuffled_labels_stay_near_chance() -> None:
    texts, labels, groups = _corpus(150, seed=2)
    random.Random(3).shuffle(labels)
    pred = out_of_fold(texts, labels, groups)
    assert maalej.macro_f1(labels, list(pred), ("bug", "ask", "praise"))["macro_f1"] <= 0.55


def test_groups_never_straddle_folds() -> None:
    # Each text appears twice with opposite labels in one group: if a copy leaked into training, the fold would
    # learn the text itself; grouped, the model only sees other texts, so the copies get the same prediction.
    texts, labels, _ = _corpus(60, seed=4)
    twice = texts + texts
    flipped = labels + [{"bug": "ask", "ask": "praise", "praise": "bug"}[x] for x in labels]
    pred = out_of_fold(twice, flipped, [str(i) for i in range(60)] * 2)
    assert all(pred[i] == pred[i + 60] for i in range(60))


def test_best_threshold_picks_the_f1_optimum() -> None:
    gold = [True, True, False, False]
    got = best_threshold(gold, np.array([0.9, 0.6, 0.4, 0.1]))
    assert got["f1"] == 1.0 and 0.4 < got["threshold"] <= 0.6
    assert best_threshold([True], np.array([0.0]))["f1"] == 0.0
