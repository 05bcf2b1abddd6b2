"""Sentence patterns that carry an ask, tried in order on each parsed sentence.

Each finder returns (token to build the goal from, kind, symptom-or-object) or None. Kinds: request ("please
let me ..."), problem ("I can't ..."), bug ("crashes when I ..."), slow ("takes forever to ...").
"""

from __future__ import annotations

from typing import Any

from assistant.stories.lexicon import (
    ADD, DEVERBAL, FIND, HOLDERS, PEOPLE, PERMIT, POLITE, PRAISE, SLOW_SCREENS, STOP_NOUNS, SYMPTOM_ADJ, SYMPTOMS,
    WANT, WANT_NOUN, WHEN_WORDS,
)
from assistant.stories.nlp import inflect, join_tokens, lower_first
from assistant.stories.phrases import children, is_verb

Hit = tuple[Any, str, str]


def _person_subject(tok: Any) -> bool:
    """True when the subject is the customer (or there is none, as in an imperative or infinitive)."""
    subj = children(tok, "nsubj", "nsubjpass")
    return not subj or subj[0].lower_ in PEOPLE or subj[0].lemma_.lower() in PEOPLE


def _thing(tok: Any) -> str:
    """'the dashboard' for the subject noun of tok, '' when the subject is a person or missing."""
    subj = children(tok, "nsubj", "nsubjpass")
    if not subj or subj[0].lower_ in PEOPLE or subj[0].pos_ == "PRON":
        return ""
    words = [t.text for t in subj[0].subtree if t.dep_ not in ("relcl", "punct", "case") and t.tag_ != "POS"
             and not (t.dep_ == "poss" and t.pos_ == "PROPN")]
    text = lower_first(join_tokens(words))
    return text if text.split()[0] in ("the", "my", "our", "a") else f"the {text}"


def _subject_phrase(tok: Any) -> str:
    subj = children(tok, "nsubj", "nsubjpass")
    if not subj or subj[0].lower_ in ("it", "this", "that", "which"):
        return "the app"
    return _thing(tok) or ""


def _action_near(sent: Any, symptom: Any) -> Any | None:
    """The user action in a bug report: 'when I upload a receipt', 'trying to log in', 'crashes on upload'."""
    for c in symptom.children:
        if c.dep_ == "advcl" and _person_subject(c) and (
            c.tag_ == "VBG" or any(m.lower_ in WHEN_WORDS for m in c.children if m.dep_ in ("mark", "advmod"))
        ):
            return c
    for tok in sent:
        if tok.lemma_ == "try" and (x := children(tok, "xcomp")):
            return x[0]
        if tok.dep_ == "advcl" and _person_subject(tok) and children(tok, "nsubj") and any(
            m.lower_ in WHEN_WORDS for m in tok.children
        ):
            return tok
    for prep in children(symptom, "prep"):
        if prep.lower_ in ("on", "during", "after", "at", "while", "when") and (p := children(prep, "pobj", "pcomp")):
            if p[0].lower_ in DEVERBAL or p[0].tag_ == "VBG":
                return p[0]
    subj = children(symptom, "nsubj", "nsubjpass")
    if subj and (subj[0].lower_ in DEVERBAL or subj[0].lemma_.lower() in DEVERBAL):
        return subj[0]
    return None


