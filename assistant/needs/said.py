"""What a need's items say, in their own words, for its statement: the clause most of its problem items state (the
medoid of their problem sentences by embedding) and the action they ask for, when their parsed asks share one.

A statement built from keywords ("Users report problems with beer and budget", "Users ask for ac display and bar"
of items asking to *remove* the icon) reads as a template; the items' own clause and verb phrase do not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.models import FeedbackItem

CLAUSE_ITEMS = 40  # problem items read per need, most central first: enough for its medoid, bounded for big inboxes
CLAUSE_CHARS = 140
ASK_SHARE = 0.25  # the share of the need's asking items that must share an action for it to be theirs
_CONTEXT_VERBS = frozenset("use have do get like love try want need know be go".split())
MIN_WORDS = 4  # a shorter sentence ("Fix this plz") is central because it says nothing


def _trim(text: str, limit: int = CLAUSE_CHARS) -> str:
    text = " ".join(text.split()).strip(" .,;:-")
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # end at a clause boundary when one is near the end, else at a word
    at = max(cut.rfind(p) for p in (",", ";", " - ", " but ", " and "))
    cut = cut[:at] if at > limit // 2 else cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


_CONTRAST = re.compile(r"\b(?:but|however|except|though|only (?:problem|issue|thing|complaint|downside) is)\b[,:]?\s*",
                       re.IGNORECASE)


def after_praise(sentence: str) -> str:
    """The part of a sentence after its praise: "Amazing app I love this app the only problem is, it takes much RAM" ->
    "it takes much RAM" (a quote keeps the writer's words as written). A sentence whose words before the last contrast ("but", "however", "the only problem is")
    are praise (a positive word of triage's lexicon) and that goes on for three words or more is quoted from there."""
    from assistant.triage.sentiment import LEXICON

    cut = list(_CONTRAST.finditer(sentence))
    if not cut:
        return sentence
    before, rest = sentence[:cut[-1].start()], sentence[cut[-1].end():].strip()
    praised = any(LEXICON.get(w, 0) > 0 for w in re.findall(r"[a-z']+", before.lower()))
    return rest if praised and len(rest.split()) >= 3 else sentence


def from_problem(text: str) -> str:
    """A text from its first sentence that is not praise alone (a positive word of triage's lexicon and no defect,
    request or complaint cue), that sentence from where its praise ends (after_praise): "Love the design. It's super
    sleek. But since marshmallow it's stopped working. Hope it comes back" -> "But since marshmallow it's stopped
    working. Hope it comes back". The whole text when every sentence is praise."""
    from assistant.needs.evidence import _SENTENCE
    from assistant.triage.cues import extract
    from assistant.triage.sentiment import LEXICON

    parts = [p for p in _SENTENCE.split(" ".join(text.split())) if p.strip()]
    for k, part in enumerate(parts):
        cue = extract(part)
        if cue.bug or cue.request or cue.complaint or not any(
                LEXICON.get(w, 0) > 0 for w in re.findall(r"[a-z']+", part.lower())):
            return " ".join([after_praise(part), *parts[k + 1:]])
    return " ".join(text.split())


def problem_sentences(items: Sequence[FeedbackItem]) -> list[tuple[str, str]]:
    """(item id, sentence) of each item's sentences that report a problem or ask (triage's cues), from where their
    praise ends (after_praise); all of an item's sentences when none does, so a one-line report ("Can't uninstall.")
    is one sentence."""
    from assistant.needs.evidence import sentences
    from assistant.triage.cues import extract

    out = []
    for it in items:
        parts = sentences(it.text) or [" ".join(it.text.split())]
        cued = [after_praise(p) for p in parts if (c := extract(p)).bug or c.request or c.complaint]
        out += [(it.id, p) for p in (cued or parts)]
    return out


def clause(items: Sequence[FeedbackItem], vec: Mapping[str, np.ndarray], embedder) -> str:  # type: ignore[no-untyped-def]
    """The sentence the need's problem items state most (the medoid of their problem sentences: the one closest to
    all the others), trimmed; "" without items. Items come most central first; one-sentence items reuse their
    stored vector, so only the sentences of longer items are embedded."""
    if len(items) == 1:
        # one writer: which of their sentences is "central" is arbitrary ("Hope it comes back soon" over "since my
        # phone updated to marshmallow it's stopped working"), so their words as written from where the praise
        # before the problem ends, trimmed
        return _trim(from_problem(items[0].text))
    pairs = problem_sentences(list(items)[:CLAUSE_ITEMS])
    if not pairs:
        return ""
    whole = {it.id: " ".join(it.text.split()) for it in items}
    fresh = sorted({s for i, s in pairs if not (s == whole.get(i) and i in vec)})
    made = dict(zip(fresh, np.asarray(embedder.embed(fresh), dtype=np.float32))) if fresh else {}
    mat = np.stack([vec[i] if s == whole.get(i) and i in vec else made[s] for i, s in pairs]).astype(np.float32)
    mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-9)
    # sentences with something to say are preferred; each item counts once, so one long review does not vote for
    # its own sentences
    owners = [i for i, _ in pairs]
    weight = np.array([1.0 / owners.count(i) for i in owners], dtype=np.float32)
    score = (mat @ mat.T) @ weight
    long_enough = [k for k, (_, s) in enumerate(pairs) if len(s.split()) >= MIN_WORDS] or list(range(len(pairs)))
    best = max(long_enough, key=lambda k: (round(float(score[k]), 6), -len(pairs[k][1]), pairs[k][1]))
    return _trim(pairs[best][1])


_PLEASE = frozenset(("please", "pls", "plz", "kindly"))
ASK_WORDS = 8  # a longer phrase is a story, not the action the items share


@dataclass(frozen=True)
class _Asked:
    verb: str
    obj_head: str
    phrase: str
    kind: str = "request"
    pronoun: bool = False
    item_id: str = ""


def imperatives(items: Sequence[FeedbackItem]) -> list[_Asked]:
    """The plain requests the drafting's parse misses because a review's title runs into its text ("Some issues
    Please remove the acdisplay in my notification bar!", "Good Remove the ac …"): a verb with an object that is
    asked for (a "please" on it) or has no subject, read from the lower-cased problem sentences."""
    from assistant.needs.evidence import sentences
    from assistant.stories.nlp import parse

    # every sentence: the cues miss plain imperatives ("Good Remove the ac in the notification bar"), the parse does not
    pairs = [(it.id, p) for it in items for p in (sentences(it.text) or [" ".join(it.text.split())])]
    out = []
    for (item_id, _), doc in zip(pairs, parse([s.lower() for _, s in pairs])):
        for tok in doc:
            kids = list(tok.children)
            obj = next((c for c in kids if c.dep_ in ("dobj", "obj") and c.pos_ in ("NOUN", "PROPN")), None)
            if tok.pos_ != "VERB" or obj is None or tok.tag_ not in ("VB", "VBP"):
                continue
            asked = any(c.lower_ in _PLEASE for c in kids) or (tok.i > 0 and doc[tok.i - 1].lower_ in _PLEASE)
            if not asked and any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in kids):
                continue
            words = [tok, *obj.subtree, *(t for c in kids if c.dep_ == "prep" and c.i > obj.i for t in c.subtree)]
            phrase = " ".join(t.text for t in sorted(set(words), key=lambda t: t.i) if not t.is_punct)
            if len(phrase.split()) <= ASK_WORDS:
                out.append(_Asked(tok.lemma_.lower(), obj.lemma_.lower(), phrase, item_id=item_id))
            break
    return out


