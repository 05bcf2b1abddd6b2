"""Find the ask in one feedback item: the action the customer wants to perform, phrased as a goal.

"please let me save my card" -> save my card; "can't export expenses to CSV" -> export my expenses to CSV;
"app crashes when I upload a receipt" -> upload a receipt (bug, symptom "the app crashing").
Everything comes from the dependency parse of the customer's own words; nothing is made up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.stories.facts import ENVIRONMENT
from assistant.stories.nlp import FORMATS, canonical, inflect, join_tokens, lower_first

PERMIT = {"let", "allow", "enable", "permit", "help"}
WANT = {"want", "like", "love", "need", "wish", "hope", "prefer", "require"}
WANT_NOUN = {"want", "need", "wish", "require"}  # "I love the app" is praise, not an ask
PRAISE = {"love", "like", "enjoy", "thank", "appreciate", "keep", "hate", "great", "good", "nice"}
FIND = {"find", "figure", "know", "see", "understand", "work"}
ADD = {"add", "support", "include", "provide", "introduce", "offer", "implement", "build", "bring", "have", "create", "make"}
HOLDERS = {
    "way", "option", "ability", "button", "feature", "setting", "possibility", "function", "functionality",
    "toggle", "checkbox", "link", "menu", "place", "tool", "chance", "means",
}
SYMPTOMS = {"crash", "freeze", "hang", "fail", "quit", "break", "lag", "glitch", "reset", "disappear", "vanish"}
WHEN_WORDS = {"when", "whenever", "while", "after", "if", "once", "as", "before"}
# "send me X" is something the product does; the customer's goal is to receive it.
TO_ME = {"send": "get", "give": "get", "email": "get", "show": "see", "notify": "get notified", "remind": "get reminded",
         "alert": "get alerted", "warn": "get warned", "tell": "know"}
DEVERBAL = {
    "export": "export", "import": "import", "search": "search", "sync": "sync", "syncing": "sync",
    "synchronization": "sync", "login": "log in", "log-in": "log in", "signin": "sign in", "sign-in": "sign in",
    "upload": "upload", "uploading": "upload", "download": "download", "checkout": "check out", "payment": "pay",
    "backup": "back up", "filter": "filter", "filtering": "filter", "sorting": "sort", "printing": "print",
    "scanning": "scan", "scan": "scan", "sharing": "share", "editing": "edit", "integration": "integrate with",
    "notification": "get notifications", "reminder": "get reminders", "invoicing": "send invoices",
}
# Verbs that mean the same ask (the key groups them; the phrase keeps the customer's verb).
VERB_KEYS = {"store": "save", "remember": "save", "keep": "save", "download": "export", "pull": "export",
             "login": "log in", "sign in": "log in", "see": "view", "check": "view", "find": "search",
             "get notified": "get notifications", "get reminded": "get reminders", "attach": "upload",
             "connect": "integrate with", "link": "integrate with", "sync": "integrate with"}
# Verbs on the customer's own data: a bare plural object becomes "my ..." ("export expenses" -> "export my expenses").
OWN_DATA = {"export", "download", "import", "save", "store", "back up", "upload", "delete", "edit", "view", "see",
            "print", "share", "categorize", "tag", "track", "organize", "filter", "sort", "search", "split", "archive",
            "scan", "attach", "submit", "sync", "find", "manage", "group", "rename", "copy", "duplicate"}
_ACTOR = re.compile(r"\b(?:allow|let|enable|permit)\s+(?:the\s+|our\s+)?([a-z]+?s)\s+(?:to\s+)?[a-z]+", re.I)
_NOT_ACTORS = {"us", "users", "people", "customers", "everyone", "others", "them", "things", "items"}
DROP_WORDS = {"please", "pls", "plz", "asap", "already", "again", "too", "also", "just", "really", "actually", "maybe"}
FORBIDDEN = ("subtree_deps",)
SKIP_DEPS = {"conj", "cc", "advcl", "relcl", "punct", "parataxis", "mark", "intj", "appos", "dep", "nsubj", "aux",
             "auxpass", "neg", "nsubjpass", "ccomp", "preconj", "meta", "discourse"}
KEEP_ADVMOD = {"offline", "online", "automatically", "together", "back", "later", "separately", "manually", "in", "out"}
_PURPOSE = re.compile(r"\b(?:so that\s+|in order that\s+|so\s+(?=(?:i|we|my|our|they)\b))([^.!?;]{3,120})", re.I)
_IN_ORDER_TO = re.compile(r"\bin order to\s+([^.!?;,]{3,100})", re.I)
_BECAUSE_HAVE_TO = re.compile(r"\b(?:because|since|as)\s+(i|we)\s+(?:always\s+)?(?:have|need) to\s+([^.!?;,]{3,100})", re.I)


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
    purpose: str = ""  # "I can share costs with my partner"
    pronoun: bool = False  # the phrase leans on it/them, so it is a poor representative
    formats: tuple[str, ...] = ()
    actor: str = ""  # "admin" from "allow admins to approve expenses"

    @property
    def key(self) -> str:
        verb = VERB_KEYS.get(self.verb, self.verb)
        return f"{verb}:{self.obj_head}" if self.obj_head else verb


def extract_ask(item_id: str, doc: Any, *, is_bug: bool = False) -> Ask | None:
    """The first clear ask in the text (a bug sentence wins over a request), or None."""
    found: list[Ask] = []
    for sent in doc.sents:
        ask = _from_sentence(item_id, sent)
        if ask is not None:
            found.append(ask)
    if not found:
        return None
    bugs = [a for a in found if a.kind == "bug"]
    ask = bugs[0] if bugs else found[0]
    purpose = _purpose(doc.text, ask)
    if (m := _ACTOR.search(doc.text)) and m.group(1).lower() not in _NOT_ACTORS:
        from lemminflect import getLemma

        lemma = getLemma(m.group(1).lower(), upos="NOUN")
        ask = _replace(ask, actor=lemma[0] if lemma else m.group(1).lower())
    if is_bug and ask.kind != "bug" and ask.kind == "problem":
        ask = _replace(ask, kind="bug", symptom=ask.symptom or "an error")
    return _replace(ask, purpose=purpose) if purpose else ask


def _replace(ask: Ask, **changes: Any) -> Ask:
    from dataclasses import replace

    return replace(ask, **changes)


def _children(tok: Any, *deps: str) -> list[Any]:
    return [c for c in tok.children if c.dep_ in deps]


def _is_verb(tok: Any) -> bool:
    # the small model sometimes tags "import" in "let us import transactions" as a noun: a direct object or
    # a subject of its own says it is used as a verb
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB") or (
        tok.dep_ in ("ccomp", "xcomp") and any(c.dep_ in ("dobj", "nsubj") for c in tok.children)
    )


def _from_sentence(item_id: str, sent: Any) -> Ask | None:
    for finder in (_bug, _slow, _permit, _want, _great, _cannot, _you, _holder, _missing, _add, _imperative, _noun_only):
        hit = finder(sent)
        if hit is not None:
            node, kind, symptom = hit
            ask = _build(item_id, node, kind, symptom)
            if ask is not None:
                return ask
    return None


# Each finder returns (token the goal is built from, kind, symptom) or None.

def _subject_phrase(tok: Any) -> str:
    subj = _children(tok, "nsubj", "nsubjpass")
    if not subj or subj[0].lower_ in ("it", "this", "that", "which"):
        return "the app"
    s = subj[0]
    if s.lower_ in ("i", "we", "you", "they"):
        return ""
    words = [t.text for t in s.subtree if t.dep_ not in ("relcl", "punct")]
    text = lower_first(join_tokens(words))
    return text if text.split()[0] in ("the", "my", "our", "your", "a") else f"the {text}"


def _action_near(sent: Any, symptom: Any) -> Any | None:
    """The user action in a bug report: 'when I upload a receipt', 'trying to log in', 'crashes on upload'."""
    for c in symptom.children:
        if c.dep_ == "advcl" and any(m.lower_ in WHEN_WORDS for m in c.children if m.dep_ in ("mark", "advmod")):
            return c
        if c.dep_ == "advcl" and c.tag_ == "VBG":
            return c
    for tok in sent:
        if tok.lemma_ == "try" and (x := _children(tok, "xcomp")):
            return x[0]
        if tok.dep_ == "advcl" and tok.head.i != tok.i and any(m.lower_ in WHEN_WORDS for m in tok.children):
            return tok
    for prep in _children(symptom, "prep"):
        if prep.lower_ in ("on", "during", "after", "at", "while", "when") and (p := _children(prep, "pobj", "pcomp")):
            if p[0].lower_ in DEVERBAL or p[0].tag_ == "VBG":
                return p[0]
    subj = _children(symptom, "nsubj", "nsubjpass")
    if subj and subj[0].lower_ in DEVERBAL:
        return subj[0]
    return None


def _bug(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        neg = bool(_children(tok, "neg"))
        symptom = None
        if tok.lemma_ in SYMPTOMS and _is_verb(tok):
            symptom = tok
        elif tok.lemma_ == "keep" and (x := _children(tok, "xcomp")) and x[0].lemma_ in SYMPTOMS:
            symptom = tok
            tok = x[0]
        elif tok.lemma_ == "work" and neg:
            symptom = tok
        elif tok.lemma_ in ("break", "broken", "stuck") and tok.dep_ in ("acomp", "ROOT", "conj"):
            symptom = tok.head if tok.dep_ == "acomp" else tok
        elif tok.lemma_ in ("load", "open", "save", "sync", "upload", "send") and neg and _subject_phrase(tok):
            subject = _children(tok, "nsubj")
            if subject and subject[0].lower_ not in ("it", "this"):
                return tok, "bug", "an error"
        if symptom is None:
            continue
        action = _action_near(sent, symptom)
        if action is None:
            continue
        subject = _subject_phrase(symptom if symptom.lemma_ != "keep" else symptom) or "the app"
        if tok.lemma_ in SYMPTOMS and tok.lemma_ not in ("fail", "break"):
            gerund = inflect(tok.lemma_, "VBG")
            text = f"{subject} {gerund}" if subject != "the app" or tok.lemma_ in ("crash", "freeze", "hang", "quit", "lag", "reset") else f"the app {gerund}"
        else:
            text = "an error"
        return action, "bug", text
    return None


def _slow(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        if tok.lemma_ == "take" and (x := _children(tok, "xcomp", "advcl")) and _is_verb(x[0]):
            if any(c.lower_ in ("forever", "ages", "long", "minutes", "seconds") or c.like_num for c in tok.subtree):
                return x[0], "slow", ""
        if tok.lemma_ in ("take", "be") and (s := _children(tok, "nsubj")) and s[0].lower_ in DEVERBAL:
            if any(c.lower_ in ("forever", "ages", "long", "slow", "minutes", "seconds") for c in tok.subtree):
                return s[0], "slow", ""
    return None


def _permit(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        if tok.lemma_ in PERMIT and _is_verb(tok):
            verbs = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp", "advcl", "dobj") and _is_verb(c)]
            if verbs:
                kind = "problem" if _children(tok, "neg") or _children(tok.head, "neg") else "request"
                return verbs[0], kind, ""
    return None


def _able(tok: Any) -> Any:
    """'be able to X' -> X."""
    if tok.lemma_ == "be":
        for c in _children(tok, "acomp"):
            if c.lower_ == "able" and (x := _children(c, "xcomp")):
                return x[0]
    return tok


def _want(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        if tok.lemma_ in WANT and _is_verb(tok):
            for c in tok.children:
                if c.dep_ in ("xcomp", "ccomp") and _is_verb(c):
                    inner = _able(c)
                    if inner.lemma_ in PERMIT and (v := [x for x in inner.children if x.dep_ in ("ccomp", "xcomp") and _is_verb(x)]):
                        inner = v[0]
                    return inner, "request", ""
            for c in _children(tok, "dobj"):
                if tok.lemma_ in WANT_NOUN:
                    return c, "request", ""
    return None


def _great(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        if tok.lemma_ == "be" and any(c.dep_ == "acomp" for c in tok.children):
            for c in _children(tok, "xcomp", "ccomp"):
                if _is_verb(c):
                    return _able(c), "request", ""
            for c in _children(tok, "advcl"):
                if any(m.lower_ == "if" for m in c.children) and _is_verb(c):
                    return _able(c), "request", ""
    return None


def _you(sent: Any) -> tuple[Any, str, str] | None:
    """'Can you send me a reminder', 'could you guys add X'."""
    for tok in sent:
        if _is_verb(tok) and any(c.lower_ == "you" for c in _children(tok, "nsubj")) and _children(tok, "aux"):
            if tok.lemma_ in ADD and (objs := _children(tok, "dobj")):
                return objs[0], "request", ""
            return tok, "request", ""
    return None


def _missing(sent: Any) -> tuple[Any, str, str] | None:
    """'Why is there no Excel export?' -> the missing thing is the ask."""
    for tok in sent:
        if tok.pos_ == "NOUN" and any(c.lower_ == "no" for c in _children(tok, "det")) and tok.lemma_ not in HOLDERS:
            return tok, "problem", ""
    return None


def _cannot(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        if not _is_verb(tok) or tok.lemma_ in ("be",):
            continue
        has_can = any(c.lower_ in ("ca", "can", "cannot", "could") for c in _children(tok, "aux"))
        negated = bool(_children(tok, "neg")) or any(c.lower_ == "cannot" for c in tok.children)
        if has_can and negated:
            if tok.lemma_ in FIND and (x := [c for c in _children(tok, "xcomp", "ccomp") if _is_verb(c)]):
                return x[0], "problem", ""
            return tok, "problem", ""
        if tok.lemma_ == "be" or tok.dep_ == "xcomp" and tok.head.lower_ in ("unable", "impossible"):
            return tok, "problem", ""
    for tok in sent:
        if tok.lower_ in ("unable", "impossible") and (x := _children(tok, "xcomp")):
            return x[0], "problem", ""
        if tok.lower_ == "able" and _children(tok.head, "neg") and (x := _children(tok, "xcomp")):
            return x[0], "problem", ""
    return None


def _holder(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        if tok.lemma_ in HOLDERS and tok.pos_ == "NOUN":
            for c in tok.children:
                if c.dep_ in ("acl", "relcl") and _is_verb(c) and any(x.lower_ == "to" for x in c.children):
                    kind = "problem" if any(x.lower_ == "no" for x in tok.children) else "request"
                    return c, kind, ""
            for prep in _children(tok, "prep"):
                for p in _children(prep, "pcomp"):
                    if p.tag_ == "VBG":
                        return p, "request", ""
    return None


def _add(sent: Any) -> tuple[Any, str, str] | None:
    for tok in sent:
        if tok.lemma_ in ADD and _is_verb(tok) and (objs := _children(tok, "dobj")):
            return objs[0], "request", ""
    return None


def _imperative(sent: Any) -> tuple[Any, str, str] | None:
    root = sent.root
    if root.tag_ == "VB" and not _children(root, "nsubj", "aux") and root.i - sent.start <= 1 and root.lemma_ not in PRAISE:
        return root, "request", ""
    return None


def _noun_only(sent: Any) -> tuple[Any, str, str] | None:
    root = sent.root
    # "Dark mode please", "CSV export": a short noun phrase with a modifier, or an action noun
    if root.pos_ in ("NOUN", "PROPN") and len(sent) <= 8 and root.lemma_.lower() not in PRAISE | {"thanks", "thank"}:
        if root.lower_ in DEVERBAL or _children(root, "compound", "amod"):
            return root, "request", ""
    return None


def _build(item_id: str, node: Any, kind: str, symptom: str) -> Ask | None:
    if node.pos_ in ("NOUN", "PROPN") and not _is_verb(node):
        return _from_noun(item_id, node, kind, symptom)
    if not _is_verb(node) or node.lemma_ in ("be", "do", "work"):
        return None
    return _from_verb(item_id, node, kind, symptom)


def _from_verb(item_id: str, verb: Any, kind: str, symptom: str) -> Ask | None:
    lemma = verb.lemma_.lower()
    prt = _children(verb, "prt")
    obj_toks = _children(verb, "dobj", "dative")
    me = [t for t in obj_toks if t.lower_ in ("me", "us")]
    keep_deps = {"dobj", "dative", "prt", "prep", "acomp", "oprd", "attr", "xcomp", "advmod", "npadvmod", "agent"}
    tokens: list[Any] = []
    for child in verb.children:
        if child.dep_ not in keep_deps or child.i < verb.i and child.dep_ != "prt":
            continue
        if child.dep_ == "advmod" and child.lower_ not in KEEP_ADVMOD:
            continue
        if child.dep_ == "xcomp" and not (verb.lemma_ in TO_ME or child.tag_ == "VB"):
            continue
        if child.dep_ == "prep" and ENVIRONMENT.search(" ".join(t.text for t in child.subtree)):
            continue  # "on my iPhone 12", "in version 3.2": conditions belong in the criteria
        if child in me or child.dep_ == "prt":
            continue
        tokens.extend(_clean_subtree(child))
    if verb.lemma_ in TO_ME:
        # "remind me when a bill is due": the when-clause is part of the ask
        for child in _children(verb, "advcl"):
            if any(m.lower_ in ("when", "whenever", "before", "if") for m in child.children):
                tokens.extend(t for t in child.subtree if not t.is_punct)
    tokens.sort(key=lambda t: t.i)
    words = [_word(t, verb) for t in tokens]
    verb_text = lemma + (" " + prt[0].lower_ if prt else "")
    if me and lemma in TO_ME:
        verb_text = TO_ME[lemma]
    if lemma in ("have", "get") and obj_toks and obj_toks[0].lemma_ in ("mode", "theme", "view", "version", "option"):
        verb_text = "use"  # "to have dark mode" -> "to use dark mode"
    words = [w for w in words if w]
    # Prepositions dangling at the end ("save it for") come from a cut subtree.
    while words and words[-1].lower() in ("to", "for", "with", "of", "in", "on", "as", "and", "or", "by", "from"):
        words.pop()
    rest = join_tokens(words)
    obj, head, pronoun = _object(obj_toks, me)
    if obj and obj_toks and not pronoun and verb_text in OWN_DATA:
        rest = _add_my(rest, obj_toks[0])
        obj = _add_my(obj, obj_toks[0])
    phrase = f"{verb_text} {rest}".strip()
    if ENVIRONMENT.search(phrase):
        phrase = re.sub(r"\s+", " ", ENVIRONMENT.sub("", phrase)).strip()
        while phrase.split()[-1].lower() in ("on", "in", "with", "my", "an", "a", "the", "using", "and"):
            phrase = phrase.rsplit(" ", 1)[0]
    if len(phrase.split()) > 14:
        return None
    formats = tuple(dict.fromkeys(w for w in phrase.split() if w in FORMATS))
    return Ask(item_id, verb_text, phrase, obj, head, kind, symptom, "", pronoun, formats)


def _clean_subtree(tok: Any) -> list[Any]:
    """A child's subtree minus clauses, coordinations and punctuation (they belong to other asks)."""
    out: list[Any] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        if t is not tok and t.dep_ in SKIP_DEPS and t.text != "-":
            continue
        if t.dep_ == "prep" and ENVIRONMENT.search(" ".join(x.text for x in t.subtree)):
            continue
        if t.lower_ in DROP_WORDS or (t.is_punct and t.text != "-") or t.like_url or t.text.startswith("@"):
            continue
        out.append(t)
        stack.extend(t.children)
    return out


