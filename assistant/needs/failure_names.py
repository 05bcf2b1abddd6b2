"""Need names that say what the items report: a failure most of them state ("Cannot find comics", "Does not
open", "File errors", "Crashes on iPad") over a device, a bare noun or one writer's words; the action a request need's
items ask for ("Add always on mode"); a bare noun as the items use it ("Hold on account"); never two keywords joined
by "and" that no item says together; same names told apart by words their items say, else numbered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from assistant.needs.naming import (
    _ASK_VERBS,
    _SPAN_WORD,
    PHRASE_ITEMS,
    STOPWORDS,
    _stem,
    _surface,
    keyphrases,
    parsed,
    phrases,
    tokens,
)
from assistant.triage.cues import (
    BUG,  # the general-English defect cues triage uses (read, not changed)
)
from assistant.triage.sentiment import LEXICON


def says_pair(name: str, texts: Sequence[str]) -> bool:
    """Whether a name of two phrases joined by "and" is what the items say ("card freeze and blocking"), rather
    than two keywords side by side ("Evo and phone" from one review that names two phones)."""
    parts = name.lower().split(" and ")
    if len(parts) != 2:
        return True
    said = " ".join(" ".join(_stem(w) for w in _SPAN_WORD.findall(t.lower())) for t in texts)
    first, second = (" ".join(_stem(w) for w in _SPAN_WORD.findall(p)) for p in parts)
    return f"{first} and {second}" in said or f"{second} and {first}" in said


_CAN = frozenset(("ca", "can", "could", "cannot"))


def _failures(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Lemma key -> name of each negated action of one parsed text: "Could not find comics on my sd card" ->
    "Cannot find comics", "nope wont even open" -> "Does not open". Verbs every text uses ("work", "get") are not
    what fails."""
    out: dict[str, str] = {}
    for tok in doc:
        kids = list(tok.children)
        if tok.pos_ != "VERB" or not any(c.dep_ == "neg" for c in kids):
            continue
        lemma = tok.lemma_.lower()
        if lemma in STOPWORDS or not tok.is_alpha or BUG.search(tok.lower_) or BUG.search(lemma):
            continue  # "doesn't crash" is no failure
        prt = " ".join(c.lower_ for c in kids if c.dep_ == "prt")
        obj = next((c for c in kids if c.dep_ in ("dobj", "obj") and c.pos_ in ("NOUN", "PROPN")
                    and c.lower_ not in STOPWORDS), None)
        what = ""
        if obj is not None:
            mods = [c for c in obj.children if c.dep_ == "compound" and c.i < obj.i and c.is_alpha]
            what = " ".join(_surface(t) for t in [*mods, obj])
        can = any(c.lower_ in _CAN for c in kids if c.dep_ == "aux")
        words = [lemma, *prt.split(), *what.split()]
        # a thing seen mid-sentence: the tagger reads a sentence's first word ("nope wont even open") as a noun
        subj = next((c for c in kids if c.dep_ == "nsubj" and c.pos_ == "NOUN" and c.lower_ not in STOPWORDS
                     and not c.is_sent_start and c.lower_ not in LEXICON), None)
        if obj is None and subj is not None and not can:
            # what fails to do it: "Notifications won't show up" -> "Notifications do not show up"
            said = f"{_written(subj)} {'do' if subj.tag_ == 'NNS' else 'does'} not {' '.join([lemma, *prt.split()])}"
            out.setdefault(f"{lemma} {subj.lemma_.lower()}", said[:1].upper() + said[1:])
        key = " ".join(w.lower() for w in ([lemma, obj.lemma_] if obj is not None else [lemma]))
        out.setdefault(key, " ".join(["Cannot" if can or obj is not None else "Does not", *words]))
    return out


def _written(tok) -> str:  # type: ignore[no-untyped-def]
    """A word as its writer spelled it when its capitals mean something (SSO, iPad), else lower-cased."""
    return tok.text if tok.text[1:] != tok.text[1:].lower() else _surface(tok)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _third(lemma: str) -> str:
    """A verb's third person ("crash" -> "crashes", "stop" -> "stops"): a failure named as what it does."""
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return lemma + "es"
    return lemma[:-1] + "ies" if lemma.endswith("y") and lemma[-2:-1] not in "aeiou" else lemma + "s"


