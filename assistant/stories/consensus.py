"""The goal a group of items shares, chosen from every item's phrasing — never one customer's words.

Each clean ask of the group is a candidate. One customer's details (a brand, an amount, "damaged" among cards
reported lost) are pruned from it: a modifier or prepositional phrase whose words too few of the group's items
use is cut. What is left is kept only when most items name its object, enough of them ask for its action,
and the phrase is close in meaning (local embedder) to the centre of the group's items. The best candidate is
the one whose words the items share most. Without one, the need becomes a story to write: honest beats fluent.

Words are compared by lemma (assistant.stories.lemmas: "lost" meets "lose"), nothing domain-specific.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.models import FeedbackItem
from assistant.stories.asks import VERB_KEYS, Ask
from assistant.stories.lemmas import forms, text_forms, uses
from assistant.stories.nlp import article, join_tokens, parse

Embed = Callable[[Sequence[str]], np.ndarray]

KEEP_SHARE = 0.3  # a modifier fewer of the group's items use than this is one customer's detail: cut it
OBJECT_SHARE = 0.5  # "most items": the share of the group's items that must name the goal's object
VERB_SHARE = 0.2  # the share of the group's items that must ask for the goal's action (in their words or their ask)
MIN_SIMILARITY = 0.5  # MiniLM cosine of the goal phrase to the centre of the group's items (see README measure)
DOMINANT = 0.5  # a noun this share of a big group's items use is what the group is about: the goal names it
DOMINANT_MIN_ITEMS = 10
TIE = 0.15  # candidates this close in score say the need as well as the best
IMPLIED_ASKED = 2  # writers who must ask for the same thing before the drafter's "use <thing>" is its goal
FAILING_VERB_SHARE = 0.1  # in a group about one failure, the least share asking for the action where it happens
FAILURE_SHARE = 0.5  # the share of a group's items that must report the same failure for the goal to name it
# a failure in the writer's words: "out of memory", "low on storage", "memory errors", "sync issues"
_FAILURE = re.compile(r"\b(?:out of|low on|lack of|not enough|no)\s+([a-z]+)|\b([a-z]+)\s+(?:errors?|issues?|problems?"
                      r"|bugs?|failures?|leaks?|crash\w*)\b", re.I)
_PROBLEM_NOUNS = {"error", "issue", "problem", "bug", "failure", "leak", "crash"}
_CONTENT_POS = {"NOUN", "PROPN", "ADJ", "NUM", "VERB", "ADV", "X", "SYM"}
_CUTTABLE = {"amod", "compound", "nummod", "quantmod", "npadvmod", "advmod", "nmod", "appos", "poss", "acl", "relcl"}


def said(item: FeedbackItem, ask: Ask | None) -> frozenset[str]:
    """The words an item uses, with the product its ask puts in place of a bare "it" ("can't uninstall it" names
    the app: assistant.stories.asks.subject_noun)."""
    have = text_forms(item.text)
    return have | text_forms(ask.obj_head) if ask is not None and ask.stand_in else have


@dataclass(frozen=True)
class Candidate:
    """One pruned phrasing, the words it stands on and how widely the group's items share them."""

    ask: Ask
    phrase: str
    verb: str
    object_words: tuple[str, ...]  # content words other than the verb (all must be shared)
    head: str  # the word naming what the goal acts on
    score: float
    similarity: float
    asked: int = 1  # how many items' asks reduce to this phrasing
    asking: tuple[str, ...] = ()  # items asking for the goal's thing in their own words (named.named_goal)


def verb_key(verb: str) -> str:
    return VERB_KEYS.get(verb, verb)


def asks_for(verb: str, item: FeedbackItem, ask: Ask | None) -> bool:
    """The item asks for this action: one of its asks has the verb, or its text uses the verb."""
    if ask is not None and any(verb_key(a.verb) == verb_key(verb) for a in ask.all):
        return True
    head = verb.split()[0]
    return uses(text_forms(item.text), head)