def _word(tok: Any, verb: Any) -> str:
    low = tok.lower_
    if low in ("their", "his", "her"):
        return "my"
    if low == "your" and tok.head.lower_ in ("app", "application", "site", "website", "product", "tool", "platform"):
        return "the"
    if low == "your":
        return "my"
    if tok.is_upper and len(tok.text) > 1 or tok.pos_ == "PROPN" or low in ("i",):
        return canonical(tok.text) if tok.text.lower() in ("csv", "pdf", "iphone", "ipad") else tok.text
    return canonical(low) if low in ("csv", "pdf", "xlsx", "json", "excel", "heic", "sso", "api") else low


def _object(obj_toks: list[Any], me: list[Any]) -> tuple[str, str, bool]:
    objs = [t for t in obj_toks if t not in me]
    if not objs:
        return "", "", False
    head = objs[0]
    if head.lower_ in ("it", "them", "this", "that", "these", "those", "one"):
        return head.lower_, "", True
    words = [_word(t, head) for t in sorted(_clean_subtree(head), key=lambda t: t.i) if t.dep_ != "prep" or t is head]
    compound = [t.lemma_.lower() for t in head.children if t.dep_ == "compound"]
    key = " ".join(compound + [head.lemma_.lower()])
    phrase = join_tokens([w for w in words if w])
    # keep the object to its noun phrase (drop trailing prepositional phrases captured through the subtree)
    head_pos = phrase.split().index(_word(head, head)) if _word(head, head) in phrase.split() else len(phrase.split()) - 1
    phrase = " ".join(phrase.split()[: head_pos + 1])
    return phrase, key, False


