"""The goal of a story, kept only when it reads as a clean verb phrase a person would write.

Which phrasing becomes the goal is chosen across all the items of a group (assistant.stories.consensus).
Clean: "I want to <goal>" parses with the goal's verb as the complement of "want", the verb and its object are
ordinary English words, and no verdict (sentiment), review filler or noun soup sits inside. Anything else is left
for the PO to write from the need brief.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from assistant.models import FeedbackItem
from assistant.stories.lexicon import STOP_NOUNS
from assistant.stories.nlp import parse
from assistant.stories.phrases import Ask, known_verb
from assistant.triage.sentiment import LEXICON

MAX_WORDS = 12
FAILURE_SHARE = 0.5  # the share of a story's items that must name an error for its goal to say "without errors"
_ERROR_FORMS = frozenset({"error", "crash", "fail", "failure", "bug", "glitch", "freeze", "exception", "oops"})
VERDICT = 1.5  # |valence| from which a word is a verdict on the product ("great", "useless"), not part of a goal
_FILLER = {"please", "pls", "plz", "lol", "oops", "omg", "wtf", "etc", "thanks", "thank", "hi", "hello", "guys",
           "dev", "devs", "developer", "developers", "stars", "star", "rating", "review", "ok", "okay"}
_BARE = STOP_NOUNS | {"application", "program", "software", "version", "feature", "function", "option", "work", "stuff",
                      "interface", "thing", "something", "anything", "everything", "way"}
_LIGHT = {"use", "have", "get", "keep", "make", "do", "see", "try", "like", "love", "improve", "change"}  # no action of their own
_UNFINISHED = {"is", "are", "was", "were", "am", "be", "been", "can", "could", "will", "would", "should", "must"}
_QUANTITY = {"some", "more", "new", "few", "many", "other", "additional", "extra", "any", "all", "the", "a", "an"}
# The report's problem, not something a person wants to do ("get the out of memory error", "use memory error").
_PROBLEMS = {"error", "bug", "crash", "problem", "issue", "glitch", "failure", "fault", "mistake"}
_SPECIFIC_SYMPTOM = re.compile(r"\b(crashing|freezing|hanging|closing|quitting|lagging|resetting|disappearing)$"
                               r"|^[a-z]+ errors$")  # "memory errors": the failure the items share (consensus)
_SUFFIX = re.compile(r" without (?:(?:[a-z]+ )?errors|waiting|(?:the|my) [\w ]{1,30}?(?:crashing|freezing|hanging|closing|quitting"
                     r"|lagging|resetting|disappearing))$")


def goal_for(rep: Ask, named: bool = True) -> str:
    """'to upload a receipt', 'to open big files without the app crashing', 'to load the dashboard without waiting'.
    `named`: the cited items themselves report errors (names_failure); without that a bug's goal is the action
    alone: "can't uninstall it" and "page turning takes 4 or 5 swipes" report no error to do without."""
    if rep.kind == "bug":
        if _SPECIFIC_SYMPTOM.search(rep.symptom or ""):
            return f"to {rep.phrase} without {rep.symptom}"
        return f"to {rep.phrase} without errors" if named else f"to {rep.phrase}"
    if rep.kind == "slow":
        return f"to {rep.phrase} without waiting"
    return f"to {rep.phrase}"


def names_failure(items: Sequence[FeedbackItem]) -> bool:
    """Most of the items name an error, a crash or a failure in their own words ("an out of memory error", "it
    keeps crashing", "fails"): only then may a goal promise the action "without errors"."""
    from assistant.stories.lemmas import text_forms

    told = sum(1 for i in items if text_forms(i.text) & _ERROR_FORMS)
    return bool(items) and told >= FAILURE_SHARE * len(items)


def bare_singular(phrase: str) -> bool:
    """The goal's object is a singular common noun with no article, number or possessive ("set password")."""
    doc = parse([f"I want to {phrase}."])[0]
    return any(t.dep_ == "dobj" and t.tag_ == "NN" and not any(
        c.dep_ in ("det", "poss", "nummod", "compound", "amod") for c in t.children) for t in doc)


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
    if getAllLemmas(low) or known_verb(low):  # a prefixed verb of a known stem: "uninstall"
        return True
    return len(_wordpieces().encode(low, add_special_tokens=False).ids) <= 2


@functools.lru_cache(maxsize=4096)
def _participle(word: str) -> bool:
    """'lost' (lose), 'stolen' (steal), 'damaged' (damage): a form of another verb, not an adjective of its own."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word).get("VERB", ())
    return bool(lemmas) and word not in lemmas and word.endswith(("ed", "en", "st", "lt", "nt", "ght"))


def problem(goal: str, product: str = "") -> str | None:
    """Why a goal is not a clean verb phrase, or None when it is ('to open my comics from the SD card').
    `product`: the inbox's product (assistant.stories.asks.subject_noun), a fine object for an action the items
    report failing on it ("can't uninstall it" -> "to uninstall the app"); the caller says when that holds."""
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
    if low[-1] in _UNFINISHED:  # "see why my account on hold is": a clause the reordering left without its end
        return f"ends with '{words[-1]}', an unfinished clause"
    return _parse_problem(phrase, product)


@functools.lru_cache(maxsize=8192)
def _parse_problem(phrase: str, product: str = "") -> str | None:
    doc = parse([f"I want to {phrase}."])[0]
    toks = [t for t in doc if not t.is_punct][3:]  # the goal's own tokens
    if not toks:
        return "no verb"
    verb = toks[0]
    if verb.head.lemma_ != "want" or verb.dep_ not in ("xcomp", "ccomp") or not known_verb(verb.lemma_.lower()):
        return f"'{verb.text}' is not read as a verb"
    objects = [t for t in toks[1:] if t.dep_ in ("dobj", "pobj", "attr", "oprd") and t.head.i >= verb.i]
    bare = _BARE - {product} if product and verb.lemma_.lower() not in _LIGHT else _BARE
    if objects and all(t.lemma_.lower() in bare and all(c.dep_ in ("det", "poss") or c.lower_ in _QUANTITY
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
        if t.i >= 2 and doc[t.i - 1].text == "-" and not doc[t.i - 2].whitespace_:
            continue  # "cover-grid": one hyphenated word, not two nouns
        run = run + 1 if t.pos_ in ("NOUN", "PROPN") else 0
        longest = max(longest, run)
    if longest >= 4:
        return "a heap of nouns rather than a phrase"
    return None

