"""What the feedback says a problem costs its writer, and the wishes and rules an ask answers to: the raw clauses
reasons.py turns into a benefit in the writer's words.

"On my S6, I have to swipe and then unlock" and "makes me do a hard reset" (a step they no longer want to take),
"it crashed and I lost all my notes" (what the failure takes from them), "because I'd love to use this as my
lockscreen" (the wish the ask serves), "Under the new privacy law we must ..." (the rule the ask answers to).
General English only: grammar words, the parse, and lemminflect's dictionary, no word about any product.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lemminflect import getAllLemmas

from assistant.stories.nlp import join_tokens, lower_first

# a workaround the writer is stuck with now: "On my S6, I have to swipe and then unlock", "I'm having to use another
# app" (the writer must be the subject, of a statement: "you will have to look in the controls" instructs,
# "do i have to ..." asks)
_HAVING_TO = re.compile(r"(?<!\bif )(?<!\bdo )(?<!\bdoes )(?<!\bdid )(?<!\bwill )(?<!\bwould )\b(i|we)\s*"
                        r"(?:still\s+|always\s+|now\s+)?"
                        r"(?:have to|'m having to|am having to|are having to|'re having to|keep having to)\s+"
                        r"([^.!?;,]{3,80})", re.I)
# what the product makes them do: "makes me do a hard reset", "forced us to re-enter everything"
_MAKES_ME = re.compile(r"\b(?:makes?|made|making|forces?|forced|forcing)\s+(me|us)\s+(?:to\s+)?"
                       r"([a-z]+[^.!?;,]{2,80})", re.I)
# an authority the ask answers to: "Under the new privacy law we must ...", "The regulator requires us to ..."
_UNDER = re.compile(r"\bunder\s+((?:the\s+|our\s+)?[a-z][\w -]{1,40}?)\s*,?\s+(?:we|i)\s+(?:must|have to|need to"
                    r"|are required to|are obliged to)\b", re.I)
_REQUIRES = re.compile(r"(?:^|[.!?;]\s+)((?:the|our|a|an)\s+[a-z][\w -]{1,40}?)\s+(?:requires|required|obliges|obliged)"
                       r"\s+(?:us|me)\s+to\b", re.I)
# a wish the ask serves: "because I'd love to use this as my actual lockscreen"
_BECAUSE_WANT = re.compile(r"\b(?:because|since|as)\s+(i|we)\s*(?:'d|would|really|do)?\s*(?:really\s+)?"
                           r"(?:love|like|want|need|wish)\s+to\s+([^.!?;,]{3,80})", re.I)
# "add a fingerprint option to be able to unlock faster" (a purpose; "I'd love to be able to X" is the ask itself)
_TO_BE_ABLE = re.compile(r"\b(\w+)\s+to be able to\s+([^.!?;,]{3,80})", re.I)
_WISH = {"love", "like", "want", "wish", "need", "hope", "nice", "great", "good", "cool", "able", "wanted", "needed",
         "used", "supposed", "going", "be", "is", "was", "are", "seem", "seems", "expect", "expected", "try", "tried"}
# a state or feeling "makes me" have is a verdict, not a step it costs ("makes me want to throw my phone")
_MENTAL = {"want", "feel", "think", "wonder", "wish", "like", "love", "hate", "laugh", "cry", "smile", "regret", "sad",
           "happy", "angry", "mad", "crazy", "sick", "so", "very", "really", "more", "less", "a", "an", "the", "it"}
# saying or judging is no step a product costs its writer ("I have to say ...", "I had to give it 5 stars")
_SAYING = {"say", "admit", "agree", "give", "rate", "be", "tell", "mention", "note", "ask", "point", "wonder", "add",
           "thank", "congratulate", "recommend", "disagree", "complain"}
_PEOPLE = {"i", "we", "you", "he", "she", "they", "someone", "somebody"}


def wishes(text: str) -> Iterator[tuple[str, str]]:
    """(who, what they could then do): 'because I'd love to use this as my lockscreen' -> ('I', 'use this as my
    lockscreen'); 'add a fingerprint option to be able to unlock faster' -> ('I', 'unlock faster')."""
    for m in _BECAUSE_WANT.finditer(text):
        yield m.group(1), m.group(2)
    for m in _TO_BE_ABLE.finditer(text):
        if m.group(1).lower() not in _WISH:
            yield "I", m.group(2)