def _add_my(text: str, obj: Any) -> str:
    """'export expenses' -> 'export my expenses' (bare plural objects belong to the customer)."""
    has_det = any(c.dep_ in ("det", "poss", "nummod", "predet", "quantmod") for c in obj.children)
    if has_det or obj.tag_ != "NNS" or obj.pos_ == "PROPN" or obj.text in FORMATS:
        return text
    first = min([obj, *[c for c in obj.children if c.dep_ in ("amod", "compound")]], key=lambda t: t.i)
    word = _word(first, obj)
    parts = text.split(" ")
    if word in parts:
        i = parts.index(word)
        parts.insert(i, "my")
        return " ".join(parts)
    return text


def _from_noun(item_id: str, noun: Any, kind: str, symptom: str) -> Ask | None:
    """'CSV export', 'dark mode please', 'support for Apple Pay' -> a verb phrase."""
    if noun.lemma_.lower() in HOLDERS | {"app", "thing", "it", "problem", "issue", "bug", "update", "support", "lot", "idea"} and not _children(noun, "prep", "compound", "amod"):
        return None
    if noun.lemma_.lower() == "support":
        inner = [p for prep in _children(noun, "prep") for p in _children(prep, "pobj")]
        compounds = [c for c in noun.children if c.dep_ == "compound"]
        if inner:
            noun = inner[0]
        elif compounds:
            words = [t.text for t in compounds[0].subtree]
            phrase = "use " + join_tokens(words)
            return Ask(item_id, "use", phrase, join_tokens(words), compounds[0].lemma_.lower(), kind, symptom)
        else:
            return None
    head_lemma = noun.lemma_.lower()
    mods = [t for t in noun.children if t.dep_ in ("compound", "amod", "nmod")]
    fmt = [canonical(t.text) for t in mods if canonical(t.text) in FORMATS]
    if head_lemma in DEVERBAL or noun.lower_ in DEVERBAL:
        verb = DEVERBAL.get(noun.lower_, DEVERBAL.get(head_lemma, head_lemma))
        others = [t for t in mods if canonical(t.text) not in FORMATS and t.pos_ != "ADJ"]
        obj = ""
        if others:
            from lemminflect import getInflection

            plural = getInflection(others[0].lemma_.lower(), tag="NNS")
            obj = f"my {plural[0] if plural else others[0].lower_}"
        preps = _children(noun, "prep")
        if noun.dep_ == "nsubj":  # "Login fails with my Google account": the prep hangs on the symptom
            preps += [
                p for p in _children(noun.head, "prep")
                if p.lower_ in ("with", "from", "to", "into", "for") and not any(t.like_num for t in p.subtree)
            ]
        preps = [p for p in preps if not ENVIRONMENT.search(" ".join(t.text for t in p.subtree))]
        pobj = [p for prep in preps for p in _children(prep, "pobj")]
        tail = ""
        if pobj:
            prep = pobj[0].head.lower_
            tail = f"{prep} " + join_tokens([_word(t, noun) for t in sorted(_clean_subtree(pobj[0]), key=lambda t: t.i)])
        if fmt:
            tail = (tail + f" to {fmt[0]}").strip()
        if verb in ("export", "import", "back up") and not obj and not tail.startswith(("of", "for")):
            obj = "my data"
        phrase = " ".join(p for p in (verb, obj, tail) if p)
        if verb == "integrate with" and tail.startswith("with "):
            phrase = f"integrate with {tail[5:]}"
        head = obj.split()[-1] if obj else (pobj[0].lemma_.lower() if pobj else "")
        return Ask(item_id, verb, phrase, obj, head, kind, symptom, "", False, tuple(fmt))
    words = [_word(t, noun) for t in sorted(_clean_subtree(noun), key=lambda t: t.i) if t.dep_ not in ("det",) or t.lower_ not in ("a", "an", "the", "some", "any")]
    np = join_tokens([w for w in words if w])
    if not np or len(np.split()) > 8:
        return None
    compound = [t.lemma_.lower() for t in noun.children if t.dep_ == "compound"]
    return Ask(item_id, "use", f"use {np}", np, " ".join(compound + [head_lemma]), kind, symptom, "", False, tuple(fmt))


