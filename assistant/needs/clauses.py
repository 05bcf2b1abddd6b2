"""Problem clauses: the parts of a review that report a problem or ask for something, even inside praise.

Why: a review's overall tone and its type decide where it is clustered, but a five-star review often carries one
complaint after a contrast or in its second sentence. On one app's reviews the praise needs held "The app is
extremely amazing ... but anyone can access through my phone because there is no security", "Sometimes my phone gets
unlocked while in pocket, which is annoying", "Dosent work... on my Sony Aquos device", "Working good Eating a lot of
battery"; on another's "refuses to display some pages", "make the recent viewed comics list a bit bigger". The
sentence cues of triage (assistant/triage/cues.py) miss these: the problem sits in a clause whose sentence is
positive overall, is spelt loosely ("dosent", "doesnt"), is a lack ("there is no X"), or has no cue word at all.

A review is cut into clauses: its sentences, then at contrast words ("but", "however", "though", "except", "only
gripe is"), then where a review's title runs into its text (a lower-case word followed by a capitalised one: "Working
good Eating a lot of battery"). A clause of three words or more reports a problem or asks when
- it names its gripe: "the only gripe is", "one hiccup", "a few hiccups when it comes to .rar files";
- triage's defect or strong request cues fire in it and its own tone is not clearly positive ("works great, no
  problems" is praise);
- its tone is negative by a negative word or a negated positive one (the sentiment lexicon: "which is annoying",
  "not good for rar"; a bare "doesn't" is not enough, "no problems" is positive);
- it says the product has started doing something ("lately it's started going to the lockscreen");
- it denies that the product does something, however spelt ("dosent work", "doesnt read", "refuses to display"), with
  no first-person subject ("I didn't read the description" is the writer, not the product);
- it states a lack ("there is no security", "has no option"), unless what is lacking is trouble ("no complaints");
- it asks for a change by a comparison ("make the list a bit bigger", "would be better if", "would be glad if"), says
  what the product should provide ("they have to provide a pattern lock"), or opens with "needs".
Triage's type of the clause alone (its cues, tone and prototype sentences) was tried as a further test and read 4 of
10 right on one app's praise needs ("Not much to be said", "A lot simpler and cleaner" typed as complaints): left out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.needs.evidence import sentences

_CONTRAST = re.compile(r"(?:^|,?\s+)\b(?:but|however|although|though|tho|except)\b[\s,.:]*", re.IGNORECASE)
# what follows "the only gripe is" is the writer's complaint, however mildly worded
_GRIPE = re.compile(r"\b(?:only|one|just\s+one|my\s+only|small|minor|a\s+few|few|some)\s+(?:gripes?|problems?|issues?|"
                    r"complaints?|hiccups?|downsides?|drawbacks?|thing\s+(?:i\s+)?(?:dislike|don't\s+like|would\s+change))\b",
                    re.IGNORECASE)
# "no complaints", "not had any problems", "nothing to report": a satisfied writer, not a report
_SATISFIED = re.compile(r"\b(?:no|not|never|without|nothing|any)\s+(?:\w+\s+){0,2}?(?:problem|issue|trouble|complain|bug|"
                        r"error|crash|lag|worr|glitch|regret|hassle|fuss|report)\w*", re.IGNORECASE)
_TITLE_RUN = re.compile(r"(?<=[a-z!)])\s+(?=(?!I\b|I'|I’)[A-Z][a-z])")
_NEGATION = (r"(?:\b(?:do|does|did|dos|doe|is|was|are|were|ca|wo|could|would|has|have|had)e?s?e?n['’]?t|\bnot|\bnever"
             r"|\bno\s+longer|\brefuses?\s+to|\bfails?\s+to|\bunable\s+to|\bnot\s+able\s+to)")
# what a product is expected to do; not the writer's own acts ("I didn't read the description")
_FUNCTION = (r"(?:work|load|open|read|display|show|play|run|respond|start|launch|save|detect|recogni[sz]e|unlock|lock|"
             r"turn|wake|sync|connect|download|install|uninstall|update|scroll|zoom|render|support|recover)\w*")
_DENIES = re.compile(rf"{_NEGATION}\s+(?:\w+\s+){{0,2}}?{_FUNCTION}\b", re.IGNORECASE)
_FIRST = re.compile(r"\b(?:i|we|i've|i'm|i'd)\s+(?:\w+\s+)?$", re.IGNORECASE)
_LACK = re.compile(r"\b(?:there\s+is|there's|theres|there\s+are|has|have|had|got)\s+no\s+(\w+)", re.IGNORECASE)
# what a satisfied writer says they have none of ("no complaints", "no trouble at all")
_TROUBLE = re.compile(r"^(?:problems?|issues?|troubles?|complaints?|bugs?|errors?|crash\w*|lags?|ads|adverts?|worr\w*|"
                      r"glitch\w*|regrets?|hassle|fuss|clutter|need)$", re.IGNORECASE)
# the product changed how it behaves: "lately it's started going to the lockscreen", "this app has started eating"
_STARTED = re.compile(r"\b(?:it|this|app)(?:'s|’s|\s+has)?\s+(?:\w+\s+)?started\s+\w+ing\b", re.IGNORECASE)
# "I would've lost hundreds of photos if it wasn't for this app": what the product saved the writer from
_COUNTERFACTUAL = re.compile(r"\bif\s+it\s+(?:wasn't|wasnt|weren't|werent|was\s+not|were\s+not|hadn't|had\s+not)\s+(?:been\s+)?"
                             r"for\b", re.IGNORECASE)
_COMPARE_ASK = re.compile(
    r"\bmake\s+(?:\w+\s+){1,6}?(?:more\s+\w+|\w+er)\b|\b(?:will|would|could|'d)\s+be\s+(?:even\s+|much\s+|a\s+lot\s+)?"
    r"(?:better|nicer|perfect|great|awesome|good|glad|happy|grateful)\s+if\b|^(?:it\s+|this\s+app\s+|app\s+)?needs\s+\w+"
    r"|\b(?:should|ought\s+to|have\s+to|has\s+to|need\s+to|must)\s+(?:\w+\s+)?(?:provide|add|include|give|offer|support|"
    r"bring|allow|let)\b", re.IGNORECASE)
STRONG = 1.5  # a negated positive word this strong is a complaint ("not good"); "nothing like" is an idiom
POSITIVE = 0.3  # a clause at least this positive by the lexicon is praise whatever cue it holds ("no problems")


def clauses(text: str) -> list[str]:
    """The text cut at sentences and contrast words, plus the parts of a clause where a title runs into the text
    (both kept: "Needs Korean support" must not lose its verb to the capital); parts of three words or more."""
    out: list[str] = []
    for sentence in sentences(text) or [" ".join(text.split())]:
        for part in _CONTRAST.split(sentence):
            part = part.strip(" ,.;:-")
            runs = [x.strip(" ,.;:-") for x in _TITLE_RUN.split(part)]
            out += [part, *runs] if len(runs) > 1 else [part]
    return list(dict.fromkeys(x for x in out if len(x.split()) >= 3))


def _denies(clause: str) -> bool:
    return any(not _FIRST.search(clause[:m.start()]) for m in _DENIES.finditer(clause))


def _lacks(clause: str) -> bool:
    from assistant.triage.sentiment import LEXICON

    return any(not _TROUBLE.match(w) and LEXICON.get(w.lower(), 0.0) >= 0 for w in _LACK.findall(clause))


def _tone(clause: str) -> tuple[float, bool]:
    """(lexicon score, whether a word other than a bare negator carries negative valence or a positive word is
    negated: "not good for rar" is negative, "doesn't ruin it" is not negative by "doesn't" alone)."""
    from assistant.triage.sentiment import LEXICON, NEGATIONS, _tokens, lexicon_score

    tokens = _tokens(clause)
    return lexicon_score(clause), any(
        (LEXICON.get(t, 0.0) < 0 and t not in NEGATIONS)
        or (LEXICON.get(t, 0.0) >= STRONG and any(p in NEGATIONS for p in tokens[max(0, k - 2):k]))
        for k, t in enumerate(tokens))


def worded_problem(clause: str) -> bool:
    """The clause reports a problem or asks (the rules of the module docstring)."""
    from assistant.triage.cues import extract

    if _GRIPE.search(clause):
        return True
    if _denies(clause) or _lacks(clause) or _COMPARE_ASK.search(clause) or _STARTED.search(clause):
        return True
    tone, negative = _tone(clause)
    if _SATISFIED.search(clause) and not negative or _COUNTERFACTUAL.search(clause):
        return False
    c = extract(clause)
    return bool(c.bug or c.asks) and tone < POSITIVE or (tone <= -0.05 and negative)


def problem_clauses(texts: Sequence[str]) -> list[list[str]]:
    """Per text, its clauses that report a problem or ask (see the module docstring), in order."""
    return [list(_problem_clauses(t)) for t in texts]


@functools.lru_cache(maxsize=65536)
def _problem_clauses(text: str) -> tuple[str, ...]:
    # one build reads the same reviews in three steps (praise needs, fit, one problem per need)
    return tuple(x for x in clauses(text) if worded_problem(x))


# clause text -> its vector, per embedding model: one build embeds the same problem clauses in three steps
_VECTORS: dict[tuple[str, str], np.ndarray] = {}
_VECTORS_MAX = 100_000


# item ids -> {id: (vector, topic terms)} of what each item reports
Focus = Callable[[list[str]], dict[str, tuple[np.ndarray, set[str]]]]


def focus(texts: dict[str, str], embed) -> Focus:  # type: ignore[no-untyped-def]
    """A function giving, for item ids, {id: (vector, topic terms)} of what each item reports: the mean of its
    problem clauses' embeddings (normalised) and their terms; items with no problem clause are left out."""
    from assistant.needs.asks import topic_terms

    def said(ids: list[str]) -> dict[str, tuple[np.ndarray, set[str]]]:
        found = dict(zip(ids, problem_clauses([texts[i] for i in ids])))
        parts = sorted({x for xs in found.values() for x in xs})
        if not parts:
            return {}
        model = str(getattr(getattr(embed, "__self__", None), "name", "") or "")
        fresh = [x for x in parts if not model or (model, x) not in _VECTORS]
        got = dict(zip(fresh, np.asarray(embed(fresh), dtype=np.float32))) if fresh else {}
        if model and len(_VECTORS) + len(got) <= _VECTORS_MAX:
            _VECTORS.update(((model, x), v) for x, v in got.items())
        made = {x: got[x] if x in got else _VECTORS[(model, x)] for x in parts}
        out = {}
        for iid, xs in found.items():
            if xs:
                v = np.mean([made[x] for x in xs], axis=0)
                out[iid] = (v / max(float(np.linalg.norm(v)), 1e-9), set().union(*(topic_terms(x) for x in xs)))
        return out

    return said
