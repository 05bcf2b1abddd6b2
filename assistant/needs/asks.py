"""Stakeholder asks: each joins the need it serves, or opens its own need ("new from stakeholders").

A stakeholder writes a problem and a solution ("Calls ask for the balance. Put it on the login screen."). The
solution clause (an imperative sentence: "Build X", "Add Y") names something no customer wrote, so only the problem
sentences are compared with the needs (the whole ask when it is all solution). A need serves the ask when
- it shares a topic term with the ask's problem: a word (plural folded) that at least `ask_topic_share` of the need's
  items use and that is `ask_topic_lift` times as common in the need as in the rest of the inbox, so the product's own
  name or "app" does not count; and
- those shared terms are used by at least `ask_topic_cover` of the need's items: the ask's subject is what the need
  is about, not a side topic two of its items mention (acdisplay's GDPR ask about notification text shared
  "message"/"text" with 2 of the 13 items of a need about how notifications look, and was merged into it); and
- the ask's problem sentences are at least `ask_similarity` similar to the need's closest customer items (mean of
  the `ask_neighbours` best).
The most similar such need wins; when no need shares a topic, the ask opens its own need: similarity alone put
"dark mode" and "CSV export" asks in whatever need happened to be nearest. Asks that open needs share one only when
near-identical to each other (`ask_same`). Before an ask opens a need, the customer items asking for the same thing
(`askers`: a rare word of what it asks for, close in meaning) are looked for: when most sit in one need, the ask joins
it; otherwise the unplaced ones join the ask's new need, so its note counts them instead of saying no customer asks.

Which of the ask's words count (focus_terms): what its clauses are about (subjects, objects, what they report), not
the circumstances a verb is placed in ("before the tablet campaign in March", "when opening big CBR files"): a need
about tablets does not serve "we need a dark mode ... before the tablet campaign". A need an ask opens is named for
what the ask asks for (ask_object: "CSV export of reading history", "Delete-my-data button"), from the parse."""

from __future__ import annotations

import functools
import re
from collections import Counter

import numpy as np

from assistant.needs import identity
from assistant.needs.cluster import normalise
from assistant.needs.naming import _stem, tokens

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def topic_terms(text: str) -> set[str]:
    return {_stem(t) for t in tokens(text)}


# Dependents that place a clause in time, place or condition rather than say what it is about.
_CIRCUMSTANCE = frozenset(("advcl", "npadvmod", "advmod", "agent"))


def _circumstance(tok) -> bool:  # type: ignore[no-untyped-def]
    """A relative clause describing the thing asked for, a modifier without a subject of its own ("when opening big CBR files"), or a prepositional phrase of a verb
    that already has its object ("need a dark mode | before the tablet campaign"); a verb's first phrase when it has
    none is what it is about ("ask for the balance"), and a copula's phrase is its predicate ("are out of memory
    errors")."""
    head = tok.head
    if tok.dep_ in ("relcl", "acl") and any(a.dep_ in ("dobj", "obj") for a in tok.ancestors):
        return True  # what the thing asked for would do ("a kiosk mode ... that only shows notifications"): detail
    if tok.dep_ == "advcl" and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        return False  # a clause with its own subject says something ("... will sign if we ship a dark theme")
    if tok.dep_ in _CIRCUMSTANCE:
        return head.pos_ in ("VERB", "AUX")
    if tok.dep_ != "prep" or head.pos_ != "VERB":
        return False
    has_object = any(c.dep_ in ("dobj", "obj", "ccomp", "xcomp") for c in head.children)
    first = min((c.i for c in head.children if c.dep_ == "prep" and c.i > head.i), default=tok.i)
    return has_object or tok.i != first or tok.i < head.i


def _detail(tok) -> bool:  # type: ignore[no-untyped-def]
    """A prepositional phrase on a noun that is not what the clause is about: "the text | of every notification",
    "a kiosk mode | for shared ward phones" (acdisplay: a GDPR ask about reading notification text joined the
    need about notifications not showing). Kept when the noun is a bare quantity or kind ("lots of crashes",
    "errors | of the app" stay: the head says nothing alone)."""
    head = tok.head
    return (tok.dep_ == "prep" and head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("dobj", "obj", "nsubj", "attr")
            and tok.lower_ != "of" or (tok.dep_ == "prep" and tok.lower_ == "of" and head.dep_ == "dobj"
                                       and head.head.pos_ == "VERB" and head.head.dep_ == "ROOT"
                                       and any(c.dep_ == "nsubj" for c in head.head.children)))


