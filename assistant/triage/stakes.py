"""What a stakeholder ask says is at stake, in its own words, and the sentences of its decision note that say so.

A PO deciding "not now" must see the deadline or the customer move the ask states ("before the privacy audit on 1
September", "ACME Libraries will only renew"): value per point does not count them. Found from the parse (a dated
"before/by ..." phrase, a third party's clause under "if/unless"), not from a list of business words. Also: why an
ask sits in its need, stated from what is true (how many of the need's customer items use the ask's words), never a
claim that they all raise the same problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.needs.naming import _stem, tokens

# General English words of time and dated events: "before/by ..." is a deadline only when it names one ("by January",
# "before the audit"), not a means or a place ("by hand", "before the login page").
_TIME = re.compile(r"^(\d[\d/.-]*|january|february|march|april|may|june|july|august|september|october|november|december|"
                   r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|"
                   r"sunday|spring|summer|autumn|fall|winter|quarter|week|month|year|day|end|today|tomorrow|tonight|"
                   r"q[1-4]|h[12]|christmas|deadline|release|launch|campaign|audit|season)s?$", re.IGNORECASE)
_BY_WHEN = {"today", "tomorrow", "tonight"}


def _clean(tokens) -> str:  # type: ignore[no-untyped-def]
    """The tokens' text without their punctuation ("Nordphone, who ..., say" -> "Nordphone say")."""
    out = ""
    for t in tokens:
        if t.pos_ == "PUNCT" and t.text not in ("-", "/"):
            out += "" if out.endswith(" ") else " "
        else:
            out += t.text_with_ws
    return re.sub(r"\s+", " ", out).strip()


def _timed(tok) -> bool:  # type: ignore[no-untyped-def]
    return any(_TIME.match(t.text) for t in tok.subtree)