def bug(sent: Any) -> Hit | None:
    for tok in sent:
        neg = bool(children(tok, "neg"))
        symptom = None
        if tok.lemma_ in SYMPTOMS and is_verb(tok):
            symptom = tok
        elif tok.lemma_ == "keep" and (x := children(tok, "xcomp")) and x[0].lemma_ in SYMPTOMS:
            symptom, tok = tok, x[0]
        elif tok.lemma_ == "work" and neg:
            symptom = tok
        elif tok.lemma_ in SYMPTOM_ADJ and tok.dep_ in ("acomp", "ROOT", "conj"):
            symptom = tok.head if tok.dep_ == "acomp" else tok
        elif is_verb(tok) and (s := children(tok, "nsubj")) and s[0].lower_ in DEVERBAL and (
            neg or tok.lemma_ in ("stop", "disconnect", "lose", "delete", "pick", "read", "get", "convert", "break")
            and any(t.lower_ in ("wrong", "never", "stopped", "error") or t.lemma_ in ("stop", "disconnect", "lose", "delete")
                    for t in tok.subtree)
        ):
            return s[0], "bug", "an error"  # "OCR picks the wrong date", "Bank feed stopped syncing"
        if symptom is None:
            continue
        action = _action_near(sent, symptom)
        if action is None or action.lemma_ in SYMPTOMS:
            continue
        subject = _subject_phrase(symptom) or "the app"
        if tok.lemma_ in ("crash", "freeze", "hang", "quit", "lag", "reset", "disappear", "vanish"):
            if subject != "the app" and tok.lemma_ in ("crash", "freeze", "hang", "quit"):
                subject = "the app" if subject.split()[-1] in DEVERBAL else subject
            return action, "bug", f"{subject} {inflect(tok.lemma_, 'VBG')}"
        return action, "bug", "an error"
    return None


def slow(sent: Any) -> Hit | None:
    """'Export takes forever', 'takes 40 seconds to load', 'the dashboard is so slow'."""
    for tok in sent:
        if tok.lemma_ == "take" and any(c.lower_ in ("forever", "ages", "long", "minutes", "seconds") or c.like_num
                                        for c in tok.subtree):
            if (x := children(tok, "xcomp", "advcl")) and is_verb(x[0]):
                return x[0], "slow", _thing(tok) if not children(x[0], "dobj") else ""
            if (s := children(tok, "nsubj")) and s[0].lower_ in DEVERBAL:
                return s[0], "slow", ""
            if (s := children(tok, "nsubj")) and s[0].lemma_.lower() in SLOW_SCREENS:
                return _load(tok)
        if tok.lower_ in ("slow", "slowly", "unusable") and tok.dep_ in ("acomp", "advmod"):
            head = tok.head
            if (s := children(head, "nsubj")) and (s[0].lemma_.lower() in SLOW_SCREENS or s[0].lower_ in DEVERBAL):
                return (s[0], "slow", "") if s[0].lower_ in DEVERBAL and s[0].lower_ != "search" else _load(head)
    return None


def _load(tok: Any) -> Hit:
    """A slow screen: the goal is to load it, e.g. 'to load the dashboard'."""
    return tok, "slow", "load:" + (_thing(tok) or "the app")


def permit(sent: Any) -> Hit | None:
    for tok in sent:
        if tok.lemma_ in PERMIT and is_verb(tok):
            verbs = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp", "advcl", "dobj") and is_verb(c)]
            kind = "problem" if children(tok, "neg") or children(tok.head, "neg") else "request"
            if verbs:
                return verbs[0], kind, ""
            objs = [c for c in children(tok, "dobj") if c.lower_ not in PEOPLE and c.pos_ != "PRON"]
            if objs and tok.lemma_ != "help":
                return objs[0], kind, ""
    return None


def _able(tok: Any) -> Any:
    """'be able to X' -> X."""
    if tok.lemma_ == "be":
        for c in children(tok, "acomp"):
            if c.lower_ == "able" and (x := children(c, "xcomp")):
                return x[0]
    return tok


def want(sent: Any) -> Hit | None:
    for tok in sent:
        subj = children(tok, "nsubj")
        if tok.lemma_ not in WANT or not is_verb(tok) or subj and subj[0].lower_ in ("it", "this", "that", "which"):
            continue
        polite = any(c.lower_ in ("would", "'d", "’d") for c in children(tok, "aux"))
        if tok.lemma_ in POLITE and not polite:
            continue  # "I like that invoices look professional" is praise
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp") and is_verb(c):
                inner = _able(c)
                if inner.lemma_ in PERMIT and (v := [x for x in inner.children if x.dep_ in ("ccomp", "xcomp") and is_verb(x)]):
                    inner = v[0]
                return inner, "request", ""
        for c in children(tok, "dobj"):
            if (tok.lemma_ in WANT_NOUN or polite) and c.pos_ in ("NOUN", "PROPN"):
                return c, "request", ""
    for tok in sent:  # "They asked for a mobile offline mode"
        if tok.lemma_ == "ask" and (p := [p for prep in children(tok, "prep") if prep.lower_ == "for" for p in children(prep, "pobj")]):
            return p[0], "request", ""
    return None


