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
from assistant.verify.terms import NUMBER, Terms, metadata_words, sentences, terms

EmbedFn = Callable[[Sequence[str]], Any]

# Cosine floor between a claim and the sentence it rests on. MiniLM puts unrelated product sentences around
# 0.0-0.2 and paraphrases of one complaint above 0.35; measured on the three PO-audit inboxes (see the report).
SIM_MIN = 0.3


class Support(BaseModel):
    """How well one cited item supports one claim (a goal or a criterion)."""

    item_id: str
    score: float = Field(description="0..1: half fact overlap share, half similarity.")
    shared: list[str] = Field(default_factory=list, description="Facts of the claim the item also contains.")
    missing: list[str] = Field(default_factory=list, description="Numbers / named things of the claim it lacks.")
    similarity: float = 0.0
    sentence: str = Field("", description="The item's sentence the claim rests on (the closest one).")
    supported: bool = False


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


def claim_pairs(text: str, item: FeedbackItem) -> list[str]:
    """The texts citation_support embeds for this claim and item (so a caller can warm them in one batch)."""
    return [text, *sentences(item.text)]


def citation_support(text: str, item: FeedbackItem, *, embed: Any = None,
                     common: frozenset[str] = frozenset()) -> Support:
    """How far `item` supports the claim `text`; `common` are words too frequent in the inbox to count as facts."""
    claim, have = terms(text), item_terms(item)
    lemmas = claim.lemmas - common
    shared_words = (lemmas & have.lemmas) | (claim.numbers & have.numbers) | (claim.named & (have.named | have.lemmas))
    text_lower = " ".join(item.text.lower().split())
    quoted = {n for n in claim.named if " " in n and n in text_lower}
    shared_words |= quoted
    missing = sorted((claim.numbers - have.numbers) | (claim.named - have.named - have.lemmas - quoted))
    sents = sentences(item.text)
    vecs = as_cached(embed)([text, *sents])
    sims = vecs[1:] @ vecs[0]
    best = int(np.argmax(sims)) if len(sims) else 0
    similarity = float(sims[best]) if len(sims) else 0.0
    facts = (lemmas | claim.numbers | claim.named)
    overlap = len(shared_words) / len(facts) if facts else 0.0
    return Support(
        item_id=item.id, score=round(0.5 * overlap + 0.5 * max(similarity, 0.0), 4),
        shared=sorted(shared_words), missing=missing, similarity=round(similarity, 4),
        sentence=sents[best] if sents else "", supported=bool(shared_words) and similarity >= SIM_MIN,
    )
