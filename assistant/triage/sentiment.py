"""A compact VADER-style sentiment scorer: a small hand-written lexicon plus negation, intensifier,
"but" and exclamation rules. Written for this project (no external lexicon file), so it ships offline."""

from __future__ import annotations

import math
import re

# Valence -3..+3, chosen for product feedback (words like "crash" or "refund" carry sentiment here).
LEXICON: dict[str, float] = {
    # positive
    "love": 3, "loved": 3, "loves": 3, "lovely": 2.5, "awesome": 3, "amazing": 3, "excellent": 3, "great": 2.5,
    "fantastic": 3, "perfect": 3, "wonderful": 3, "brilliant": 3, "best": 2.5, "good": 1.8, "nice": 1.8, "cool": 1.5,
    "happy": 2, "glad": 2, "helpful": 2, "useful": 2, "easy": 1.5, "simple": 1, "intuitive": 2, "fast": 1.2,
    "quick": 1.2, "smooth": 1.5, "reliable": 2, "recommend": 2, "recommended": 2, "thanks": 1.5, "thank": 1.5,
    "enjoy": 2, "enjoyed": 2, "fun": 2, "like": 1.2, "likes": 1.2, "liked": 1.2, "superb": 3,
    "impressive": 2.5, "impressed": 2.5, "favorite": 2.5, "favourite": 2.5, "handy": 1.8, "convenient": 2,
    "beautiful": 2.5, "clean": 1.2, "works": 0.8, "worked": 0.6, "improved": 1.5, "improvement": 1.2,
    "solid": 1.5, "fine": 0.8, "ok": 0.4, "okay": 0.4, "satisfied": 2, "pleased": 2, "awsome": 3, "gr8": 2.5,
    "super": 2, "exactly": 1, "must-have": 2.5, "lifesaver": 3, "saves": 1.5, "incredible": 3, "addictive": 1.5,
    "addicting": 1.5, "wow": 2, "yay": 2, "worth": 1.5, "stable": 1.5, "polished": 2, "seamless": 2, "elegant": 2,
    "efficient": 2, "powerful": 2, "best-in-class": 3, "kudos": 2.5, "appreciate": 2, "appreciated": 2,
    # negative
    "hate": -3, "hated": -3, "terrible": -3, "horrible": -3, "awful": -3, "worst": -3, "bad": -2.2, "poor": -2,
    "useless": -2.8, "annoying": -2, "annoyed": -2, "frustrating": -2.5, "frustrated": -2.5, "disappointed": -2.5,
    "disappointing": -2.5, "broken": -2.2, "crash": -2, "crashes": -2, "crashed": -2, "crashing": -2, "bug": -1.5,
    "bugs": -1.5, "buggy": -2.2, "glitch": -1.5, "glitches": -1.5, "glitchy": -2, "slow": -1.5, "sluggish": -1.8,
    "laggy": -1.8, "lag": -1.5, "freeze": -1.8, "freezes": -1.8, "frozen": -1.8, "error": -1.3, "errors": -1.3,
    "fail": -2, "fails": -2, "failed": -2, "failure": -2, "problem": -1.3, "problems": -1.3, "issue": -1,
    "issues": -1, "wrong": -1.5, "confusing": -1.8, "confused": -1.5, "difficult": -1.5, "hard": -0.8,
    "waste": -2.5, "wasted": -2.5, "ridiculous": -2.3, "stupid": -2.5, "sucks": -2.5, "suck": -2.5, "crap": -2.5,
    "garbage": -3, "trash": -3, "junk": -2.5, "scam": -3, "refund": -1.5, "cancel": -1.3, "uninstall": -2,
    "uninstalled": -2, "unusable": -3, "lost": -1.8, "lose": -1.5, "losing": -1.5, "missing": -1, "unable": -1.5,
    "cannot": -0.8, "can't": -0.8, "won't": -0.8, "doesn't": -0.5, "fix": -0.8, "pointless": -2.2,
    "unhappy": -2.5, "angry": -2.5, "disappointment": -2.5, "sad": -2, "painful": -2.2, "tedious": -1.8,
    "clunky": -1.8, "ugly": -2, "expensive": -1.2, "overpriced": -2, "pricey": -1, "unreliable": -2.2,
    "drains": -1.5, "junky": -2.5, "horrendous": -3, "pathetic": -3, "fraud": -3, "disaster": -3, "mess": -2,
    "nightmare": -3, "irritating": -2.2, "ads": -0.8, "spam": -2, "unacceptable": -2.8, "worse": -2.2,
    "rubbish": -2.8, "meh": -1, "blank": -1, "stuck": -1.5, "hang": -1, "hangs": -1.5, "manually": -0.5,
}
NEGATIONS = {"not", "no", "never", "none", "nothing", "neither", "nor", "nobody", "without", "hardly",
             "isn't", "wasn't", "don't", "doesn't", "didn't", "aren't", "weren't", "cant", "dont", "doesnt",
             "didnt", "isnt", "wont", "can't", "won't", "cannot", "couldn't", "wouldn't", "shouldn't"}
