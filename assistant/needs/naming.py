"""Need names a PO can read: phrases in the items' own words, ranked c-TF-IDF style.

Candidates are what the items say, parsed by spaCy: noun phrases ("memory error", "bank account") and verb +
object pairs ("freeze my account", "open files"), counted once per item. Each is scored BERTopic-style (class-based
TF-IDF: the share of the need's items that use it, weighted by how few other needs do), so a word every need shares
(the product's own name) does not name any of them. The name is the best phrase, joined by "and" with the second
when that one is also common ("Memory error and CBR files"), never a keyword triple. The token n-gram ranking below
is the fallback for needs whose items yield no phrase (very short texts)."""

from __future__ import annotations

import calendar
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from assistant.triage.sentiment import LEXICON

STOPWORDS = frozenset("""
a about above after again against all almost also am an and any app apps are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each even ever every few for from further get gets getting give go going got great had hasn't have haven't having he
her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just know let
like love lot make makes many me might more most much must my myself need needs new no nor not now of off ok okay on
once one only or other our ours out over own please plz pls really same she should so some still such than thank
thanks that that's the their theirs them themselves then there there's these they they're thing things think this
those through to too under until up us use used using very via want wants was wasn't way we we're well were what
when where which while who why will with won't would wouldn't yet you you're your yours yourself also already always
anyone anything back best better bit able actually cant dont doesnt wont im ive id etc good nice awesome amazing
time times day days since update updated version star stars give given work works working feature features option
lol hi hello hey dear team guys product would've could've every everything something nothing someone each
take takes taking took second seconds minute minutes hour hours week weeks month months year years look looks people
monday tuesday wednesday thursday friday saturday sunday twice around today right least another again around
""".split()) | {m.lower() for m in calendar.month_name if m}  # a month ("September") is when, never what

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
_TOKEN = re.compile(r"[a-z][a-z0-9+#\-']*[a-z0-9+#]|[a-z]")


def tokens(text: str) -> list[str]:
    """Lower-cased content words of a text (stopwords and 1-2 letter words dropped)."""
    text = _PLACEHOLDER.sub(" ", text)  # redaction placeholders ([PHONE], [EMAIL]) are not themes
    return [t for t in _TOKEN.findall(text.lower()) if len(t) > 2 and t not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Unigrams plus adjacent-word bigrams (bigrams make names like 'dark mode' or 'csv export')."""
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:]) if a != b]


def _stem(term: str) -> str:
    """Crude plural folding so 'receipt' and 'receipts' do not both make the name."""
    return " ".join(w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w for w in term.split())


def keyphrases(groups: Mapping[str, Sequence[str]], top: int = 5) -> dict[str, list[str]]:
    """Top c-TF-IDF terms per group of texts (group key -> texts)."""
    tf: dict[str, Counter[str]] = {}
    doc_freq: dict[str, Counter[str]] = {}
    for key, texts in groups.items():
        counts: Counter[str] = Counter()
        docs: Counter[str] = Counter()
        for text in texts:
            ts = terms(text)
            counts.update(ts)
            docs.update(set(ts))
        tf[key], doc_freq[key] = counts, docs
    totals: Counter[str] = Counter()
    for counts in tf.values():
        totals.update(counts)
    avg_words = sum(sum(c.values()) for c in tf.values()) / max(len(tf), 1)
    out: dict[str, list[str]] = {}
    for key, counts in tf.items():
        size = max(len(groups[key]), 1)
        scored = []
        for term, n in counts.items():
            # A phrase one person repeats is not a theme: require it in 2 texts once the group has 4+.
            if size >= 4 and doc_freq[key][term] < 2:
                continue
            weight = (n / max(sum(counts.values()), 1)) * math.log(1 + avg_words / totals[term])
            if " " in term:
                weight *= 2.0  # bigrams read better as names when they are about as distinctive
            scored.append((weight, term))
        scored.sort(key=lambda wt: (-wt[0], wt[1]))
        chosen: list[str] = []
        for _, term in scored:
            # Skip a unigram already inside a chosen bigram (and vice versa) to keep names short.
            if any(term in c.split() or c in term.split() or _stem(c) == _stem(term) or _stem(term) in _stem(c).split()
                   or _stem(c) in _stem(term).split() for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == top:
                break
        out[key] = chosen
    return out


def topic(phrases: Sequence[str], max_len: int = 1000) -> str:
    """The best phrase, "and" the second when both fit in max_len and the second adds words: "Chase account and
    account" or "read comics and comics" says nothing twice. A tab or line break inside a phrase is a space."""
    first = " ".join(phrases[0].split())
    said = {_stem(w) for w in first.lower().split()}
    if len(phrases) > 1 and len(first) + len(phrases[1]) <= max_len and not {
            _stem(w) for w in phrases[1].lower().split()} <= said:
        return f"{first} and {' '.join(phrases[1].split())}"
    return first


def name_from(phrases: Sequence[str], fallback: str = "General feedback (no shared topic)") -> str:
    """A short need name: the best phrase, "and" the second when both fit in about 40 characters."""
    if not phrases:
        return fallback
    first = topic(phrases, max_len=36)
    return first[:1].upper() + first[1:]


_WORD = re.compile(r"[a-z][a-z']*")


def shared_word(texts: Sequence[str], share: float = 0.5) -> str:
    """The content word most of a need's texts use, when no phrase was found: nine short reviews saying "Can't
    uninstall" share a verb and no noun phrase, and are about "uninstall", not "assorted problems"."""
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(tokens(text)))
    if not df:
        return ""
    word, n = min(df.items(), key=lambda wn: (-wn[1], wn[0]))
    return word if n >= max(2, share * len(texts)) else ""