def about(goal_words: Sequence[str], verb: str, item: FeedbackItem, ask: Ask | None, head: str = "",
          kind: str = "request") -> bool:
    """The item is about the goal. Either it names every word of the goal's object and asks for the goal's action
    (in its ask or its words), or, for a goal about something failing, it states no ask (a complaint: "cbr files
    won't open"); or its own ask is the same action on the same object without a different detail ("report a
    damaged card" is not about "report a lost card"), or the same action failing (a crash while uploading).
    A question about the object that asks nothing we can read ("how can i up my credit score") is not about
    "see my credit score"."""
    have = said(item, ask)
    if all(uses(have, w) for w in goal_words):
        if ask is None:
            return kind in ("bug", "slow") or uses(have, verb.split()[0])
        from assistant.stories.backing import provides

        return asks_for(verb, item, ask) or provides(ask)
    if ask is None or verb_key(ask.verb) != verb_key(verb):
        return False
    if ask.kind in ("bug", "slow"):
        return True
    if any(not any(forms(m) & forms(w) for w in goal_words) and not _kind_word(m, item.text) for m in ask.obj_head.split()[:-1]):
        return False
    return bool(head) and uses(have, head)


def _kind_word(word: str, text: str) -> bool:
    """A noun the item puts before the thing to name its kind or brand ("savings account", "visa card"): one
    customer's detail that leaves the goal the same. A describing word ("damaged", "lost", "dark") changes what is
    asked, and an item with one the goal lacks is about something else. Read from the item's parse (compound)."""
    from assistant.quality_rules import nlp as shared

    return any(t.dep_ == "compound" and t.pos_ in ("NOUN", "PROPN") and (t.lemma_.lower() == word or t.lower_ == word)
               for t in shared.parse(text))


def asks_nothing(item: FeedbackItem) -> bool:
    """Praise, or a positive item that reports no problem and asks nothing ("Love it, use it every day")."""
    t = item.triage
    return bool(t and (t.type == "praise" or (t.sentiment.label == "positive" and t.type in ("experience", "other"))))


def cites(goal_words: Sequence[str], verb: str, item: FeedbackItem, ask: Ask | None, head: str = "",
          kind: str = "request") -> bool:
    """A story may cite the item for its goal: the item is about() the goal, and it asks or reports something.
    Praise that names the object ("so easy to read CBR files") supports no story: a pleased customer is cited
    only for what their own ask says. The drafting cites by this rule and the gate checks every story by it."""
    return may_cite(item, ask) and about(goal_words, verb, item, ask, head, kind)


def told(failure: str, text: str) -> bool:
    """The text reports this failure in the writer's words ("out of memory", "memory issues"), not only names the
    word ("I have 500 MB of memory free")."""
    return any(forms(m) & forms(failure) for g in _FAILURE.findall(text) for m in g if m)


def may_cite(item: FeedbackItem, ask: Ask | None) -> bool:
    """Not praise, and not a pleased customer who asks nothing."""
    return not asks_nothing(item) and not (ask is None and bool(item.triage and item.triage.sentiment.label == "positive"))


