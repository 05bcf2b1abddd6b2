"""Who does what the writers describe doing: the English agent noun of their own activity ("I read comics" ->
reader, "I buy comics here" -> buyer), for a role the evidence supports in its own words.

General English only, no list of roles: a small morphological rule makes the candidate noun (read -> reader,
use -> user), lemminflect's dictionary and the embedder's vocabulary say it is a common English noun, and the
local embedding model says it names a person rather than a thing ("a reader" sits nearer "a person who reads"
than "a thing that reads"; "opener", "freezer", "loader" and "installer" do not), so no role is ever a device.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from assistant.quality_rules import nlp
from assistant.verify.terms import FRAMING

# a person reads clearly nearer "a person who reads" than "a thing that reads" (cosines): reader 0.11, payer 0.28,
# viewer 0.14; things stay below (opener -0.06, freezer -0.06, loader 0.005, tracker 0.06, installer -0.01)
PERSON_MARGIN = 0.1
_SELF = {"i", "we"}
_ME = {"me", "us"}
_VOWELS = set("aeiou")
# what happens to the writer rather than what they set out to do ("I lost my card" makes no "loser")
_HAPPENS = {"lose", "forget", "miss", "fail", "suffer", "die", "break", "crash", "receive", "win"}


@functools.cache
def _not_activity() -> frozenset[str]:
    """Verbs whose agent noun says nothing of the writer: framing, talking to the vendor (NOT_ASK's say, tell,
    contact, and "report": a customer reporting a lost card is no "reporter"), liking it, what happens to them."""
    from assistant.stories.lexicon import NOT_ASK, PRAISE  # (lazily: the stories package imports the gate)

    return frozenset(FRAMING | NOT_ASK | PRAISE | _HAPPENS | {"report", "be", "can", "will", "would", "should"})


def _candidates(verb: str) -> list[str]:
    """read -> reader, use -> user, shop -> shopper, copy -> copier, play -> player."""
    if verb.endswith("e"):
        return [verb + "r"]
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in _VOWELS:
        return [verb[:-1] + "ier"]
    out = [verb + "er"]
    if (len(re.findall(r"[aeiou]+", verb)) == 1 and verb[-1] not in _VOWELS | {"w", "x", "y"}
            and verb[-2] in _VOWELS and verb[-3:-2] and verb[-3] not in _VOWELS):
        out.insert(0, verb + verb[-1] + "er")  # one syllable ending consonant-vowel-consonant doubles
    return out


def _common_noun(word: str) -> bool:
    """An English noun (lemminflect's dictionary) common enough to be one piece of the embedder's WordPiece
    vocabulary: 'reader', 'player', 'buyer', 'viewer' are; 'mover' (move+r), 'payer' (pay+er) are rarer words,
    too often meaning something else ("a mover" carries furniture) to name the writer."""
    from lemminflect import getAllLemmas

    from assistant.stories.goal import _wordpieces  # (lazily: the stories package imports the gate)

    return "NOUN" in getAllLemmas(word) and len(_wordpieces().encode(word, add_special_tokens=False).ids) == 1


def _embed(texts: list[str]) -> Any:
    from assistant.embeddings import LocalEmbedder

    return LocalEmbedder().embed(texts)


@functools.lru_cache(maxsize=512)
def agent_noun(verb: str) -> str | None:
    """The common English noun for a person who does the verb, or None ('open' -> None: an opener is a thing)."""
    verb = verb.lower().strip()
    if not verb.isalpha() or len(verb) < 3 or verb in _not_activity():
        return None
    noun = next((c for c in _candidates(verb) if _common_noun(c)), None)
    if noun is None:
        return None
    third = verb + ("es" if verb.endswith(("s", "sh", "ch", "x", "z")) else "s")
    vec = _embed([f"a {noun}", f"a person who {third}", f"a thing that {third}"])
    return noun if float(vec[0] @ vec[1]) - float(vec[0] @ vec[2]) >= PERSON_MARGIN else None


def activities(text: str) -> set[str]:
    """The verbs a text says its writer does: 'I read comics at night', 'we tried to open the files', 'reading
    .cbr files crashes it'. Requests to the vendor ('fix it', 'add a lock') and what the product does are not
    the writer's activity."""
    out: set[str] = set()
    for tok in nlp.parse(text):
        if tok.pos_ != "VERB" or tok.lemma_.lower() in _not_activity():
            continue
        if _by_writer(tok):
            out.add(tok.lemma_.lower())
    return out


def _by_writer(tok: Any) -> bool:
    """The writer does it: 'I read', 'we tried to open', 'allowed me to read', 'easy to read', 'crashes reading
    cbr files', and the subject left out of a review's "Cant open CBR files" (can, unlike an order to the vendor:
    "Fix it", or what the product does not do: "doesnt read from SD card")."""
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        return subjects[0].lower_ in _SELF and subjects[0].dep_ == "nsubj"
    if tok.dep_ == "ROOT":  # "Cant open CBR files" is the writer; "doesnt read from SD card" is the app
        return any(c.tag_ == "MD" and c.lower_ in ("ca", "can", "could", "cannot") for c in tok.children)
    if tok.dep_ in ("xcomp", "ccomp", "advcl", "pcomp", "acl", "csubj", "pobj"):
        head = tok.head  # "I tried to open", "I want to read", "crashes when reading", "problem with opening"
        while head.dep_ in ("xcomp", "conj") and head.head is not head:
            head = head.head
        if head.pos_ == "ADJ" or any(c.dep_ in ("dobj", "dative") and c.lower_ in _ME for c in head.children):
            return True  # "easy to read", "allowed me to read"
        subj = [c for c in head.children if c.dep_ == "nsubj"]
        return not subj or subj[0].lower_ in _SELF
    return False


def activity_role(doings: Iterable[set[str]], share: float = 0.5) -> str | None:
    """The agent noun of the activity most items describe (at least `share` of them, two at least when there are
    two or more), or None. `doings`: per item, the verbs its writer does (activities(), plus the verb of its ask)."""
    doings = list(doings)
    if not doings:
        return None
    counts: dict[str, int] = {}
    for verbs in doings:
        for verb in verbs:
            counts[verb] = counts.get(verb, 0) + 1
    need = max(min(2, len(doings)), share * len(doings))
    for verb, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < need:
            break
        if noun := agent_noun(verb):
            return noun
    return None


def supports_agent(noun: str, texts: Iterable[str]) -> bool:
    """Gate side, as lenient as 'some word of the role is in the cited items': some item uses the verb whose
    person the noun names ('reader' where an item says 'reading')."""
    if not noun.endswith("r"):
        return False  # no agent noun of the rule (a "customer" is checked word by word, not here)
    return any(tok.pos_ == "VERB" and noun.startswith(tok.lemma_.lower()[:2]) and agent_noun(tok.lemma_.lower()) == noun
               for t in texts for tok in nlp.parse(t))
