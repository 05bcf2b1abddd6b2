"""Is the goal a clean verb phrase a person would write? Read from the spaCy parse of "I want <goal>".

A goal cut out of a review ("to use sucktastic memory error time", "to get without oops error without errors")
fails one of these: it does not start with a verb, a light verb has no object, the object is stacked noun soup,
the writer's sentiment or review filler sits inside it, a word is doubled, or it ends mid-phrase.
False alarms are measured on the 22 human backlogs of Dalpiaz 2018 (evals/public/dalpiaz.py).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from assistant.quality_rules import nlp
from assistant.triage.sentiment import LEXICON

# Verbs that say nothing on their own: without an object they leave a fragment ("to get without errors").
LIGHT_VERBS = {"get", "use", "have", "make", "do", "take", "give", "put", "be"}
# The writer's verdict, not the action: strong lexicon words (|valence| > 2.2) used as adjectives or adverbs,
# matched as a word start so that coinages like "sucktastic" are caught by their stem. Nouns are left out
# ("report fraud", "move to trash" are actions); superlatives too ("the best match").
_VERDICT = sorted({w for w, v in LEXICON.items() if abs(v) > 2.2 and len(w) >= 4 and "-" not in w}, key=len)
_VERDICT_RE = re.compile(r"\b(" + "|".join(map(re.escape, _VERDICT)) + r")", re.IGNORECASE)
# English verbs that take a bare infinitive ("help find", "let know", "make sure"): no stacked verbs there.
BARE_INFINITIVE = {"help", "let", "make", "have", "see", "hear", "watch", "go", "come", "dare"}
_OBJECT_DEPS = {"dobj", "obj", "attr", "oprd", "acomp", "xcomp", "ccomp", "dative", "prt", "advmod", "npadvmod"}
_PLACEHOLDER = re.compile(r"[\[<{]|\bTBD\b|\bTODO\b|\?\?", re.IGNORECASE)
# verbs that must say what (a notice "saying" what? a field "containing" what?): ending on one is a cut sentence
_WHAT_VERBS = {"say", "tell", "state", "explain", "mention", "describe", "contain", "include", "list", "indicate",
               "confirm", "ask", "mean", "show"}
_DANGLING = {"CCONJ", "DET"}  # a relative clause may end on a preposition ("the group I belong to")
SOUP = 4  # stacked nominal modifiers before a head; human requirements stack three ("file upload size limit")
_NOMINAL_MODS = {"compound", "amod", "nmod", "nummod"}


def _goal_doc(goal: str, verb_phrase: bool) -> tuple[Any, int]:
    """The parse of "I want to <goal>" (or "I want <goal>") and where the goal's own words start."""
    body = goal.strip().rstrip(".")
    if not verb_phrase:
        return nlp.parse(f"I want {body}"), 2
    body = re.sub(r"^to\s+", "", body, flags=re.IGNORECASE)
    return nlp.parse(f"I want to {body}"), 3


def garbled_reason(goal: str, *, verb_phrase: bool = True) -> str | None:
    """Why the goal is not a clean verb phrase, in plain words; None when it reads as one.

    verb_phrase=False is for pasted human stories that want a thing ("I want a search box"): the verb checks
    are skipped, the rest (doubling, filler, verdicts, noun soup, a dangling end) still apply.
    """
    if not goal.strip() or _PLACEHOLDER.search(goal):
        return "the goal is still a placeholder for the PO to write"
    doc, start = _goal_doc(goal, verb_phrase)
    words = [t for t in doc[start:] if not t.is_punct]
    if not words:
        return "the goal is empty"
    verb = _main_verb(doc, words)
    if verb_phrase and verb is None:
        first = next((t for t in words if t.pos_ not in ("ADV", "PART")), words[0])
        return f"the goal does not start with a verb ('{first.text}' is not an action)"
    verb = verb or words[0]
    lowered = [t.lower_ for t in words]
    if lowered.count("without") > 1:
        return "the goal says 'without' twice (two complaints pasted together)"
    for a, b in itertools.pairwise(words):
        if a.lower_ == b.lower_ and a.is_alpha:
            return f"the goal repeats '{a.text}'"
    filler = [t.text for t in words if t.pos_ == "INTJ" or t.lower_ in ("pls", "plz", "lol", "thx")]
    if filler:
        return f"review filler '{filler[0]}' inside the goal"
    verdict = [t.text for t in words if t.pos_ in ("ADJ", "ADV", "INTJ") and t.tag_ not in ("JJS", "RBS")
               and _VERDICT_RE.match(t.text)]
    if verdict:
        return f"the customer's verdict '{verdict[0]}' is inside the goal, not an action"
    broken = _broken_syntax(verb, words) if verb_phrase else None
    if broken:
        return broken
    if verb_phrase and verb.lemma_.lower() in LIGHT_VERBS and not _has_object(verb):
        return f"'{verb.text}' has no object: the goal does not say what to {verb.lemma_.lower()}"
    bare = _bare_object(verb, words) if verb_phrase else None
    if bare:
        return f"'{bare}' names no action on anything specific (a bare product word as the object)"
    soup = _noun_soup(words)
    if soup:
        return f"'{soup}' is a stack of nouns, not a phrase a person would write"
    if words[-1].pos_ in _DANGLING:
        return f"the goal ends mid-phrase ('{words[-1].text}')"
    last = words[-1]
    if (last.pos_ == "VERB" and last is not verb and last.lemma_.lower() in _WHAT_VERBS
            and not any(True for _ in last.children)):
        return f"the goal ends mid-phrase ('{last.text}' what?)"
    return None


