"""Build the goal's verb phrase from the parse: the customer's verb, its object and complements, in their words.

Pronouns are turned to the customer's point of view ("their password" -> "my password"), bare plural objects
get "my", reported environments (device, OS, version) are left for the acceptance criteria.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from assistant.stories.facts import ENVIRONMENT
from assistant.stories.lexicon import (
    DEVERBAL, FORMATS_LOWER, KEEP_ADVMOD, NOUN_VERBS, OWN_DATA, SKIP_DEPS, STOP_NOUNS, TO_ME, TRAILING_PARTICLES,
    VERB_KEYS, DROP_WORDS, HOLDERS, PRAISE_ADJ, ADD,
)
from assistant.stories.nlp import FORMATS, canonical, join_tokens

_DANGLING = ("to", "for", "with", "of", "in", "on", "as", "and", "or", "by", "from", "at", "my", "the", "a", "an")


@dataclass(frozen=True)
class Ask:
    """One item's ask: the verb phrase of the goal plus what kind of report it came from."""

    item_id: str
    verb: str  # canonical verb, possibly multiword: "log in"
    phrase: str  # "export my expenses to CSV"
    obj: str = ""  # "my expenses"
    obj_head: str = ""  # "expense"
    kind: str = "request"  # request | problem | bug | slow
    symptom: str = ""  # "the app crashing"
    pronoun: bool = False  # the phrase leans on it/them, so it is a poor representative
    formats: tuple[str, ...] = ()
    actor: str = ""  # "admin" from "allow admins to approve expenses"
    implied: bool = False  # the verb is the drafter's default for a bare thing ("dark mode please" -> use)
    stand_in: bool = False  # the object is the inbox's product, standing in for "it" ("can't uninstall it")
    requested: bool = False  # the writer asks for the thing itself ("add a password", "allow custom wallpapers")
    others: tuple[Ask, ...] = ()  # the item's other asks (other sentences, other patterns): candidates and support

    @property
    def all(self) -> tuple[Ask, ...]:
        """This ask and the item's others."""
        return (self, *self.others)

    @property
    def key(self) -> str:
        verb = VERB_KEYS.get(self.verb, self.verb)
        return f"{verb}:{self.obj_head}" if self.obj_head else verb


def children(tok: Any, *deps: str) -> list[Any]:
    return [c for c in tok.children if c.dep_ in deps]


@functools.lru_cache(maxsize=4096)
def known_verb(lemma: str) -> bool:
    """Whether lemminflect knows the word as a verb (the tagger calls 'sso' or 'ocr' a verb now and then)."""
    from lemminflect import getAllInflections

    first = lemma.split(" ")[0]
    # a prefixed verb lemminflect lacks ("uninstall", "redownload", "unsubscribe") is a verb when its stem is
    return bool(getAllInflections(first, upos="VERB")) or any(
        first.startswith(p) and len(first) - len(p) >= 4 and bool(getAllInflections(first[len(p):], upos="VERB"))
        for p in ("un", "re", "pre"))


def is_verb(tok: Any) -> bool:
    # the small model sometimes tags "import" in "let us import transactions" as a noun: a direct object or
    # a subject of its own says it is used as a verb
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB") or (
        tok.dep_ in ("ccomp", "xcomp") and any(c.dep_ in ("dobj", "nsubj") for c in tok.children)
    )


OFFLINE_WORDS = {"offline", "internet", "connection", "signal", "coverage", "network"}


def offline_ask(item_id: str, kind: str) -> Ask:
    """Every way of asking to work without a connection is one ask."""
    return Ask(item_id, "use", "use the app offline", "the app", "app offline", kind)


def build(item_id: str, node: Any, kind: str, symptom: str, extra_obj: str = "") -> Ask | None:
    """An Ask from the token a finder picked (a verb, or a noun naming the wanted thing)."""
    if node.lemma_ in ("work", "use", "mode") and any(t.lower_ in OFFLINE_WORDS for t in node.subtree):
        return offline_ask(item_id, kind)  # "needs to work without internet", "offline mode"
    if node.pos_ in ("NOUN", "PROPN") and not is_verb(node) or not known_verb(node.lemma_.lower()):
        return from_noun(item_id, node, kind, symptom)
    return from_verb(item_id, node, kind, symptom, extra_obj)


def clean_subtree(tok: Any) -> list[Any]:
    """A child's subtree minus clauses, coordinations and punctuation (they belong to other asks)."""
    out: list[Any] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        if t is not tok and t.dep_ in SKIP_DEPS and t.text != "-" and not (t.dep_ == "aux" and t.lower_ == "to"
                                                                           and t.head is not tok):
            continue  # (an inner infinitive keeps its "to": "use my card to buy snacks", not "use my card buy snacks")
        if t.dep_ == "prep" and ENVIRONMENT.search(" ".join(x.text for x in t.subtree)) or points_away(t):
            continue
        if t.lower_ in DROP_WORDS or (t.is_punct and t.text != "-") or t.like_url or t.text.startswith(("@", "[")):
            continue
        out.append(t)
        stack.extend(t.children)
    return out