def question(sent: Any) -> Hit | None:
    """'Can I save my credit card in Ledgerly?', 'How do I change the currency of an invoice?'."""
    if not sent.text.rstrip().endswith("?"):
        return None
    for tok in sent:
        subj = children(tok, "nsubj")
        if is_verb(tok) and subj and subj[0].lower_ in ("i", "we") and not children(tok, "neg") and tok.lemma_ not in ("be", "have"):
            if any(a.lower_ in ("can", "could", "do", "does") for a in children(tok, "aux")):
                return tok, "request", ""
    return None


_AUX_ASK = {"do", "can", "could", "should", "would", "will", "may"}
_TELLING = {"tell", "show", "explain", "let", "find", "give", "send", "know", "check", "see", "look"}


def _how_to(tok: Any) -> Any | None:
    """The verb a 'how (do I | to) <verb>' clause under tok asks about, else None."""
    for c in tok.children:
        if c.dep_ in ("xcomp", "ccomp", "advcl") and is_verb(c) and any(m.lower_ == "how" for m in c.children):
            return c
    return None


def _what_is(tok: Any) -> Any | None:
    """'what my credit score is' under tok: the noun asked about."""
    for c in tok.children:
        if c.dep_ in ("ccomp", "xcomp") and c.lemma_ == "be" and any(a.tag_ in ("WP", "WDT") for a in c.children):
            for n in children(c, "nsubj"):
                if n.pos_ in ("NOUN", "PROPN"):
                    return n
    return None


def to_know(sent: Any) -> Hit | None:
    """Questions and requests to be told, with or without a question mark (support messages rarely have one):
    'how do I freeze my card' -> freeze my card; 'can you tell me how to freeze my account' -> freeze my account;
    'what's my credit score' / 'tell me my routing number' / 'I want to know my balance' -> see the thing.
    Read from the parse only: a how-adverb on a verb the writer does, a wh-word as the attribute of 'be', a telling
    verb whose object is a noun."""
    for tok in sent:
        subj = children(tok, "nsubj")
        how = any(c.lower_ == "how" and c.dep_ == "advmod" for c in tok.children)
        if how and is_verb(tok) and subj and subj[0].lower_ in ("i", "we") and not children(tok, "neg") \
                and any(a.lower_ in _AUX_ASK for a in children(tok, "aux")) and tok.lemma_ not in ("be", "have"):
            if tok.lemma_ in _TELLING and (o := [o for o in children(tok, "dobj") if o.pos_ in ("NOUN", "PROPN")]):
                return o[0], "know", ""  # "how do I check my credit score": to see it
            return tok, "request", ""
        if tok.lemma_ in _TELLING and is_verb(tok):
            if (inner := _how_to(tok)) is not None and not children(inner, "neg"):
                return inner, "request", ""
            if (noun := _what_is(tok)) is not None:
                return noun, "know", ""
            if tok.lemma_ in ("tell", "show", "give", "send", "know") and not children(tok, "neg"):
                for o in children(tok, "dobj"):
                    if o.pos_ in ("NOUN", "PROPN") and children(o, "poss", "det"):
                        return o, "know", ""
        if _is_there(tok, sent):
            return _is_there(tok, sent), "know", ""  # "is there a fee to use my card abroad": to see the fee
        if tok.lemma_ == "be" and tok.dep_ == "ROOT" and any(a.tag_ in ("WP", "WDT") and a.dep_ == "attr"
                                                            for a in tok.children):
            # the thing is the subject ("what's my credit score") or, beside "what", a second attribute ("what is the
            # lowest amount I can pay")
            for n in [*children(tok, "nsubj"), *(a for a in children(tok, "attr") if a.tag_ not in ("WP", "WDT"))]:
                if n.pos_ in ("NOUN", "PROPN") and (any(c.dep_ == "poss" for c in n.children) or _of_mine(n)
                                                    or _mine_to_do(n)):
                    return n, "know", ""  # "what's my credit score", not "what is the problem"
    return None


