"""The benefit of a story: only a reason the feedback itself states, in the customer's words.

"... so I can read at night" -> "I can read at night"; "in order to share it" -> "I can share it"; "because we
have to retype them" -> "we no longer have to retype them"; a stated consequence "we reconcile by hand" -> "we
no longer reconcile by hand". The parse adds what regular expressions miss: a purpose with any subject ("so people
find things"), a gain the ask is the condition of ("a chain will buy the plan if we add SSO"), "I cannot X without
Y" -> "I can X without Y", and a step a person wants to skip ("without starting a round"); costs.py reads what a
problem costs the writer ("makes me do a hard reset", "lost all my work") and the rule an ask answers to ("Under
the new privacy law we must"). A reason is kept only for a story whose goal its sentence speaks of (Reason.about).
Without one, the story gets a visible placeholder and is not Ready.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from assistant.models import BENEFIT_TO_WRITE, Story
from assistant.stories import costs
from assistant.stories.nlp import join_tokens, lower_first, parse
from assistant.stories.phrases import Ask
from assistant.triage.sentiment import LEXICON
from assistant.verify.terms import terms

_SO_THAT = re.compile(r"\b(?:so that\s+|in order that\s+|so\s+(?=(?:i|we|my|our|they|it|people)\b))([^.!?;]{3,120})", re.I)
_ABLE = re.compile(r"(?:i|we|my \w+|our \w+|they|it|people)\s+(?:\w+ly\s+)?(?:can|could|will|would|may|might|'ll|'d"
                   r"|won'?t|wouldn'?t|(?:don'?t|do not|no longer|never)\s+(?:have|need) to|no longer"
                   r"|(?:had|have|has|need|needed|must) to)\b", re.I)  # the last: a workaround it costs them
_IN_ORDER_TO = re.compile(r"\bin order to\s+([^.!?;,]{3,100})", re.I)
_HAVE_TO = re.compile(r"\b(?:because|since|as|otherwise|now)\s+(i|we)\s*(?:always\s+|still\s+)?(?:have|need|must|'m having|"
                      r"am having|are having|'re having) to\s+"
                      r"([^.!?;,]{3,100})", re.I)
_CANNOT = re.compile(r"\b(?:because|since|as)\s+(i|we)\s+(?:can't|cannot|can not|am unable to|are unable to)\s+"
                     r"([^.!?;,]{3,100})", re.I)
# a stated workaround: "we reconcile by hand", "I have to retype everything each time"
_BY_HAND = re.compile(r"\b(i|we)\s+(?:(?:have|need|must) to\s+|end up\s+|still\s+)?([a-z]+(?:\s+[^.!?;,]{0,50}?)?"
                      r"\s+(?:by hand|manually|one by one|every single time|each time|every time))\b", re.I)
# a cost the writer already paid or should not pay: "but I had to search for another app", "in the end I had to go
# with a different viewer", "I shouldn't have to extract every comic" -> they no longer have to
_HAD_TO = re.compile(r"(?:^|[,;]\s*|\b(?:but|and|so|then|end)\s+)(i|we)\s+(?:had to|(?:should ?n[o']?t|should not) have to)\s+"
                     r"([^.!?;,]{3,80})", re.I)
# what the product does to the writer's things: "makes my comics unreadable" -> "my comics are readable"
_MAKES_UN = re.compile(r"\bmakes?\s+((?:my|our)\s+[a-z]+(?:\s[a-z]+)?)\s+un([a-z]{3,}able)\b", re.I)
_WH = re.compile(r"^\W*(?:what|how|where|when|which|who|whom|why|(?:can|could|do|does|did|is|are|will|would|should)"
                 r"\s+(?:i|we|you)\b)\b",
                 re.I)  # a question without its question mark (support chats rarely type one)
# "so that I must 2 restart": a result the writer suffers, not a purpose ("2" is how some write "to")
_WORKAROUND = re.compile(r"^(i|we)\s+(?:(?:had|have|has|need|needed)\s+to|must(?:\s+(?:to|2))?)\s+(.+)$", re.I)
_CAN_NOT = re.compile(r"\b(i|we)\s+(?:can never|can't|cannot|can not|could never|couldn't|could not)\b", re.I)
_CUT = re.compile(r"\s+(?:and then|but|which|because|although|though|in order|(?:just )?so)\s+|,\s*and\s+|\s+and\s+(?=i\b|we\b)", re.I)
# "it", or "this" standing alone ("use this as my lockscreen"); "this software" names its thing (a determiner)
_PRONOUN = re.compile(r"\b(?:it|them|(?:this|that|these|those)(?=\s+(?:as|in|on|at|to|for|with|from|and|or|but|so"
                      r"|again|anymore|any|every|all|one|too|now|here|there|because|when|if)\b|\s*$))\b", re.I)

MIN_WORDS, MAX_WORDS = 3, 16
VERDICT = 1.5  # |valence| from which a word is a verdict on the product, not a reason


class Reason(str):
    """A stated reason that remembers the sentence it was stated in (`about`: its content words), so a story takes
    it only when that sentence speaks of the story's goal: "Under GDPR we must show a privacy notice" gives "we
    comply with GDPR" to a privacy-notice story, never to a story about seeing notifications that happens to cite
    the item."""

    about: frozenset[str]

    def __new__(cls, text: str, sentence: str = "") -> Reason:
        made = super().__new__(cls, text)
        made.about = frozenset(_stems(sentence))
        return made


def _stems(text: str) -> set[str]:
    """Content words cut to five letters: 'notification' and 'notice' differ, 'statements' and 'statement' do not."""
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if w not in _FILLER}


_FILLER = {"to", "my", "the", "a", "an", "our", "their", "your", "its", "it", "them", "this", "that", "of", "for",
           "in", "on", "with", "without", "and", "or", "errors", "error", "i", "we", "can", "be", "is", "are"}


def stated_reason(text: str, ask: Ask | None = None) -> str:
    """The reason one item states for its ask (a Reason), or '' (never made up). Questions state none, also without
    their question mark ("what do i have to do to use my points": support chats rarely type one). The text is
    read whole (the drafter's parse of it is cached); the reason remembers the sentence that shares most of its
    words."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if not s.rstrip().endswith("?") and not _WH.match(s)]
    text = " ".join(sentences)
    if not (reason := _reason(text, ask)):
        return ""
    said = _stems(reason)
    return Reason(reason, max(sentences, key=lambda s: len(_stems(s) & said)))


def _reason(text: str, ask: Ask | None) -> str:
    if text and (reason := _parsed(text, ask)):
        return reason
    if m := _purpose(text):
        clause = lower_first(_cut(m.group(1)))
        if w := _WORKAROUND.match(clause):  # "so I had to switch apps": a consequence, the benefit is its end
            return _tidy(f"{_who(w.group(1))} no longer have to {w.group(2)}", ask)
        clause = _CAN_NOT.sub(r"\1 can", clause)  # "so I can never read many files": the benefit is reading them
        return _tidy(clause, ask)
    # "In order to use this software, you will have to ..." sets a condition for an instruction: no purpose
    if (m := _IN_ORDER_TO.search(text)) and not re.match(r"\s*,\s*you\b", text[m.end():], re.I):
        return _tidy(f"I can {_cut(m.group(1))}", ask)
    if m := _HAVE_TO.search(text):
        return _tidy(f"{_who(m.group(1))} no longer have to {_cut(m.group(2))}", ask)
    if m := _CANNOT.search(text):
        return _tidy(f"{_who(m.group(1))} can {_cut(m.group(2))}", ask)
    for clause in costs.wishes(text):  # "because I'd love to use this as my lockscreen" -> "I can use it as ..."
        if reason := _tidy(f"{_who(clause[0])} can {_cut(clause[1])}", ask):
            return reason
    if reason := costs.obligation(text):
        return reason
    for who, action in [*((m.group(1), m.group(2)) for m in _HAD_TO.finditer(text)),
                        *costs.workarounds(text, ask.verb if ask else "")]:
        if costs.costs(action) and (reason := _tidy(f"{_who(who)} no longer have to {_cut(action)}", ask)):
            return reason
    if m := _MAKES_UN.search(text):
        thing = m.group(1).lower()
        return _tidy(f"{thing} {'are' if thing.endswith('s') else 'is'} {m.group(2).lower()}", ask)
    if m := _BY_HAND.search(text):
        action = _cut(m.group(2))
        if action.split()[0].lower() not in ("have", "need", "must", "am", "are", "was", "were", "do", "did"):
            return _tidy(f"{_who(m.group(1))} no longer have to {action}", ask)
    return _parsed(text, ask, (costs.lost,)) if text else ""


_TEAM = {"we", "you"}  # who builds what is asked: "if we add single sign-on" (a review's "if you ..." is no gain)
_ME = {"i", "we"}
_OBJ_PRONOUN = {"us", "me", "you"}  # "without calling us": who is called is the team, not part of the gain


def _parsed(text: str, ask: Ask | None, finders: Sequence[Any] = ()) -> str:
    """Reasons the parse finds (general English grammar, no topic words), in the order a reader trusts them:
    a purpose "so <anyone> <verb> ..." ("so people find things"), a gain the ask is the condition of ("a chain will
    buy the plan if we add SSO"), a cost the writer suffers ("I cannot uninstall without a device reset" -> "I can
    uninstall without a device reset"), and a wish to do without a step ("without calling us" -> "I do not have
    to call")."""
    doc = parse([text])[0]
    for find in finders or (_so_clause, _gain_if, _cannot_without, _without_step):
        for sent in doc.sents:
            reason, action = find(sent)
            # a reason of framing words only ("I do not have to call": 'call' is an English stop word) names
            # nothing the gate's generic_benefit check can find in the item: the placeholder is more honest
            if reason and (reason := _tidy(reason, ask, action)) and terms(reason).lemmas:
                return reason
    return ""


def _span_text(tokens: Sequence[Any]) -> str:
    return join_tokens([t.text for t in tokens if t.dep_ != "punct" or t.text in "-/"])


def _so_clause(sent: Any) -> tuple[str, str]:
    """'Redesign the main screen so people find things' -> 'people find things': the clause a mid-sentence 'so'
    (or 'so that') opens, when it has its own subject that is a noun (not 'it'/'this': a result, not a purpose)
    and no condition. I/we clauses with a modal are read by the patterns below."""
    for t in sent:
        if t.lower_ != "so" or t.dep_ not in ("mark", "advmod") or t.i == sent.start or t.head.pos_ not in ("VERB", "AUX"):
            continue
        verb = t.head
        subj = [c for c in verb.children if c.dep_ == "nsubj" and c.i > t.i]
        if verb.i < t.i or not subj or subj[0].pos_ not in ("NOUN", "PROPN") or verb.tag_ in ("VBD", "VBN"):
            continue
        tokens = [w for w in verb.subtree if w.i > t.i and w.lower_ != "that" or w.i > t.i + 1]
        if any(w.lower_ in ("if", "whether") for w in tokens):
            continue
        return _cut(_span_text(tokens)), ""
    return "", ""


def _gain_if(sent: Any) -> tuple[str, str]:
    """'A retail chain will buy the business plan if we add SSO' -> 'a retail chain with 2,000 devices will buy
    the business plan': the main clause of a future-tense sentence whose 'if' clause is the team ('we') doing the
    ask. A review's "this update would be a step up if you could see PDFs" is a verdict on the product."""
    root = sent.root
    if not any(c.dep_ == "aux" and c.lower_ in ("will", "would", "'ll") for c in root.children):
        return "", ""
    cond = [c for c in root.children if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "if"
            for m in c.children) and any(s.dep_ == "nsubj" and s.lower_ == "we" for s in c.children)]
    subj = [c for c in root.children if c.dep_ == "nsubj" and c.lower_ not in (*_TEAM, "i", "it", "this", "that")]
    if not cond or not subj:
        return "", ""
    skip = {w.i for w in cond[0].subtree}
    kept = [w for w in sent if w.i not in skip and w.dep_ != "cc" and not (w.head.i == root.i and w.lower_ == "only")]
    return lower_first(_span_text(kept)), ""