def _reporting(doc) -> set[int]:  # type: ignore[no-untyped-def]
    """Who reports and the verbs that report ("Many reviews say | ...", "Users keep writing that | ..."): the report's
    content is what the ask is about (maalej: "say" made a confusing-UI ask join a need whose items say "it's
    saying I have no memory")."""
    reports = {t.i for t in doc if t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("ccomp", "xcomp") for c in t.children)}
    # the verb of the obligation itself ("we must | show | a privacy notice ... and | let | users"): what is shown or
    # let is the topic, "show" is not (acdisplay: 'show' made a GDPR ask join a need about icons shown wrongly)
    request = {t.i for t in doc if t.pos_ == "VERB" and any(
        c.dep_ == "aux" and c.lower_ in ("must", "should", "shall") for c in (t.head if t.dep_ == "conj" else t).children)}
    return reports | request | {k.i for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.head.i in reports
                                for k in t.subtree}  # "Several users | report"


@functools.lru_cache(maxsize=4096)
def focus_terms(text: str) -> frozenset[str]:
    """The topic terms of the ask's problem sentences outside the circumstances they are placed in (see the module
    docstring)."""
    from assistant.quality_rules.nlp import get_nlp

    out: set[str] = set()
    for doc in get_nlp().pipe(problem_sentences(text)):
        dropped = {t.i for tok in doc if _circumstance(tok) or _detail(tok) for t in tok.subtree}
        dropped |= _reporting(doc)
        out |= topic_terms(" ".join(t.text for t in doc if t.i not in dropped))
    return frozenset(out)


def _span(root) -> list:  # type: ignore[no-untyped-def]
    """root's subtree without relative clauses and without the phrases nested in its own prepositional phrase."""
    skip: set[int] = set()
    for tok in root.subtree:
        if tok.i != root.i and (tok.dep_ in ("relcl", "acl") or tok.dep_ == "prep" and tok.head.i != root.i):
            skip |= {t.i for t in tok.subtree}
    return [t for t in root.subtree if t.i not in skip]


def _object_phrase(obj) -> str:  # type: ignore[no-untyped-def]
    """A direct object with its modifiers and its own prepositional phrase ("CSV export of reading history", not
    "... for their patrons"); a phrase right after it that qualifies the verb joins it when it has none ("ads | for
    every paid account")."""
    words = _span(obj)
    if words and not any(t.dep_ == "prep" and t.head.i == obj.i for t in words):
        after = [t for t in obj.head.children if t.dep_ == "prep" and t.i == words[-1].i + 1
                 and t.lower_ not in ("before", "by", "until", "till", "after", "during")]  # a time, not the thing
        if after:
            words += _span(after[0])
    while words and (words[0].pos_ in ("DET", "PRON", "PUNCT", "CCONJ") or words[0].dep_ == "poss"):
        words = words[1:]  # "a", "their": the thing asked for, not whose
    while words and words[-1].pos_ in ("PUNCT", "CCONJ"):
        words = words[:-1]
    return "".join(t.text_with_ws for t in words).strip()


def _example(obj):  # type: ignore[no-untyped-def]
    """The named example of a general object: "..., starting with X", "..., such as X", "..., like X", "including X"
    (on the object or on its verb); None when there is none."""
    verb = obj.head
    for tok in [*obj.children, *verb.children]:
        if tok.dep_ == "advcl" and tok.lemma_ in ("start", "begin"):
            tok = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "with"), tok)
        if tok.dep_ == "prep" and (tok.lower_ in ("like", "including", "with") and tok.head is not obj.head or (
                tok.lower_ == "as" and any(c.lower_ == "such" for c in tok.children)) or tok.lower_ == "like"):
            if tok.lower_ == "with" and tok.head.lemma_ not in ("start", "begin"):
                continue  # "a report-fraud button | with the fraud team": not an example
            found = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if found is not None:
                return found
    return None


