"""The facts a sentence uses, read from the spaCy parse: content lemmas, numbers and named things.

General English only: which words are framing ("I want to see ...") is decided by the parser (stop words,
parts of speech) plus a short list of English framing verbs, never by a list of domain words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.quality_rules import nlp

CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
# English framing words that story and criterion templates use whatever the product: they carry no fact.
FRAMING = {
    "want", "need", "able", "see", "get", "have", "make", "use", "do", "try", "show", "appear", "happen", "work",
    "let", "allow", "give", "take", "come", "keep", "say", "know", "like", "thing", "way", "time", "user", "given",
    "then", "when", "also", "still", "just", "really", "even", "well", "instead", "again", "already", "always",
    "anymore", "ever", "only", "lot", "something", "anything", "everything", "one", "people", "person",
    "new", "good", "bad", "sure", "right", "case",
}
NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NAMED_SHAPE = re.compile(r"^(?=.*[A-Za-z])(?:[A-Z0-9]{2,}|[A-Za-z]*\d[\w.]*|[a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*)$")
_QUOTED = re.compile(r"[\"“]([^\"”]{3,200})[\"”]")


@dataclass(frozen=True)
class Terms:
    """What a text talks about: content lemmas (and surface forms), numbers, named things."""

    lemmas: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)
    named: frozenset[str] = field(default_factory=frozenset)
    verbs: frozenset[str] = field(default_factory=frozenset)  # the lemmas above that came only from verbs

    @property
    def facts(self) -> frozenset[str]:
        return self.lemmas | self.numbers | self.named

    def __or__(self, other: Terms) -> Terms:
        return Terms(self.lemmas | other.lemmas, self.numbers | other.numbers, self.named | other.named,
                     self.verbs | other.verbs)


def _fold(word: str) -> str:
    return word.lower().strip(".,;:!?'\"()[]")


def terms_of_doc(doc: Any) -> Terms:
    """Terms of a parsed text (both lemma and surface form are kept so 'crashes' meets 'crash')."""
    lemmas: set[str] = set()
    numbers: set[str] = set()
    named: set[str] = set()
    verbs: set[str] = set()
    others: set[str] = set()
    for tok in doc:
        text = tok.text
        if NUMBER.fullmatch(text) or tok.like_num and any(c.isdigit() for c in text):
            numbers.add(text.replace(",", "."))
        if _NAMED_SHAPE.match(text) and text != "I":
            named.add(text.lower())
        if tok.is_stop or tok.is_punct or tok.pos_ not in CONTENT_POS or len(text) < 2:
            continue
        lemma = _fold(tok.lemma_)
        if lemma and lemma not in FRAMING and _fold(text) not in FRAMING:
            lemmas.add(lemma)
            lemmas.add(_fold(text))
            (verbs if tok.pos_ == "VERB" else others).update((lemma, _fold(text)))
    for m in _QUOTED.finditer(doc.text):
        # a quote shortened with "..." still has to match the item word for word up to the cut
        named.add(re.sub(r"(\.\.\.|…)$", "", m.group(1).strip()).strip().lower())
    return Terms(frozenset(lemmas), frozenset(numbers), frozenset(named), frozenset(verbs - others))


@functools.lru_cache(maxsize=20_000)
def terms(text: str) -> Terms:
    """Terms of one text (parse and result cached process-wide: the same item is cited by many claims)."""
    return terms_of_doc(nlp.parse(text or ""))


def warm(texts: Iterable[str]) -> None:
    """Parse many texts in one batched pass before terms() is called on them."""
    nlp.warm([t for t in texts if t])


def sentences(text: str) -> list[str]:
    """The sentences of a text as the parser splits them (the text itself when it has one)."""
    doc = nlp.parse(text or "")
    sents = [s.text.strip() for s in doc.sents if s.text.strip()]
    return sents or [text]


def metadata_words(metadata: dict[str, Any]) -> set[str]:
    """Lower-cased words of the string metadata values (segment, author role, channel, plan ...)."""
    words: set[str] = set()
    for value in metadata.values():
        if isinstance(value, str) and len(value) < 200:
            for w in re.findall(r"[A-Za-z][A-Za-z'-]+", value):
                w = w.lower()
                words.add(w)
                words.add(singular(w))
    return words


def singular(word: str) -> str:
    """A cheap plural fold for metadata words the parser never sees ('readers' -> 'reader')."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