def _is_there(tok: Any, sent: Any) -> Any | None:
    """'is there a fee for using my card', 'will there be a charge': the thing asked about, in a question that opens
    with the verb (a statement "there is a fee" reports, it does not ask)."""
    if tok.lemma_ != "be" or tok.dep_ != "ROOT" or not children(tok, "expl"):
        return None
    first = next((t for t in sent if not t.is_punct), None)
    if first is None or first.lower_ not in ("is", "are", "will", "would", "was", "were"):
        return None
    return next((a for a in children(tok, "attr") if a.pos_ in ("NOUN", "PROPN")), None)


def _of_mine(noun: Any) -> bool:
    """'the interest rate on my savings account', 'the fee for our card': a thing of the writer's own, asked about."""
    return any(p.lower_ in ("on", "for", "of", "in") and any(
        any(c.dep_ == "poss" and c.lower_ in ("my", "our") for c in o.children) for o in children(p, "pobj"))
        for p in children(noun, "prep"))


def _mine_to_do(noun: Any) -> bool:
    """'the minimum I can pay on my bill', 'the lowest amount we must pay': a thing the writer's own clause
    defines, asked about ("what is the problem you found" is not the writer's)."""
    return any(c.dep_ == "relcl" and any(s.lower_ in ("i", "we") for s in children(c, "nsubj")) for c in noun.children)


def great(sent: Any) -> Hit | None:
    """'It would be great to have X', 'Would be nice if I could X', 'Offline mode would be great'."""
    for tok in sent:
        if tok.lemma_ == "be" and children(tok, "acomp", "attr"):
            for c in children(tok, "xcomp", "ccomp"):
                if is_verb(c):
                    return _able(c), "request", ""
            for c in children(tok, "advcl"):
                if any(m.lower_ == "if" for m in c.children) and is_verb(c):
                    return _able(c), "request", ""
            wished = any(a.lemma_.lower() in ("great", "nice", "helpful", "useful", "must", "essential", "awesome",
                                              "amazing", "lifesaver") for a in children(tok, "acomp", "attr"))
            subj = children(tok, "nsubj")
            if wished and subj and subj[0].pos_ in ("NOUN", "PROPN") and subj[0].lemma_.lower() not in STOP_NOUNS:
                return subj[0], "request", ""
    return None


def you(sent: Any) -> Hit | None:
    """'Can you send me a reminder', 'could you guys add X'."""
    for tok in sent:
        if is_verb(tok) and any(c.lower_ == "you" for c in children(tok, "nsubj")) and children(tok, "aux"):
            if tok.lemma_ in ADD and (objs := children(tok, "dobj")):
                return objs[0], "request", ""
            return tok, "request", ""
    return None


def missing(sent: Any) -> Hit | None:
    """'Why is there no Excel export?', 'Still no SSO.' -> the missing thing is the ask."""
    for tok in sent:
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("ROOT", "attr") and any(c.lower_ == "no" for c in children(tok, "det")):
            if tok.lemma_ not in HOLDERS:
                return tok, "request", ""  # a missing feature, not a defect
        # "Only thing missing is dark mode"
        if tok.lemma_ == "thing" and any(c.lower_ == "missing" for c in tok.children) and (a := children(tok.head, "attr")):
            return a[0], "request", ""
    return None


def planned(sent: Any) -> Hit | None:
    """'Any plans for dark mode?', 'Is an offline mode planned?'."""
    for tok in sent:
        if tok.lemma_ == "plan" and tok.pos_ == "NOUN":
            for prep in children(tok, "prep"):
                if prep.lower_ == "for" and (p := children(prep, "pobj")):
                    return p[0], "request", ""
        if tok.lower_ in ("planned", "available", "possible", "coming"):
            if s := children(tok, "nsubjpass", "nsubj"):
                return s[0], "request", ""
            if tok.dep_ == "acl" and tok.head.pos_ == "NOUN":  # "Is an offline mode planned?"
                return tok.head, "request", ""
        if tok.lemma_ in ("work", "run") and any(c.lower_ == "offline" for c in tok.children):
            return tok, "request", ""  # "Can the app work offline?"
    return None