def ask_stakes(text: str) -> tuple[str, str]:
    """(deadline, stake) an ask states in its own words, "" when it states none:
    - deadline: a "before/by/until ..." phrase on a verb naming a date or an event ("before the privacy audit on 1
      September", "by January", "before the tablet campaign in March"), or "today"/"tomorrow" on the request;
    - stake: what a third party will do unless the ask is built, from a conditional clause ("ACME Libraries will only
      renew", "Nordphone say they will not renew next quarter", "A corporate client threatens to move its payroll").
    From the parse, not from a list of business words."""
    from assistant.quality_rules.nlp import get_nlp

    deadline = stake = ""
    for sent in get_nlp()(text).sents:
        for tok in sent:
            if deadline:
                break
            if tok.dep_ == "prep" and tok.lower_ in ("before", "by", "until", "till") and _timed(tok):
                # a date or an event ("before the login page" is a place)
                if any(c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN", "NUM") for c in tok.children):
                    span = list(tok.subtree)
                    after = [c for c in sent if c.dep_ == "prep" and c.i == span[-1].i + 1 and _timed(c)]
                    deadline = _clean(span + (list(after[0].subtree) if after else []))  # "... audit | on 1 June"
            elif tok.dep_ == "npadvmod" and tok.lower_ in _BY_WHEN and tok.head.pos_ == "VERB":
                deadline = tok.text
        if stake:
            continue
        for tok in sent:
            if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
                head = tok.head
                while head.dep_ in ("xcomp", "ccomp") and head.head is not head:
                    head = head.head  # "threatens | to move its payroll", "say | they will not renew"
                subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is None or subj.lower_ in ("we", "i", "you", "it", "this"):
                    continue  # our own plan ("we will sign if ...") or the product, not a third party's move
                skip = {t.i for c in head.subtree if c.dep_ in ("advcl", "relcl", "appos") for t in c.subtree}
                stake = _clean([t for t in head.subtree if t.i not in skip])
                break
    return deadline, stake


def stated(text: str) -> str:
    """The note's sentence about what the ask itself puts at stake; "" when it states no deadline or move."""
    deadline, stake = ask_stakes(text)
    parts = ([f"a deadline, '{deadline}'"] if deadline else []) + (
        [f"what happens otherwise, '{stake}'"] if stake else [])
    return f"The ask states {' and '.join(parts)}." if parts else ""


def fit(text: str, need_name: str, members: Sequence[str]) -> str:
    """Why the ask is in its need, from what is true: how many of the need's customer items use the words of what it
    asks about (its problem sentences and the thing it asks for), not "they all raise the same problem"."""
    from assistant.needs.asks import ask_object, focus_terms, topic_terms

    words = (set(focus_terms(text)) & _named(text)) | topic_terms(ask_object(text))
    if not members:
        return (f"Opens its own need '{need_name}' (new from stakeholders): no customer need uses the words of what "
                "it asks for and is close in meaning.")
    sharing = [m for m in members if _shares(words, m)]
    used = sorted({w for m in sharing for w in _shares(words, m)})[:4]
    shown = {_stem(w): w for w in tokens(text)}
    used = [shown.get(w, w) for w in used]
    n = len(members)
    if not sharing:
        return (f"In need '{need_name}' ({n} customer item{'s' if n != 1 else ''}), the closest in meaning, though none "
                "of them uses the ask's words: check the fit.")
    verb = "uses" if len(sharing) == 1 else "use"
    return (f"In need '{need_name}': {len(sharing)} of its {n} customer item{'s' if n != 1 else ''} {verb} the ask's "
            f"words ({', '.join(used)}) and it is the closest in meaning.")


def _named(text: str) -> set[str]:
    """The ask's terms for things (nouns, names, adjectives), without who reports them ("Users keep saying ...",
    "Reviewers say ..."): the words a need about the same thing would use."""
    from assistant.needs.asks import topic_terms
    from assistant.quality_rules.nlp import get_nlp

    doc = get_nlp()(text)
    from assistant.needs.asks import _reporting

    skip = _reporting(doc)  # "Several users keep writing that | ...", "we must | show"
    return topic_terms(" ".join(t.text for t in doc if t.pos_ in ("NOUN", "PROPN", "ADJ", "VERB") and t.i not in skip))


def _shares(words: set[str], text: str) -> set[str]:
    """The ask's words a text uses, one word in two forms counted ("fraud" / "fraudulent")."""
    from assistant.needs.asks import topic_terms

    mine = topic_terms(text)
    return {w for w in words if w in mine or (len(w) >= 4 and any(m.startswith(w) or (len(m) >= 4 and w.startswith(m))
                                                                   for m in mine))}


# Customer types that can ask for something; and how close in meaning a customer item must be for the note to quote
# it as asking for the same (stricter than routing's 0.4: a quote is a claim the PO reads).
ASKING = ("bug", "feature_request", "complaint", "question")
NOTE_SIMILARITY = 0.5
NOTE_SHARED_WORDS = 2  # ... or this many of the ask's own rarer words shared, at the routing's closeness


def _window(text: str, words: str, width: int = 100) -> str:
    """Up to `width` characters of the text around the first of the words it uses ("... the front covers of ...")."""
    if len(text) <= width:
        return text
    low = text.lower()
    at = min((k for w in re.findall(r"[a-z]{3,}", words.lower()) if (k := low.find(w)) >= 0), default=0)
    start = max(0, min(at - width // 3, len(text) - width))
    return ("..." if start else "") + text[start:start + width].strip() + ("..." if start + width < len(text) else "")


def elsewhere(text: str, customers: Sequence, vectors: dict, embed, need_names: dict[str, str],  # type: ignore[type-arg]
              similarity: float) -> str:
    """For an ask that opened its own need: the customer items in other needs (or in none) that use the words of
    what it asks for and are close in meaning (assistant.needs.asks.askers), so the note does not say nobody asks
    (comic-viewer audit: "gave you the front covers of the Comics" beside a cover-grid ask); "" when none."""
    import numpy as np

    from assistant.needs.asks import (
        _distinctive,
        _inbox_words,
        ask_object,
        asked,
        askers,
        topic_terms,
    )
    from assistant.needs.cluster import normalise

    from assistant.needs.build import reports_or_asks

    # only items that report a problem or ask for something can ask for the same ("Dark Good app" is praise), whatever
    # their overall tone ("Good simple app. I upgraded to the pro model but nothing changed" is typed praise)
    have = [it for it in customers if it.id in vectors and it.triage
            and (it.triage.type in ASKING or reports_or_asks(it))]
    if not have:
        return ""
    vec = {it.id: normalise(np.asarray(vectors[it.id], dtype=np.float32)[None, :])[0] for it in have}
    views, common = normalise(np.asarray(embed(asked(text)), dtype=np.float32)), _inbox_words(have)
    found = askers(text, views, have, vec, common, max(similarity, NOTE_SIMILARITY))
    if not found:
        # an ask whose wanted thing the parse cannot name ("Show what Pro unlocks ...") is still asked by a customer
        # who says what its problem sentence says in two of its own rarer words ("I upgraded to the pro model but
        # nothing changed" beside "Pro buyers say nothing changed after they upgraded")
        named = _named(text) - common
        found = [it.id for it in have if len(named & topic_terms(it.text)) >= NOTE_SHARED_WORDS
                 and float((views @ vec[it.id]).max()) >= similarity]
    if not found:
        return ""
    by_id = {it.id: it for it in have}
    first = by_id[found[0]]
    where = f"in need '{need_names[first.need_id]}'" if first.need_id in need_names else "in no need"
    quote = _window(first.text, _distinctive(ask_object(text)))
    return (f"{len(found)} customer item{'s' if len(found) != 1 else ''} elsewhere use{'s' if len(found) == 1 else ''} "
            f"its words and {'is' if len(found) == 1 else 'are'} close in meaning, e.g. {where}: \u201c{quote.rstrip('.')}\u201d.")