def _purpose(text: str, ask: Ask) -> str:
    """The why in the customer's own words: 'so that I can ...', 'in order to ...', 'because I have to ...'."""
    if m := _PURPOSE.search(text):
        clause = m.group(1).strip().rstrip(",")
        clause = re.split(r"\s+(?:and then|but|which|, and)\s+", clause)[0]
        return _resolve_it(lower_first(clause), ask)
    if m := _IN_ORDER_TO.search(text):
        return _resolve_it(f"I can {m.group(1).strip()}", ask)
    if m := _BECAUSE_HAVE_TO.search(text):
        who = "I" if m.group(1).lower() == "i" else "we"
        return _resolve_it(f"{who} no longer have to {m.group(2).strip()}", ask)
    return ""


def _resolve_it(clause: str, ask: Ask) -> str:
    words = clause.split()
    if any(w.lower() in ("it", "them", "this") for w in words):
        if not ask.obj or ask.pronoun:
            return ""
        pron = "them" if ask.obj.endswith("s") else "it"
        words = [pron if w.lower() in ("it", "them", "this") else w for w in words]
        clause = " ".join(words)
    clause = re.sub(r"\s*[!?.]+$", "", clause)
    if len(clause.split()) < 3 or len(clause.split()) > 18:
        return ""
    return clause