@dataclass(frozen=True)
class Shared:
    """The action most of a need's asking items ask for: its kind and phrase (shared_ask) and every ask of it, one
    or more per item (an Ask of the drafting's reading or an _Asked of imperatives), whose item ids are its askers."""

    kind: str
    phrase: str
    asks: tuple[Any, ...]

    @property
    def item_ids(self) -> list[str]:
        return list(dict.fromkeys(a.item_id for a in self.asks))


def shared_ask(items: Sequence[FeedbackItem], subject: str = "") -> tuple[str, str]:
    """(kind, phrase) of the action most of the need's asking items ask for, in their words ("remove the acdisplay
    in my notification bar", "add custom lock screen wallpaper"), from the parse the drafting uses; ("", "") when
    fewer than two items, or fewer than ASK_SHARE of the asking ones, share a verb and object, or the phrase is
    garbled. kind: "request" (they ask for it) or "problem" (they report it fails)."""
    found = shared(items, subject)
    return (found.kind, found.phrase) if found else ("", "")


def shared(items: Sequence[FeedbackItem], subject: str = "") -> Shared | None:
    """The shared action of shared_ask with the asks that ask it (the drafting turns it into a goal citing them:
    assistant.stories.named.said_goal); None when there is none."""
    from assistant.needs.naming import _ASK_VERBS
    from assistant.stories.asks import read_asks
    from assistant.stories.split import representative
    from assistant.verify import garbled_reason

    items = list(items)[:CLAUSE_ITEMS]
    # every action each item asks for: the drafting's reading (its main ask and the others it found) and the plain
    # requests it missed; a long review asks for several things, and the one most items share is the need's
    asks: list[Any] = []
    for a in read_asks(items, subject).values():
        asks += [x for x in (a, *a.others) if x.verb] if a else []
    asks += imperatives(items)
    if not asks:
        return None
    writers = len({a.item_id for a in asks})

    def top(key: Any, keep: Any = lambda a: True) -> tuple[Any, int]:
        by: dict[Any, set[str]] = {}
        for a in asks:
            if keep(a):
                by.setdefault(key(a), set()).add(a.item_id)
        return min(((k, len(v)) for k, v in by.items()), key=lambda kv: (-kv[1], str(kv[0])), default=(None, 0))

    # "use my card" is the context of a question about fees, not what is asked: a verb of that kind needs its object
    # to be what the items ask for, which only a verb with a meaning of its own shows
    pair, n = top(lambda a: (a.verb, a.obj_head), lambda a: a.verb not in _CONTEXT_VERBS)
    same = [a for a in asks if (a.verb, a.obj_head) == pair]
    if n < 2 or n < ASK_SHARE * writers:
        # one specific action on things they name differently ("remove the ac" / "remove the acdisplay"); a verb
        # any ask uses ("add", "make") says nothing without its object
        verb, n = top(lambda a: a.verb, lambda a: a.verb not in _ASK_VERBS)
        if n < 2 or n < ASK_SHARE * writers:
            return None
        same = [a for a in asks if a.verb == verb]
    # the phrasing whose words the other writers use too: "pay my bill", not one writer's "pay my con edison bill"
    said = [(a, set(a.phrase.lower().split())) for a in same]
    odd = {id(a): sum(1 for w in ws if not any(w in o for b, o in said if b.item_id != a.item_id)) for a, ws in said}
    rep = representative([a for a in same if odd[id(a)] == min(odd.values())])
    phrase = " ".join(rep.phrase.split())
    if not phrase or garbled_reason(phrase) is not None:
        return None
    return Shared("request" if rep.kind == "request" else "problem", phrase, tuple(same))