def points_away(tok: Any) -> bool:
    """A clause on a noun that only points at a sentence outside the phrase ("a privacy notice saying so", "a
    button doing that"): without that sentence it dangles, so the phrase drops it."""
    rest = [x for x in tok.subtree if x.i != tok.i]
    return tok.dep_ in ("acl", "relcl") and bool(rest) and all(x.pos_ in ("ADV", "PRON", "PART") for x in rest)


def word(tok: Any) -> str:
    """A token in the customer's voice: their/his/her -> my; formats and product names in canonical spelling."""
    low = tok.lower_
    if low in ("their", "his", "her"):
        return "my"
    if low == "your":
        return "the" if tok.head.lower_ in ("app", "application", "site", "website", "product", "tool", "platform") else "my"
    if low in FORMATS_LOWER:
        return canonical(low)
    if tok.is_upper and len(tok.text) > 1 or tok.pos_ == "PROPN" or low == "i" or (
        tok.is_title and tok.i != tok.sent.start and tok.is_alpha
    ):
        return canonical(tok.text) if low in ("iphone", "ipad") else tok.text
    return low


def _tidy(words: list[str]) -> str:
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    phrase = join_tokens(words)
    if ENVIRONMENT.search(phrase):
        phrase = re.sub(r"\s+", " ", ENVIRONMENT.sub("", phrase)).strip()
        parts = phrase.split()
        while parts and parts[-1].lower() in _DANGLING + ("using",):
            parts.pop()
        phrase = " ".join(parts)
    return phrase


def verb_lemma(tok: Any) -> str:
    """lemminflect's lemma for a verb token (spaCy's small model says 'instal' for 'installing')."""
    from lemminflect import getLemma

    found = getLemma(tok.lower_, upos="VERB")
    return found[0] if found and known_verb(found[0]) else tok.lemma_.lower()


def from_verb(item_id: str, verb: Any, kind: str, symptom: str, extra_obj: str = "") -> Ask | None:
    lemma = verb_lemma(verb)
    prt = children(verb, "prt")
    obj_toks = children(verb, "dobj", "dative")
    me = [t for t in obj_toks if t.lower_ in ("me", "us")]
    keep = {"dobj", "dative", "prep", "acomp", "oprd", "attr", "xcomp", "advmod", "npadvmod", "agent"}
    tokens: list[Any] = []
    for child in verb.children:
        if child.dep_ not in keep or child.i < verb.i or child in me:
            continue
        if child.dep_ == "advmod" and child.lower_ not in KEEP_ADVMOD:
            continue
        if child.dep_ == "xcomp" and not (lemma in TO_ME or child.tag_ == "VB"):
            continue
        if child.dep_ == "prep" and ENVIRONMENT.search(" ".join(t.text for t in child.subtree)):
            continue  # "on my iPhone 12", "in version 3.2": conditions belong in the criteria
        tokens.extend(clean_subtree(child))
    if lemma in TO_ME:  # "remind me when a bill is due": the when-clause is part of the ask
        for child in children(verb, "advcl"):
            if any(m.lower_ in ("when", "whenever", "before", "if") for m in child.children):
                tokens.extend(t for t in child.subtree if not t.is_punct)
    tokens.sort(key=lambda t: t.i)
    particle = prt[0].lower_ if prt else ""
    verb_text = f"{lemma} {particle}".strip()
    if me and lemma in TO_ME:
        verb_text = TO_ME[lemma]
    if lemma in ("have", "get") and obj_toks and obj_toks[0].lemma_ in ("mode", "theme", "view", "version"):
        verb_text = "use"  # "to have dark mode" -> "to use dark mode"
    if lemma == "refund":
        verb_text = "get a refund for" if obj_toks else "get a refund"
    words = [word(t) for t in tokens]
    obj, head, pronoun = _object(obj_toks, me)
    if obj and not pronoun and verb_text in OWN_DATA:
        words = _add_my(words, obj_toks[0])
        obj = " ".join(_add_my(obj.split(" "), obj_toks[0]))
    if not obj and extra_obj:
        words, obj, head = [*extra_obj.split(" "), *words], extra_obj, extra_obj.split(" ")[-1]
    rest = _tidy([w for w in words if w])
    if particle in TRAILING_PARTICLES and obj and rest.startswith(obj):
        phrase = f"{lemma} {obj} {particle} {rest[len(obj):].strip()}".strip()  # "get all my expenses out as a CSV"
    else:
        phrase = f"{verb_text} {rest}".strip()
    if len(phrase.split()) > 14:
        return None
    formats = tuple(dict.fromkeys(w for w in phrase.split() if w in FORMATS))
    return Ask(item_id, verb_text, phrase, obj, head, kind, symptom, pronoun, formats)


