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
          "data loss", "payment", "cannot remove it"}

# Verbs of using a product: negated, the product does not do its job ("won't open", "can't read", "unable to log in").
USE = {"work", "open", "load", "start", "launch", "run", "play", "read", "use", "install", "download", "view",
       "display", "show", "access", "login", "log", "sign", "bring", "connect", "sync", "function", "boot", "watch"}
# The product itself not working (no object needed): "it won't open", "this app does not work".
SELF = {"work", "open", "load", "start", "launch", "run", "use", "function", "boot", "install", "download", "sync"}
FAIL = {"crash", "freeze", "fail", "hang", "close"}
# Verbs that pass a negation on to the verb they govern: "can't get it to work", "won't let me download".
RAISE = {"get", "let", "seem", "manage", "allow"}
# Nouns that name the product itself as a subject ("this app does not work"); pronouns count too.
PRODUCT = {"it", "this", "app", "application", "program", "programme", "software", "game", "reader", "viewer",
           "site", "website", "service", "tool", "thing", "version", "update", "upgrade"}
_TOTAL = re.compile(r"\b(at\s+all|each\s+and\s+every|every\s*(single\s+)?time|each\s+time|whenever|as\s+soon\s+as|"
                    r"all\s+the\s+time|all\s+day|for\s+days|constant(ly)?|always|continuously|unusable|useless|simply|nothing)\b", re.I)
# Words that limit a failure to part of the product or some of the time ("doesn't work properly", "some pages").
PARTIAL = {"sometimes", "occasionally", "rarely", "seldom", "often", "randomly", "properly", "correctly", "right",
           "well", "some", "certain", "few", "several", "half", "most", "once", "odd", "times", "lot", "almost",
           "nearly", "virtually", "mostly", "momentarily"}
_SCOPE = re.compile(r"\b(except|apart\s+from|other\s+than|besides|only\s+(problem|issue|thing|complaint))\b", re.I)
_CLAUSE = {"ccomp", "advcl", "conj", "relcl", "parataxis", "xcomp", "csubj", "acl"}
_PAID = {"pay", "purchase", "buy"}
TAKE = {"take", "delete", "erase", "wipe", "remove", "lose", "clear", "eat", "overwrite"}
BELIEF = {"think", "believe", "assume", "suppose", "guess", "imagine"}  # taken back when past: "I thought"
MEMORY = {"remember", "recall"}
RESOLVED = {"fix", "resolve", "solve", "recover", "restore", "retrieve"}
_WANT = {"need", "want", "hope", "wish", "expect", "wait"}
_PROSPECTIVE = {"until", "till", "when", "if", "once", "unless", "hopefully", "before"}
# A text is parsed only when a high cue fires or one of these hints at what the parse looks for (a use verb a few
# words after a negation, a failure said to be total, money paid, "all my"): most reviews are never parsed.
_NEG = r"(n['’?]?t|\bnot|\bnever|\bunable\s+to|\bcannot|\bstop(s|ped)?|\bno\s+longer)"
_HINT = re.compile(_NEG + r"\s+(\w+\s+){0,4}?(" + "|".join(sorted(USE | {"down"})) + r")\w*\b|"
                   r"\b(paid|purchased|bought|all\s+(my|our)|none\s+of|overwrit\w*)\b", re.I)
_FAILING = re.compile(r"\b(crash|freez|froze|fail|hang|clos)\w*", re.I)
_APOSTROPHE = re.compile(r"(?<=[a-z])[?’](?=(t|s|ve|ll|re|d|m)\b)", re.I)  # "Doesn?t" from a lossy export
_REINSTALL = re.compile(r"\bre-?\s?install", re.I)  # "uninstalled, reinstalled, rebooted" is troubleshooting
_SHOUT = re.compile(r"[^.!?\n]{12,}")


def normalise(text: str) -> str:
    """Repair lossy apostrophes and lower-case shouted stretches (the parser reads ALL CAPS as proper nouns)."""
    text = _APOSTROPHE.sub("'", text)

    def calm(m: re.Match[str]) -> str:
        letters = [c for c in m.group(0) if c.isalpha()]
        return m.group(0).lower() if letters and sum(c.isupper() for c in letters) > 0.7 * len(letters) else m.group(0)

    return _SHOUT.sub(calm, text)