def ask_object(text: str) -> str:
    """What a stakeholder ask asks for, in its own words: the object of its first imperative ("Build a cover-grid
    library view" -> "cover-grid library view"), else of the last verb with a noun object that is not part of
    another one ("... if we build a CSV export of reading history" -> "CSV export of reading history"); "" when the
    parse finds none."""
    from assistant.quality_rules.nlp import get_nlp

    doc = get_nlp()(text)
    objects = [(tok, obj) for tok in doc if tok.pos_ in ("VERB", "AUX")
               for obj in tok.children if obj.dep_ in ("dobj", "obj") and obj.pos_ != "PRON"]
    inside = {t.i for _v, o in objects for t in o.subtree if t.i != o.i}
    objects = [(v, o) for v, o in objects if o.i not in inside]
    imperative = [o for verb, o in objects if verb.dep_ == "ROOT" and verb.tag_ == "VB" and verb.i == verb.sent.start]
    # then what an obligation or a want names ("we must show a privacy notice ... reading message text": the notice)
    obliged = [o for verb, o in objects if verb.lemma_ in ("need", "want") or any(
        c.dep_ == "aux" and c.lower_ in ("must", "should", "shall") for c in verb.children)]
    for obj in imperative or obliged or [o for _v, o in objects][::-1]:
        example = _example(obj)
        if example is not None:
            obj = example  # "the features people ask for, starting with an offline mode": the offline mode
        phrase = _object_phrase(obj)
        if phrase:
            return phrase[:1].upper() + phrase[1:]
    return ""


def problem_sentences(text: str) -> list[str]:
    """The ask's sentences that are not imperative solutions; all of them when every sentence is one."""
    from assistant.quality_rules.nlp import get_nlp

    sentences = [s for s in _SENTENCE.split(text.strip()) if len(s.split()) >= 3] or [text.strip()]
    nlp = get_nlp()
    problems = [s for s, doc in zip(sentences, nlp.pipe(sentences)) if len(doc) and doc[0].tag_ != "VB"]
    return problems or sentences


# A word this share of the rest of the inbox uses too is what the inbox is about (the product, the service: "comic" in
# a comic reader's reviews, "card" at a card issuer), not what one need is about; it makes no need's topic.
INBOX_WORD = 0.25


