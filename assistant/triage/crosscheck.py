"""A model's triage label checked against the item's own words (the offline cues), so a flipped label is caught.

A prompt-injected or careless model can call "the app crashes every time" praise, or "Can I freeze my card
right now?" a bug. The offline engine's cues (defect words, question form, sentiment of the words and the
star rating) are general English, not a list about any product; when they plainly contradict the model's
label, the offline label is kept and the item is flagged with the reason, so the PO sees the disagreement.
"""

from __future__ import annotations

from assistant.models import FeedbackItem, Triage
from assistant.triage import cues as cue_mod
from assistant.triage import sentiment as senti

PROBLEM = ("bug", "complaint")
CLEARLY_NEGATIVE = -0.3
CLEARLY_POSITIVE = 0.3


def _stars(item: FeedbackItem) -> float | None:
    try:
        value = float(item.metadata.get("rating"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if 1.0 <= value <= 5.0 else None


def contradiction(item: FeedbackItem, text: str, label: Triage) -> str | None:
    """Why the item's own words contradict the model's label, or None when they do not."""
    c = cue_mod.extract(text)
    words = senti.sentiment(text, _stars(item))
    said = label.type
    if said == "praise" and (c.bug or words <= CLEARLY_NEGATIVE):
        return f"the model said praise, but the item reports a problem ({'defect words' if c.bug else 'negative words'})"
    if label.sentiment.label == "positive" and words <= CLEARLY_NEGATIVE and said not in ("feature_request", "question"):
        return "the model said the sentiment is positive, but the item's words are negative"
    if said in PROBLEM and not c.bug and not c.complaint and words >= CLEARLY_POSITIVE:
        return f"the model said {said}, but the item's words are positive and report no problem"
    if said == "bug" and not c.bug and c.question:
        return "the model said bug, but the item asks a question and reports no defect"
    if said == "bug" and not c.bug and c.asks:
        return "the model said bug, but the item asks for something and reports no defect"
    return None


def flagged(offline: Triage, model_label: Triage, why: str) -> Triage:
    """The offline label, with the model's contradicted label and the reason kept for the PO."""
    return offline.model_copy(update={
        "flag": f"model label '{model_label.type}' ({model_label.engine}) not kept: {why}",
    })