def cannot(sent: Any) -> Hit | None:
    for tok in sent:
        if not is_verb(tok) or tok.lemma_ == "be" or not _person_subject(tok):
            continue
        has_can = any(c.lower_ in ("ca", "can", "cannot", "could") for c in children(tok, "aux"))
        negated = bool(children(tok, "neg")) or any(c.lower_ == "cannot" for c in tok.children)
        if has_can and negated:
            if tok.lemma_ in FIND and (x := [c for c in children(tok, "xcomp", "ccomp") if is_verb(c)]):
                return x[0], "problem", ""
            return tok, "problem", ""
    for tok in sent:
        if tok.lower_ in ("unable", "impossible") and (x := children(tok, "xcomp")):
            return x[0], "problem", ""
        if tok.lower_ == "able" and children(tok.head, "neg") and (x := children(tok, "xcomp")):
            return x[0], "problem", ""
    return None


_PRODUCT_SUBJECTS = {"it", "this", "that", "app", "application", "program", "software", "reader", "viewer", "tool",
                     "site", "website", "system", "version", "update"}


def fails_at(sent: Any) -> Hit | None:
    """The product fails at an action on a thing: "Doesn't open/read CBR files", "It can't read .cbr files",
    "Won't load any files" -> the action is the customer's goal, a bug report."""
    for tok in sent:
        if not is_verb(tok) or tok.lemma_ in ("be", "have", "do", "work") or tok.lemma_ in SYMPTOMS:
            continue
        negated = bool(children(tok, "neg")) or any(c.lower_ == "cannot" for c in tok.children)
        subj = children(tok, "nsubj")
        product = not subj or subj[0].lower_ in _PRODUCT_SUBJECTS or subj[0].lemma_.lower() in _PRODUCT_SUBJECTS
        if negated and product and (children(tok, "dobj") or any(p.lower_ == "from" for p in children(tok, "prep"))):
            return tok, "bug", "an error"
    return None


def holder(sent: Any) -> Hit | None:
    """'an option to export', 'a button to duplicate', 'a way of sharing'."""
    for tok in sent:
        if tok.lemma_ in HOLDERS and tok.pos_ == "NOUN":
            for c in tok.children:
                if c.dep_ in ("acl", "relcl") and is_verb(c) and any(x.lower_ == "to" for x in c.children):
                    kind = "problem" if any(x.lower_ == "no" for x in tok.children) else "request"
                    return c, kind, ""
            for prep in children(tok, "prep"):
                for p in children(prep, "pcomp"):
                    if p.tag_ == "VBG":
                        return p, "request", ""
    return None


def add(sent: Any) -> Hit | None:
    for tok in sent:
        if tok.lemma_ in ADD and is_verb(tok) and (objs := children(tok, "dobj")):
            return objs[0], "request", ""
    return None


def imperative(sent: Any) -> Hit | None:
    root = sent.root
    if root.tag_ == "VB" and not children(root, "nsubj", "aux") and root.i - sent.start <= 1 and root.lemma_ not in PRAISE:
        return root, "request", ""
    return None


def noun_only(sent: Any) -> Hit | None:
    """'Dark mode please', 'CSV export': a short noun phrase with a modifier, or an action noun."""
    root = sent.root
    if root.lower_ == "please" and (nouns := [c for c in root.children if c.pos_ in ("NOUN", "PROPN")]):
        root = nouns[0]  # "Offline mode please."
    if root.pos_ in ("NOUN", "PROPN") and len(sent) <= 8 and root.lemma_.lower() not in PRAISE | {"thanks", "thank"}:
        if root.lower_ in DEVERBAL or children(root, "compound", "amod"):
            return root, "request", ""
    return None


FINDERS = (bug, slow, permit, want, great, cannot, fails_at, to_know, you, holder, missing, planned, question, add,
           imperative, noun_only)
