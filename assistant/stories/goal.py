"""The goal of a story: the need's central ask, kept only when it reads as a clean verb phrase a person would write.

Central: the phrasing most of the group's items share; when no phrasing is shared, the medoid (the ask closest to
all the others, by the local embedder). Clean: "I want to <goal>" parses with the goal's verb as the complement of
"want", the verb and its object are ordinary English words, and no verdict (sentiment), review filler or noun soup
sits inside. Anything else is left for the PO to write from the need brief.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assistant.stories.lexicon import STOP_NOUNS, VERB_KEYS
from assistant.stories.nlp import parse
from assistant.stories.phrases import Ask, known_verb
from assistant.triage.sentiment import LEXICON

Embed = Callable[[Sequence[str]], np.ndarray]

MAX_WORDS = 12
MEDOID_SLACK = 0.05  # phrasings this close to the medoid say the need as well as it does
SUPPORT_CANDIDATES = 8  # phrasings whose support is counted when choosing the goal
_DETAIL = re.compile(r"\d|\$|£|€|\b(?:xyz|abc)\b", re.I)
PARAPHRASE = 0.75  # MiniLM cosine between two goal phrases that say the same ("turn pages" / "flip to the next page")
VERDICT = 1.5  # |valence| from which a word is a verdict on the product ("great", "useless"), not part of a goal
_FILLER = {"please", "pls", "plz", "lol", "oops", "omg", "wtf", "etc", "thanks", "thank", "hi", "hello", "guys",
           "dev", "devs", "developer", "developers", "stars", "star", "rating", "review", "ok", "okay"}
_BARE = STOP_NOUNS | {"application", "program", "software", "version", "feature", "function", "option", "work", "stuff",
                      "interface", "thing", "something", "anything", "everything", "way"}
_QUANTITY = {"some", "more", "new", "few", "many", "other", "additional", "extra", "any", "all", "the", "a", "an"}
# The report's problem, not something a person wants to do ("get the out of memory error", "use memory error").
_PROBLEMS = {"error", "bug", "crash", "problem", "issue", "glitch", "failure", "fault", "mistake"}
_SPECIFIC_SYMPTOM = re.compile(r"\b(crashing|freezing|hanging|closing|quitting|lagging|resetting|disappearing)$")
_SUFFIX = re.compile(r" without (?:errors|waiting|(?:the|my) [\w ]{1,30}?(?:crashing|freezing|hanging|closing|quitting"
                     r"|lagging|resetting|disappearing))$")


def goal_for(rep: Ask) -> str:
    """'to upload a receipt', 'to open big files without the app crashing', 'to load the dashboard without waiting'."""
    if rep.kind == "bug":
        return f"to {rep.phrase} without {rep.symptom if _SPECIFIC_SYMPTOM.search(rep.symptom or '') else 'errors'}"
    if rep.kind == "slow":
        return f"to {rep.phrase} without waiting"
    return f"to {rep.phrase}"


def central(asks: Sequence[Ask], embed: Embed | None = None) -> tuple[Ask | None, set[str]]:
    """(the goal's ask, the items asking the same): among the clean phrasings, the one most items share; ties go to
    the phrasing seen most often, then the medoid (closest to all the others) without one customer's details."""
    clean = [a for a in asks if problem(goal_for(a)) is None]
    if not clean:
        return None, set()
    ranked = _ranked(clean, embed)[:SUPPORT_CANDIDATES]
    backing = {a.phrase: same_ask(a, asks, embed) for a in ranked}
    best = max(ranked, key=lambda a: (len(backing[a.phrase]), -ranked.index(a)))
    return best, backing[best.phrase]


def _ranked(clean: Sequence[Ask], embed: Embed | None) -> list[Ask]:
    counts = Counter(_norm(a.phrase) for a in clean)
    order = sorted(clean, key=lambda a: (a.pronoun, -counts[_norm(a.phrase)], abs(len(a.phrase.split()) - 5),
                                         _norm(a.phrase), a.item_id))
    if counts[_norm(order[0].phrase)] >= 2 or len(order) == 1 or embed is None:
        return order
    phrases = list(dict.fromkeys(a.phrase for a in order))
    vecs = np.asarray(embed(phrases), dtype=np.float32)
    mean_sim = (vecs @ vecs.T).mean(axis=1)
    # closest to all the others first; near the top, no single customer's details (amounts, numbers, names) and
    # fewer words: "transfer money between my accounts", not "transfer $ 100 from my checking"
    top = mean_sim.max()
    rank = sorted(range(len(phrases)), key=lambda i: (mean_sim[i] < top - MEDOID_SLACK, bool(_DETAIL.search(phrases[i])),
                                                      len(phrases[i].split()) if mean_sim[i] >= top - MEDOID_SLACK else 0,
                                                      -mean_sim[i]))
    first = {phrases[i]: n for n, i in enumerate(rank)}
    return sorted(order, key=lambda a: (first[a.phrase], a.item_id))


def same_ask(rep: Ask, asks: Sequence[Ask], embed: Embed | None = None) -> set[str]:
    """Ids of the items asking the same as rep: same verb and a shared object word, or a paraphrase (embedder)."""
    verb, words = _verb_key(rep.verb), _object_words(rep)
    out = {a.item_id for a in asks if not a.pronoun and _verb_key(a.verb) == verb
           and (words & _object_words(a) or not words and not _object_words(a))}
    others = [a for a in asks if a.item_id not in out and not a.pronoun]
    if embed is not None and others:
        vecs = np.asarray(embed([rep.phrase, *(a.phrase for a in others)]), dtype=np.float32)
        out |= {a.item_id for a, sim in zip(others, vecs[1:] @ vecs[0]) if float(sim) >= PARAPHRASE}
    return out | {rep.item_id}


def _verb_key(verb: str) -> str:
    """'open up' asks the same as 'open'; 'log in' stays itself."""
    key = VERB_KEYS.get(verb, verb)
    head, _, particle = key.partition(" ")
    return head if particle in ("up", "out", "down", "back", "through") else key


def _object_words(ask: Ask) -> set[str]:
    return set(ask.obj_head.split()) - {"app", "thing", "it", "everything", "all", "stuff"}


def _norm(phrase: str) -> str:
    return re.sub(r"\bour\b", "my", phrase.lower())


@functools.lru_cache(maxsize=1)
def _wordpieces() -> Any:
    from tokenizers import Tokenizer

    from assistant.embeddings import model_files

    tok = Tokenizer.from_file(str(model_files()[1]))
    tok.no_padding()  # the shipped tokenizer.json pads to a fixed length
    return tok


@functools.lru_cache(maxsize=8192)
def _known_word(word: str) -> bool:
    """An English word: lemminflect's dictionary knows it, or the embedder's WordPiece vocabulary splits it into at
    most two pieces ('offline' = off+line). Typos and run-together slang ('sucktastic' = suck+tas+tic) are not."""
    from lemminflect import getAllLemmas

    low = word.lower()
    if getAllLemmas(low):
        return True
    return len(_wordpieces().encode(low, add_special_tokens=False).ids) <= 2


@functools.lru_cache(maxsize=4096)
def _participle(word: str) -> bool:
    """'lost' (lose), 'stolen' (steal), 'damaged' (damage): a form of another verb, not an adjective of its own."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word).get("VERB", ())
    return bool(lemmas) and word not in lemmas and word.endswith(("ed", "en", "st", "lt", "nt", "ght"))


def problem(goal: str) -> str | None:
    """Why a goal is not a clean verb phrase, or None when it is ('to open my comics from the SD card')."""
    if goal.count(" without ") > 1:
        return "says 'without' twice"
    phrase = _SUFFIX.sub("", goal.removeprefix("to ").strip())  # the reported symptom is not part of the action
    words = phrase.split()
    if not 2 <= len(words) <= MAX_WORDS:
        return "too short to say what the customer wants" if len(words) < 2 else "too long for a goal"
    low = [w.lower().strip(",.") for w in words]
    # the verb itself is the action, whatever its valence: "freeze my account" is no verdict on the product
    # and a verb's past participle states a fact ("a lost card", "my stolen phone"), not the writer's verdict
    if bad := [w for n, w in enumerate(low) if w in _FILLER or n and abs(LEXICON.get(w, 0.0)) >= VERDICT
               and not _participle(w)]:
        return f"contains review words ('{bad[0]}') rather than an action"
    if len(set(low)) < len(low) - 1:
        return "repeats words"
    return _parse_problem(phrase)


@functools.lru_cache(maxsize=8192)
def _parse_problem(phrase: str) -> str | None:
    doc = parse([f"I want to {phrase}."])[0]
    toks = [t for t in doc if not t.is_punct][3:]  # the goal's own tokens
    if not toks:
        return "no verb"
    verb = toks[0]
    if verb.head.lemma_ != "want" or verb.dep_ not in ("xcomp", "ccomp") or not known_verb(verb.lemma_.lower()):
        return f"'{verb.text}' is not read as a verb"
    objects = [t for t in toks[1:] if t.dep_ in ("dobj", "pobj", "attr", "oprd") and t.head.i >= verb.i]
    if objects and all(t.lemma_.lower() in _BARE and all(c.dep_ in ("det", "poss") or c.lower_ in _QUANTITY
                                                         for c in t.subtree if c is not t) for t in objects):
        return f"its object is a bare '{objects[0].text}'"
    if problem_word := next((t.text for t in objects if t.lemma_.lower() in _PROBLEMS), None):
        return f"it asks for the problem ('{problem_word}'), not for an action"
    if verb.lemma_ == "use" and objects and len([t for t in toks[1:] if t.dep_ not in ("det", "poss")]) < 2:
        return f"'use {objects[0].text}' names a thing, not what the customer wants to do with it"
    unknown = [t.text for t in toks if t.is_alpha and not t.is_upper and t.pos_ not in ("PROPN",) and not t.is_stop
               and not _known_word(t.text)]
    if unknown:
        return f"'{unknown[0]}' is not an English word"
    run = longest = 0
    for t in toks:
        run = run + 1 if t.pos_ in ("NOUN", "PROPN") else 0
        longest = max(longest, run)
    if longest >= 4:
        return "a heap of nouns rather than a phrase"
    return None

