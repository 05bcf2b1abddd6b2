"""Words compared by lemma: every form English gives a word (lemminflect, every part of speech), so "lost" meets
"lose" and "checks" meets "check". Shared by drafting (which goal a group shares, which items it may cite) and the
gate (whether a cited item is about the goal); nothing domain-specific.
"""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@functools.lru_cache(maxsize=50_000)
def forms(word: str) -> frozenset[str]:
    """The word and every lemma English gives it ('lost' -> lost, lose; 'checks' -> check)."""
    from lemminflect import getAllLemmas

    low = word.lower()
    out = {low}
    for lemmas in getAllLemmas(low).values():
        out.update(lemmas)
    if low.endswith("'s"):
        out.add(low[:-2])
    return frozenset(out)


@functools.lru_cache(maxsize=50_000)
def text_forms(text: str) -> frozenset[str]:
    """Every form of every word of a text, to test which words an item uses."""
    out: set[str] = set()
    for w in _WORD.findall(text.lower()):
        out |= forms(w)
    return frozenset(out)


def uses(item_forms: frozenset[str], word: str) -> bool:
    return bool(forms(word) & item_forms)
