"""Is a story-level citation about the story's goal? The rule the offline drafting cites by
(assistant.stories.consensus.cites: the item names the goal's object and asks for its action), applied by the gate
to every story, LLM drafts and PO edits too; plus what words alone cannot tell, read from the item's parse:

- an item that reports the object already in the action's state ("why is my account frozen", "how did my card get
  blocked") does not ask for the action ("freeze my bank account"): the verb stands there as a state or a past
  event, not as something wanted;
- an item that declines the action ("I don't want to close my account", "no need to send a new card") says the
  opposite of the goal.

The goal is read from its own words (the same parse and pruning as the drafting, nothing cut), so a goal typed by
the PO or written by a model is checked like a drafted one. General English only: no domain word lists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.models import FeedbackItem

# the reported symptom of a bug or slow goal ("without errors", "without the app crashing", "without waiting"):
# a condition of the action, not its object
_WITHOUT = re.compile(r"\s+without\s+(.+)$", re.I)
_PROBLEM = re.compile(r"\b(?:errors?|crash\w*|freez\w*|hang\w*|clos\w*|quit\w*|lag\w*|reset\w*|disappear\w*|"
                      r"fail\w*|bugs?|problems?|issues?|glitch\w*)\b", re.I)
# verbs of wanting or asking for help: an action under them is asked for ("I need my account frozen", "help me get
# my bill paid"); under a negated one it is declined
DESIRE = {"want", "need", "like", "wish", "love", "prefer", "require", "request", "hope", "help"}
_STATE_TAGS = {"VBN", "VBD", "JJ"}  # "frozen", "blocked", "lost" (a past event or a state), not a wanted action
_OBJECT_POS = {"NOUN", "PROPN", "ADJ", "NUM", "VERB", "X", "SYM"}  # adverbs ("right now") are manner, not object
# light verbs name no action of their own: in "to use the export", "to have dark mode", "to keep the sync working"
# the object is the action, so only the object is checked ("the CSV export crashes" is about using the export)
LIGHT = {"use", "have", "get", "keep", "make", "do"}


@dataclass(frozen=True)
class Target:
    """What a goal acts on, as the drafting's about() reads it: the action, the object's words, its head word."""

    verb: str
    words: tuple[str, ...]
    head: str
    kind: str  # request | bug | slow
    phrase: str
    failure: str = ""  # "memory" of "without memory errors": a cited item must report it


@functools.lru_cache(maxsize=4096)
def goal_target(goal: str) -> Target | None:
    """The goal's action and object ('to report a lost card' -> report; lost, card), or None when it does not parse
    as an action on something (the garbled check speaks for such a goal)."""
    from assistant.stories.asks import extract_ask
    from assistant.stories.consensus import _head_word, _prune, failure_of
    from assistant.stories.nlp import parse

    phrase = re.sub(r"^\s*to\s+", "", goal.strip(), flags=re.I).rstrip(" .!")
    kind, failure = "request", ""
    if m := _WITHOUT.search(phrase):
        symptom = m.group(1)
        failure = failure_of(symptom)
        kind = "slow" if symptom.lower().startswith("wait") else "bug" if _PROBLEM.search(symptom) else kind
        if kind != "request":
            phrase = phrase[: m.start()]
    if len(phrase.split()) < 2:
        return None
    doc = parse([f"I want to {phrase}."])[0]
    ask = extract_ask("goal", doc) or _plain_ask(doc, phrase)
    if ask is None:
        return None
    pruned = _prune(replace(ask, phrase=phrase), lambda _word: 1.0)  # nothing is one customer's detail here
    if pruned is None:
        return None
    _, words, _, head = pruned
    pos = {t.text.lower(): t.pos_ for t in doc}
    words = tuple(w for w in words if pos.get(w, "NOUN") in _OBJECT_POS)
    if not words:
        return None
    head_word = _head_word(replace(ask, obj_head=head), words)
    return Target(verb=ask.verb, words=words, head=head_word, kind=kind, phrase=phrase, failure=failure)


def _plain_ask(doc: Any, phrase: str) -> Any:
    """The goal's verb as parsed when the ask finders pass it by ("keep the sync working"): still checked."""
    from assistant.stories.phrases import Ask

    verb = next((t for t in doc if t.head.lemma_ == "want" and t.dep_ in ("xcomp", "ccomp") and t.pos_ == "VERB"),
                None)
    if verb is None:
        return None
    prt = [c.text.lower() for c in verb.children if c.dep_ == "prt"]
    return Ask("goal", " ".join([verb.lemma_.lower(), *prt]), phrase)


