"""The details one item reports about a story's action, read from the spaCy parse and its named entities.

A support message "what is the minimum i can pay on my gas bill" asks for a piece of information (the minimum
payment of a gas bill); "pay my gas bill with my checking account" does the story's action with its own details
(the account it is paid from); "i recently lost my credit card and need to know how long ..." states the
condition it is asked in. Each is a concrete fact an acceptance criterion can test, in the writer's own words.

General English only: wh-questions, verbs of asking for information (tell, show, know ...), prepositional
complements, amounts, dates and names found by the entity recogniser. Nothing here knows a product or a domain.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from spacy.lang.en.lex_attrs import like_num

from assistant.stories.nlp import article, inflect, join_tokens
from assistant.triage.sentiment import LEXICON

# Entities that are facts a test can use: amounts, dates and times, counts, places, organisations and products.
FACT_ENTITIES = {"MONEY", "DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT", "GPE", "LOC", "ORG", "PRODUCT", "FAC"}
# English verbs that ask for a piece of information: their object (or clause) is what the writer wants shown.
INFO_VERBS = {"know", "tell", "show", "give", "find", "see", "check", "look", "view", "learn", "understand"}
# Complements that carry a detail of an action: where from, where to, with what, on what, when.
DETAIL_PREPS = {"from", "to", "into", "with", "using", "via", "through", "on", "at", "in", "by", "for", "before",
                "after", "within", "under", "over"}
# Words that frame the request, not its content (dropped when the item's words are rendered).
_FRAME_DEPS = {"aux", "auxpass", "nsubj", "nsubjpass", "punct", "intj", "cc", "conj", "mark", "advcl", "ccomp",
               "parataxis", "discourse", "dep", "npadvmod"}
_NAMES = {"ORG", "GPE", "LOC", "PRODUCT", "FAC"}
_MEASURES = {"MONEY", "DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT"}
_CONDITION_MARKS = {"when", "whenever", "after", "if", "since", "while", "before", "once"}
MAX_WORDS = 14  # a longer phrase is run-on text, not one detail
_WH_AMOUNT = {"long", "much", "many", "often", "soon", "far"}


@dataclass(frozen=True)
class Detail:
    """One criterion-worthy fact of one item: what is done or asked, with the words that make it specific."""

    kind: str  # "info" (the item asks to be shown something) or "action" (it does the story's action)
    phrase: str  # "the minimum I can pay on my gas bill" / "pay my gas bill with my checking account"
    general: str  # the same with the nouns' own modifiers left out, to group items: "the minimum I can pay on my bill"
    outcome: str  # "the minimum I can pay on my gas bill is shown" / "my gas bill is paid with my checking account"
    general_outcome: str
    facts: tuple[str, ...]  # the words that make it specific, each visible in the item: ("minimum",) ("$1000",)
    condition: str = ""  # "I recently lost my credit card", "I am in Paris"
    owned: str = ""  # "a gas bill" from "my gas bill": what the writer has, to set the scene without a condition
    owned_general: str = ""  # "a bill"
    asked: str = ""  # the information itself, without what it is of: "the apr", "the routing number"
    names: tuple[str, ...] = ()  # the facts that are names (entities: "Wells Fargo", "First National Bank")
    measured: bool = False  # it names an amount, a count, a date or a time ("ten", "the past month", "$1000")
    of_what: tuple[str, str] = ("", "")  # ("Wells Fargo credit card", "card") when every fact only says which
    # of the writer's things it is about ("the apr on my Wells Fargo credit card"): no amount, nothing more asked


@functools.lru_cache(maxsize=1)
def _ner() -> Any:
    """The entity recogniser of the same English model, alone: the shared pipeline leaves NER out for speed, and
    here it only runs on the items a written story cites, over their cached parse (the model's NER has its own
    token vectors, so it needs nothing else from the pipeline)."""
    import spacy

    from assistant.quality_rules.nlp import MODEL

    return spacy.load(MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]).get_pipe("ner")


_DOCS: dict[str, Any] = {}
_DOCS_MAX = 20_000


def warm(texts: Iterable[str]) -> None:
    """Parse (through the shared cache) and recognise entities in one batched pass; copies keep the shared parse
    as the lint and the gate read it."""
    from assistant.stories.nlp import parse

    todo = [t for t in dict.fromkeys(texts) if t and t not in _DOCS]
    if not todo:
        return
    if len(_DOCS) + len(todo) > _DOCS_MAX:
        _DOCS.clear()
    for text, doc in zip(todo, _ner().pipe([d.copy() for d in parse(todo)], batch_size=64)):
        _DOCS[text] = doc


def doc_of(text: str) -> Any:
    if text not in _DOCS:
        warm([text])
    return _DOCS[text]


def _name(tok: Any) -> str:
    """A name typed in lower case ('wells fargo', 'paris') written as a name, as the recogniser reads it."""
    if tok.ent_type_ in _NAMES and tok.text.isalpha() and tok.text.islower():
        return tok.text[:1].upper() + tok.text[1:]
    return tok.text


def _render_name(text: str) -> str:
    """A name the writer typed in lower case ('first national bankj'), written as a name."""
    return " ".join(w[:1].upper() + w[1:] if w.isalpha() and w.islower() else w for w in text.split())


def _render(tokens: Iterable[Any], base: Any = None) -> str:
    """The item's own words, in order, from the writer's point of view ('i' -> 'I'), '$ 1000' -> '$1000';
    `base`: a verb said in its base form ('moving money' -> 'move money' after 'I')."""
    words = [("I" if t.lower_ == "i" else t.lemma_.lower() if t is base else _name(t))
             for t in sorted(tokens, key=lambda t: t.i)]
    return join_tokens(words).replace("$ ", "$").strip(" ,")


def _phrase(head: Any, *, drop_modifiers: bool = False, skip: frozenset[int] = frozenset()) -> list[Any]:
    """The tokens of head's phrase without framing (auxiliaries, subjects, clauses of their own, 'please');
    drop_modifiers leaves out the compounds and adjectives of the nouns after a preposition."""
    out = [head]
    for child in head.children:
        infix = child.text in ("-", "/", "&") and not child.whitespace_  # "add-on", "CBR/CBZ"
        if child.i in skip or child.dep_ in _FRAME_DEPS and not infix or child.lower_ in ("please", "how", "what",
                                                                                          "which"):
            continue
        if child.dep_ == "dative" and child.lower_ == "me":
            continue
        if drop_modifiers and child.dep_ in ("compound", "amod", "nmod") and head.dep_ == "pobj":
            continue
        if child.dep_ == "relcl":  # "the minimum i can pay on my gas bill": the clause says which minimum
            out += [c for c in child.children if c.dep_ in ("nsubj", "aux") and c.i not in skip]
        out += _phrase(child, drop_modifiers=drop_modifiers, skip=skip)
    return out


def _facts_in(tokens: list[Any], goal_words: set[str]) -> tuple[str, ...]:
    """The words of the phrase a test can check that the goal does not already say: entities, numbers, nouns."""
    if not tokens:
        return ()
    found = [e for e in _ents(tokens) if not set(e.lower().split()) <= goal_words]
    for t in tokens:
        # "apr rate", "credit score number": the goal's thing named longer is no new fact
        longer = any(c.dep_ == "compound" and c.lower_ in goal_words for c in t.children)
        if (t.like_num or t.pos_ in ("NOUN", "PROPN")) and not t.is_stop and t.lemma_.lower() not in goal_words \
                and t.lower_ not in goal_words and not longer and not any(t.text in f for f in found):
            found.append(t.text)
    return tuple(found)


def _ents(tokens: list[Any]) -> list[str]:
    ids = {t.i for t in tokens}
    doc = tokens[0].doc
    return [e.text for e in doc.ents if e.label_ in FACT_ENTITIES and all(i in ids for i in range(e.start, e.end))]


def _be(phrase: str, head: Any) -> str:
    plural = head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "cc" for c in head.children)
    return f"{phrase} {'are' if plural else 'is'}"


def _whole(tokens: list[Any], head: Any) -> bool:
    """A phrase that reads on its own: it does not end on a verb or a possessive ('the time it takes', 'my b of a
    credit card's'), holds no reported past of the writer ('... i lost mine recently': a condition, read apart)."""
    last = max(tokens, key=lambda t: t.i)
    if last.pos_ in ("VERB", "AUX", "PART") or last.tag_ == "POS" or len(tokens) > MAX_WORDS:
        return False
    if any(t.lower_ == "me" and t is not last for t in tokens):
        return False  # "the ultimate day me to pay the internet bill": the request's own words left in
    ids = {t.i for t in tokens}
    after = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    # a noun the parse left out inside or right after the phrase ("on my travel rewards | card"): a misparse
    if any(t.pos_ in ("NOUN", "PROPN", "NUM") and t.i not in ids for t in last.doc[min(ids):last.i]) \
            or after is not None and after.pos_ in ("NOUN", "PROPN"):
        return False
    return not any(t.tag_ in ("VBD", "VBN") and any(c.lower_ == "i" for c in t.children) for t in tokens)


def _requested(verb: Any) -> bool:
    """'tell me ...', 'can you show me ...', 'i need to know ...': a request to be shown something, not a report of
    what the writer saw ('the app just shows a spinner', 'I see a blank page')."""
    subject = [c for c in verb.children if c.dep_ == "nsubj"]
    if verb.dep_ == "ROOT":
        return not subject or subject[0].lower_ == "you"
    return verb.head.lemma_ not in INFO_VERBS and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we", "you")
                                                      for c in verb.head.children)


def _info(doc: Any) -> tuple[Any, list[Any], list[Any], str] | None:
    """(head, tokens, tokens without modifiers, wh) of the information a message asks for, or None.

    'what is X' / 'what's X' -> X; 'tell me X', 'I need to know X', 'show me X' -> X; 'how long does it take to
    V' -> the whole question, asked as 'how long it takes to V'."""
    for tok in doc:
        if tok.lemma_ == "be" and tok.dep_ == "ROOT":
            wh = [c for c in tok.children if c.lower_ in ("what", "which") and c.dep_ in ("attr", "nsubj")]
            other = [c for c in tok.children if c.dep_ in ("nsubj", "attr") and c not in wh and c.pos_ != "PRON"]
            if wh and other:
                return other[0], _phrase(other[0]), _phrase(other[0], drop_modifiers=True), "what"
        if tok.lemma_ == "take" and any(c.lower_ == "how" or c.lower_ in _WH_AMOUNT for c in tok.children):
            goal = [c for c in tok.children if c.dep_ == "xcomp"]
            if goal:
                return goal[0], _phrase(goal[0]), _phrase(goal[0], drop_modifiers=True), "how long"
        if tok.lemma_ in INFO_VERBS and tok.pos_ == "VERB" and _asked(tok) and _requested(tok):
            obj = [c for c in tok.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
            if obj:  # with the verb's own complements: "see all transactions in the past month"
                preps = [p for p in tok.children if p.dep_ == "prep" and p.lower_ in DETAIL_PREPS
                         and not any(w.lower_ == "me" for w in p.children)]
                whole = [t for x in (obj[0], *preps) for t in _phrase(x)]
                general = [t for x in (obj[0], *preps) for t in _phrase(x, drop_modifiers=True)]
                return obj[0], whole, general, "what"
    return None


def _condition(doc: Any, skip: set[int]) -> str:
    """A condition the writer reports: a first-person clause in the past ('i recently lost my credit card'), a
    'when/after/if I ...' clause, or a place they are in ('in paris')."""
    for tok in doc:
        if tok.i in skip or tok.pos_ not in ("VERB", "AUX"):
            continue
        subj = [c for c in tok.children if c.dep_ == "nsubj" and c.lower_ == "i"]
        marked = any(c.dep_ in ("mark", "advmod") and c.lower_ in _CONDITION_MARKS for c in tok.children)
        if subj and (tok.tag_ == "VBD" and tok.dep_ in ("ROOT", "conj") or marked and tok.dep_ == "advcl"):
            words = [t for t in tok.subtree if t.dep_ not in ("mark",) and not (t.dep_ == "advmod" and t.lower_ in
                     _CONDITION_MARKS) and t.i not in skip]
            words = [t for t in words if t.head.i != tok.i or t.dep_ not in ("conj", "cc", "ccomp", "xcomp")]
            words = [t for t in words if all(a.dep_ not in ("conj", "ccomp", "xcomp") or a.head.i != tok.i
                                             for a in [t, *t.ancestors] if a.i != tok.i)]
            text = _render(words)
            if 2 < len(text.split()) <= 10:
                return text
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC") and ent.root.head.lower_ in ("in", "at"):
            return f"I am in {ent.text[:1].upper()}{ent.text[1:]}"
    return ""


def details(text: str, verb: str, goal_words: set[str]) -> list[Detail]:
    """The details the item reports about the story's action `verb` ('pay'), beyond the goal's own words: what it
    asks to be shown, or the action done with its own complements (at most one of each, the first found)."""
    doc = doc_of(text)
    out: list[Detail] = []
    used: set[int] = set()
    if found := _info(doc):
        head, tokens, general, wh = found
        facts = _facts_in(tokens, goal_words)
        # about the story ("what's the point?" asks nothing of it), and not a complaint ("gives me problems")
        about = {t.lemma_.lower() for t in tokens if not t.is_stop} & goal_words or wh == "how long"
        complaint = LEXICON.get(head.lower_, 0.0) < 0 or LEXICON.get(head.lemma_.lower(), 0.0) < 0
        # "the process for reporting my card": how to do the story's own action, i.e. the goal asked again
        how_to = any(c.dep_ == "pcomp" and c.lemma_.lower() == verb.split()[0] for p in head.children
                     if p.dep_ == "prep" for c in p.children)
        if (facts or wh == "how long") and about and not complaint and not how_to and _whole(tokens, head):
            used |= {t.i for t in tokens}
            if wh == "how long":
                asked = next(c for c in head.head.children if c.lower_ in _WH_AMOUNT or c.lower_ == "how")
                how = "how long" if asked.lower_ in ("how", "long") else f"how {asked.lower_}"
                phrase = f"{how} it takes to {_render(tokens)}"
                # every way of asking how long one action takes is one question: grouped by the verb
                out.append(Detail("info", phrase, f"{how} {head.lemma_.lower()}", f"I am told {phrase}",
                                  f"I am told {phrase}", facts or (how,)))
            else:
                phrase, broad = _render(tokens), _render(general)
                own = [c for c in head.children if c.dep_ in ("compound", "amod") and c.i < head.i]
                out.append(Detail("info", phrase, broad, f"{_be(phrase, head)} shown", f"{_be(broad, head)} shown",
                                  facts, asked=_render([*own, head]).lower(), of_what=_of_what(head, facts),
                                  measured=any(t.pos_ == "NUM" or t.ent_type_ in _MEASURES for t in tokens)))
    head_verb = verb.split()[0]
    for tok in doc if not out else ():
        if tok.lemma_.lower() != head_verb or tok.pos_ != "VERB" or tok.i in used \
                or any(c.dep_ == "neg" for c in tok.children) or not _asked(tok):
            continue  # "cant open CBR files on my S4" reports a failure: the regression criteria read it
        tokens = _phrase(tok)
        preps = [c for c in tok.children if c.dep_ in ("prep", "dative") and c.lower_ in DETAIL_PREPS]
        obj = [c for c in tok.children if c.dep_ == "dobj"]
        facts = _facts_in([t for x in (*preps, *obj) for t in x.subtree], goal_words)
        # the outcome says what happened to the object: without one ("apply for a visa card"), or with a
        # question word for one ("what must i pay"), there is nothing to observe
        if not facts or not preps or not obj or obj[0].tag_ in ("WP", "WDT", "PRP") or obj[0].lower_ == "much" \
                or not _whole(tokens, tok):
            continue
        used |= {t.i for t in tokens}
        out.append(Detail("action", _render(tokens, tok), _render(_phrase(tok, drop_modifiers=True), tok),
                          _done(tok, obj[0], preps, False), _done(tok, obj[0], preps, True), facts,
                          of_what=_of_what(tok, facts),
                          measured=any(t.pos_ == "NUM" or t.ent_type_ in _MEASURES for t in tokens)))
        break
    condition = _condition(doc, used)
    owned = _owned(doc, used - ({found[0].i} if found else set()))
    names = tuple(e.text for e in doc.ents if e.label_ in _NAMES)
    return [replace(d, condition=condition, owned=owned[0], owned_general=owned[1],
                    names=tuple(f for f in d.facts if any(f.lower() in n.lower() for n in names))) for d in out]


def _of_what(head: Any, facts: tuple[str, ...]) -> tuple[str, str]:
    """(the thing, its noun) when all the facts sit in one 'of/on/for/at my X' or 'my X's' attachment of `head`
    and none is a number: the detail then only says which of the writer's things it is about."""
    if not facts or any(any(ch.isdigit() for ch in f) or like_num(f) for f in facts):
        return "", ""
    parts: list[tuple[str, Any, Any]] = []  # (preposition, noun, words) of each attachment, in order
    for child in head.children:
        noun = next((c for c in child.children if c.dep_ == "pobj"), None) if child.dep_ == "prep" else \
            child if child.dep_ == "poss" and child.pos_ in ("NOUN", "PROPN") else None
        if noun is not None and noun.pos_ in ("NOUN", "PROPN", "ADJ"):
            inner = [t for t in noun.subtree if t is noun or t.dep_ not in ("det", "poss", "case", "punct")
                     and t.lower_ != "my"]
            parts.append((child.lower_ if child.dep_ == "prep" else "", noun, _render(inner)))
    if not parts or not all(any(f.lower() in text.lower() for _, _, text in parts) for f in facts):
        return "", ""
    names = {w for _, noun, _ in parts for w in _ent_words(noun)}
    text = " ".join([parts[0][2], *(f"{prep} {text}" for prep, _, text in parts[1:])])
    if text.lower() == parts[0][1].lower_:
        return "", ""  # "the bank's routing number": a bank, but which one it does not say
    return " ".join(_render_name(w) if w in names else w for w in text.split()), parts[0][1].lemma_.lower()


def _ent_words(noun: Any) -> set[str]:
    return {t.lower_ for t in noun.subtree if t.ent_type_ in _NAMES}


def _done(verb: Any, obj: Any, preps: list[Any], drop: bool) -> str:
    """The action's outcome in the passive, with its complements: 'my gas bill is paid with my checking account'."""
    rest = _render([t for p in preps for t in _phrase(p, drop_modifiers=drop)])
    return f"{_be(_render(_phrase(obj, drop_modifiers=drop)), obj)} {inflect(verb.lemma_.lower(), 'VBN')} {rest}"


def _asked(verb: Any) -> bool:
    """The writer asks for this action ("pay my gas bill with ...", "i'd like to pay ...", "can you increase ..."),
    it does not only come up in a question about something else ("is there a fee to use my card in france")."""
    if verb.dep_ in ("ROOT", "conj"):
        return verb.dep_ == "ROOT" or verb.head.dep_ == "ROOT" and verb.head.lemma_ != "be"
    return verb.dep_ in ("xcomp", "ccomp") and verb.head.dep_ == "ROOT" and verb.head.lemma_ != "be"


def _owned(doc: Any, used: set[int]) -> tuple[str, str]:
    """('a gas bill', 'a bill') for the last 'my gas bill' of the phrase: the writer has it, so a test starts there."""
    mine = [t for t in doc if t.i in used and t.pos_ in ("NOUN", "PROPN") and any(c.lower_ == "my" for c in t.children)]
    if not mine:
        return "", ""
    noun = mine[-1]
    if len(noun.text) < 3:
        return "", ""  # "my b of a credit card": a misparse, not a thing
    words = _render([t for t in noun.subtree if t.i < noun.i and t.dep_ in ("compound", "amod", "nmod")] + [noun])
    if noun.tag_ in ("NNS", "NNPS"):
        return words, _render([noun])
    return f"{article(words)} {words}", f"{article(noun.text)} {_render([noun])}"
