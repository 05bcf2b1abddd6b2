"""Need names from keyphrases, c-TF-IDF style (BERTopic's class-based TF-IDF: a term's frequency in one
need, weighted by how rare it is across all needs), with a stopword list for feedback prose."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

STOPWORDS = frozenset("""
a about above after again against all almost also am an and any app apps are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each even ever every few for from further get gets getting give go going got great had hasn't have haven't having he
her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just know let
like love lot make makes many me might more most much must my myself need needs new no nor not now of off ok okay on
once one only or other our ours out over own please plz pls really same she should so some still such than thank
thanks that that's the their theirs them themselves then there there's these they they're thing things think this
those through to too under until up us use used using very via want wants was wasn't way we we're well were what
when where which while who why will with won't would wouldn't yet you you're your yours yourself also already always
anyone anything back best better bit able actually cant dont doesnt wont im ive id etc good nice awesome amazing
time times day days since update updated version star stars give given work works working feature features option
lol hi hello hey dear team guys product would've could've every everything something nothing someone each
take takes taking took second seconds minute minutes hour hours week weeks month months year years look looks people
monday tuesday wednesday thursday friday saturday sunday twice around today right least another again around
""".split())

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
_TOKEN = re.compile(r"[a-z][a-z0-9+#\-']*[a-z0-9+#]|[a-z]")


def tokens(text: str) -> list[str]:
    """Lower-cased content words of a text (stopwords and 1-2 letter words dropped)."""
    text = _PLACEHOLDER.sub(" ", text)  # redaction placeholders ([PHONE], [EMAIL]) are not themes
    return [t for t in _TOKEN.findall(text.lower()) if len(t) > 2 and t not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Unigrams plus adjacent-word bigrams (bigrams make names like 'dark mode' or 'csv export')."""
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:]) if a != b]


def _stem(term: str) -> str:
    """Crude plural folding so 'receipt' and 'receipts' do not both make the name."""
    return " ".join(w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w for w in term.split())


def keyphrases(groups: Mapping[str, Sequence[str]], top: int = 5) -> dict[str, list[str]]:
    """Top c-TF-IDF terms per group of texts (group key -> texts)."""
    tf: dict[str, Counter[str]] = {}
    doc_freq: dict[str, Counter[str]] = {}
    for key, texts in groups.items():
        counts: Counter[str] = Counter()
        docs: Counter[str] = Counter()
        for text in texts:
            ts = terms(text)
            counts.update(ts)
            docs.update(set(ts))
        tf[key], doc_freq[key] = counts, docs
    totals: Counter[str] = Counter()
    for counts in tf.values():
        totals.update(counts)
    avg_words = sum(sum(c.values()) for c in tf.values()) / max(len(tf), 1)
    out: dict[str, list[str]] = {}
    for key, counts in tf.items():
        size = max(len(groups[key]), 1)
        scored = []
        for term, n in counts.items():
            # A phrase one person repeats is not a theme: require it in 2 texts once the group has 4+.
            if size >= 4 and doc_freq[key][term] < 2:
                continue
            weight = (n / max(sum(counts.values()), 1)) * math.log(1 + avg_words / totals[term])
            if " " in term:
                weight *= 2.0  # bigrams read better as names when they are about as distinctive
            scored.append((weight, term))
        scored.sort(key=lambda wt: (-wt[0], wt[1]))
        chosen: list[str] = []
        for _, term in scored:
            # Skip a unigram already inside a chosen bigram (and vice versa) to keep names short.
            if any(term in c.split() or c in term.split() or _stem(c) == _stem(term) or _stem(term) in _stem(c).split()
                   or _stem(c) in _stem(term).split() for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == top:
                break
        out[key] = chosen
    return out


def name_from(phrases: Sequence[str], fallback: str = "misc feedback") -> str:
    """A short need name: the top two or three keyphrases."""
    if not phrases:
        return fallback
    picked = list(phrases[:3]) if len(" ".join(phrases[:3])) <= 40 else list(phrases[:2])
    return " / ".join(picked)