def _path_up(tok: Any, steps: int = 3) -> list[Any]:
    out = []
    node = tok
    for _ in range(steps):
        if node.head is node:
            break
        node = node.head
        out.append(node)
    return out


def _declined(tok: Any) -> bool:
    """The action sits under a negated want ("I don't want to freeze", "no need to send"); a negated ability
    ("I can't freeze my account") is a complaint that the action fails, so it still asks for it."""
    for node in _path_up(tok):
        if node.lemma_.lower() in DESIRE and any(
                c.dep_ == "neg" or c.lower_ == "no" and c.dep_ == "det" for c in node.children):
            return not any(c.tag_ == "MD" for c in node.children)
    return False


def _wanted(tok: Any) -> bool:
    return any(node.lemma_.lower() in DESIRE for node in _path_up(tok))


def _mentions(item: FeedbackItem, verb: str) -> list[Any]:
    """The item's tokens that are a form of the verb ('frozen', 'freezes' for 'freeze')."""
    from assistant.quality_rules import nlp as shared
    from assistant.stories.lemmas import forms

    want = forms(verb.split()[0])
    return [t for t in shared.parse(item.text) if forms(t.text) & want]


def _bare(tok: Any) -> bool:
    """A verb used without an object of its own ("won't let me uninstall"), or with a bare pronoun for one."""
    objects = [c for c in tok.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
    return tok.pos_ == "VERB" and all(c.pos_ == "PRON" for c in objects)


def acts(item: FeedbackItem, verb: str) -> bool:
    """The item's words ask for the action: the verb stands in it as something to do (or a noun, "put a freeze on
    my account"), not only as a state or past event, and not under a negated want."""
    return any(not _declined(t) and (t.tag_ not in _STATE_TAGS or _wanted(t)) for t in _mentions(item, verb))


def declines(item: FeedbackItem, verb: str) -> bool:
    """Every mention of the action in the item is under a negated want."""
    hits = _mentions(item, verb)
    return bool(hits) and all(_declined(t) for t in hits)


def _details(tok: Any) -> list[Any]:
    """What the item says of the thing: its modifiers, a participle after it ("my card damaged"), or the state it
    is reported in ("my card got damaged")."""
    out = [c for c in tok.children if c.is_alpha and (c.dep_ in ("amod", "compound", "nmod")
                                                      or c.dep_ == "acl" and c.tag_ in _STATE_TAGS)]
    if tok.dep_ in ("nsubjpass", "nsubj") and tok.head.tag_ in _STATE_TAGS:
        out.append(tok.head)
    return out


def _state(tok: Any) -> bool:
    """A detail saying what happened to the thing ("lost", "damaged"), not its kind or brand ("visa card")."""
    from assistant.stories.goal import _participle

    return tok.tag_ in ("VBN", "VBD") or _participle(tok.lower_)


def _goal_forms(target: Target) -> set[str]:
    from assistant.stories.lemmas import forms

    return {f for w in (*target.words, target.verb.split()[0]) for f in forms(w)}


def _objects(target: Target, item: FeedbackItem) -> list[Any]:
    """The item's tokens naming the goal's object."""
    from assistant.quality_rules import nlp as shared
    from assistant.stories.lemmas import forms

    head = forms(target.head)
    return [t for t in shared.parse(item.text) if forms(t.text) & head]


def names_object(target: Target, item: FeedbackItem, *, governed: bool = True) -> bool:
    """The item names the goal's object without a detail of its own, only lacking some of the goal's modifiers:
    "reading cbr files" is about "read large cbr files", but "report a lost card" and "I lost my card" are not
    about "report a damaged card". The object's word must hang on the goal's action or on a want ("my account
    needs to be frozen"), unless the goal's verb is a light one (`governed=False`), and every word the item puts
    on it must be one of the goal's."""
    from assistant.stories.lemmas import forms

    goal, verb = _goal_forms(target), forms(target.verb.split()[0])
    for tok in _objects(target, item):
        if any(not forms(c.text) & goal for c in _details(tok)):
            continue
        gov = tok.head.head if tok.head.pos_ == "ADP" else tok.head
        if not governed or forms(gov.text) & verb or gov.lemma_.lower() in DESIRE:
            return True
    return False


def other_state(target: Target, item: FeedbackItem) -> bool:
    """The item says something else happened to the goal's thing ("report my card damaged" for "report my lost
    card"); a kind or brand it adds ("visa card") is one customer's detail and does not count."""
    from assistant.stories.lemmas import forms

    goal = _goal_forms(target)
    return any(_state(c) and not forms(c.text) & goal for tok in _objects(target, item) for c in _details(tok))


def about_goal(target: Target, item: FeedbackItem, ask: Any, *, lacking: bool = False,
               common: frozenset[str] = frozenset()) -> bool:
    """The story may cite the item for this goal (see the module docstring). `lacking`: the item may lack some of
    the goal's modifiers (names_object), once another cited item states them all. `common`: the inbox's everyday
    words; a goal on that thing naming a failure may cite an item reporting the failure ("Out of memory error")."""
    from assistant.stories.backing import provides, reports_failure
    from assistant.stories.consensus import cites, may_cite, said, verb_key
    from assistant.stories.lemmas import text_forms, uses
    from assistant.stories.named import requests_thing

    if target.failure and not uses(text_forms(item.text), target.failure):
        return False  # "without memory errors": the item must report that failure
    if reports_failure(target.failure, target.words, item, ask, common):
        return True
    if target.kind == "request" and may_cite(item, ask) and all(uses(said(item, ask), w) for w in target.words) \
            and not other_state(target, item) and requests_thing(item, target.head, target.verb):
        return True  # "please add custom lock screen wallpaper support" asks for the thing "set a wallpaper" acts on
    if target.words and all(w in common for w in target.words) and may_cite(item, ask) \
            and any(_bare(t) for t in _mentions(item, target.verb)) and acts(item, target.verb):
        return True  # "Can't uninstall": the action with no object of its own is done on the product itself
    if target.verb.split()[0] in LIGHT:
        have = said(item, ask)
        return may_cite(item, ask) and (all(uses(have, w) for w in target.words)
                                        or lacking and names_object(target, item, governed=False))
    if cites(target.words, target.verb, item, ask, target.head, target.kind):
        # the drafting's rule lets an item whose own ask is the goal's action lack some of the goal's words; then
        # it must not put a detail of its own on the thing ("report my card damaged" is not about a lost card)
        have = said(item, ask)
        if not all(uses(have, w) for w in target.words) and other_state(target, item):
            return False
    elif not (lacking and may_cite(item, ask) and names_object(target, item)):
        return False
    if target.kind in ("bug", "slow"):
        return True  # a complaint about the object failing supports a goal about it not failing
    if ask is not None and any(verb_key(a.verb) == verb_key(target.verb) for a in ask.all):
        return not declines(item, target.verb)
    # "Add password or pattern to it" asks for the thing the goal acts on ("to set a password"): the writers who
    # state the action chose the verb, this one wants the thing to act on
    return acts(item, target.verb) or provides(ask, target.head) or requests_thing(item, target.head, target.verb)


def unsaid(goal: str, cited: Sequence[FeedbackItem], asks: Mapping[str, Any] | None = None,
           common: frozenset[str] = frozenset()) -> list[str]:
    """Words of the goal's object that none of the cited items uses ('damaged' over messages about cards); the
    product standing in for an item's bare "it" (`asks`, read with the inbox's product noun) counts as said, and so
    does the inbox's own subject (`common`: "Can't uninstall" is said of the app the inbox is about)."""
    from assistant.stories.lemmas import text_forms, uses

    target = goal_target(goal)
    if target is None:
        return []
    said = [text_forms(i.text) for i in cited]
    said += [text_forms(a.obj) for a in (asks or {}).values()
             if a is not None and getattr(a, "stand_in", False) and a.obj and a.item_id in {i.id for i in cited}]
    return [w for w in target.words if w not in common and not any(uses(have, w) for have in said)]


def off_goal(goal: str, ids: Sequence[str], items: Mapping[str, FeedbackItem],
             asks: Mapping[str, Any] | None = None, common: frozenset[str] = frozenset()) -> list[str]:
    """The cited ids that are not about the goal (none when the goal cannot be read: the garbled check says why).

    Every word of the goal's object must be stated by a cited item about it: an item may lack a modifier ("my
    account needs to be frozen" for "freeze my bank account") only when another cited item states the whole goal;
    a detail no such item states ("a damaged card" over messages about cards) leaves every citation off the goal."""
    from assistant.stories.asks import read_asks

    target = goal_target(goal)
    cited = [items[i] for i in ids if i in items]
    if target is None or not cited:
        return []
    missing = [i for i in cited if asks is None or i.id not in asks]
    known = {**(asks or {}), **(read_asks(missing) if missing else {})}
    strict = {i.id for i in cited if about_goal(target, i, known.get(i.id), common=common)}
    ok = strict | {i.id for i in cited if strict and about_goal(target, i, known.get(i.id), lacking=True, common=common)}
    if unsaid(goal, [i for i in cited if i.id in ok], known, common):
        return [i.id for i in cited]
    return [i.id for i in cited if i.id not in ok]
