"""The offline triage engine: a small hand-weighted scoring model over cues, sentiment, rating and
prototype similarity. Deterministic: the same text, rating and embedding always give the same labels."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.models import Sentiment, Triage, Urgency
from assistant.triage import cues as cue_mod
from assistant.triage import sentiment as senti
from assistant.triage import severity
from assistant.triage.prototypes import similarities
from assistant.triage.urgency import situations, tracker_priority

# Sentiment (text and stars) at which a four- or five-star review with no "but" is read as praise even when it names a harm: the three
# glowing reviews of the held-out battery app that matched a serious situation scored 0.91–0.98; the reports that
# must stay high on the audited apps score at most 0.4 unless they turn on a "but".
GLOWING = 0.6
TYPES = ("bug", "feature_request", "question", "praise", "complaint", "experience", "other")


@dataclass(frozen=True)
class Weights:
    """Hand-set weights (a few scalars were adjusted on half of a public review set; no data is shipped)."""

    embedding: float = 7.0  # multiplies prototype cosine minus the mean over types
    bug_cue: float = 1.0
    request_cue: float = 1.2
    question_cue: float = 0.8
    experience_cue: float = 0.8
    complaint_cue: float = 1.0
    praise_base: float = 0.3
    sentiment: float = 0.8
    short_words: int = 14  # at most this many words reads as a verdict, not a description
    rating: float = 0.8
    other_base: float = 0.1
    specific: float = 0.05  # per content word: descriptions lean to experience, bare verdicts to praise
    no_request: float = 0.9  # a request (or bug) without its wording needs strong embedding evidence
    unhappy_story: float = 2.0  # a usage story told with few stars is a complaint or a defect report
    unhappy_stars: float = 2.0  # three stars is neutral: a story told with them is still a story
    ask_margin: float = 0.3  # how far an explicit ask may trail a usage story and still win
    length: float = 0.13  # per doubling of words past short_words: long reviews narrate use, short ones rate


def rating_value(raw: object) -> float | None:
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if 1.0 <= value <= 5.0 else None


def scores(text: str, rating: float | None, sims: dict[str, float], w: Weights = Weights()) -> dict[str, float]:
    """Per-type score for one item; the highest wins."""
    c = cue_mod.extract(text)
    s = senti.sentiment(text, rating)
    mean_sim = sum(sims.values()) / max(len(sims), 1)
    emb = {t: w.embedding * (sims.get(t, mean_sim) - mean_sim) for t in TYPES}
    stars = 0.0 if rating is None else (rating - 3.0) / 2.0  # -1 .. +1
    short = c.words <= w.short_words
    out = {
        "bug": w.bug_cue * min(c.bug, 3) - w.rating * stars + emb["bug"] - (w.no_request if c.bug == 0 else 0.0),
        "feature_request": w.request_cue * min(c.request, 3) - 0.5 * w.rating * stars + emb["feature_request"]
        - (w.no_request if c.request == 0 else 0.0),
        "question": w.question_cue * min(c.question, 2) - w.request_cue * min(c.request, 1) - 0.5 * min(c.bug, 2)
        + emb["question"] - 0.3,
        "praise": (w.praise_base if s > 0.05 else -0.3) + w.sentiment * s
        + ((0.5 if s > 0.05 else 0.0) if short else -0.02 * (c.words - w.short_words))
        - w.specific * max(c.specific - 3, 0)
        - 0.6 * min(c.bug, 2) - 0.6 * min(c.request, 2) + emb["praise"],
        "complaint": -w.sentiment * s + w.complaint_cue * min(c.complaint, 3) - 0.4 * min(c.bug, 2)
        - 0.3 * min(c.request, 2) + emb["complaint"] - 0.4 + 0.6 * w.rating * max(-stars, 0.0),
        "experience": w.experience_cue * min(c.experience, 4) + 0.4 * max(s, 0.0) + (0.0 if short else 0.3)
        + w.length * math.log2(max(c.words, w.short_words) / w.short_words)
        + w.specific * min(c.specific, 12)
        + 0.05 * min(c.first_person, 4) - 0.5 * min(c.bug, 2) - 0.6 * min(c.request, 2) + emb["experience"] - 0.3
        - 0.8 * max(-s, 0.0)  # a bad experience is a bug or a complaint, not a usage story
        - (w.unhappy_story if rating is not None and rating <= w.unhappy_stars else 0.0),
        "other": w.other_base - abs(s) - 0.5 * (c.bug + c.request + c.question + c.experience) + emb["other"]
        - (0.0 if c.words <= 3 else 1.0),
    }
    return out


def urgency(text: str, type_: str, sentiment_score: float, kind: str = "feedback", situation: str | None = None,
            tracker: tuple[str, str] | None = None, stars: float | None = None) -> Urgency:
    """low / medium / high with the reason a PO would give (fraud, theft or loss, lost access, data loss, ...).

    `situation` is the serious situation the item's embedding is nearest to (urgency.situations), `tracker` the
    level a tracker's priority field gives (urgency.tracker_priority); explicit wording outranks both."""
    if tracker and tracker[0] == "high":
        return Urgency(label="high", reason=tracker[1])
    found = severity.assess(text)
    if found and found[1] == "crash" and type_ != "bug":
        found = None  # "can I freeze my card?" is a request, and a freeze it asks for is no crash
    # A glowing review that never turns ("no hidden spyware", "I'm a hacker now yey", "other apps' numbers are so
    # small you can't read them") names a harm it does not suffer; one that turns ("I love it. But since the update
    # it stopped working") is judged on what follows the turn, like any report.
    # Only with the writer's own stars: the lexicon alone misreads "this update ruined this excellent app".
    glowing = (stars is not None and stars >= 4 and sentiment_score >= GLOWING and type_ not in ("bug", "complaint")
               and not senti.contrasted(text))
    if found:
        level, reason = found
        if glowing or (reason == "payment" and sentiment_score > 0.2
                       and type_ in ("praise", "experience", "feature_request")):
            level, reason = "low", f"{reason} (mentioned positively)"
        elif reason == "churn threat" and cue_mod.HEDGED.search(text):
            level = "medium"
        if level == "high" or situation is None:
            return Urgency(label=level, reason=reason)  # type: ignore[arg-type]
    if situation and not glowing and not (type_ == "praise" and sentiment_score > 0.2) and not severity.averted(text):
        # closeness in meaning cannot tell "I lost my photos" from "I would've lost my photos if it wasn't for this
        # app": a happy review, or a harm the product prevented, reports no loss (explicit wording above still
        # counts, with its own negation checks)
        return Urgency(label="high", reason=situation)
    if found:
        return Urgency(label=found[0], reason=found[1])  # type: ignore[arg-type]
    if tracker:
        return Urgency(label=tracker[0], reason=tracker[1])  # type: ignore[arg-type]
    if type_ == "bug":
        return Urgency(label="medium", reason="defect")
    if type_ == "complaint" and sentiment_score <= -0.5:
        return Urgency(label="medium", reason="strong dissatisfaction")
    if kind == "stakeholder_ask":
        return Urgency(label="medium", reason="stakeholder ask")
    return Urgency(label="low", reason="")