def needs_parse(text: str) -> bool:
    return bool(_HINT.search(text) or (_FAILING.search(text) and _TOTAL.search(text))) or any(
        level == "high" and pattern.search(text) for level, _r, pattern in cue_mod.URGENCY_REASONS)


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


def _local(tok: Any) -> list[Any]:
    """The token's own clause: its subtree without the clauses it governs."""
    out, todo = [], [tok]
    while todo:
        t = todo.pop()
        out.append(t)
        todo += [c for c in t.children if c.dep_ not in _CLAUSE]
    return out


def _many(obj: Any) -> bool:
    """Many or all of the people using it: "for many people", "for everyone", "for all users"."""
    return obj.lower_ in ("everyone", "everybody", "anyone", "anybody") or any(
        k.lower_ in ("many", "all", "most", "lots", "everyone") for k in obj.children)


def _limited(tok: Any, inside: frozenset[int] = frozenset()) -> bool:
    """Something in the verb's own clause limits it to part of the product or of the time, or a condition does; the
    words of the cue itself do not ("crashes after a few pages": the few pages say how soon, not how often)."""
    local = [t for t in _local(tok) if t.i not in inside]
    if any(t.lower_ in PARTIAL or (t.lower_ == "always" and _negated(t.head)) for t in local):
        return True
    if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
           for c in tok.children):
        return True  # "unusable if you want that option"
    if tok.lemma_ in USE and any(c.dep_ == "prep" and c.lower_ == "for" and any(
            o.lower_ not in ("me", "us", "i", "we") and not _many(o) for o in c.children) for c in tok.children):
        return True  # "won't work for any of the others" (but "won't open for me / for many people" is the product)
    return bool(_SCOPE.search(tok.sent.text))  # "serves its purpose perfectly except for the deposit won't work"


def _realis(tok: Any) -> bool:
    """A past event asserted as having happened (not "needs to be fixed", "until this is (hopefully) fixed",
    "didn't fix")."""
    before = {t.lower_ for t in tok.doc[max(tok.i - 5, tok.sent.start): tok.i]}
    return (tok.tag_ in ("VBD", "VBN") and not _negated(tok) and tok.head.lemma_ not in _WANT
            and not before & _PROSPECTIVE
            and not any(c.dep_ == "aux" and (c.tag_ == "MD" or c.lower_ == "to") for c in tok.children))


def _counterfactual(tok: Any) -> bool:
    auxes = {c.lower_ for c in tok.children if c.dep_ == "aux"}
    return bool(auxes & {"would", "could", "might", "should", "'d"} and auxes & {"have", "'ve", "of"})


def averted(text: str) -> bool:
    """The text says a harm would have happened ("I would've lost hundreds of photos if it wasn't for this app"):
    for the situation match by meaning, which cannot tell that from "I lost my photos"."""
    return any(_counterfactual(t) for t in _doc(normalise(text)) if t.pos_ in ("VERB", "AUX"))


def _not_happening(doc: Any, head: Any, inside: set[int]) -> bool:
    """What `head` reports is not happening to the writer now: counterfactual, negated from outside the cue,
    remembered or a belief taken back, or fixed in the same or the next sentence."""
    for anc in _clause_heads(head):
        if _counterfactual(anc):
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
            if (tok.lemma_ in RESOLVED or back) and _realis(tok):
                return True  # "the crash on launch was fixed", "this app got everything back for me"
    return False


