"""Needs that ask the same thing of one object and differ only by which instance of it: "what's my visa limit",
"what's the limit on my discover card" and "tell me my credit limit" are one need, "pay my electric bill" and "pay
my gas bill" another. Short texts embed apart by the one word that varies (bank audit: credit limit split by card
brand, bills by utility, and the drafts then wrote brand copies a PO rejects as duplicates).

A word is an *instance* of a head noun when the items use it in the head's modifier slot (a noun as compound,
possessive, or the object of a preposition on the head: "visa limit", "limit on my visa"). Adjectives mostly say
what kind ("fraudulent transaction" beside "recent transaction"), not which one: one is an instance only in a slot
the items fill with nouns far more often ("electric bill" among "water", "gas", "phone" bills). Two problem needs differ
only by instances when they share a head most of the items of each use, and every key term one has and the other
does not use is such a modifier of that head in its own items; what they do with it ("increase", "due", "minimum")
is never an instance, so "when is my bill due" stays apart from "pay my gas bill". From the parse of the items
themselves: no word list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

SLOT_DEPS = frozenset(("compound", "amod", "nmod", "poss"))
HEAD_SHARE = 0.2  # the other need uses the head a differing word fills the slot of in this share of its items
# a differing key term sits in the head's slot in at least this share of the items using it (the rest use it as the
# thing itself: "my visa has what limit", "i need to pay my visa")
SLOT_SHARE = 1 / 3
MIN_INSTANCES = 3  # a head whose slot holds fewer distinct words in the inbox has no instances (it is a term)
FLOOR = 0.35  # problem needs with cores this close are compared (instances pull their embeddings apart)
# ... and joined when their centroids are this close with the differing words taken out of their items. "Fraudulent
# transaction" beside "recent transaction" is 0.72 without "fraudulent"/"recent" (what is done differs: report vs
# see), "routing number" beside "pin number" 0.75 (different things); "pay my electric bill" beside "pay my bill",
# "credit limit" beside "visa limit" and "discover card limit" 0.79-0.88.
MASKED_CORE = 0.77
NOUN_SLOT = 2 / 3  # see Instances.named
NEIGHBOURS = 5  # problem needs compared with each need (its nearest by core)
PARSED = 40  # items parsed and re-embedded per need (bounded for large inboxes)


def slots(texts: dict[str, str]) -> tuple[dict[str, dict[str, set[str]]], dict[str, dict[str, set[str]]]]:
    """({item: {head noun: the nouns in its modifier slot}}, the same for the adjectives) from the parse, in the key
    terms' stems (naming._stem)."""
    from assistant.needs.naming import _stem
    from assistant.stories.nlp import parse

    ids = sorted(texts)
    nouns: dict[str, dict[str, set[str]]] = {}
    adjectives: dict[str, dict[str, set[str]]] = {}
    for i, doc in zip(ids, parse([texts[i] for i in ids])):  # cached: actions.py reads the same parses
        heads: dict[str, set[str]] = {}
        kinds: dict[str, set[str]] = {}
        for tok in doc:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ == "compound":
                continue
            mods = {c for c in tok.children if c.dep_ in SLOT_DEPS and c.pos_ in ("NOUN", "PROPN")}
            # "limit on my visa", "what is the limit on my visa": the object of a preposition on the head or on
            # the verb the head belongs to
            mods |= {g for c in [*tok.children, *tok.head.children] if c.dep_ == "prep" for g in c.children
                     if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN") and g is not tok}
            words = heads.setdefault(_stem(tok.lower_), set())
            for m in mods:
                words |= {_stem(w.lower_) for w in m.subtree if w.pos_ in ("NOUN", "PROPN")}
            kinds.setdefault(_stem(tok.lower_), set()).update(
                _stem(c.lower_) for c in tok.children if c.dep_ == "amod" and c.pos_ == "ADJ")
        nouns[i], adjectives[i] = heads, kinds
    return nouns, adjectives


class Instances:
    """Whether two needs differ only by instances of one head (see the module docstring)."""

    def __init__(self, groups: dict[str, list[str]], keys: dict[str, set[str]], terms: dict[str, set[str]],
                 texts: dict[str, str]):
        self.groups, self.keys, self.terms, self.texts = groups, keys, terms, texts
        self.sample = {n: sorted(i for i in ids if i in texts)[:PARSED] for n, ids in groups.items()}
        self.slot, self.kind = slots({i: texts[i] for ids in self.sample.values() for i in ids})
        self._centres: dict[tuple[str, frozenset[str]], np.ndarray] = {}
        self._head_counts: dict[str, Counter[str]] = {}
        fillers: dict[str, set[str]] = {}
        for heads in self.slot.values():
            for h, words in heads.items():
                fillers.setdefault(h, set()).update(words)
        self.open = {h for h, words in fillers.items() if len(words) >= MIN_INSTANCES}
        # a head whose slot the items fill with nouns far more often than with adjectives names which one there: an
        # adjective in it is one more instance ("electric bill" beside "water", "gas", "phone bill"); where
        # adjectives are as common they say what kind ("fraudulent", "recent" transaction) and are no instance
        by_noun = Counter(h for heads in self.slot.values() for h, words in heads.items() if words)
        by_adjective = Counter(h for kinds in self.kind.values() for h, words in kinds.items() if words)
        self.named = {h for h in self.open if by_noun[h] >= NOUN_SLOT * (by_noun[h] + by_adjective[h])}

    def _heads(self, n: str) -> Counter[str]:
        if n not in self._head_counts:
            self._head_counts[n] = Counter(h for i in self.sample[n] for h in self.slot.get(i, {}) if h in self.open)
        return self._head_counts[n]

    def _used(self, term: str, n: str) -> float:
        return sum(1 for i in self.groups[n] if term in self.terms.get(i, ())) / len(self.groups[n])

    def _instance(self, term: str, head: str, n: str) -> bool:
        users = [i for i in self.sample[n] if term in self.terms.get(i, ())]
        inslot = sum(1 for i in users if term in self.slot.get(i, {}).get(head, ())
                     or head in self.named and term in self.kind.get(i, {}).get(head, ()))
        return term != head and bool(users) and inslot >= SLOT_SHARE * len(users)

    def same(self, a: str, b: str, share: float) -> set[str]:
        """The words a and b differ by when those are only instances of heads both use (else an empty set): both
        are about the same thing, and each key term of one that the other's items use less than `share` fills the slot
        of a head the other need also uses (with other words in it)."""
        heads = {n: self._heads(n) for n in (a, b)}
        if not self.keys.get(a, set()) & self.keys.get(b, set()) and not any(
                min(heads[n][h] / max(len(self.sample[n]), 1) for n in (a, b)) >= 0.5 for h in heads[a]):
            return set()  # about the same thing: a key term, or a head most items of both use
        from spacy.lang.en.stop_words import STOP_WORDS

        # a term the other need's items use too is shared, not a difference; nor is a function word ("what's")
        extra = [(t, n, m) for n, m in ((a, b), (b, a)) for t in self.keys.get(n, set()) - self.keys.get(m, set())
                 if self._used(t, m) < share and t.strip("'") not in STOP_WORDS]
        if extra and all(any(heads[m][h] >= HEAD_SHARE * len(self.sample[m]) and self._instance(t, h, n)
                             for h in heads[n]) for t, n, m in extra):
            return {t for t, _, _ in extra}
        return set()

    def masked(self, a: str, b: str, words: set[str], embed: Callable[[list[str]], np.ndarray]) -> float:
        """Cosine of the two needs' centroids with `words` taken out of their items: how close they are once the
        instances that tell them apart are gone."""
        return float(self._centre(a, frozenset(words), embed) @ self._centre(b, frozenset(words), embed))

    def _centre(self, n: str, words: frozenset[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        import re

        from assistant.needs.naming import _stem

        if (n, words) not in self._centres:
            rows = [" ".join(w for w in re.findall(r"[\w']+", self.texts[i]) if _stem(w.lower()) not in words)
                    for i in self.sample[n]]
            c = np.asarray(embed(rows), dtype=np.float64).mean(axis=0)
            self._centres[(n, words)] = c / max(float(np.linalg.norm(c)), 1e-12)
        return self._centres[(n, words)]


def instance_pairs(nids: list[str], groups: dict[str, list[str]],
                   keys: dict[str, set[str]], terms: dict[str, set[str]], texts: dict[str, str], mat: np.ndarray,
                   problem: np.ndarray, embed: Callable[[list[str]], np.ndarray],
                   share: float) -> list[tuple[float, int, int]]:
    """The (core similarity, a, b) pairs of problem needs that differ only by instances (some may be merge
    candidates already, by their cores and a shared term, whose merge loosened the need too much to pass)."""
    sims = mat @ mat.T
    np.fill_diagonal(sims, -1.0)
    # each need against its few nearest problem needs only: thousands of needs stay a few thousand pairs
    sims[:, ~problem] = -1.0
    near = np.argsort(-sims, axis=1, kind="stable")[:, :NEIGHBOURS]
    found = sorted({(float(sims[a, b]), min(a, b), max(a, b)) for a in np.nonzero(problem)[0] for b in near[a]
                    if sims[a, b] >= FLOOR})
    found = [(sim, int(a), int(b)) for sim, a, b in found]
    if not found:
        return []
    involved = {nids[k] for _, a, b in found for k in (a, b)}
    inst = Instances({n: groups[n] for n in involved}, keys, terms, texts)
    out = []
    for sim, a, b in sorted(found, key=lambda t: (-t[0], t[1], t[2])):
        words = inst.same(nids[a], nids[b], share)
        if words and inst.masked(nids[a], nids[b], words, embed) >= MASKED_CORE:
            out.append((sim, a, b))
    return out