def _prune(ask: Ask, share: Callable[[str], float]) -> tuple[str, tuple[str, ...], str, str] | None:
    """(phrase, object words, object text, object head) with one customer's details cut, or None when the
    object itself is not shared (the goal would be about something most items do not name)."""
    doc = parse([f"I want to {ask.phrase}."])[0]
    toks = [t for t in doc if not t.is_punct][3:]
    if not toks:
        return None
    verb = toks[0]
    verb_toks = {verb.i} | {c.i for c in verb.children if c.dep_ == "prt"}
    if len(ask.verb.split()) > 1:  # "log in", "get a refund for": the verb's own words are not its object
        verb_toks |= {t.i for t in toks[: len(ask.verb.split())]}
    cut: set[int] = set()
    for t in toks:
        if t.i in verb_toks or t.i in cut or not _content(t) or share(t.text) >= KEEP_SHARE:
            continue
        if t.dep_ in ("dobj", "attr", "oprd") and t.head.i in verb_toks or t.lower_ == "why":
            return None  # the object itself (or the reason asked) is one customer's
        if t.dep_ == "pobj" and t.head.dep_ == "prep":
            cut |= {x.i for x in t.head.subtree}
        elif any(c.isdigit() for c in t.text) and t.head.dep_ == "pobj" and t.head.head.dep_ == "prep":
            cut |= {x.i for x in t.head.head.subtree}  # "with 60k invoices": one customer's volume, all of it
        elif t.dep_ in _CUTTABLE or t.dep_ == "conj":
            cut |= {x.i for x in t.subtree}
            noun = t.head
            if noun.tag_ == "NN" and not any(c.dep_ in ("det", "poss") for c in noun.children):
                # "for chase card" -> "for card" is not English: the phrase goes with its detail
                if noun.dep_ == "pobj" and noun.head.dep_ == "prep":
                    cut |= {x.i for x in noun.head.subtree}
                elif noun.head.i in verb_toks or noun.dep_ in ("nsubj", "nsubjpass"):
                    return None  # "see why us bank put a hold" -> "why bank put" is not English either
        else:
            return None  # a word the phrase cannot lose without breaking: not a shared goal
    if any(t.dep_ == "npadvmod" and t.tag_ == "NN" and t.head.i in verb_toks and t.i not in cut
           and not any(c.dep_ in ("det", "poss", "compound", "amod", "nummod") and c.i not in cut for c in t.children)
           for t in toks):
        return None  # "turn page": the parser cannot read a bare singular as the object ("turn pages" it can)
    kept = [t for t in toks if t.i not in cut]
    while kept and (kept[-1].pos_ in ("ADP", "DET", "CCONJ", "PART") or kept[-1].dep_ in ("case", "poss")):
        kept.pop()
    words = [t.text for t in kept]
    for n, w in enumerate(words[:-1]):  # "read through an comic": the article agrees with the word after it
        if w.lower() in ("a", "an"):
            words[n] = article(words[n + 1])
    phrase = join_tokens(words)
    objects = [t for t in kept if t.i not in verb_toks and _content(t)]
    dobj = next((t for t in kept if t.dep_ in ("dobj", "attr", "oprd") and t.head.i in verb_toks), None)
    if dobj is not None:
        obj_toks = [t for t in kept if t.i in {x.i for x in dobj.subtree}]
        obj, head = join_tokens([t.text for t in obj_toks]), " ".join(
            [t.lemma_.lower() for t in dobj.lefts if t.dep_ in ("compound", "amod") and t.i not in cut]
            + [dobj.lemma_.lower()])
    else:
        obj, head = "", ""
    return phrase, tuple(dict.fromkeys(t.text.lower() for t in objects)), obj, head


def _content(tok: Any) -> bool:
    """A word that carries a fact: nouns and names always (spaCy's stop list holds 'name', 'part', 'back'),
    other parts of speech unless they are stop words ('some', 'more'); numbers and currency signs."""
    if tok.lower_ == "why":  # "see why my card was declined": only items asking why back it, and most must
        return True
    if tok.like_num or tok.pos_ == "SYM" or tok.text in ("$", "£", "€") or any(c.isdigit() for c in tok.text):
        return True
    if not tok.is_alpha or len(tok.text) < 2 or tok.pos_ not in _CONTENT_POS:
        return False
    return tok.pos_ in ("NOUN", "PROPN") or not tok.is_stop


def _share_of(items: Sequence[FeedbackItem], item_asks: dict[str, Ask | None]) -> Callable[[str], float]:
    have = [said(i, item_asks.get(i.id)) for i in items]

    @functools.lru_cache(maxsize=1024)
    def share(word: str) -> float:
        return sum(1 for h in have if uses(h, word)) / max(len(have), 1)

    return share