BOOSTERS = {"very": 0.3, "really": 0.3, "so": 0.25, "extremely": 0.4, "super": 0.3, "totally": 0.3,
            "absolutely": 0.35, "incredibly": 0.4, "completely": 0.35, "highly": 0.3, "too": 0.2, "most": 0.2}
DAMPENERS = {"slightly": -0.3, "somewhat": -0.25, "kinda": -0.25, "barely": -0.35, "bit": -0.2, "little": -0.15}

_TOKEN = re.compile(r"[a-z0-9]+(?:['’\-][a-z0-9]+)*")
_BUT = {"but", "however", "although", "though", "except"}


def _tokens(text: str) -> list[str]:
    return [t.replace("’", "'") for t in _TOKEN.findall(text.lower())]


def lexicon_score(text: str) -> float:
    """Compound score in [-1, 1] from the lexicon alone (0 when no sentiment word is present)."""
    tokens = _tokens(text)
    valences: list[float] = []
    but_at = -1
    for i, tok in enumerate(tokens):
        if tok in _BUT and but_at < 0:
            but_at = len(valences)
        v = LEXICON.get(tok)
        if v is None:
            continue
        scale = 1.0
        for j in range(max(0, i - 3), i):
            prev = tokens[j]
            if prev in NEGATIONS:
                scale *= -0.74  # VADER's negation constant: "not good" is mildly negative, not strongly
            elif j == i - 1 and prev in BOOSTERS:
                scale *= 1 + BOOSTERS[prev]
            elif j == i - 1 and prev in DAMPENERS:
                scale *= 1 + DAMPENERS[prev]
        valences.append(v * scale)
    if not valences:
        return 0.0
    if but_at >= 0:
        # The clause after "but" carries the writer's verdict ("nice idea but it crashes").
        valences = [v * 0.5 for v in valences[:but_at]] + [v * 1.5 for v in valences[but_at:]]
    total = sum(valences)
    bangs = min(text.count("!"), 4) * 0.29
    total += bangs if total > 0 else -bangs if total < 0 else 0.0
    return total / math.sqrt(total * total + 15.0)


def contrasted(text: str) -> bool:
    """The text turns on a "but" (or however, although, though, except): what follows may take the praise back."""
    return any(tok in _BUT for tok in _tokens(text))


def sentiment(text: str, rating: float | None = None) -> float:
    """Blend of the lexicon score and the star rating (1..5) when there is one; in [-1, 1]."""
    lex = lexicon_score(text)
    if rating is None:
        return round(lex, 4)
    stars = max(-1.0, min(1.0, (float(rating) - 3.0) / 2.0))
    return round(max(-1.0, min(1.0, 0.5 * lex + 0.5 * stars)), 4)


def label(score: float) -> str:
    """negative / neutral / positive with VADER's usual +-0.05 band."""
    return "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