def _object(obj_toks: list[Any], me: list[Any]) -> tuple[str, str, bool]:
    objs = [t for t in obj_toks if t not in me]
    if not objs:
        return "", "", False
    head = objs[0]
    if head.lower_ in ("it", "them", "this", "that", "these", "those", "one"):
        return head.lower_, "", True
    kept = [t for t in sorted(clean_subtree(head), key=lambda t: t.i) if t.i <= head.i]
    compound = _key_mods(head)
    return join_tokens([word(t) for t in kept]), " ".join(compound + [head.lemma_.lower()]), False


def _key_mods(noun: Any) -> list[str]:
    """Modifiers that change what is asked for ('dark' mode vs 'offline' mode), for grouping keys."""
    return [t.lemma_.lower() for t in noun.children
            if t.dep_ == "compound" or t.dep_ == "amod" and t.lemma_.lower() not in PRAISE_ADJ]


def _add_my(words: list[str], obj: Any) -> list[str]:
    """'export expenses' -> 'export my expenses' (bare plural objects belong to the customer)."""
    has_det = any(c.dep_ in ("det", "poss", "nummod", "predet", "quantmod") for c in obj.children)
    if has_det or obj.tag_ != "NNS" or obj.pos_ == "PROPN" or obj.text in FORMATS:
        return words
    first = word(min([obj, *children(obj, "amod", "compound")], key=lambda t: t.i))
    if first in words:
        i = words.index(first)
        return [*words[:i], "my", *words[i:]]
    return words


def _pobj_text(pobj: Any) -> str:
    return join_tokens([word(t) for t in sorted(clean_subtree(pobj), key=lambda t: t.i)])


def from_noun(item_id: str, noun: Any, kind: str, symptom: str) -> Ask | None:
    """'CSV export', 'dark mode please', 'support for Apple Pay', 'an audit log' -> a verb phrase."""
    lemma = noun.lemma_.lower()
    if children(noun, "aux", "neg"):
        return None  # a noun with an auxiliary is a misparsed clause: "why wont my card work" is not "card work"
    mods = children(noun, "compound", "amod", "nmod")
    if lemma == "support":  # "support for Apple Pay", "Apple Pay support", "offline support"
        inner = [p for prep in children(noun, "prep") for p in children(prep, "pobj")]
        if inner and not mods:
            return from_noun(item_id, inner[0], kind, symptom)
        words = [word(t) for t in sorted(clean_subtree(mods[0]), key=lambda t: t.i)] if mods else []
        np = join_tokens(words)
        if np == "offline":
            return Ask(item_id, "use", "use the app offline", "the app", "app offline", kind, symptom)
        return Ask(item_id, "use", f"use {np}", np, mods[0].lemma_.lower(), kind, symptom) if np else None
    if lemma in STOP_NOUNS | HOLDERS and not mods or any(m.lemma_.lower() in PRAISE_ADJ for m in children(noun, "amod")):
        return None
    fmt = [canonical(t.text) for t in mods if canonical(t.text) in FORMATS]
    if lemma in DEVERBAL or noun.lower_ in DEVERBAL:
        return _deverbal(item_id, noun, mods, fmt, kind, symptom)
    gerund = [_verb_lemma(m.lower_) for m in mods if m.lower_.endswith("ing") and m.i < noun.i]
    if gerund and gerund[0] and noun.dep_ == "dobj" and noun.head.lemma_ in ADD:
        # "support saving cards" -> "save my cards"; only under "add"/"support": "tell me my routing number" is a
        # compound noun, not "rout my number"
        obj = join_tokens(["my", word(noun)])
        return Ask(item_id, gerund[0], f"{gerund[0]} {obj}", obj, lemma, kind, symptom)
    kept = [t for t in sorted(clean_subtree(noun), key=lambda t: t.i)
            if not (t.dep_ == "det" and t.lower_ in ("no", "some", "any", "every")) and t.dep_ != "advmod"
            and not (t.tag_ == "VB" and t.is_title) and t.sent == noun.sent]
    if any(t.tag_ in ("WP", "WDT", "WRB") for t in kept):
        return None
    if kept and kept[0].dep_ == "det" and kept[0].lower_ in ("a", "an", "the") and kept[0].head is noun and not NOUN_VERBS.get(lemma):
        kept = kept[1:]  # "use dark mode", but "see an audit log"
    # the writer's own clause on the thing says which one they mean ("the minimum I can pay on my bill")
    rel = [t for c in noun.children if c.dep_ == "relcl" and any(s.lower_ in ("i", "we") for s in children(c, "nsubj"))
           for t in c.subtree if not t.is_punct and t.lower_ not in DROP_WORDS and t.sent == noun.sent]
    own = bool(rel) and len(kept) + len(rel) <= 10 and not any(t.tag_ in ("WP", "WDT", "WRB") for t in rel)
    if own:
        kept = sorted([*kept, *rel], key=lambda t: t.i)
    if len(kept) > 7 and not own:  # keep the noun phrase itself, not its trailing prepositional phrases
        kept = [t for t in kept if t.i <= noun.i]
    np = join_tokens([word(t) if t.lower_ != "i" else "I" for t in kept])
    if not np or len(np.split()) > (10 if own else 7) or any(t.like_num for t in kept[:1]):
        return None
    verb = NOUN_VERBS.get(lemma) or _wanted_verb(noun)
    compound = _key_mods(noun)
    return Ask(item_id, verb, f"{verb} {np}", np, " ".join(compound + [lemma]), kind, symptom, False, tuple(fmt),
               implied=verb == "use" and lemma not in NOUN_VERBS)