def choose(asks: Sequence[Ask], group: Sequence[FeedbackItem], item_asks: dict[str, Ask | None],
           embed: Embed | None, clean: Callable[[str], bool],
           need: Sequence[FeedbackItem] = (),
           common: frozenset[str] = frozenset(), product: str = "") -> tuple[Candidate | None, list[Candidate]]:
    """The goal for a group of items (an ask whose phrase is pruned to what they share), or None; and every
    candidate scored, best first. `clean(goal)` says whether a goal reads cleanly; `need`: all the need's items,
    whose shares decide what is one customer's detail (a group of three shares everything it says); `common`: the
    inbox's everyday words ('app', 'card'), which say nothing about what a group is about; `product`: the inbox's
    product (asks.subject_noun), a fine object for an action the items report failing ("can't uninstall it"),
    checked by `clean(goal, product)`."""
    if not group:
        return None, []
    group_share = _share_of(group, item_asks)
    need_share = _share_of(need, item_asks) if need else group_share
    # a group most of whose items report one failure ("out of memory") is about that failure: the thing they were
    # doing is the inbox's everyday thing ("comics"), which they need not name for it to be shared
    failing = bool(common) and bool(_failure(group, _missing_topic("", group, common)))

    def share(word: str) -> float:
        return 1.0 if failing and forms(word) & common else group_share(word)

    def detail_share(word: str) -> float:
        return min(share(word), 1.0 if failing and forms(word) & common else need_share(word))

    found: dict[str, tuple[Ask, tuple[str, ...], str, str]] = {}
    freq: dict[str, int] = {}
    for ask in (a for own in asks for a in own.all):
        if ask.pronoun:
            continue
        pruned = _prune(ask, detail_share)
        if pruned is None:
            continue
        phrase, words, obj, head = pruned
        key = phrase.lower()
        freq[key] = freq.get(key, 0) + 1
        if key not in found and len(phrase.split()) >= 2:
            found[key] = (replace(ask, phrase=phrase, obj=obj, obj_head=head), words, obj, head)
    scored = []
    from assistant.stories.backing import wants
    from assistant.stories.goal import bare_singular, goal_for

    readable = []
    for cand, words, _, _ in found.values():
        goal = goal_for(cand)
        if not words or not (clean(goal) or product and cand.obj_head == product and cand.kind in ("bug", "problem")
                             and clean(goal, product)):
            continue
        head = _head_word(cand, words)
        if _object_share(cand.phrase, head, share) < OBJECT_SHARE:
            continue
        readable.append((cand, words, sum(1 for i in group if wants(cand.verb, head, i, item_asks.get(i.id))) / len(group)))
    # a big group most of whose items report one failure ("out of memory") names the action they were doing in
    # few of its items: most only report the failure. The action most of them name is where it happens ("read
    # comics", 13 of 68); a bar on its share of the whole group made the app's main complaint a story to write
    bar = min(VERB_SHARE, max((v for _, _, v in readable), default=1.0)) if failing else VERB_SHARE
    for cand, words, verb_share in readable:
        if verb_share < max(bar, FAILING_VERB_SHARE):
            continue
        missing = _missing_topic(cand.phrase, group, common)
        if missing:
            # the group's subject is a failure most of its items report ("out of memory"): the goal is the action
            # without it ("to read a comic without memory errors"), in the items' own word for it
            failure = _failure(group, missing)
            if not failure:
                continue
            cand = replace(cand, kind="bug", symptom=f"{failure} errors")
            if not clean(goal_for(cand)):
                continue
        # the customers' own verb beats the engine's synonym for it: "freeze my account", not "stop my account"
        own_verb = share(cand.verb.split()[0])
        scored.append((cand, words, own_verb + verb_share + sum(share(w) for w in words)))
    if not scored:
        return _named(group, item_asks, embed, clean, common, [], need, product)
    # a goal naming the group's failure is compared with the group as written ("read a comic without memory errors")
    sims = _similarities([goal_for(c)[3:] if failure_of(c.symptom) else c.phrase for c, _, _ in scored], group, embed)
    out = [Candidate(c, c.phrase, c.verb, words, _head_word(c, words), round(s + sim, 4), round(sim, 4),
                     freq[c.phrase.lower()])
           for (c, words, s), sim in zip(scored, sims)]
    out.sort(key=lambda c: (-c.score, len(c.phrase), c.phrase))
    ok = [c for c in out if eligible(c)]
    if not ok:
        return _named(group, item_asks, embed, clean, common, out, need, product)
    # near the top, the phrasing most customers used, then the shortest: "pay my bill", not "pay on my bill"
    near = [c for c in ok if c.score >= ok[0].score - TIE]
    # and an action the writers state before the drafter's stand-in verb for a thing asked for ("use a pass code")
    # and a countable thing with its article ("set a password", not "set password")
    return min(near, key=lambda c: (c.ask.implied, -c.asked, bare_singular(c.phrase), " my " not in f" {c.phrase} ",
                                    len(c.phrase), c.phrase)), out


def _named(group: Sequence[FeedbackItem], item_asks: dict[str, Ask | None], embed: Embed | None,
           clean: Callable[[str], bool], common: frozenset[str], out: list[Candidate],
           need: Sequence[FeedbackItem] = (), product: str = ""):
    """No ask candidate: the thing most items name and the writers' own verb on it, else the action most of the
    writers ask for, as their goal (named.py), else None."""
    from assistant.stories.named import named_goal, said_goal

    found = named_goal(group, item_asks, embed, clean, common) or said_goal(group, item_asks, embed, clean, need,
                                                                           product)
    return (found, [*out, found]) if found else (None, out)


