"""Prototype sentences per feedback type, written for this project, compared to items by cosine similarity.

They are deliberately generic (apps and SaaS alike) so they describe the *kind* of feedback, not a topic."""

from __future__ import annotations

import threading

import numpy as np

PROTOTYPES: dict[str, list[str]] = {
    "bug": [
        "The app crashes every time I open it.",
        "Since the last update it keeps freezing and I have to restart.",
        "I get an error message when I try to save my work.",
        "It doesn't work anymore, the page just stays blank.",
        "Sync stopped working after the upgrade.",
        "The button does nothing when I tap it, please fix this bug.",
        "Login fails with an error even though my password is correct.",
        "Export produces a broken file and some data is missing.",
        "It force closes on my phone whenever I play a video.",
        "Notifications stopped arriving after the new version.",
        "The report shows the wrong totals.",
        "It won't load, it just spins forever.",
    ],
    "feature_request": [
        "Please add an option to export to Excel.",
        "It would be nice to have a dark mode.",
        "I wish I could schedule reports to be emailed automatically.",
        "Can you add support for multiple accounts?",
        "You should add a search function.",
        "Would love to be able to share lists with my family.",
        "It needs an integration with our accounting system.",
        "Please bring back the old layout as a setting.",
        "Adding offline mode would make this perfect.",
        "We need a way to approve invoices in bulk.",
        "Hope you add more languages in the next update.",
        "Allow us to customise the dashboard.",
    ],
    "question": [
        "How do I change my password?",
        "Is there a way to export my data?",
        "Why does it ask me to log in every time?",
        "Does this work on tablets?",
        "Where can I find the settings for notifications?",
        "Can I use this with more than one account?",
        "What happened to the history tab?",
        "Anyone know how to restore a deleted file?",
    ],
    "praise": [
        "Love this app!",
        "Great app, works perfectly.",
        "Excellent, highly recommend.",
        "Best app ever, five stars.",
        "Awesome, thank you!",
        "Very good and easy to use.",
        "Nice app.",
        "Amazing, love it.",
        "Good.",
        "Fantastic product, keep up the good work.",
    ],
    "complaint": [
        "Terrible app, a complete waste of money.",
        "Way too many ads, it's annoying.",
        "Worst service ever, very disappointed.",
        "Too expensive for what it does.",
        "The new design is ugly and confusing.",
        "Customer support never answers.",
        "Useless, don't download.",
        "It is so slow and clunky, I hate it.",
        "Not worth the subscription price.",
        "Horrible experience, I want a refund.",
    ],
    "experience": [
        "I use it every day to keep track of my expenses.",
        "This app helps me plan my trips and saves me a lot of time.",
        "Being able to order from my phone is so convenient.",
        "I have been using it for years at work and it makes my job easier.",
        "My kids use it to learn and they love it.",
        "Now I can check my account wherever I am.",
        "It lets me read my books on the train during my commute.",
        "Since I started using it, I never miss a bill payment.",
        "I found a great hotel in minutes while travelling.",
        "We use it with the whole team to share files between the office and home.",
    ],
    "other": [
        "Ok.",
        "Test.",
        "See attached.",
        "N/A",
        "Version 2.3 on Android.",
    ],
}

_cache: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
_baseline: dict[str, np.ndarray] = {}
_lock = threading.Lock()


def prototype_matrix(embedder) -> tuple[list[str], np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """(labels, vectors, owner index) for the prototypes, embedded once per embedder name."""
    with _lock:
        hit = _cache.get(embedder.name)
        if hit is None:
            labels = list(PROTOTYPES)
            sentences = [s for lab in labels for s in PROTOTYPES[lab]]
            owner = np.array([labels.index(lab) for lab in labels for _ in PROTOTYPES[lab]])
            hit = (labels, np.asarray(embedder.embed(sentences), dtype=np.float32), owner)
            _cache[embedder.name] = hit
        return hit


def _top3(vectors: np.ndarray, protos: np.ndarray, owner: np.ndarray, k: int) -> np.ndarray:
    block = np.asarray(vectors, dtype=np.float32) @ protos[owner == k].T
    return np.sort(block, axis=1)[:, -3:].mean(axis=1)


def _baselines(embedder, labels, protos, owner) -> np.ndarray:  # type: ignore[no-untyped-def]
    """How close each type's prototypes are to the *other* types' prototypes: some types (requests) sit
    near everything, so their raw similarity is discounted by this constant (computed from prototypes only)."""
    hit = _baseline.get(embedder.name)
    if hit is None:
        hit = np.array([_top3(protos[owner != k], protos, owner, k).mean() for k in range(len(labels))])
        _baseline[embedder.name] = hit
    return hit


def similarities(vectors: np.ndarray, embedder) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """Per type: mean of the top-3 prototype cosines minus that type's baseline, for every row (n,)."""
    labels, protos, owner = prototype_matrix(embedder)
    base = _baselines(embedder, labels, protos, owner)
    return {lab: _top3(vectors, protos, owner, k) - base[k] for k, lab in enumerate(labels)}