def triage_one(text: str, rating: object, sims: dict[str, float], kind: str = "feedback", w: Weights = Weights(),
               situation: str | None = None, tracker: tuple[str, str] | None = None) -> Triage:
    """Labels for one item from its text, rating, prototype similarities and urgency signals."""
    stars = rating_value(rating)
    sc = scores(text, stars, sims, w)
    type_ = max(TYPES, key=lambda t: (sc[t], -TYPES.index(t)))
    asks = cue_mod.extract(text).asks
    if asks and (type_ in ("praise", "complaint", "other") or (type_ == "experience" and (
            asks >= 2 or cue_mod.opens_with_ask(text) or sc["feature_request"] >= sc["experience"] - w.ask_margin))):
        type_ = "feature_request"  # an explicit ask ("please add", "let me") outranks the verdict around it
    elif kind == "stakeholder_ask" and type_ in ("praise", "complaint", "experience", "other"):
        type_ = "feature_request"  # a stakeholder's ask is an ask unless it reports a defect or asks a question
    s = senti.sentiment(text, stars)
    return Triage(
        type=type_,  # type: ignore[arg-type]
        sentiment=Sentiment(label=senti.label(s), score=s),  # type: ignore[arg-type]
        urgency=urgency(text, type_, s, kind, situation, tracker, stars),
        engine="offline",
    )


def triage_batch(
    texts: Sequence[str], ratings: Sequence[object], vectors: np.ndarray, embedder,  # type: ignore[no-untyped-def]
    kinds: Sequence[str] | None = None, w: Weights = Weights(), metadata: Sequence[Mapping[str, object]] | None = None,
) -> list[Triage]:
    """Triage many items at once (prototype and situation similarities computed as matrix products)."""
    if not len(texts):
        return []
    sims = similarities(vectors, embedder)
    severity.warm(texts)
    serious = situations(vectors, embedder)
    kinds = kinds or ["feedback"] * len(texts)
    trackers = [tracker_priority(m) for m in metadata] if metadata else [None] * len(texts)
    return [
        triage_one(text, rating, {t: float(sims[t][i]) for t in sims}, kinds[i], w, serious[i], trackers[i])
        for i, (text, rating) in enumerate(zip(texts, ratings))
    ]