def _cannot_without(sent: Any) -> tuple[str, str]:
    """'I cannot uninstall without a device reset' -> 'I can uninstall without a device reset'."""
    for verb in sent:
        kids = list(verb.children)
        without = [c for c in kids if c.dep_ == "prep" and c.lower_ == "without"]
        # "I can't leave home without it", "I couldn't live without my Evernote" are praise: what the writer cannot
        # do without must be named, and be no thing of theirs (a cost is "a device reset", not "my Evernote")
        objs = [o for o in without[0].children if o.dep_ in ("pobj", "pcomp")] if without else []
        if verb.pos_ != "VERB" or not objs or any(o.pos_ == "PRON" or any(c.dep_ == "poss" for c in o.children)
                                                   for o in objs):
            continue
        subj = [c for c in kids if c.dep_ == "nsubj" and c.lower_ in _ME]
        can = any(c.dep_ == "aux" and c.lower_ in ("can", "ca", "could") for c in kids)
        if subj and can and any(c.dep_ == "neg" for c in kids):
            rest = [w for w in verb.subtree if w.i >= verb.i]
            return f"{_who(subj[0].text)} can {_span_text(rest)}", verb.text
    return "", ""


def _without_step(sent: Any) -> tuple[str, str]:
    """'look at their performance without starting a round' -> 'I do not have to start a round': the step a
    person wants to skip ('without having to pass by the TOC page' -> 'pass by the TOC page'). Only when the one
    acting is the writer (I, we, you): 'it rarely gets through a comic without
    crashing' is the app failing, 'without getting charged' is passive, and 'I never book without checking the
    reviews' says the step is wanted."""
    for t in sent:
        if t.lower_ != "without" or t.dep_ != "prep":
            continue
        step = next((c for c in t.children if c.dep_ in ("pcomp", "pobj") and c.tag_ == "VBG"), None)
        if step is not None and step.lemma_ == "have":  # "without having to X": the step is X
            step = next((c for c in step.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if step is None or step.lemma_ in ("be", "get") or not _person_acts(t.head):
            continue
        rest = [w for w in step.subtree if w.i > step.i and not (w.dep_ == "dobj" and w.lower_ in _OBJ_PRONOUN)]
        if rest and rest[-1].pos_ in ("ADP", "PART"):
            continue  # the parse lost the object ("without scrolling thru each one" -> "scroll thru")
        return f"I do not have to {step.lemma_} {_span_text(rest)}", step.lemma_
    return "", ""


def _person_acts(verb: Any) -> bool:
    """The one doing the verb is the writer or their reader (I, we, you), and the verb is not negated. The subject is looked
    up through 'I would like to be able to go', 'I could view ... and look'."""
    while True:
        if any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children):
            return False
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            # a plural noun is as often the product's parts ("the maps worked even without using data")
            return subj.dep_ == "nsubj" and subj.lower_ in ("i", "we", "you")
        if verb.dep_ not in ("xcomp", "acomp", "conj", "ccomp", "advcl") or verb.head.i == verb.i:
            return False
        verb = verb.head


def _purpose(text: str) -> re.Match[str] | None:
    """A 'so (that) ...' clause that follows what the writer did or asked ('so' opening the message is a discourse
    word: "so i get charged if i use my card in france" asks, it gives no reason), and is not a condition."""
    for m in _SO_THAT.finditer(text):
        if not re.search(r"[a-z]", text[:m.start()], re.I) or re.search(r"\b(?:if|whether)\b", m.group(1), re.I):
            continue
        # a bare "so" gives a purpose only with what the writer could then do ("so I can", "so we don't have
        # to"); "so it's close enough for now", "so I don't really have any issues" state a result, not a reason
        if m.group(0).lower().startswith(("so that", "in order that")) or _ABLE.match(m.group(1)):
            return m
    return None


def _who(word: str) -> str:
    return "I" if word.lower() in ("i", "me") else "we"


def _cut(clause: str) -> str:
    return _CUT.split(clause.strip().rstrip(","))[0].strip()


def _tidy(clause: str, ask: Ask | None, action: str = "") -> str:
    """Keep a clause that reads on its own: a few words, no verdict, no 'it' without an object to stand for.
    `action`: the clause's verb, which names what the writer does, not a verdict ('uninstall' in 'I can uninstall
    without a device reset')."""
    clause = re.sub(r"\bi\b", "I", " ".join(re.sub(r"\s*[!?.)<>]+$", "", clause).split()))
    if not MIN_WORDS <= len(clause.split()) <= MAX_WORDS:
        return ""
    if _PRONOUN.search(clause.split(" ", 1)[1] if " " in clause else ""):
        if ask is None or not ask.obj or ask.pronoun:
            return ""
        pron = "them" if ask.obj.endswith("s") else "it"
        clause = _PRONOUN.sub(pron, clause)
    if any(abs(LEXICON.get(w.lower(), 0.0)) >= VERDICT for w in clause.split() if w != action):
        return ""  # a verdict ("so I can enjoy this awesome app"), not a reason
    return clause


def _goal_words(goal: str) -> set[str]:
    return set(re.findall(r"[a-z]+", goal.lower())) - {"to", "my", "the", "a", "an"}


def benefit_for(reasons: Sequence[str], goal: str) -> tuple[str, str]:
    """(benefit, source): the reason most items state that does not just restate the goal; else the placeholder."""
    goal_words, goal_stems = _goal_words(goal), _stems(goal)
    counted = Counter(r for r in reasons if r and not _restates(r, goal_words)
                      and (not getattr(r, "about", None) or r.about & goal_stems))  # type: ignore[attr-defined]
    if counted:
        return sorted(counted.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0], "customer"
    return placeholder(goal), "none"


def adopt_benefit(keep: Story, other: Story) -> dict[str, Any]:
    """When `other` (asking the same) folds into `keep`: its stated reason, if `keep` has none and it does not
    restate `keep`'s goal, as a model_copy update; else {}. The reason came from items that now are keep's evidence."""
    if not is_placeholder(keep.benefit) or is_placeholder(other.benefit) or not other.benefit.strip() \
            or _restates(other.benefit, _goal_words(keep.goal)):
        return {}
    prompt = (keep.provenance.prompt or "").replace("benefit:none", "benefit:customer")
    return {"benefit": other.benefit, "provenance": keep.provenance.model_copy(update={"prompt": prompt})}


def placeholder(goal: str) -> str:
    """A question to the PO, visible in the story text; hold_unwritten keeps such a story out of Ready."""
    return f"{BENEFIT_TO_WRITE}; why do they want {goal}?]" if goal else f"{BENEFIT_TO_WRITE}]"


def is_placeholder(benefit: str) -> bool:
    return benefit.startswith(BENEFIT_TO_WRITE)


def _restates(reason: str, goal_words: set[str]) -> bool:
    words = set(re.findall(r"[a-z]+", reason.lower())) - {"i", "we", "can", "could", "to", "my", "the", "a", "an", "it",
                                                           "them", "be", "able", "no", "longer", "have"}
    return not words or words <= goal_words