def _taken_back(doc: Any, start: int, end: int, reason: str) -> bool:
    """The cue at characters start..end is not reported as happening (or, for a churn cue, not as the writer
    leaving)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    if reason == "churn threat":
        first = any(t.lower_ in ("i", "we", "my", "our", "me", "us") for t in span)
        subj = _subject(root)
        imperative = root.tag_ == "VB" and subj is None and not any(
            c.dep_ == "aux" for c in root.children)
        made = root.head is not root and root.head.lemma_ in ("make", "force", "have")  # "they make us", "had to"
        # "it uninstalls in my phone automatically"; a named subject ("ACME Libraries will only renew if …") is a
        # customer leaving, not the product
        customer = subj is not None and subj.pos_ == "PROPN" and root.lemma_ in ("renew", "leave", "cancel", "switch")
        made = made or subj is not None and not customer and _is_product(subj)
        return (imperative and not first) or made or bool(_REINSTALL.search(root.sent.text))  # advice; troubleshooting
    if reason not in EVENTS:
        return False
    # Losing one's work now and then is still losing it ("I've lost edits occasionally"): a limit says how often,
    # not that it did not happen.
    if (reason != "data loss" and _limited(root, frozenset(t.i for t in span))) or (reason in ("cannot use it at all", "outage") and _part(root)):
        return True  # "virtually unusable", "unusable if you want that option", "Multiplayer doesn't work at all"
    return _not_happening(doc, root, {t.i for t in span})


def _subject(tok: Any) -> Any:
    """The verb's subject; a conjoined or complement verb without one shares its head's ("it loads or opens")."""
    t = tok
    while True:
        subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None or t.dep_ not in ("conj", "xcomp") or t.head is t:
            return subj
        t = t.head


def _is_product(subj: Any) -> bool:
    """The subject names the product itself: omitted, a pronoun, a generic product noun or a name ("Dropbox")."""
    return subj is None or subj.lower_ in PRODUCT or subj.pos_ == "PROPN"


def _part(tok: Any) -> bool:
    """The failing verb's own subject is a part of the product ("the sync doesn't work at all")."""
    subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj is not None and subj.pos_ == "NOUN" and subj.lower_ not in PRODUCT


def _denied(tok: Any) -> tuple[bool, Any]:
    """Whether the verb is negated (itself, through "able", or through a raising verb: "can't get it to work",
    "won't let me download"), and the token that carries the negation."""
    if _negated(tok):
        return True, tok
    for anc in list(tok.ancestors)[:3]:
        if (anc.lower_ == "able" and _negated(anc.head)) or (anc.lemma_ in RAISE and _negated(anc)):
            return True, anc.head if anc.lower_ == "able" else anc
    if tok.dep_ == "xcomp" and tok.head.lemma_ == "stop" and not _negated(tok.head):
        return True, tok.head  # "Dropbox stopped syncing", "it stopped working"
    return False, None


def _tried(carrier: Any) -> bool:
    """The writer tried and could not ("can't", "won't", "unable"); "haven't used any others" is a choice."""
    return carrier.lower_ == "able" or carrier.head.lower_ == "able" or carrier.lemma_ in RAISE or any(
        c.dep_ == "aux" and c.lemma_ in ("can", "will", "would") for c in carrier.children) or any(
        a.lower_ == "able" for a in carrier.children)


def _always(sent: Any) -> bool:
    """The sentence says the failure happens always, or every time the writer uses the product itself ("every time
    I open it"), not every time they do one thing with it ("every time I open a big file", "... sink a battle")."""
    if not _TOTAL.search(sent.text):
        return False
    whens = [t for t in sent if (t.lower_ in ("time", "everytime") and t.dep_ != "pobj") or t.lower_ == "whenever"
             or (t.lower_ == "soon" and t.nbor(-1).lower_ == "as")]
    if not whens or _TOTAL.search(re.sub(r"\b(every\s*(single\s+)?time|each\s+time|whenever|as\s+soon\s+as)\b", "",
                                          sent.text, flags=re.I)):
        return True  # "all the time", "constantly", or a when-clause the parse did not find
    for when in whens:
        clause = [t for t in (when.head if when.lower_ == "whenever" else when).subtree if t.pos_ == "VERB"]
        objects = [c for v in clause for c in v.children if c.dep_ == "dobj"]
        if all(o.lower_ in PRODUCT | {"that"} for o in objects):
            return True
    return False