def _defects(doc, nouns: set[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Lemma key -> name of each defect one parsed text states, beyond the negated actions of _failures: a defect verb
    of triage's cues with what it hits ("Keeps crashing on my iPad" -> "Crashes on iPad", "it's stopped working" ->
    "Stops working", "drains the battery" -> "Drains battery"), an action it cannot do ("unable to open settings" ->
    "Cannot open settings") and a defect noun with what it is about ("constant file errors" -> "File errors"). A bare
    "problem" or "error" names nothing. Keys made of a defect noun are added to `nouns`."""
    out = _failures(doc)
    for tok in doc:
        kids = list(tok.children)
        if tok.pos_ == "VERB" and tok.head.lower_ == "unable" and tok.dep_ == "xcomp" and tok.lemma_.lower() not in STOPWORDS:
            obj = next((c for c in kids if c.dep_ in ("dobj", "obj") and c.pos_ == "NOUN"), None)
            what = [tok.lemma_.lower(), *([obj.lemma_.lower()] if obj is not None else [])]
            out.setdefault(" ".join(what), " ".join(["Cannot", tok.lemma_.lower(), *([_surface(obj)] if obj is not None else [])]))
        elif tok.pos_ == "VERB" and BUG.match(doc[tok.i:tok.i + 2].text.lower()) and tok.lemma_.isalpha() and not any(c.dep_ == "neg" for c in kids):
            lemma = tok.lemma_.lower()
            if lemma in STOPWORDS | _ASK_VERBS or tok.tag_ == "VB" and not any(c.dep_ in ("nsubj", "aux") for c in kids) \
                    or BUG.match(lemma) is None and BUG.match(doc[tok.i:tok.i + 2].text.lower()) is None:
                continue  # "fix it" asks for a fix; "it's gone" names nothing
            xcomp = next((c for c in kids if c.dep_ == "xcomp" and c.tag_ == "VBG"), None)
            obj = next((c for c in kids if c.dep_ in ("dobj", "obj") and c.pos_ == "NOUN" and c.lower_ not in STOPWORDS), None)
            where = next((g for c in kids if c.dep_ == "prep" and c.lower_ in ("on", "with", "after", "during")
                          for g in c.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")
                          and g.lower_ not in STOPWORDS), None)
            if lemma in ("keep", "stop") and xcomp is None:
                continue  # "keeps asking" is a defect; "keep" alone is not
            if xcomp is not None:
                words, key = [_third(lemma), xcomp.lower_], [lemma, xcomp.lemma_.lower()]
            elif obj is not None:
                words, key = [_third(lemma), _written(obj)], [lemma, obj.lemma_.lower()]
            elif where is not None:
                words, key = [_third(lemma), where.head.lower_, _written(where)], [lemma, where.lemma_.lower()]
            else:
                words, key = [_third(lemma)], [lemma]
            out.setdefault(" ".join(key), _upper_first(" ".join(words)))
        elif tok.pos_ == "NOUN" and any(c.lower_ == "no" and c.dep_ == "det" for c in kids) and not BUG.search(tok.lower_) \
                and tok.lower_ not in STOPWORDS:
            # what is missing: "No menu button" -> "No menu"
            out.setdefault(f"no {tok.lemma_.lower()}", f"No {_written(tok)}")
            nouns.add(f"no {tok.lemma_.lower()}")
        elif tok.pos_ == "NOUN" and BUG.search(tok.lower_):
            mods = [c for c in kids if c.dep_ == "compound" and c.i < tok.i and c.is_alpha and not c.is_stop
                    and c.lower_ not in STOPWORDS and c.lower_ not in LEXICON]
            if mods:
                nouns.add(" ".join(t.lemma_.lower() for t in [*mods, tok]))
                out.setdefault(" ".join(t.lemma_.lower() for t in [*mods, tok]),
                               _upper_first(" ".join(_written(t) for t in [*mods, tok])))
    return out


def _support(docs, keys, nouns: frozenset[str] = frozenset()) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Items that say each failure: its verb used as a verb (for `nouns`, its last word as a noun) and its other words
    in any form ("lock pin" asks for a lock; it does not say something fails to lock)."""
    verbs = [{t.lemma_.lower() for t in d if t.pos_ == "VERB"} for d in docs]
    heads = [{t.lemma_.lower() for t in d if t.pos_ == "NOUN"} for d in docs]
    lemmas = [{t.lemma_.lower() for t in d} for d in docs]
    return {k: sum(1 for vs, hs, ls in zip(verbs, heads, lemmas) if set(k.split()) <= ls and (
        k.split()[-1] in hs if k in nouns else k.split()[0] in vs)) for k in keys}


def _parsed(texts: Sequence[str]):  # type: ignore[no-untyped-def]
    return parsed(sorted(t for t in texts if t.strip())[:PHRASE_ITEMS])  # the same members, the same name


def failure_name(texts: Sequence[str]) -> str:
    """The failure most of a need's items report, in their words ("Cannot find comics", "Does not open"): a negated
    action whose verb (and object) at least half of the items use; "" when none is shared that widely. Names a need
    whose phrases are a device or a lone word ("Sd card and droid", "File") by what its items say goes wrong."""
    docs = _parsed(texts)
    forms: dict[str, str] = {}
    for d in docs:
        for key, form in _failures(d).items():
            forms.setdefault(key, form)
    if not forms:
        return ""
    support = _support(docs, forms)
    key = min(forms, key=lambda k: (-support[k], -len(k.split()), k))
    # Half of the items, and two of them unless the need is one item: one ask's "will not renew" is no shared failure.
    return forms[key] if support[key] * 2 >= len(docs) and (support[key] >= 2 or len(docs) == 1) else ""


PROBLEM_SHARE = 0.2  # the share of a need's items that must state a defect for it to name the need


def problem_name(texts: Sequence[str], about: Collection[str] = ()) -> tuple[str, int]:
    """(name, items that say it) of the defect a need's items state most ("Crashes on iPad", "File errors", "Stops
    working", "Cannot open settings"); ("", 0) when none is stated by two items and PROBLEM_SHARE of them (by one
    item, for a one-item need). Ties go to the longer, more specific name. A defect that says one of the `about` words
(stems of the need's bare-noun name) needs only two items."""
    docs = _parsed(texts)
    forms: dict[str, str] = {}
    nouns: set[str] = set()
    for d in docs:
        for key, form in _defects(d, nouns).items():
            forms.setdefault(key, form)
    if not forms:
        return "", 0
    support = _support(docs, forms, frozenset(nouns))
    key = min(forms, key=lambda k: (-support[k], -len(k.split()), k))
    # what fails, where half as many items say it: "Cannot load pages" over "Cannot load", "Crashes on iPad"
    wider = [k for k in forms if k.startswith(key + " ") and support[k] * 2 >= support[key] and support[k] >= 2]
    key = min(wider, key=lambda k: (-support[k], k)) if wider else key
    n = support[key]
    if (n >= 2 or len(docs) == 1) and n >= PROBLEM_SHARE * len(docs):
        return forms[key], n
    said = [k for k in forms if support[k] >= 2 and {_stem(w) for w in k.split()} & set(about)]
    key = min(said, key=lambda k: (-support[k], -len(k.split()), k)) if said else ""
    return (forms[key], support[key]) if key else ("", 0)


def joined_words(name: str, texts: Sequence[str]) -> str:
    """Two one-word parts of "Points and rewards" as the items say them side by side ("reward points", in 2+ items
    and more often than in the other order); "" when they do not."""
    parts = name.split(" and ")
    if len(parts) != 2 or any(len(p.split()) != 1 for p in parts):
        return ""
    a, b = (_stem(p.lower()) for p in parts)
    runs: dict[tuple[str, str], int] = {(a, b): 0, (b, a): 0}
    forms: Counter[str] = Counter()
    for t in texts:
        raw = _SPAN_WORD.findall(t.lower())
        words = [_stem(w) for w in raw]
        for pair in runs:
            at = [i for i in range(len(words) - 1) if words[i:i + 2] == list(pair)]
            runs[pair] += bool(at)
            forms.update(" ".join(raw[i:i + 2]) for i in at[:1])
    pair = max(runs, key=lambda p: (runs[p], p == (a, b)))
    if runs[pair] < 2:
        return ""
    form = max((f for f in forms if [_stem(w) for w in f.split()] == list(pair)), key=lambda f: (forms[f], f))
    return form.capitalize()


def most_said(name: str, texts: Sequence[str]) -> str:
    """Of "Okta and SSO", the part more of the items say ("SSO"); the first on a tie (it ranked first). A phrase
    beats a lone word whatever the counts: "Change name and account" is about changing a name, and "account" is
    said by every item of a bank's inbox."""
    parts = name.split(" and ")
    split = [[_stem(w) for w in _SPAN_WORD.findall(t.lower())] for t in texts]

    def items(part: str) -> int:
        words = [_stem(w) for w in _SPAN_WORD.findall(part.lower())]
        return sum(any(ws[i:i + len(words)] == words for i in range(len(ws))) for ws in split)

    best = max(parts, key=lambda p: (len(p.split()), items(p), -parts.index(p)))
    return best[:1].upper() + best[1:]

QUALIFIER_SHARE = 0.2  # the share of a need's items that must say the words that tell it from a same-named need


def _said_by(term: str, texts: Sequence[str]) -> int:
    """Items that say a term's words in a run, plurals folded."""
    words = [_stem(w) for w in _SPAN_WORD.findall(term.lower())]
    split = [[_stem(w) for w in _SPAN_WORD.findall(t.lower())] for t in texts]
    return sum(any(ws[i:i + len(words)] == words for i in range(len(ws))) for ws in split) if words else 0


def distinct(names: Mapping[str, str], texts: Mapping[str, Sequence[str]], fixed: frozenset[str] = frozenset()) -> dict[str, str]:
    """Names unique within the backlog: needs that share a name ("Display", "Does not open") are told apart by what
    their items say and the others' do not (c-TF-IDF between just those needs: "Display (always on)"). `fixed`: needs
    whose name the PO edited, kept as written."""
    out = dict(names)
    same: dict[str, list[str]] = {}
    for nid, name in sorted(names.items()):
        same.setdefault(name.lower(), []).append(nid)
    for group in (g for g in same.values() if len(g) > 1):
        words = {_stem(w) for w in tokens(names[group[0]])} | {w for w in names[group[0]].lower().split()}
        # readable phrases of the parse first ("always on mode"), then plain c-TF-IDF terms
        said = phrases({nid: list(texts.get(nid, ())) for nid in group}, top=3)
        ranked = {nid: [*said.get(nid, []), *terms] for nid, terms in
                  keyphrases({nid: list(texts.get(nid, ())) for nid in group}, top=6).items()}
        taken: set[str] = set()
        for nid in (n for n in group if n not in fixed):
            own = list(texts.get(nid, ()))
            # a word one review in seven uses does not say what the need is ("General praise (phone pocket)" for
            # 3 of 30 reviews): the need is numbered instead
            term = next((t for t in ranked.get(nid, []) if t not in taken and not {_stem(w) for w in t.split()} & words
                         and not any(t in ranked.get(o, [])[:3] for o in group if o != nid)
                         and _said_by(t, own) >= max(2, QUALIFIER_SHARE * len(own))), "")
            if term:
                taken.add(term)
                out[nid] = f"{names[nid]} ({term})"
        # what is still shared (no distinctive word): numbered in the order the needs sort, biggest first
        left = [n for n in group if out[n].lower() == names[group[0]].lower()]
        for k, nid in enumerate(sorted(left, key=lambda n: (-len(texts.get(n, ())), n))[1:], start=2):
            if nid not in fixed:
                out[nid] = f"{names[nid]} ({k})"
    return out


def _ask_name(phrase: str) -> str:
    """An asked action as a name: its words without articles and possessives ("remove the ac in my notification bar"
    -> "Remove ac in notification bar")."""
    words = [w for w in phrase.split() if w.lower() not in _ARTICLES]
    return _upper_first(" ".join(words))


def in_context(name: str, texts: Sequence[str]) -> str:
    """A bare noun as the items use it: the verb phrase that governs it ("Reader" -> "Switching to another reader",
    "Ads" -> "Remove ads for every paid account"), the one most items say (verb and noun; by two items unless the need
    has two or fewer; the one with the longest wording on a tie), in CONTEXT_WORDS words or fewer; "" when there is none."""
    words = {_stem(w) for w in _SPAN_WORD.findall(name.lower())} - STOPWORDS
    found: dict[tuple[str, str], list[str]] = {}
    for doc in _parsed(texts):
        for tok in doc:
            if tok.pos_ not in ("NOUN", "PROPN") or _stem(tok.lower_) not in words:
                continue
            head = tok.head if tok.dep_ in ("dobj", "obj") else tok.head.head if tok.dep_ == "pobj" else None
            if head is not None and head.pos_ == "NOUN" and head.dep_ in ("dobj", "obj"):
                head = head.head  # "place a hold on my account": the hold's verb
            if head is None or head.pos_ != "VERB" or head.lemma_.lower() in STOPWORDS or head.i > tok.i:
                continue
            # "put a hold on my account" is about the hold: from the verb's object on, when the noun follows it
            start = next((c.i for c in head.children if c.dep_ in ("dobj", "obj") and c.pos_ == "NOUN" and c.i < tok.i),
                         head.i)
            span = [t for t in head.subtree if t.i >= start and not t.is_punct and t.lower_ not in _ARTICLES]
            if len(span) <= CONTEXT_WORDS and not any(t.lower_ in ("and", "but", "or") for t in span):
                found.setdefault((head.lemma_.lower(), tok.lemma_.lower()), []).append(" ".join(_written(t) for t in span))
    best = max(found.values(), key=lambda fs: (len(fs), max(len(f.split()) for f in fs)), default=[])
    if len(best) < 2 and len(texts) > 2:
        return ""
    if not best:
        return ""
    # of one verb and noun, the wording most items use, then the shortest, without the words only one of several
    # writers adds ("hold on savings account" and "hold on us bank account" say "hold on account")
    form = min(best, key=lambda f: (-best.count(f), len(f.split()), f)).split()
    shared = [w for w in form if len(best) < 2 or sum(w in f.split() for f in best) * 2 > len(best)]
    return _upper_first(" ".join(shared if len(shared) >= 2 else form))


_ARTICLES = frozenset(("a", "an", "the", "my", "our", "your", "their", "his", "her"))
CONTEXT_WORDS = 6


def readable(name: str, texts: Sequence[str], asked: tuple[str, str] = ("", ""), asking: bool = False) -> str:
    """A problem need's name as what its items say: a bare noun ("Page", "Reader") or one writer's words ("Absurd
    angle", "ICS problem" in one review of three) gives way to the action most of them ask for when they are asking
    (`asking`: "Add always on mode"), else the defect most of them state ("Does not open", "File errors", "No
    menu"), else the noun as they use it ("Switching to another reader"); a name its items share ("Memory error",
    "Cbr files", "Hanging my phone") stays."""
    texts = [t for t in texts if t.strip()]
    words = {_stem(w) for w in _SPAN_WORD.findall(name.lower())} - STOPWORDS
    said_by = sum(words <= {_stem(w) for w in _SPAN_WORD.findall(t.lower())} for t in texts)
    if len(words) > 1 and (said_by >= 2 or len(texts) < 2):
        return name
    kind, phrase = asked
    if asking and kind == "request" and phrase:
        return _ask_name(phrase)
    # a bare noun is said in a defect by two of its items ("Cannot load pages" in a need named "Page")
    return problem_name(texts, words if len(words) == 1 else frozenset())[0] or (
        in_context(name, texts) if len(words) == 1 or said_by < 2 else "") or name
