"""Urgency by situation, across domains: what has gone seriously wrong for the writer, not which product it is.

Two signals, neither a list of one domain's words:
- prototype sentences per serious situation (written for this project, deliberately about any product: an
  account, a card, a phone, a bag, files), compared by cosine to the item's embedding; the nearest situation
  names the reason when it is close enough and clearly closer than routine requests are;
- tracker metadata: a priority/severity column saying Blocker, Critical, P0/P1, Urgent or Highest.

The cue regexes in `cues.URGENCY_REASONS` still fire first when the wording is explicit.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

import numpy as np

SITUATIONS: dict[str, list[str]] = {
    "fraud or unauthorised use": [
        "Someone used my card without my permission.",
        "There are charges on my account that I did not make.",
        "I want to report fraudulent activity on my account.",
        "Somebody logged into my account and changed my details.",
        "I think my account has been hacked.",
        "Money left my account and I don't know where it went.",
        "A transfer I never made shows up in my history.",
        "This site is serving fake downloads that contain malware.",
    ],
    "theft or loss": [
        "My card was stolen.",
        "I lost my wallet with all my cards in it.",
        "My phone was stolen, what should I do?",
        "I can't find my bag, I think it has been lost.",
        "My belongings have gone missing.",
        "I need to report my lost card.",
    ],
    "block or freeze to stop harm": [
        "Please block my card immediately.",
        "Freeze my account right now.",
        "Lock my account so nobody can use it.",
        "Stop all access to my account.",
    ],
    "payment": [
        "My card was declined when I tried to pay.",
        "I couldn't pay at the shop because my card didn't work.",
        "My payment was rejected and did not go through.",
    ],
    "lost access": [
        "My account has been blocked and I can't get in.",
        "I am locked out of my account.",
        "Why was my account suspended? I can't use it.",
        "I can't log in anymore, it says my account is disabled.",
    ],
    "data loss": [
        "All my files disappeared after the update.",
        "I lost all my saved data and photos.",
        "My history and settings were wiped.",
    ],
    "outage": [
        "The service is down and nobody can use it.",
        "Nothing loads for any of our users since this morning.",
        "The whole system is offline.",
    ],
    "legal or privacy deadline": [
        "The regulator requires this by the end of the quarter.",
        "We must delete the user's personal data within 30 days under privacy law.",
        "Our legal team says we are not compliant and face a fine.",
    ],
    "churn threat": [
        "I'm cancelling my subscription and switching to a competitor.",
        "We will not renew our contract unless this is fixed.",
        "If this isn't solved we are moving to another provider.",
    ],
}

# Everyday asks and statements: the bar a serious situation must clear (an item about a card's balance sits
# near "lost card" too; it must be clearly nearer to the serious sentence than to these).
ROUTINE: list[str] = [
    "What is my balance?",
    "How do I change my settings?",
    "When is my payment due?",
    "What is the interest rate?",
    "Can you tell me my account number?",
    "How long does it take to get a new one?",
    "I would like to order a new one.",
    "Please add a dark mode.",
    "How do I use this feature?",
    "What time is it?",
    "Tell me a joke.",
    "Thanks, that was helpful.",
    "Great app, I love it.",
    "It would be nice to have more options.",
    "How much does it cost?",
    "Where can I find my history?",
    "Transfer money to my savings account.",
    "Pay my bill.",
]

MIN_SIMILARITY = 0.6  # to the nearest serious situation
MIN_MARGIN = 0.06  # over the nearest routine sentence

_cache: dict[str, tuple[list[str], np.ndarray, np.ndarray, np.ndarray]] = {}
_lock = threading.Lock()


def _matrices(embedder) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    with _lock:
        hit = _cache.get(embedder.name)
        if hit is None:
            reasons = list(SITUATIONS)
            sentences = [s for r in reasons for s in SITUATIONS[r]]
            owner = np.array([i for i, r in enumerate(reasons) for _ in SITUATIONS[r]])
            vecs = np.asarray(embedder.embed(sentences + ROUTINE), dtype=np.float32)
            hit = (reasons, vecs[: len(sentences)], owner, vecs[len(sentences):])
            _cache[embedder.name] = hit
        return hit


def situations(vectors: np.ndarray, embedder) -> list[str | None]:  # type: ignore[no-untyped-def]
    """Per row: the serious situation the item describes (a reason), or None."""
    if not len(vectors):
        return []
    reasons, serious, owner, routine = _matrices(embedder)
    v = np.asarray(vectors, dtype=np.float32)
    s = v @ serious.T
    r = (v @ routine.T).max(axis=1)
    best = s.argmax(axis=1)
    top = s[np.arange(len(v)), best]
    ok = (top >= MIN_SIMILARITY) & (top - r >= MIN_MARGIN)
    return [reasons[owner[b]] if good else None for b, good in zip(best, ok)]


PRIORITY_KEYS = ("priority", "severity", "urgency", "importance")
_HIGH = re.compile(r"^\s*(blocker|critical|urgent|highest|emergency|sev(erity)?[\s-]?[01]|s[01]|p[01])\b", re.I)
_MEDIUM = re.compile(r"^\s*(major|high|sev(erity)?[\s-]?2|s2|p2)\b", re.I)


def tracker_priority(metadata: Mapping[str, object]) -> tuple[str, str] | None:
    """(level, reason) from a tracker's priority/severity field when the item carries one."""
    for key in PRIORITY_KEYS:
        value = str(metadata.get(key) or "").strip()
        if not value:
            continue
        if _HIGH.match(value):
            return "high", f"tracker {key} {value}"
        if _MEDIUM.match(value):
            return "medium", f"tracker {key} {value}"
    return None
