"""Is it serious? The urgency cues of `cues.URGENCY_REASONS` checked against the spaCy parse, plus what only a
parse can see.

The regexes find words of a serious situation ("lost all my notes", "corrupted", "crash on launch"); the parse says
whether the writer reports it happening to them:
- a cue in a counterfactual ("would've lost hundreds of photos if ..."), negated outside the cue ("never lost
  anything", "no crashes"), under a belief the writer took back ("I thought the files were corrupted"), or followed
  by its fix ("the crash on launch was fixed", "the app got everything back") is no emergency;
- the product not working for its writer at all is an emergency even without a fixed phrase: a use verb negated with
  the product as its subject or a totality mark ("it won't open", "this app does not work", "can't even read",
  "won't load any files", "crashes each and every time"), unless the sentence limits it ("sometimes", "some pages");
- money paid for nothing: a first-person purchase beside a failure ("I paid for premium and can't even bring up a
  menu", "purchased the pro version ... the purchase has failed").

General English (negation, modality, quantifiers, the product as subject), never one domain's vocabulary. Only texts
where a cue or a hint fires are parsed, in one batched pass through the shared parse cache.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.triage import cues as cue_mod

# Categories that report something that happened: a counterfactual, a negation or a fix takes them back. Threats,
# deadlines and requests to block stay serious when conditional ("we will not renew unless ...").
EVENTS = {"security", "fraud or unauthorised use", "theft or loss", "outage", "cannot use it at all", "lost access",
          "data loss", "payment"}

# Verbs of using a product: negated, the product does not do its job ("won't open", "can't read", "unable to log in").
USE = {"work", "open", "load", "start", "launch", "run", "play", "read", "use", "install", "download", "view",
       "display", "show", "access", "login", "log", "sign", "bring", "connect", "sync", "function", "boot"}
FAIL = {"crash", "freeze", "fail", "hang", "close"}
# Nouns that name the product itself as a subject ("this app does not work"); pronouns count too.
PRODUCT = {"it", "this", "app", "application", "program", "programme", "software", "game", "reader", "viewer",
           "site", "website", "service", "tool", "thing", "version", "update"}
_TOTAL = re.compile(r"\b(at\s+all|each\s+and\s+every|every\s*time|each\s+time|whenever|all\s+the\s+time|constant(ly)?|"
                    r"always|continuously|unusable|useless|simply|literally\s+(can|won|does)|nothing)\b", re.I)
_PARTIAL = re.compile(r"\b(sometimes|occasionally|some|certain|few|half|once|at\s+times|every\s+now|rarely|random\w*|"
                      r"odd|most\s+of|now\s+and\s+then|a\s+lot|often|seldom|(n't|not)\s+always|properly|correctly|"
                      r"right|well)\b", re.I)  # "doesn't work properly" is a defect, not a dead product
_PAID = {"pay", "purchase", "buy"}
TAKE = {"take", "delete", "erase", "wipe", "remove", "lose", "clear", "eat"}
BELIEF = {"think", "believe", "assume", "suppose", "guess", "imagine"}  # taken back when past: "I thought"
MEMORY = {"remember", "recall"}
RESOLVED = {"fix", "resolve", "solve", "recover", "restore", "retrieve"}
# A text is parsed only when a high cue fires or one of these hints at what the parse looks for.
_HINT = re.compile(r"(n['’?]?t\b|\bnot\b|\bnever\b|\bunable\b|\bcannot\b|crash|freez|fail|\bpaid\b|purchas|\bbought\b|\ball\s+(my|our)\b)",
                   re.I)
_APOSTROPHE = re.compile(r"(?<=[a-z])[?’](?=(t|s|ve|ll|re|d|m)\b)", re.I)  # "Doesn?t" from a lossy export


def normalise(text: str) -> str:
    return _APOSTROPHE.sub("'", text)


def needs_parse(text: str) -> bool:
    return bool(_HINT.search(text)) or any(level == "high" and pattern.search(text)
                                           for level, _r, pattern in cue_mod.URGENCY_REASONS)


def warm(texts: Sequence[str]) -> None:
    """Parse, in one batched pass, the texts `assess` will parse (the rest never are)."""
    from assistant.quality_rules import nlp

    nlp.warm([normalise(t) for t in texts if needs_parse(t)])


def _doc(text: str) -> Any:
    from assistant.quality_rules import nlp

    return nlp.parse(text)


def _is_negation(tok: Any) -> bool:
    return tok.dep_ == "neg" or (tok.lower_ in ("never", "no") and tok.dep_ in ("det", "advmod"))  # not "but no, ..."


def _negated(tok: Any) -> bool:
    return any(_is_negation(c) for c in tok.children)


def _clause_heads(tok: Any) -> list[Any]:
    """The token and the heads whose mood it shares: up the tree, but not across a coordination ("I'd have given
    it 3 stars, but no, all it does is crash": the second clause is no counterfactual)."""
    out = [tok]
    while out[-1].dep_ not in ("conj", "parataxis", "ROOT") and out[-1].head is not out[-1]:
        out.append(out[-1].head)
    return out


def _not_happening(doc: Any, head: Any, inside: set[int]) -> bool:
    """What `head` reports is not happening to the writer now: counterfactual, negated from outside the cue,
    remembered or a belief taken back, or fixed in the same or the next sentence."""
    for anc in _clause_heads(head):
        auxes = {c.lower_ for c in anc.children if c.dep_ == "aux"}
        if auxes & {"would", "could", "might", "should", "'d"} and auxes & {"have", "'ve", "of"}:
            return True  # "I would've lost hundreds of photos if it wasn't for this app"
        if anc is not head and (anc.lemma_ in MEMORY or (anc.lemma_ in BELIEF and anc.tag_ in ("VBD", "VBN"))):
            return True  # "I thought at first ... the files are corrupted", "I remember when it did not work"
    if any(_is_negation(c) and c.i not in inside for c in head.children):
        return True  # "never lost anything", "no crashes"
    sents = list(doc.sents)
    at = next((k for k, s in enumerate(sents) if s.start <= head.i < s.end), 0)
    for sent in sents[at: at + 2]:
        for tok in sent:
            back = tok.lemma_ == "get" and any(c.lower_ == "back" for c in tok.children)
            if (tok.lemma_ in RESOLVED or back) and tok.tag_ in ("VBD", "VBN") and not _negated(tok):
                return True  # "the crash on launch was fixed", "this app got everything back for me"
    return False


def _taken_back(doc: Any, start: int, end: int) -> bool:
    """The cue at characters start..end is not reported as happening."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    return _not_happening(doc, span.root, {t.i for t in span})


def _subject(tok: Any) -> Any:
    for t in _clause_heads(tok):
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return c
    return None


def _cannot_use(doc: Any, sent: Any) -> bool:
    """The product does not work for the writer at all in this sentence."""
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_ not in USE | FAIL:
            continue
        own = {c.i for c in tok.children if c.dep_ == "neg"} if tok.lemma_ in USE else set()
        if _not_happening(doc, tok, {tok.i} | own):
            continue
        clause = " ".join(t.text for t in tok.subtree)
        if _PARTIAL.search(clause):
            continue
        total = bool(_TOTAL.search(clause))
        if tok.lemma_ in FAIL:  # the parse of a run-on review often cuts "crashes | each and every time" apart
            if _TOTAL.search(sent.text) and not _negated(tok):
                return True  # "crashes each and every time I try to open it"
            continue
        able = next((a for a in tok.ancestors if a.lower_ == "able"), None)
        negated = _negated(tok) or (able is not None and _negated(able.head))
        if not negated:
            continue
        subj = _subject(tok)
        product = subj is None or subj.lower_ in PRODUCT
        # "can't", "won't", "unable to": the writer tried; "haven't used any others" is a choice
        tried = able is not None or any(c.dep_ == "aux" and c.lemma_ in ("can", "will", "would")
                                                   for c in tok.children)
        if total or (tried and any(c.dep_ == "advmod" and c.lower_ in ("even", "yet")
                                   for c in [*tok.children, *(able.head.children if able is not None else [])])):
            return True  # "can't even read comics", "not been able to play yet"
        objects = [c for c in tok.children if c.dep_ == "dobj"]
        if tried and any(d.lower_ in ("any", "one", "single") for o in objects for d in o.children):
            return True  # "won't load any files", "haven't been able to open one file"
        if product and (not objects or all(o.lower_ in PRODUCT for o in objects)) and tok.lemma_ in (
                "work", "open", "load", "start", "launch", "run", "use", "function", "boot"):
            return True  # "it won't open", "this app does not work", "simply can't use it"
    return False


def _paid_for_nothing(doc: Any) -> bool:
    paid = any(t.lemma_ in _PAID and t.tag_ in ("VBD", "VBN") and not _negated(t)
               and (s := _subject(t)) is not None and s.lower_ in ("i", "we") for t in doc)
    if not paid:
        return False
    for tok in doc:
        if tok.lemma_ == "fail" and not _negated(tok):
            return True
        if tok.lemma_ in USE and tok.pos_ in ("VERB", "AUX") and _negated(tok) and not _PARTIAL.search(tok.sent.text):
            return True
    return False


def _all_taken(doc: Any) -> bool:
    """The product took away everything of the writer's: "now it took all my books", "it erased all our data"."""
    for tok in doc:
        if tok.lemma_ not in TAKE or tok.pos_ != "VERB" or _not_happening(doc, tok, {tok.i}):
            continue
        subj = _subject(tok)
        if tok.lemma_ != "lose" and (subj is None or subj.lower_ in ("i", "we")):
            continue  # "I deleted all my old boards" is the writer's own doing
        for obj in (c for c in tok.children if c.dep_ == "dobj"):
            kids = {c.lower_ for c in obj.children}
            if "all" in kids and kids & {"my", "our"}:
                return True
    return False


def assess(text: str) -> tuple[str, str] | None:
    """(level, reason): the most severe urgency cue the writer reports as happening, else what the parse finds,
    else the medium cues; None when nothing is urgent."""
    text = normalise(text)
    doc = _doc(text) if needs_parse(text) else None
    medium: tuple[str, str] | None = None
    for level, reason, pattern in cue_mod.URGENCY_REASONS:
        if level != "high":
            if medium is None and pattern.search(text):
                medium = (level, reason)
            continue
        match = pattern.search(text)
        if match is None:
            continue
        if reason in EVENTS and doc is not None and all(_taken_back(doc, m.start(), m.end())
                                                        for m in pattern.finditer(text)):
            continue
        return level, reason
    if doc is not None:
        if _paid_for_nothing(doc):
            return "high", "payment"
        if _all_taken(doc):
            return "high", "data loss"
        if any(_cannot_use(doc, s) for s in doc.sents):
            return "high", "cannot use it at all"
    return medium