def _main_verb(doc: Any, words: list[Any]) -> Any:
    """The verb the goal is built on: what "want" governs ("to automatically create" -> create)."""
    want = doc[1]
    for child in want.children:
        if child.dep_ in ("xcomp", "ccomp") and child.pos_ in ("VERB", "AUX"):
            return child
    lead = next((t for t in words if t.pos_ not in ("ADV", "PART")), None)
    if lead is None:
        return None
    if lead.pos_ in ("VERB", "AUX") or lead.tag_ in ("VB", "VBP") or _can_be_verb(lead.text):
        return lead
    return None


def _can_be_verb(word: str) -> bool:
    """The tagger misreads some base verbs after "to" as nouns ("to group", "to sync"): ask the lexicon."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word.lower(), upos="VERB").get("VERB", ())
    return word.lower() in lemmas


def _broken_syntax(verb: Any, words: list[Any]) -> str | None:
    """Word orders English does not allow, read from the parse: 'open up it', 'consider stay', 'add X make Y'."""
    for tok in words:
        if tok.dep_ == "prt" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].tag_ == "PRP" \
                and tok.doc[tok.i + 1].dep_ == "dobj":
            return f"'{tok.head.text} {tok.text} {tok.doc[tok.i + 1].text}' is not English word order"
        if tok.dep_ in ("dep", "parataxis") and tok.tag_ == "VB" and tok.head.i == 1:  # hangs off "want"
            return f"two actions run together without 'and' ('{tok.text}')"
    for tok in verb.children:  # "use my card buy snacks": a second verb hung on the first without "to" or "and"
        if tok.dep_ == "xcomp" and tok.i > verb.i + 1 and tok.tag_ in ("VB", "NN") \
                and not any(c.dep_ == "aux" for c in tok.children) and verb.lemma_.lower() not in BARE_INFINITIVE \
                and any(c.dep_ == "dobj" for c in tok.children):
            return f"two actions run together without 'to' or 'and' ('{verb.text} ... {tok.text}')"
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if nxt is not None and nxt.tag_ == "VB" and nxt.head == verb and verb.lemma_.lower() not in BARE_INFINITIVE:
        return f"two verbs stacked ('{verb.text} {nxt.text}')"
    objects = [t for t in words if t.dep_ in ("dobj", "pobj")]
    if objects and all(t.pos_ == "PRON" for t in objects) and not any(t.pos_ in ("NOUN", "PROPN", "NUM")
                                                                       for t in words):
        return f"the goal names nothing but '{objects[0].text}'"
    return None


def _has_object(verb: Any) -> bool:
    for child in verb.children:
        if child.dep_ in _OBJECT_DEPS:
            return True
        if child.dep_ == "prep" and child.lower_ != "without":
            return True
        if child.dep_ == "auxpass" or child.dep_ == "conj":
            return True
    return False


def _bare_object(verb: Any, words: list[Any]) -> str | None:
    """'use the app', 'have the app': a light verb whose whole goal is one bare common noun."""
    if verb.lemma_.lower() not in ("use", "have") or len(words) > 3:
        return None
    obj = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    if len(obj) == 1 and obj[0].pos_ == "NOUN" and all(c.dep_ == "det" for c in obj[0].children):
        return " ".join(t.text for t in words)
    return None


def _noun_soup(words: list[Any]) -> str | None:
    """An object with three or more bare nominal modifiers before its head and no determiner."""
    for tok in words:
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        mods = [c for c in tok.lefts if c.dep_ in _NOMINAL_MODS]
        has_det = any(c.dep_ in ("det", "poss") for c in tok.lefts)
        nested = sum(1 for m in mods for c in m.lefts if c.dep_ in _NOMINAL_MODS)
        if len(mods) + nested >= SOUP and not has_det and not any(c.is_punct for c in tok.subtree):
            first = min([tok.i, *(m.left_edge.i for m in mods)])
            return tok.doc[first: tok.i + 1].text
    return None