def _cannot_use(doc: Any, sent: Any) -> bool:
    """The product does not work for the writer at all in this sentence."""
    for tok in sent:
        verbless = tok.dep_ == "ROOT" and tok.lemma_ in FAIL  # a headline: "Crashes as soon as I try to load it."
        if (tok.pos_ not in ("VERB", "AUX") and not verbless) or tok.lemma_ not in USE | FAIL:
            continue
        denied, carrier = _denied(tok)
        subj = _subject(tok)
        if subj is not None and subj.lower_ in ("none", "nothing") and any(t.lower_ in ("other", "else")
                                                                        for t in subj.subtree):
            continue  # "none of the other free applications worked": other products failed, not this one
        if subj is not None and subj.lower_ in ("none", "nothing") and tok.lemma_ in USE:
            denied, carrier = True, tok  # "none of my photos will load"
        own = {c.i for c in tok.children if c.dep_ == "neg"} if tok.lemma_ in USE else set()
        if _not_happening(doc, tok, own) or _limited(tok):
            continue
        if tok.lemma_ in FAIL:  # the parse of a run-on review often cuts "crashes | each and every time" apart
            if _always(sent) and not _negated(tok):
                return True  # "crashes each and every time I try to open it", "crashes as soon as I load it"
            continue
        if not denied:
            continue
        local = " ".join(t.text for t in _local(tok))
        tried = _tried(carrier)
        if _TOTAL.search(local) or (tried and any(c.dep_ == "advmod" and c.lower_ in ("even", "yet")
                                                 for c in [*tok.children, *carrier.children])):
            return True  # "doesn't work at all", "can't even read comics", "not been able to play yet"
        objects = [c for c in tok.children if c.dep_ == "dobj"]
        if tried and any(d.lower_ in ("any", "one", "single") for o in objects for d in o.subtree):
            return True  # "won't load any files", "haven't been able to open one file"
        if any(o.lower_ == "anything" for o in objects) and _is_product(_subject(
                carrier if carrier.lemma_ in RAISE | {"stop"} else tok)):
            return True  # "the app freezes or stops showing anything"
        subj = _subject(carrier if carrier.lemma_ in RAISE | {"stop"} else tok)
        product = _is_product(subj)
        raised = carrier.lemma_ in RAISE  # "won't let me download": what follows is the parser's guess
        if tok.lemma_ in SELF and objects and all(o.lower_ in PRODUCT for o in objects) and tried:
            return True  # "I can't open it"
        if subj is not None and subj.lower_ in ("none", "nothing"):
            return True
        if product and tok.lemma_ in SELF and (raised or not objects or all(o.lower_ in PRODUCT for o in objects)):
            return True  # "it won't open", "this app does not work", "won't let me download"
    return False


def _paid_for_nothing(doc: Any) -> bool:
    """A first-person purchase beside a failure: "I paid for premium and I can't even bring up a menu"."""
    paid = any(t.lemma_ in _PAID and not _negated(t) and (
        (t.tag_ in ("VBD", "VBN") and (s := _subject(t)) is not None and s.lower_ in ("i", "we", "they", "users"))
        or (t.tag_ == "VBG" and t.head.lower_ == "after")) for t in doc)  # "... still see ads after buying it"
    if not paid:
        return False
    for tok in doc:
        if tok.lower_ == "still" and tok.dep_ == "advmod" and tok.head.pos_ == "VERB" and not _negated(tok.head) and (
                tok.head.lemma_ in ("see", "get", "show", "display", "receive")):
            return True  # "I bought the paid version and I can still see promotions": what was paid for is not there
        if tok.pos_ not in ("VERB", "AUX") or _limited(tok):
            continue
        if tok.lemma_ == "fail" and not _negated(tok):
            return True  # "the purchase has failed"
        denied, carrier = _denied(tok)
        if denied and _tried(carrier):
            return True  # "I can't watch my video"
    return False


def _all_taken(doc: Any) -> bool:
    """The product took away everything of the writer's: "now it took all my books", "it erased all our data"."""
    for tok in doc:
        if tok.lemma_ == "be" and any(c.lower_ == "where" for c in tok.children) and any(
                c.dep_ == "nsubj" and {"all", "my"} <= {k.lower_ for k in c.children} for c in tok.children):
            return True  # "Where is all my stuff?"
        if tok.lemma_ not in TAKE or tok.pos_ != "VERB" or _not_happening(doc, tok, {tok.i}):
            continue
        if tok.lemma_ == "overwrite" and _is_product(_subject(tok)) and any(
                c.dep_ == "dobj" and any(k.lower_ in ("my", "our") for k in c.children) for c in tok.children):
            return True  # "it is overwriting my notes with outdated versions"
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
        if pattern.search(text) is None:
            continue
        if doc is not None and all(_taken_back(doc, m.start(), m.end(), reason) for m in pattern.finditer(text)):
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