def mixed_name(parts: Sequence[str], texts: Sequence[str] = ()) -> str:
    """A need whose items share no one phrase is named for the two phrases its items use most, as any other need;
    with none, for the word most of its items use; "Assorted problems" only when nothing is shared."""
    if parts:
        return name_from(parts)
    word = shared_word(texts)
    return word[:1].upper() + word[1:] if word else "Assorted problems (no shared topic)"


def praise_phrase(texts: Sequence[str]) -> str:
    """What a praise need's items praise, in their words: the 2-3 word run starting at a positive word that most items
    use ("easy to use", "great app"); "" when they share none."""
    runs: Counter[str] = Counter()
    for text in texts:
        toks = _WORD.findall(text.lower())
        found = set()
        for i, w in enumerate(toks):
            if LEXICON.get(w, 0) > 0:
                for n in (3, 2):
                    run = toks[i:i + n]
                    if len(run) == n and run[-1] not in STOPWORDS - {"use"}:
                        found.add(" ".join(run))
        runs.update(found)
    # What most of them say, not two reviews' words ("best photo" from 2 of 76 general praise reviews).
    common = [(n, len(r), r) for r, n in runs.items() if n >= max(2, 0.2 * len(texts))]
    # a lone verdict word ("General praise: good") names no thing praised: then there is no phrase
    return max(common)[2] if common else ""


def _as_thing(phrase: str) -> str:
    """A verb + object phrase ("read comics") as the activity praised ("reading comics"); noun phrases as they are."""
    from assistant.quality_rules.nlp import get_nlp

    doc = get_nlp()(phrase)
    if len(doc) < 2 or doc[0].pos_ != "VERB" or doc[0].lower_.endswith("ing"):
        return phrase
    verb = doc[0].lemma_.lower()
    verb = verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb
    return f"{verb}ing{phrase[len(doc[0].text):]}"


def praise_name(phrases: Sequence[str], texts: Sequence[str]) -> str:
    """A praise need is named for what people praise: its topic when it has one ("Praise for reading comics"), else
    general praise with the words most of its items use ("General praise: easy to use")."""
    if phrases:
        return f"Praise for {_as_thing(' '.join(phrases[0].split()))}"
    what = praise_phrase(texts)
    return f"General praise: {what}" if what else "General praise"


def _surface(tok) -> str:  # type: ignore[no-untyped-def]
    """Acronyms keep their capitals (SSO, CBR); other words are lower-cased."""
    return tok.text if tok.text.isupper() and len(tok.text) <= 5 else tok.lower_


# Verbs every kind of feedback uses to ask or judge: "add export" names the asking, not the thing asked for.
_ASK_VERBS = frozenset("add make get have need want give include allow let support use do see try like love fix bring "
                       "please wish hope put keep find".split())
PHRASE_ITEMS = 40  # items parsed per need: enough to find its common phrases, bounded for 50k-item inboxes
_DROP_POS = frozenset(("DET", "PRON", "PUNCT", "NUM", "SYM", "X", "SPACE", "CCONJ", "ADP", "AUX", "PART"))


