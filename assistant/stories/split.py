"""Split one need into stories: one per distinct ask (verb + object), merging asks that say the same thing.

"Save my bookmarks" and "remember my bookmarks" are one ask; "save my bookmarks" and "read offline" in the
same need are two stories. Small asks are folded into the closest big one as evidence, so a story stays
small but no feedback is dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.stories.asks import VERB_KEYS, Ask

GENERIC_OBJECTS = {"data", "everything", "all", "thing", "stuff", "information", "info"}
QUANTITY = {"more", "some", "few", "many", "much", "other", "additional", "extra", "any", "several"}

MERGE_SIMILARITY = 0.8  # cosine between goal phrases that read as the same ask (MiniLM, checked on examples)
MIN_SHARE = 0.15  # an ask backed by less than this share of the need's asks is folded into a bigger one
MAX_STORIES_PER_NEED = 4

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass
class AskGroup:
    """The items behind one story: their asks, and the ask whose phrasing becomes the goal."""

    key: str
    asks: list[Ask] = field(default_factory=list)
    item_ids: list[str] = field(default_factory=list)

    @property
    def rep(self) -> Ask:
        # the phrasing comes from the ask that formed the group; folded-in asks only add evidence
        base, _, variant = self.key.partition("|")
        own = [a for a in self.asks if a.key == base and (not variant or variant in a.formats)]
        return representative(own or self.asks)


def representative(asks: Sequence[Ask]) -> Ask:
    """The most common clear phrasing (no bare 'it'), then the one closest to five words, then alphabetical."""
    counts: dict[str, int] = {}
    for a in asks:
        counts[_norm(a.phrase)] = counts.get(_norm(a.phrase), 0) + 1
    return sorted(
        asks, key=lambda a: (a.pronoun, a.kind == "slow", -counts[_norm(a.phrase)], abs(len(a.phrase.split()) - 5), _norm(a.phrase), a.phrase, a.item_id)
    )[0]


def _norm(phrase: str) -> str:
    # "export our expenses as Excel" and "export my expenses to Excel" are the same phrasing
    return re.sub(r"\bas\b", "to", re.sub(r"\bour\b", "my", phrase.lower()))


def _same_ask(a: Ask, b: Ask) -> bool:
    verb_a, verb_b = VERB_KEYS.get(a.verb, a.verb), VERB_KEYS.get(b.verb, b.verb)
    if verb_a != verb_b:
        return False
    words_a, words_b = _object_words(a.obj_head), _object_words(b.obj_head)
    return not words_a or not words_b or bool(words_a & words_b)


def _object_words(head: str) -> set[str]:
    # a quantity ("more checks", "more checkbooks") says how many, not what: it makes no two objects the same
    return set(head.split()) - GENERIC_OBJECTS - QUANTITY


def split_need(item_ids: Sequence[str], asks: dict[str, Ask | None], embed: Embed | None = None) -> list[AskGroup]:
    """Group a need's items into 1..MAX_STORIES_PER_NEED asks; items without a parsable ask join the closest."""
    groups: dict[str, AskGroup] = {}
    for item_id in sorted(item_ids):
        ask = asks.get(item_id)
        if ask is not None:
            groups.setdefault(ask.key, AskGroup(ask.key)).asks.append(ask)
    if not groups:
        return []
    ordered = sorted(groups.values(), key=lambda g: (-len(g.asks), g.key))
    vectors = _vectors([g.rep.phrase for g in ordered], embed)
    merged: list[AskGroup] = []
    merged_vecs: list[np.ndarray | None] = []
    for group, vec in zip(ordered, vectors):
        target = None
        for i, other in enumerate(merged):
            if _same_ask(group.rep, other.rep) or (
                vec is not None and merged_vecs[i] is not None and float(vec @ merged_vecs[i]) >= MERGE_SIMILARITY
            ):
                target = i
                break
        if target is None:
            merged.append(AskGroup(group.key, list(group.asks)))
            merged_vecs.append(vec)
        else:
            merged[target].asks.extend(group.asks)
    merged.sort(key=lambda g: (-len(g.asks), g.key))
    total = sum(len(g.asks) for g in merged)
    floor = max(2, math.ceil(MIN_SHARE * total))
    big = [g for g in merged if len(g.asks) >= floor][:MAX_STORIES_PER_NEED] or merged[:1]
    big_vecs = _vectors([g.rep.phrase for g in big], embed)
    for group in merged:
        if group in big:
            continue
        best = _closest(group.rep.phrase, big, big_vecs, embed)
        big[best].asks.extend(group.asks)
    big = [part for g in big for part in _split_by_variant(g)][:MAX_STORIES_PER_NEED]
    for g in big:
        g.item_ids = sorted(a.item_id for a in g.asks)
    # items that state no action (pure complaints) are evidence for the closest story
    unparsed = sorted(i for i in item_ids if asks.get(i) is None)
    if unparsed and len(big) == 1:
        big[0].item_ids = sorted(big[0].item_ids + unparsed)
    elif unparsed:
        for item_id in unparsed:
            big[0].item_ids.append(item_id)  # the biggest ask; refined by the drafter when texts are at hand
        big[0].item_ids.sort()
    return sorted(big, key=lambda g: (-len(g.item_ids), g.key))


def _split_by_variant(group: AskGroup) -> list[AskGroup]:
    """Too big to be small: when customers ask for the same action in several variants (CSV and Excel, each by
    at least two of them), each variant becomes its own story (split by data variation)."""
    by_format: dict[str, list[Ask]] = {}
    for a in group.asks:
        if a.formats:
            by_format.setdefault(a.formats[0], []).append(a)
    variants = sorted((f for f, asks in by_format.items() if len(asks) >= 2), key=lambda f: (-len(by_format[f]), f))
    if len(variants) < 2:
        return [group]
    parts = [AskGroup(f"{group.key}|{f}", list(by_format[f])) for f in variants]
    rest = [a for a in group.asks if not a.formats or a.formats[0] not in variants]
    parts[0].asks.extend(rest)  # asks without a variant go with the most asked-for one
    return parts


def _vectors(phrases: Sequence[str], embed: Embed | None) -> list[np.ndarray | None]:
    if embed is None or len(phrases) < 2:
        return [None] * len(phrases)
    return list(np.asarray(embed(list(phrases)), dtype=np.float32))


def _closest(phrase: str, groups: Sequence[AskGroup], vecs: Sequence[np.ndarray | None], embed: Embed | None) -> int:
    if embed is None or any(v is None for v in vecs):
        return 0
    vec = np.asarray(embed([phrase]), dtype=np.float32)[0]
    return int(np.argmax([float(vec @ v) for v in vecs]))
