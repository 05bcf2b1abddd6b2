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
_EXTENSION = re.compile(r"(?<![\w.])\.([A-Za-z][A-Za-z0-9]{1,4})(?=\b|'s\b)")
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
    for m in _EXTENSION.finditer(doc.text):
        # ".cbr files", "my .cbr's": a file type is a named thing whatever the tagger made of it (often PUNCT)
        named.add(m.group(1).lower())
        lemmas.add(m.group(1).lower())
        others.add(m.group(1).lower())
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
    return list(_sentences(text))


@functools.lru_cache(maxsize=20_000)
def _sentences(text: str) -> tuple[str, ...]:
    # cached: an item is cited by several claims, each asking for its sentences
    doc = nlp.parse(text or "")
    sents = tuple(s.text.strip() for s in doc.sents if s.text.strip())
    return sents or (text,)


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


_NEGATION = {"not", "n't", "no", "never", "without", "nor"}
# a denied condition hangs on being or having ("I don't have iOS 7", "I'm not on Android 4", "we don't use SSO");
# a denied action is a complaint that it fails ("it doesn't open on Android 4") and still states the condition
_STATIVE = {"be", "have", "use", "own"}


def negation(text: str, word: str) -> Any | None:
    """The token carrying a negation of `word` in `text` (the word itself, or the verb or preposition it hangs on,
    up to its clause's verb), or None."""
    for tok in nlp.parse(text):
        if tok.text.lower() != word.lower():
            continue
        node = tok
        for _ in range(4):  # up to the clause's verb: "don't have [iOS] 7", "not on [Android] 4"
            if any(c.lower_ in _NEGATION and c.dep_ in ("neg", "det", "advmod") for c in node.children):
                return node
            if node.pos_ in ("VERB", "AUX") or node.head is node:
                break
            node = node.head
    return None


def negated(text: str, word: str) -> bool:
    """The writer denies the condition ("I don't have iOS 7", "not on Android 4"): the word, or the verb or
    preposition it hangs on, has a negation in the parse. Such an item reports the opposite of the condition."""
    return negation(text, word) is not None


def denies(text: str, word: str) -> bool:
    """The writer says they are not in the condition (a negated be/have/use/own or preposition), as opposed to
    reporting that something fails in it: "I don't have iOS 7" denies iOS 7, "it won't open on iOS 7" does not."""
    node = negation(text, word)
    if node is None:
        return False
    return node.pos_ not in ("VERB", "AUX") or node.lemma_.lower() in _STATIVE