def _phrases(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Lemma key -> surface form of the noun phrases and verb + object pairs of one parsed text."""
    out: dict[str, str] = {}
    for chunk in doc.noun_chunks:
        # Trim leading determiners, pronouns, stopwords and verdict adjectives ("my", "the", "great"); keep the rest
        # of the span as written, so hyphenated names ("single sign-on") survive.
        keep = [t for t in chunk if t.pos_ not in _DROP_POS and not t.is_stop and (t.is_alpha or "-" in t.text)
                and not (t.pos_ == "ADJ" and t.lower_ in LEXICON)]
        root = chunk.root
        if not keep or root.pos_ not in ("NOUN", "PROPN") or len(root.text) < 3 or root.lower_ in STOPWORDS:
            continue
        start = max(keep[0].i, chunk.end - 4)
        while start < chunk.end - 1 and (doc[start].pos_ in _DROP_POS or doc[start].is_stop):
            start += 1  # a span cut to its last words must not start with "and" or "'s"
        span = [t for t in doc[start:chunk.end] if t.pos_ != "PART"]
        for part in ((span, root) if len(span) > 1 else (span,)):
            words = part if isinstance(part, list) else [part]
            key = " ".join(t.lemma_.lower() for t in words if t.is_alpha)
            if key and key not in STOPWORDS:
                out.setdefault(key, " ".join(_surface(t) for t in words).replace(" - ", "-"))
    for tok in doc:
        # What state a thing is in ("why is my account blocked", "my card was declined"): "blocked account" names
        # the need where the thing alone ("account") or whose it is ("Chase account") does not.
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "NOUN" and tok.lower_ not in STOPWORDS:
            head = tok.head
            passive = head.tag_ == "VBN" or head.tag_ == "VBD" and any(
                c.dep_ in ("aux", "auxpass") for c in head.children)
            state = head if passive else next(
                (c for c in head.children if c.dep_ == "acomp" and c.tag_ in ("VBN", "JJ")), None)
            # A participle is a state ("frozen", "declined"); an adjective may be a verdict ("terrible") instead.
            if state is not None and state.lower_ not in STOPWORDS and state.lemma_.lower() not in _ASK_VERBS \
                    and (state.tag_ in ("VBN", "VBD") or state.lower_ not in LEXICON):
                out.setdefault(f"{state.lemma_.lower()} {tok.lemma_.lower()}", f"{state.lower_} {tok.lower_}")
        if tok.pos_ != "VERB" or tok.is_stop or tok.lemma_.lower() in STOPWORDS | _ASK_VERBS:
            continue
        for obj in tok.children:
            if obj.dep_ in ("dobj", "obj") and obj.pos_ in ("NOUN", "PROPN") and obj.lower_ not in STOPWORDS:
                owner = next((c.lower_ for c in obj.children if c.dep_ == "poss"), "")
                surface = " ".join(w for w in (tok.lower_, owner, obj.lower_) if w)
                out.setdefault(f"{tok.lemma_.lower()} {obj.lemma_.lower()}", surface)
    return out


def parsed(texts: Sequence[str]) -> list:  # type: ignore[type-arg]
    """The texts parsed as the needs steps read them (redaction placeholders out, the first 600 characters), through
    the shared parse cache: one build names needs, reads their defects and holds one problem per need on the same
    items, and parses each once."""
    from assistant.stories.nlp import parse

    return parse([_PLACEHOLDER.sub(" ", t)[:600] for t in texts])


def phrases(groups: Mapping[str, Sequence[str]], top: int = 3, min_share: float = 0.4,
            first_share: float = 0.2, mixed: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Per group: up to `top` readable phrases from its texts, best first; after the first, only phrases used
    by at least min_share of the group's items, and the first by first_share of them (else no phrase: a group of
    "love it" reviews has no topic to name). Small groups with no phrase fall back to keyphrases(). When `mixed` is
    given, a group with no shared phrase gets there the two phrases most of its items use (each by 2+ items)."""
    keys = list(groups)
    texts = [[t for t in groups[k] if t.strip()][:PHRASE_ITEMS] for k in keys]
    docs = iter(parsed([t for ts in texts for t in ts]))
    found: dict[str, Counter[str]] = {}
    surface: dict[str, dict[str, Counter[str]]] = {}
    for k, ts in zip(keys, texts):
        found[k], surface[k] = Counter(), {}
        for text in ts:
            # Multi-word phrases from the parse; single words from the plain tokenizer, which does not depend on
            # the tagger reading acronyms ("SSO", "CBR") as nouns.
            doc = next(docs)
            found_here = {key: form for key, form in _phrases(doc).items() if " " in key}
            # A one-word name must be a thing seen mid-sentence ("Keeps crashing" tags "Keeps" as a proper noun) and
            # not a date ("September").
            nouns = {t.lower_ for t in doc if t.pos_ in ("NOUN", "PROPN") and not t.is_sent_start
                     and t.ent_type_ not in ("DATE", "TIME")}
            for tok in set(tokens(text)):
                # A one-word name must be a thing ("notifications"), or an acronym the tagger may misread ("SSO").
                acronym = len(tok) <= 5 and re.search(rf"\b{re.escape(tok.upper())}\b", text) is not None
                if tok not in LEXICON and (tok in nouns or acronym):
                    found_here.setdefault(_stem(tok), tok.upper() if acronym else tok)
            for key, form in found_here.items():
                found[k][key] += 1
                surface[k].setdefault(key, Counter())[form] += 1
    spread: Counter[str] = Counter()
    word_spread: Counter[str] = Counter()
    for counts in found.values():
        spread.update(counts.keys())
        word_spread.update({w for key in counts for w in key.split()})
    out: dict[str, list[str]] = {}
    fallback_needed = []
    for k, ts in zip(keys, texts):
        size = max(len(ts), 1)
        scored = []
        for key, n in found[k].items():
            if size >= 4 and n < 2:
                continue  # one person's wording is not the group's
            # A phrase ("freeze my card") reads as a need where its head noun alone ("card") does not.
            # A phrase is as distinctive as its most distinctive word: "Chase account" is said in one need, but
            # "chase" (a bank's name) and "account" are said in most of them, so it does not name that one need.
            common = max(spread[key], min(word_spread[w] for w in key.split()))
            weight = (n / size) * math.log(1 + len(keys) / common) * (2.5 if " " in key else 1.0)
            scored.append((weight, n, key))
        scored.sort(key=lambda w: (-w[0], w[2]))
        chosen: list[str] = []
        used: set[str] = set()
        if scored and " " not in scored[0][2]:
            # A lone word ("bank") reads better inside the phrase most items use it in ("bank sync").
            word = _stem(scored[0][2])
            wider = [w for w in scored if " " in w[2] and word in {_stem(x) for x in w[2].split()} and w[1] >= 0.35 * size]
            if wider:
                best = max(wider, key=lambda w: (w[1], w[0]))
                scored = [best] + [w for w in scored if w is not best]
        for weight, n, key in scored:
            words = {_stem(w) for w in key.split()}
            if words & used or (chosen and n < min_share * size):
                continue
            if not chosen and size >= 5 and n < first_share * size:
                if mixed is not None:
                    mixed[k] = [surface[k][w[2]].most_common(1)[0][0] for w in scored[:2]]
                break  # no phrase most items share ("ideas" from 2 of 40 "love it" reviews): no topic name
            chosen.append(surface[k][key].most_common(1)[0][0])
            used |= words
            if len(chosen) == top:
                break
        out[k] = one_topic(chosen, ts)
        if not chosen and size < 5:
            fallback_needed.append(k)
    if fallback_needed:
        for k, words in keyphrases({k: groups[k] for k in fallback_needed}, top=top).items():
            out[k] = words
    return out


_SPAN_WORD = re.compile(r"[a-z0-9][a-z0-9+#'\-]*")
SPAN_GAP = 2  # words allowed between the two phrases of a name inside the items' own phrase
SPAN_WORDS = 5  # the longest phrase a name is taken from


def _find(seq: list[str], part: list[str]) -> list[int]:
    return [i for i in range(len(seq) - len(part) + 1) if seq[i:i + len(part)] == part]


def one_topic(chosen: Sequence[str], texts: Sequence[str]) -> list[str]:
    """Phrases that name one topic, not two keywords side by side: when the items themselves say the first two
    phrases together ("custom lock screen wallpaper" for "wallpaper" and "custom"; "home button" for "pressing button"
    and "home"), the name is the words they say most often (in 2+ items and a fifth of them), and further lone words
    are dropped; otherwise the phrases stay as they are ("Card freeze and blocked card" names two sides of one need).
    "Wallpaper and custom" read as two keywords where the items say "custom wallpapers"."""
    if len(chosen) < 2:
        return list(chosen)
    split = [[_stem(w) for w in _SPAN_WORD.findall(t.lower())] for t in texts]
    raws = [re.findall(r"[A-Za-z0-9][A-Za-z0-9+#'\-]*", _PLACEHOLDER.sub(" ", t)) for t in texts]

    def anchor(phrase: str) -> list[str]:
        # the phrase as written when the items say it so; else its head word ("pressing button" is "pressing the
        # home button" in the items)
        words = [_stem(w) for w in _SPAN_WORD.findall(phrase.lower())]
        return words if any(_find(ws, words) for ws in split) else words[-1:]

    first, second = anchor(chosen[0]), anchor(chosen[1])
    spans: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for raw, words in zip(raws, split):
        found: dict[str, str] = {}
        for i in _find(words, first):
            for j in _find(words, second):
                lo, hi = min(i, j), max(i + len(first), j + len(second))
                gap = hi - lo - len(first) - len(second)
                if 0 <= gap <= SPAN_GAP and hi - lo <= SPAN_WORDS and not set(words[lo:hi]) & {"and", "or", "but"}:
                    found.setdefault(" ".join(words[lo:hi]), " ".join(raw[lo:hi]))
        for key, form in found.items():
            spans[key] += 1
            forms.setdefault(key, Counter())[form] += 1
    if spans:
        key, n = min(spans.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
        if n >= max(2, 0.2 * len(texts)):
            form = forms[key].most_common(1)[0][0]
            # Acronyms keep their capitals; other words are lower-cased as in the phrases.
            form = " ".join(w if w.isupper() and len(w) <= 5 else w.lower() for w in form.split())
            return [form, *[c for c in chosen[2:] if " " in c]]
    return list(chosen)

