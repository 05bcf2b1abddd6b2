"""Does a cited item support what cites it? Measured two ways, both required:

- the facts: the item contains content words (lemmas), numbers or named things the claim uses;
- the meaning: the claim is close (cosine of the local sentence embeddings) to the item's sentence it rests on.

A five-star "love it" review shares neither with a criterion about offline sync, so it does not support it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from assistant.models import FeedbackItem
from assistant.verify.terms import (
    NUMBER,
    Terms,
    denies,
    metadata_words,
    sentences,
    singular,
    terms,
)

EmbedFn = Callable[[Sequence[str]], Any]

# Cosine floors between a claim and the item sentence it rests on (MiniLM: unrelated product sentences sit around
# 0.0-0.2, paraphrases of one complaint above 0.35). The more facts are shared, the less closeness is asked; a
# shared verb alone needs SIM_ALONE: "read" in common with a five-star "best reader" review is not support.
SIM_MIN = 0.2
SIM_ONE = 0.3
SIM_ALONE = 0.45


class Support(BaseModel):
    """How well one cited item supports one claim (a goal or a criterion)."""

    item_id: str
    score: float = Field(description="0..1: half fact overlap share, half similarity.")
    shared: list[str] = Field(default_factory=list, description="Facts of the claim the item also contains.")
    missing: list[str] = Field(default_factory=list, description="Numbers / named things of the claim it lacks.")
    similarity: float = 0.0
    sentence: str = Field("", description="The item's sentence the claim rests on (the closest one).")
    supported: bool = False
    about: bool = Field(True, description="False when the item is about another object or action than the goal.")


class CachedEmbed:
    """Wraps an embedder (a callable or an object with .embed) so every distinct text is embedded once."""

    def __init__(self, embed: Any = None, limit: int = 50_000):
        self._fn: EmbedFn | None = embed.embed if hasattr(embed, "embed") else embed
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._limit = limit

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self._fn is None:
            from assistant.embeddings import LocalEmbedder

            self._fn = LocalEmbedder().embed
        return np.asarray(self._fn(texts), dtype=np.float32)

    def seed(self, vectors: dict[str, np.ndarray]) -> None:
        """Vectors already computed by the same model (the workspace index holds every item's)."""
        for text, vec in vectors.items():
            if text and text not in self._cache:
                self._cache[text] = vec / max(float(np.linalg.norm(vec)), 1e-12)

    def warm(self, texts: Iterable[str]) -> None:
        """Embed every text not seen yet in one batched call."""
        todo = [t for t in dict.fromkeys(texts) if t and t not in self._cache]
        if todo:
            for text, vec in zip(todo, self._embed(todo)):
                self._cache[text] = vec / max(float(np.linalg.norm(vec)), 1e-12)
            while len(self._cache) > self._limit:
                self._cache.popitem(last=False)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.warm(texts)
        return np.stack([self._cache[t] if t else np.zeros_like(next(iter(self._cache.values()))) for t in texts])


_DEFAULT: CachedEmbed | None = None


def as_cached(embed: Any = None) -> CachedEmbed:
    """The embed to use: the given one wrapped in a cache, or the shared local model."""
    global _DEFAULT
    if isinstance(embed, CachedEmbed):
        return embed
    if embed is not None:
        return CachedEmbed(embed)
    if _DEFAULT is None:
        _DEFAULT = CachedEmbed()
    return _DEFAULT


def item_terms(item: FeedbackItem) -> Terms:
    """The item's words plus its metadata values (platform, version, plan are facts too)."""
    base = terms(item.text)
    meta = frozenset(metadata_words(item.metadata))
    values = " ".join(str(v) for v in item.metadata.values() if isinstance(v, (str, int, float)))
    numbers = frozenset(n.replace(",", ".") for n in NUMBER.findall(values))
    return Terms(base.lemmas | meta, base.numbers | numbers, base.named | meta | numbers)


def _supported(shared: set[str], verbs: frozenset[str], similarity: float) -> bool:
    """The more facts are shared, the less closeness is asked: a thing (noun, number, name) weighs 1, a verb 1/2.

    1.5 and more needs SIM_MIN, 1 needs SIM_ONE, a verb alone SIM_ALONE."""
    things = {singular(w) for w in shared - verbs}
    actions = {singular(w) for w in shared & verbs} - things
    weight = len(things) + 0.5 * len(actions)
    need = SIM_MIN if weight >= 1.5 else SIM_ONE if weight >= 1 else SIM_ALONE
    return weight > 0 and similarity >= need


def _facts(text: str, item: FeedbackItem, common: frozenset[str]) -> tuple[Terms, set[str], list[str]]:
    """(claim terms, facts of the claim the item contains, numbers / named things it lacks)."""
    claim, have = terms(text), item_terms(item)
    lemmas = claim.lemmas - common
    shared = (lemmas & have.lemmas) | (claim.numbers & have.numbers) | (claim.named & (have.named | have.lemmas))
    text_lower = " ".join(item.text.lower().split())
    quoted = {n for n in claim.named if " " in n and n in text_lower}
    shared |= quoted
    # a condition the writer denies ("I don't have iOS 7") is the opposite of a fact: never shared
    denied = {w for w in shared & (claim.numbers | claim.named) if " " not in w and denies(item.text, w)}
    shared -= denied
    missing = sorted((claim.numbers - have.numbers) | (claim.named - have.named - have.lemmas - quoted) | denied)
    return claim, shared, missing


def candidates(item: FeedbackItem, shared: set[str]) -> list[str]:
    """The item's sentences that hold a shared fact (the claim can only rest on those), plus the whole item."""
    sents = [s for s in sentences(item.text) if any(w in s.lower() for w in shared)]
    return [*sents, item.text] if item.text not in sents else sents


def texts_to_embed(text: str, item: FeedbackItem, common: frozenset[str] = frozenset()) -> list[str]:
    """What citation_support will embed for this pair (nothing when no fact is shared), to batch it up front."""
    _, shared, _ = _facts(text, item, common)
    return [text, *candidates(item, shared)] if shared else []


def citation_support(text: str, item: FeedbackItem, *, embed: Any = None,
                     common: frozenset[str] = frozenset()) -> Support:
    """How far `item` supports the claim `text`; `common` are words too frequent in the inbox to count as facts.

    Without a shared fact the item cannot support the claim, so closeness is not even measured (similarity 0).
    """
    claim, shared, missing = _facts(text, item, common)
    facts = (claim.lemmas - common) | claim.numbers | claim.named
    if not shared:
        return Support(item_id=item.id, score=0.0, missing=missing, supported=False)
    sents = candidates(item, shared)
    vecs = as_cached(embed)([text, *sents])
    sims = vecs[1:] @ vecs[0]
    best = int(np.argmax(sims))
    similarity = float(sims[best])
    overlap = len(shared) / len(facts) if facts else 0.0
    return Support(
        item_id=item.id, score=round(0.5 * overlap + 0.5 * max(similarity, 0.0), 4),
        shared=sorted(shared), missing=missing, similarity=round(similarity, 4), sentence=sents[best],
        supported=_supported(shared, claim.verbs, similarity),
    )