def eligible(c: Candidate) -> bool:
    """Close enough to the group's items; the drafter's stand-in verb for a thing asked for ("use a lock screen"
    from "add an actual lock screen") is one writer's wording unless several writers ask for that same thing."""
    return c.similarity >= MIN_SIMILARITY and (not c.ask.implied or c.asked >= IMPLIED_ASKED)


def _object_share(phrase: str, head: str, share: Callable[[str], float]) -> float:
    """The share of the items naming the goal's object. An object with an of-complement ("the status of my credit
    card application", "the balance of my account") is named by either noun: customers ask "how is my application
    going" as often as "what is its status"; the head itself must still be used by KEEP_SHARE of them."""
    own = share(head)
    if own < KEEP_SHARE:
        return own
    doc = parse([f"I want to {phrase}."])[0]
    of = [p for t in doc if t.dep_ in ("dobj", "attr", "oprd") and forms(t.text) & forms(head)
          for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
    return max([own, *(share(p.text) for p in of)])


def failure_of(symptom: str) -> str:
    """The failure's noun of a symptom _failure() named ("memory errors" -> memory), or ""."""
    m = re.fullmatch(r"([a-z]+) errors", symptom or "")
    return m.group(1) if m else ""


def _failure(group: Sequence[FeedbackItem], missing: Sequence[str]) -> str:
    """The one missing subject noun that FAILURE_SHARE of the group's items report as a failure in their own words
    ("out of memory", "memory errors"), or ""."""
    nouns = [w for w in missing if w not in _PROBLEM_NOUNS]  # "error" itself is said by the goal's "errors"
    if len(nouns) != 1:
        return ""
    noun = nouns[0]
    return noun if sum(1 for i in group if told(noun, i.text)) >= FAILURE_SHARE * len(group) else ""


def _missing_topic(phrase: str, group: Sequence[FeedbackItem], common: frozenset[str]) -> list[str]:
    """A big group's own subject missing from the goal: the nouns DOMINANT of its items use ('transaction fees'
    in questions about using a card abroad) that the goal does not name. Small groups are too noisy to judge."""
    from assistant.quality_rules import nlp as shared

    if len(group) < DOMINANT_MIN_ITEMS:
        return []
    said = text_forms(phrase)
    df: dict[str, int] = {}
    for item in group:
        # a counted noun ("20 seconds", "8,000 invoices") is a measure or a volume, not what the item is about
        # the parser's lemma for a plural can be a multiword entry ("comics" -> comic_strip): the word's own forms
        # then say what it is, and whether the goal or the inbox's everyday words hold it
        nouns = {t.lemma_.lower() if "_" not in t.lemma_ else min(forms(t.text), key=len)
                 for t in shared.parse(item.text) if t.pos_ == "NOUN" and t.is_alpha
                 and len(t.text) > 2 and not t.is_stop and not any(c.dep_ == "nummod" for c in t.children)
                 and t.dep_ != "npadvmod"}  # "this month", "last week": when, not what
        for lemma in nouns - common:
            df[lemma] = df.get(lemma, 0) + 1
    return sorted(w for w, n in df.items() if n >= DOMINANT * len(group) and not forms(w) & said)


def _head_word(ask: Ask, words: Sequence[str]) -> str:
    """The word naming what the goal acts on: its object's head, else the last content word."""
    head = ask.obj_head.split()[-1] if ask.obj_head else ""
    found = [w for w in words if forms(w) & forms(head)] if head else []
    return found[0] if found else words[-1]


def _similarities(phrases: Sequence[str], group: Sequence[FeedbackItem], embed: Embed | None) -> list[float]:
    """Cosine of each phrase to the centre of the group's items (1.0 each without an embedder)."""
    if embed is None:
        return [1.0] * len(phrases)
    vecs = np.asarray(embed([*phrases, *(i.text for i in group)]), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs = vecs / np.maximum(norms, 1e-12)
    centre = vecs[len(phrases):].mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    return [float(v @ centre) for v in vecs[: len(phrases)]]
