"""A model's triage label checked against the item's own words (the offline cues), so a flipped label is caught.

A prompt-injected or careless model can call "the app crashes every time" praise, or "Can I freeze my card
right now?" a bug. The offline engine's cues (defect words, question form, sentiment of the words and the
star rating) are general English, not a list about any product; when they plainly contradict the model's
label, the offline label is kept and the item is flagged with the reason, so the PO sees the disagreement.
"""

from __future__ import annotations

import re

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


# The speaker is the one acting ("can I freeze my card", "how do we cancel", "I want to block it"): a defect
# word there names something the person wants to do, not something the product did wrong.
_SPEAKER_ACTS = re.compile(r"(?:\b(?:i|we)\s+(?:\w+\s+){0,2}|\bto\s+|\blet\s+(?:me|us)\s+)$")


def reported_defects(text: str) -> int:
    """Defect words that describe the product misbehaving (not an action the speaker wants to take)."""
    low = text.lower()
    return sum(1 for m in cue_mod.BUG.finditer(low) if not _SPEAKER_ACTS.search(low[max(0, m.start() - 40):m.start()]))


def contradiction(item: FeedbackItem, text: str, label: Triage, offline: Triage) -> tuple[str, str] | None:
    """(why, the type the words support) when the item's own words contradict the model's label, else None.

    `offline` is the offline engine's reading of the same words (cues, sentiment, rating, prototypes); only a
    plain contradiction counts (praise against a reported problem, a defect against a question or an ask), not
    every disagreement between two reasonable labels."""
    c = cue_mod.extract(text)
    words = senti.sentiment(text, _stars(item))
    said, read = label.type, offline.type
    problem = read if read in PROBLEM else "complaint"
    if said == "praise" and (read in PROBLEM or words <= CLEARLY_NEGATIVE):
        return f"the model said praise, but the item reports a problem (sentiment {words:+.2f})", problem
    if label.sentiment.label == "positive" and words <= CLEARLY_NEGATIVE and read in PROBLEM:
        return f"the model said the sentiment is positive, but the item's words are negative ({words:+.2f})", read
    if said in PROBLEM and read == "praise" and words >= CLEARLY_POSITIVE:
        return f"the model said {said}, but the item's words are positive and report no problem", "praise"
    defects = reported_defects(text)
    if said == "bug" and c.question and not defects:
        return "the model said bug, but the item asks a question and reports no defect", "question"
    if said == "bug" and c.asks and not defects:
        return "the model said bug, but the item asks for something new and reports no defect", "feature_request"
    if said == "bug" and not defects and read not in PROBLEM and words > CLEARLY_NEGATIVE:
        return f"the model said bug, but the item reports no defect (read as {read})", read
    return None


def flagged(item: FeedbackItem, text: str, offline: Triage, model_label: Triage, found: tuple[str, str]) -> Triage:
    """The label the words support (offline sentiment and urgency), with the model's label and the reason kept."""
    from assistant.triage.engine import rating_value, urgency

    why, type_ = found
    return offline.model_copy(update={
        "type": type_, "urgency": urgency(text, type_, offline.sentiment.score, item.kind,
                                                   stars=rating_value(item.metadata.get("rating"))),
        "flag": f"model label '{model_label.type}' ({model_label.engine}) not kept: {why}",
    })