def _wanted_verb(noun: Any) -> str:
    """The verb a bare noun ask implies. A thing of the writer's own ("i need my routing number", "x's routing
    number") is one they have and ask to be told: to see it. Otherwise a thing they do not have yet is one to use
    ("a dark mode for night reading")."""
    return "see" if children(noun, "poss") else "use"


def _deverbal(item_id: str, noun: Any, mods: list[Any], fmt: list[str], kind: str, symptom: str) -> Ask:
    verb = DEVERBAL.get(noun.lower_, DEVERBAL.get(noun.lemma_.lower(), noun.lemma_.lower()))
    others = [t for t in mods if canonical(t.text) not in FORMATS and t.pos_ != "ADJ"]
    obj = ""
    if others:
        name = others[0].lemma_.lower()
        if verb == "sync" and name == "bank":
            obj = "my bank account"
        elif verb in ("sync", "integrate with", "log in", "sign in", "pay"):
            obj = ""
        elif len(list(others[0].subtree)) > 1:  # "approval audit trail export" -> "the approval audit trail"
            obj = "the " + join_tokens([word(t) for t in others[0].subtree])
        else:
            from lemminflect import getInflection

            plural = getInflection(name, tag="NNS")
            obj = f"my {plural[0] if plural else name}"
    preps = children(noun, "prep")
    if noun.dep_ == "nsubj":  # "Login fails with my Google account": the prep hangs on the symptom
        preps += [p for p in children(noun.head, "prep")
                  if p.lower_ in ("with", "from", "to", "into", "for") and not any(t.like_num for t in p.subtree)]
    preps = [p for p in preps if not ENVIRONMENT.search(" ".join(t.text for t in p.subtree))]
    tail_parts = []
    for prep in preps[:2]:
        for pobj in children(prep, "pobj", "pcomp"):
            if pobj.dep_ == "pcomp" and not (pobj.tag_ == "VBG" and prep.lower_ == "of"):
                continue
            # "an export of reading history": the parser reads a gerund with its object; the words are one noun
            text = _pobj_text(pobj) if pobj.dep_ == "pobj" else join_tokens(
                [word(pobj), *(word(t) for d in children(pobj, "dobj") for t in sorted(clean_subtree(d), key=lambda t: t.i))])
            if prep.lower_ == "of" and not obj:
                obj = text if text.split()[0] in ("my", "our", "all", "the") else f"my {text}"
            else:
                tail_parts.append(f"{prep.lower_} {text}")
    if fmt:
        tail_parts.append(f"to {fmt[0]}")
    if verb in ("export", "import", "back up") and not obj:
        obj = "my data"
    phrase = " ".join(p for p in (verb, obj, *tail_parts) if p)
    if verb == "integrate with" and tail_parts and tail_parts[0].startswith("with "):
        phrase = "integrate " + " ".join(tail_parts)
    return Ask(item_id, verb, phrase, obj, _lemma(obj.split()[-1]) if obj else "", kind, symptom, False, tuple(fmt))


def _verb_lemma(gerund: str) -> str:
    from lemminflect import getLemma

    found = getLemma(gerund, upos="VERB")
    return found[0] if found and found[0] != gerund and known_verb(found[0]) else ""


def _lemma(noun: str) -> str:
    from lemminflect import getLemma

    found = getLemma(noun.lower(), upos="NOUN")
    return found[0] if found else noun.lower()