def need_topics(groups: dict[str, list[str]], texts: dict[str, str], share: float, lift: float,
                rest: bool = True, terms: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Per need: the terms that are its topic (used by `share` of its items, `lift` x the rate in the rest of the
    inbox, or in the whole inbox when rest=False: stricter for big needs, used when attaching praise). `terms` are
    the items' topic terms when already computed."""
    per_need = {nid: Counter(t for i in ids for t in (terms[i] if terms is not None else topic_terms(texts[i])))
                for nid, ids in groups.items()}
    overall: Counter[str] = Counter()
    for c in per_need.values():
        overall.update(c)
    total = sum(len(ids) for ids in groups.values())
    out = {}
    for nid, c in per_need.items():
        n = len(groups[nid])
        # Contrast with the items outside the need (c-TF-IDF style): with one need, or a need most items are in,
        # its words are still its topic.
        out[nid] = {t for t, k in c.items() if k >= max(2, share * n)
                    and overall[t] - k <= INBOX_WORD * (total - n)
                    and k / n >= lift * ((overall[t] - k) / max(total - n, 1) if rest else overall[t] / max(total, 1))}
    return out


def candidates(ask_text: str, ask_views: np.ndarray, groups: dict[str, list[str]], vec, topics: dict[str, set[str]],
               neighbours: int, same=None) -> list[tuple[float, str, set[str]]]:  # type: ignore[no-untyped-def]
    """(similarity, need id, shared topic terms) for every need, most similar first. `same(a, b)` says whether two
    different terms are one word in another form ("fraud" / "fraudulent"); exact matches only without it."""
    terms = focus_terms(ask_text)
    out = []
    for nid in sorted(groups):
        m = np.stack([vec[i] for i in groups[nid]])
        sim = float(np.sort(m @ ask_views.T, axis=0)[::-1][:neighbours].mean(axis=0).max())
        shared = terms & topics[nid]
        if same is not None:
            shared |= {t for t in topics[nid] - terms if any(same(a, t) for a in terms)}
        out.append((sim, nid, shared))
    return sorted(out, key=lambda c: (-c[0], c[1]))


def word_match(words: set[str], embed, threshold: float):  # type: ignore[no-untyped-def]
    """same(a, b) for words in `words`: one word in two forms, by its lemma ("lost" / "lose") or as a derived word
    that starts with the other and means the same by the embeddings ("fraud" / "fraudulent"; "reading" and "reader"
    start alike only up to "read" and stay two words)."""
    from assistant.needs.core import lemma

    ordered = sorted(words)
    if not ordered:
        return lambda a, b: False
    m = normalise(embed(ordered))
    index = {w: k for k, w in enumerate(ordered)}

    def same(a: str, b: str) -> bool:
        if a not in index or b not in index:
            return False
        if lemma(a) == lemma(b):
            return True
        short, long = sorted((a, b), key=len)
        return len(short) >= 4 and long.startswith(short) and float(m[index[a]] @ m[index[b]]) >= threshold

    return same


def route_views(ask_text: str, embed) -> np.ndarray:  # type: ignore[no-untyped-def]
    """What an ask is routed by: its problem sentences and the thing it asks for (`asked`). A stakeholder's context
    ("Nordphone, who preload us on 40,000 handsets, say they will not renew ... unless the app stops draining the
    battery") is far from every review, while "battery in the background" is what battery-drain reviews say
    (acdisplay: 0.30 from them, under the bar, and the ask opened a need beside them); a need must still share a
    topic term with the ask to serve it."""
    return normalise(embed(asked(ask_text)))


def route_asks(canon, vec, assign, params, taken: identity.Taken, embed=None,  # type: ignore[no-untyped-def]
               is_problem=None, own=frozenset()) -> None:
    """Set assign[ask id] for every stakeholder ask not yet in a need (see the module docstring). With is_problem
    (item -> bool), only needs whose items are mostly problems and requests can serve an ask: a praise need records
    what customers value, not what they lack, so "we need a dark mode" does not join "Praise for read comics".
    Asks in `own` (a model read them and found no need they serve) are not put in a need by shared words."""
    asks = [it for it in canon if it.kind == "stakeholder_ask" and assign.get(it.id) is None]
    if not asks:
        return
    texts = {it.id: it.text for it in canon}
    groups: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid and iid in texts:
            groups.setdefault(nid, []).append(iid)
    topics = need_topics(groups, texts, params.ask_topic_share, params.ask_topic_lift)
    if is_problem is not None:
        by_id = {it.id: it for it in canon}
        groups = {nid: ids for nid, ids in groups.items()
                  if sum(1 for i in ids if is_problem(by_id[i])) >= 0.4 * len(ids)}
    lonely = []
    same = None
    if embed is not None:
        words = set().union(*(focus_terms(it.text) for it in asks), *(topics[n] for n in groups))
        same = word_match(words, embed, params.ask_term_similarity)
    for it in asks:
        views = route_views(it.text, embed) if embed is not None else np.stack([vec[it.id]])
        found = [c for c in candidates(it.text, views, groups, vec, topics, params.ask_neighbours, same)
                 if c[2] and c[0] >= params.ask_similarity
                 and _cover(groups[c[1]], texts, c[2]) >= params.ask_topic_cover] if it.id not in own else []
        if found:
            assign[it.id] = found[0][1]
        else:
            lonely.append(it)
    customers = [it for it in canon if it.kind != "stakeholder_ask"]
    common = _inbox_words(customers)
    # only items that report a problem or ask for something ask for what the stakeholder asks ("brings the Active
    # Display mode from Moto devices" describes the app; it asks for no mode)
    customers = [it for it in customers if is_problem is None or is_problem(it)]
    joining: dict[str, set[str]] = {}
    for it in list(lonely):
        views = normalise(embed(asked(it.text))) if embed is not None else np.stack([vec[it.id]])
        same_ask = askers(it.text, views, customers, vec, common, params.ask_asker_similarity)
        held = Counter(assign.get(i) for i in same_ask if assign.get(i) in groups)
        nid, n = held.most_common(1)[0] if held else (None, 0)
        if n >= 2 and n * 2 > len(same_ask) and it.id not in own:  # most askers are in one need: it serves the ask
            assign[it.id] = nid
            lonely.remove(it)
        else:
            joining[it.id] = {i for i in same_ask if assign.get(i) is None}
    if lonely:  # asks no need serves: one new need each, shared only by asks that say nearly the same thing
        from scipy.sparse.csgraph import connected_components

        m = np.stack([vec[it.id] for it in lonely])
        _, comp = connected_components((m @ m.T) >= params.ask_same, directed=False)
        for k in range(int(comp.max()) + 1):
            group = [it for it, c in zip(lonely, comp) if c == k]
            # the unplaced customer items that ask the same thing are the new need's evidence
            brought = set().union(*(joining[it.id] for it in group)) - set(assign_ids(assign))
            nid = taken.mint({it.id for it in group} | brought)
            for iid in [it.id for it in group] + sorted(brought):
                assign[iid] = nid


def _cover(ids: list[str], texts: dict[str, str], shared: set[str]) -> float:
    """The share of a need's items that use at least one of the topic terms it shares with an ask, in any of its
    forms ("crashes", "crash", "crashing": topic terms fold plurals, "crashes" -> "crashe", so the plural is tried)."""
    from assistant.stories.lemmas import forms, text_forms

    wanted = frozenset().union(*(forms(t) | forms(t + "s") for t in shared))
    return sum(1 for i in ids if wanted & text_forms(texts[i])) / max(len(ids), 1)


def assign_ids(assign) -> set[str]:  # type: ignore[no-untyped-def]
    """The items already in a need."""
    return {i for i, n in assign.items() if n}


# An ask's word used by more than this share of the customer items is the inbox's everyday vocabulary ("phone",
# "notification" in a lock-screen app's reviews): sharing it does not mean asking for the same thing. A word a few
# items use (ASK_WORD_FEW) is never everyday vocabulary, however small the inbox.
ASK_WORD_SHARE = 0.05
ASK_WORD_FEW = 5


def _inbox_words(customers) -> set[str]:  # type: ignore[no-untyped-def]
    """Terms more than ASK_WORD_SHARE of the customer items use: not what one ask is about."""
    counts = Counter(t for it in customers for t in topic_terms(it.text))
    return {t for t, k in counts.items() if k > max(ASK_WORD_FEW, ASK_WORD_SHARE * len(customers))}


def asked(ask_text: str) -> list[str]:
    """What an ask is compared with customer items by: its problem sentences and the thing it asks for ("dark mode"
    as well as "accountants complain about eye strain")."""
    wanted = ask_object(ask_text)
    return problem_sentences(ask_text) + ([wanted] if wanted else [])


def _distinctive(phrase: str) -> str:
    """What sets the thing asked for apart: the nouns compounded with its head ("cover-grid library | view", "kiosk |
    mode", "uninstall | button"), or the whole phrase when there are none ("dark mode", "ads"). A generic head
    ("view", "button") is in many reviews that ask for nothing ("best app to view comics")."""
    if not phrase:
        return ""
    from assistant.quality_rules.nlp import get_nlp

    doc = get_nlp()(f"They want the {phrase[:1].lower() + phrase[1:]}.")  # parsed as an object, not a headline
    root = next((c for t in doc if t.lemma_ == "want" for c in t.children if c.dep_ in ("dobj", "obj")), None)
    if root is None:
        return phrase
    # a noun (or a hyphenated verb phrase) naming the kind; an adjective alone ("main", "single") sets nothing apart
    mods = [t for c in root.children if c.dep_ in ("compound", "nmod") and c.i < root.i for t in c.subtree]
    return " ".join(t.text for t in mods if t.pos_ not in ("DET", "ADJ")) or phrase


def askers(ask_text: str, views: np.ndarray, customers, vec, common: set[str],  # type: ignore[no-untyped-def]
           similarity: float) -> list[str]:
    """Customer items that ask for what the ask asks for: they use a word of the thing it asks for (ask_object; not
    a word the whole inbox uses) and are at least `similarity` close to one of `views` (the
    embedded `asked` texts). An ask that opens a need is not "asked by no customer" when these exist."""
    wanted = _distinctive(ask_object(ask_text))
    words = (topic_terms(wanted) | topic_terms(wanted.replace("-", " "))) - common  # "cover-grid": "cover" too
    if not words:
        return []
    out = []
    for it in customers:
        if words & topic_terms(it.text) and float((views @ vec[it.id]).max()) >= similarity:
            out.append(it.id)
    return out


def name_asks_only(members, by_id, phrases, mixed) -> None:  # type: ignore[no-untyped-def]
    """A need only stakeholder asks are in is named for what they ask for, in the ask's own words ("CSV export of
    reading history"), not for the keywords of its context ("ACME libraries and build export")."""
    for nid, ids in members.items():
        if all(by_id[i].kind == "stakeholder_ask" for i in ids):
            wanted = next((o for o in (ask_object(by_id[i].text) for i in ids) if o), "")
            if wanted:
                phrases[nid] = [wanted]
                mixed.pop(nid, None)

