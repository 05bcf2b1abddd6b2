"""Need names that say what the items report: a failure most of them state ("Cannot find comics", "Does not
open") over a device or a lone word, and never two keywords joined by "and" that no item says together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from assistant.needs.naming import _PLACEHOLDER, _SPAN_WORD, PHRASE_ITEMS, STOPWORDS, _stem, _surface, keyphrases, phrases, tokens
from assistant.triage.cues import BUG  # the general-English defect cues triage uses (read, not changed)


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
        key = " ".join(w.lower() for w in ([lemma, obj.lemma_] if obj is not None else [lemma]))
        out.setdefault(key, " ".join(["Cannot" if can or obj is not None else "Does not", *words]))
    return out


def failure_name(texts: Sequence[str]) -> str:
    """The failure most of a need's items report, in their words ("Cannot find comics", "Does not open"): a negated
    action whose verb (and object) at least half of the items use; "" when none is shared that widely. Names a need
    whose phrases are a device or a lone word ("Sd card and droid", "File") by what its items say goes wrong."""
    from assistant.quality_rules.nlp import get_nlp

    texts = sorted(t for t in texts if t.strip())[:PHRASE_ITEMS]  # the same members, the same name
    if not texts:
        return ""
    docs = list(get_nlp().pipe([_PLACEHOLDER.sub(" ", t)[:600] for t in texts], batch_size=64))
    # An item supports a failure when it uses its verb as a verb ("lock pin" asks for a lock, it does not say
    # something fails to lock) and its object in any form.
    verbs = [{t.lemma_.lower() for t in d if t.pos_ == "VERB"} for d in docs]
    lemmas = [{t.lemma_.lower() for t in d} for d in docs]
    forms: dict[str, str] = {}
    for d in docs:
        for key, form in _failures(d).items():
            forms.setdefault(key, form)
    if not forms:
        return ""
    support = {k: sum(1 for vs, ls in zip(verbs, lemmas) if k.split()[0] in vs and set(k.split()) <= ls) for k in forms}
    key = min(forms, key=lambda k: (-support[k], -len(k.split()), k))
    # Half of the items, and two of them unless the need is one item: one ask's "will not renew" is no shared failure.
    return forms[key] if support[key] * 2 >= len(texts) and (support[key] >= 2 or len(texts) == 1) else ""


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
            term = next((t for t in ranked.get(nid, []) if t not in taken and not {_stem(w) for w in t.split()} & words
                         and not any(t in ranked.get(o, [])[:3] for o in group if o != nid)), "")
            if term:
                taken.add(term)
                out[nid] = f"{names[nid]} ({term})"
        # what is still shared (no distinctive word): numbered in the order the needs sort, biggest first
        left = [n for n in group if out[n].lower() == names[group[0]].lower()]
        for k, nid in enumerate(sorted(left, key=lambda n: (-len(texts.get(n, ())), n))[1:], start=2):
            if nid not in fixed:
                out[nid] = f"{names[nid]} ({k})"
    return out