def obligation(text: str) -> str:
    """'Under the new privacy law we must let users delete ...' -> 'we comply with the new privacy law'; 'The
    regulator requires us to offer ...' -> 'we meet what the regulator requires': the authority the ask answers to."""
    if m := _UNDER.search(text):
        return f"we comply with {m.group(1).strip()}"
    if m := _REQUIRES.search(text):
        return f"we meet what {lower_first(m.group(1).strip())} requires"
    return ""


def workarounds(text: str, ask_verb: str = "") -> Iterator[tuple[str, str]]:
    """(who, the step it costs them): 'On my S6, I have to swipe' -> ('I', 'swipe'), 'makes me do a hard reset' ->
    ('me', 'do a hard reset'). A text opening with "I have to <its ask>" states the ask, not a workaround."""
    for m in _HAVING_TO.finditer(text):
        if re.search(r"[a-z]", text[:m.start(1)], re.I) and not (ask_verb and m.group(2).lower().startswith(ask_verb)):
            yield m.group(1), m.group(2)
    for m in _MAKES_ME.finditer(text):
        if m.group(2).split()[0].lower() not in _MENTAL:
            yield m.group(1), m.group(2)


def costs(action: str) -> bool:
    """A step the writer takes (not 'say', 'admit', 'give it 5 stars': framing and verdicts cost nothing)."""
    first = action.split()[0].lower() if action.split() else ""
    return bool(first) and first not in _SAYING


def lost(sent: Any) -> tuple[str, str]:
    """'zzzz keeps crashing losing all my work' -> 'I do not lose my work': what the product's failure takes from
    the writer. The writer's own loss ('i lost my card', subject I/we) is their mishap, not the product's cost."""
    for t in sent:
        if t.lemma_ != "lose" or t.pos_ != "VERB" or any(c.dep_ == "neg" for c in t.children):
            continue
        obj = next((c for c in t.children if c.dep_ == "dobj"), None)
        subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if obj is None or not any(c.dep_ == "poss" and c.lower_ in ("my", "our") for c in obj.children):
            continue
        if subj is not None and subj.lower_ in ("i", "we") and not _after_failure(t):
            continue
        if subj is None and t.dep_ not in ("advcl", "xcomp", "conj", "acl", "pcomp"):
            continue  # "Lost my card" with no one acting: the writer's report of a mishap
        head = obj
        if "NOUN" not in getAllLemmas(obj.lower_):  # "losing all my work zzzz": the parse took a name for the head
            head = next((c for c in obj.children if c.dep_ == "compound" and "NOUN" in getAllLemmas(c.lower_)), None)
        words = [w for w in obj.subtree if head is not None and w.i <= head.i and w.lower_ not in ("all", "any", "every")]
        if head is None or head.pos_ != "NOUN" or not words or any(not w.is_alpha for w in words):
            continue
        who = "we" if any(w.lower_ == "our" for w in words) else "I"
        return f"{who} do not lose {join_tokens([w.text for w in words])}", "lose"
    return "", ""


def _after_failure(verb: Any) -> bool:
    """'it crashed and I lost all my notes', 'I lost my work when it froze': the loss follows what the product did
    (a clause beside it whose subject is the product, not a person)."""
    near = [c for c in verb.children if c.dep_ in ("advcl", "conj")]
    if verb.dep_ == "conj":
        near.append(verb.head)
    for other in near:
        subj = next((c for c in other.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.lower_ not in _PEOPLE:
            return True
    return False
