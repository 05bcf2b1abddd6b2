"""Find the ask in one feedback item: the action the customer wants to perform, phrased as a goal.

"please let me save my card" -> save my card; "can't export expenses to CSV" -> export my expenses to CSV;
"app crashes when I upload a receipt" -> upload a receipt (bug, symptom "the app crashing").
Everything comes from the dependency parse of the customer's own words; nothing is made up. Items that
state no action (praise, questions about billing) give None and still count as evidence for their need.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant.models import FeedbackItem
from assistant.stories.facts import ENVIRONMENT
from assistant.stories.finders import FINDERS, holder, noun_only
from assistant.stories.lexicon import (
    ADD,
    GOAL_VERBS,
    NOT_ACTORS,
    NOT_ASK,
    OK_SINGLE,
    STOP_NOUNS,
    SYMPTOMS,
    VERB_KEYS,
)
from assistant.stories.nlp import join_tokens
from assistant.stories.phrases import Ask, build, from_noun, word

__all__ = ["Ask", "VERB_KEYS", "clean_for_parse", "extract_ask", "read_asks", "second_chance", "subject_noun"]

_ACTOR = re.compile(r"\b(?:allow|let|enable|permit)\s+(?:the\s+|our\s+)?([a-z]+?s)\s+(?:to\s+)?[a-z]+", re.I)
_PLACEHOLDER = re.compile(r"\[[A-Z_]{2,}\]")
_GOAL_VERB = re.compile(r"(?:^|\b(?:to|(?:i|we) could|(?:i|we) can|let me|let us|please)\s+)([A-Za-z]+)\b", re.I)
_WHEN_OR_HOW_MUCH = re.compile(r"^\W*(?:when|how (?:much|long|many|soon|often))\b", re.I)  # a time or quantity asked
_THIS = re.compile(r"\bthis\s+([a-z]+)\b", re.I)
SUBJECT_SHARE = 0.05  # the share of items that must call the product "this X" for X to name it
_IT = ("it", "this")  # "them", "these" point at things the item names, never at the product itself
_PREFIX = re.compile(r"^\s*(?:feature request|request|suggestion|idea|bug|issue)\s*:\s*", re.I)


def clean_for_parse(text: str) -> str:
    """Drop redaction placeholders ([EMAIL]) and 'Feature request:' labels, which confuse the parser."""
    return _PREFIX.sub("", _PLACEHOLDER.sub("", text)).strip()


def subject_noun(items: Sequence[FeedbackItem], common: frozenset[str]) -> str:
    """The product an inbox is about: the inbox's everyday word (`common`, assistant.verify.gate.common_words) its
    writers most often call "this X" ("this app"), or "" when none stands out (a bank's messages speak of many
    things). In reviews of one product an "it" with nothing else in the item to point at is that product."""
    from spacy.lang.en.stop_words import STOP_WORDS

    counts = Counter(m.lower() for i in items for m in _THIS.findall(i.text))
    ranked = sorted(((n, w) for w, n in counts.items() if w in common and w not in STOP_WORDS), reverse=True)
    if not ranked or ranked[0][0] < SUBJECT_SHARE * len(items) or len(ranked) > 1 and 2 * ranked[1][0] > ranked[0][0]:
        return ""
    return ranked[0][1]


def read_asks(items: Sequence[FeedbackItem], subject: str = "") -> dict[str, Ask | None]:
    """Every item's ask (None for praise, which states none and is not even parsed), parsed in batches.

    `subject`: the inbox's product (subject_noun): "can't uninstall it" asks to "uninstall the app" when the item
    names nothing else "it" could be; so does a bare "can't uninstall" once other items use the verb on the product.
    Used by the drafting and by the gate, so a story is checked against the same reading of its items."""
    from assistant.stories.nlp import parse

    texts = [clean_for_parse(i.text) for i in items]
    asks: dict[str, Ask | None] = {i.id: None for i in items}
    asking = [(i, t) for i, t in zip(items, texts) if not _praise(i)]
    docs = {}
    for (item, _), doc in zip(asking, parse([t for _, t in asking])):
        docs[item.id] = doc
        asks[item.id] = extract_ask(item.id, doc, is_bug=_bug(item), subject=subject)
    # the verbs the inbox uses on its product ("uninstall this app", "can't uninstall it"): without an object
    # ("Can't uninstall.") they act on the product too
    on_subject = frozenset(a.verb for a in asks.values() if subject and a and (a.stand_in or a.obj_head == subject))
    by_id = {i.id: i for i in items}
    for item_id, doc in docs.items():
        if on_subject and asks[item_id] is None:
            asks[item_id] = extract_ask(item_id, doc, is_bug=_bug(by_id[item_id]), subject=subject, bare=on_subject)
    # second chance for items the parser misread ("Export to CSV please."): re-parse the clause as an explicit want
    retry = {i.id: second_chance(t) for i, t in zip(items, texts) if asks[i.id] is None and not _praise(i)}
    retry = {k: v for k, v in retry.items() if v}
    for item_id, doc in zip(retry, parse(list(retry.values()))):
        asks[item_id] = extract_ask(item_id, doc, is_bug=_bug(by_id[item_id]))
    return writers_verb(asks)


def writers_verb(asks: dict[str, Ask | None]) -> dict[str, Ask | None]:
    """A bare thing asked for ("i need a routing number", "Put the balance on the login screen") takes the verb the
    other writers use for that same thing ("what's my routing number" -> see), not the drafter's default "use"."""
    seen = {a.obj_head for a in asks.values() if a and a.verb == "see" and not a.implied and a.obj_head}
    return {k: replace(a, verb="see", phrase="see" + a.phrase[3:], implied=False)
            if a and a.implied and a.verb == "use" and a.obj_head in seen else a for k, a in asks.items()}


def _praise(item: FeedbackItem) -> bool:
    return bool(item.triage and item.triage.type == "praise")


def _bug(item: FeedbackItem) -> bool:
    return bool(item.triage and item.triage.type == "bug")


def second_chance(text: str) -> str | None:
    """'Would be great to export expenses as a CSV' -> 'I want to export expenses as a CSV' for a re-parse.

    The small English model sometimes reads a sentence-initial or post-'to' verb as a noun; re-parsing the
    clause after a goal verb as an explicit want fixes most of those misreadings.
    """
    if _WHEN_OR_HOW_MUCH.match(text):
        return None  # "when do i have to pay my internet" asks when, not to pay: no want to re-read
    for m in _GOAL_VERB.finditer(text):
        if m.group(1).lower() in GOAL_VERBS:
            clause = re.split(r"(?<=[.!?;])\s", text[m.start(1):], maxsplit=1)[0]
            return f"I want to {clause[0].lower()}{clause[1:]}"
    return None


def extract_ask(item_id: str, doc: Any, *, is_bug: bool = False, subject: str = "",
                bare: frozenset[str] = frozenset()) -> Ask | None:
    """The first clear ask in the text (a bug sentence wins over a request), or None; every other ask the item
    states (other sentences, other patterns) rides along in `others`: a writer who says "add a pass code" first and
    "I need to set a password" later asks for both. `subject`, `bare`: see read_asks and _stand_in."""
    every = [list(_from_sentence(item_id, sent, subject, bare)) for sent in doc.sents]
    found = [hits[0][0] for hits in every if hits]
    if not found:
        why = next((a for a in (_why(item_id, sent) or _how_much(item_id, sent) for sent in doc.sents) if a), None)
        return why  # "why was my card declined" asks to see why, when nothing else is asked
    bugs = [a for a in found if a.kind == "bug"]
    ask = bugs[0] if bugs else found[0]
    actor = m.group(1).lower() if (m := _ACTOR.search(doc.text)) and m.group(1).lower() not in NOT_ACTORS else ""
    if actor:
        from lemminflect import getLemma

        lemma = getLemma(actor, upos="NOUN")
        actor = lemma[0] if lemma else actor
    others = []
    for other, finder in (hit for hits in every for hit in hits):
        if finder in (holder, noun_only):
            continue  # "Wide range of options for viewing your comics": beside an ask, a feature the product has
        if other is not ask and other.phrase not in {o.phrase for o in others} and other.phrase != ask.phrase:
            others.append(_settle(other, is_bug, actor))
    return replace(_settle(ask, is_bug, actor), others=tuple(others))


_ASKED_TO_TELL = {"tell", "know", "find", "show", "see", "check"}  # "tell me when my bill is due": asks to be told


def _why(item_id: str, sent: Any) -> Ask | None:
    """'why was my card declined' -> see why my card was declined: a why-question about the writer's own thing
    ("my") asks to see the reason. The question's auxiliary goes after its subject; a do-question ("why does it
    fail") would need the verb re-inflected, so it gives None, as does a why about no thing of the writer's.
    'when is my water bill due' / 'tell me when my water bill is due' -> see when my water bill is due, the same
    way; a when-clause that is neither a question nor asked to be told ("when my phone is locked it crashes") says
    when something happens and asks nothing."""
    why = next((t for t in sent if t.lower_ in ("why", "when") and t.dep_ == "advmod"), None)
    if why is None or not any(t.dep_ == "poss" and t.lower_ == "my" for t in why.head.subtree):
        return None
    head = why.head
    if why.lower_ == "when" and not (head.dep_ == "ROOT" and why.i == min(t.i for t in sent if not t.is_punct)
                                     or head.dep_ in ("ccomp", "advcl") and head.head.lemma_ in _ASKED_TO_TELL):
        return None
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i > why.i), None)
    if subj is None or subj.lower_ in ("i", "you", "we") or any(c.dep_ in ("acl", "relcl") for c in subj.children):
        return None  # a clause read inside the subject ("my new card expected to arrive") is a misparse
    start = min(t.i for t in subj.subtree)
    moved = [t for t in head.subtree if why.i < t.i < start and (t.dep_ in ("aux", "auxpass") or t.i == head.i)]
    if any(t.lemma_ == "do" for t in moved) or len(moved) < start - why.i - 1:
        return None  # a do-question, or words between "why" and the subject that are not its auxiliary
    end = max(t.i for t in subj.subtree)
    toks = [t for t in head.subtree if t.i > why.i and not t.is_punct]
    order = [t for t in toks if t.i <= end and t.i not in {m.i for m in moved}] + moved + [t for t in toks if t.i > end]
    clause = join_tokens([why.lower_, *(t.text for t in order)])
    noun = subj if subj.dep_ != "expl" else next((c for c in head.children if c.dep_ == "attr"), subj)
    return Ask(item_id, "see", f"see {clause}", clause, noun.lemma_.lower())


def _how_much(item_id: str, sent: Any) -> Ask | None:
    """'how much have i spent this week' -> see how much I have spent this week; 'how much money did i spend' ->
    see how much money I spent: a quantity question about the writer's own action asks to see it. The question's
    auxiliary goes after the subject; a do-auxiliary is folded into the verb (lemminflect)."""
    how = next((t for t in sent if t.lower_ == "how" and t.head.lower_ in ("much", "many")), None)
    if how is None:
        return None
    much = how.head
    qty = much if much.dep_ == "dobj" else much.head if much.dep_ == "amod" and much.head.dep_ == "dobj" else None
    verb = qty.head if qty is not None else None
    if verb is None or verb.pos_ != "VERB" or any(c.dep_ == "neg" for c in verb.children):
        return None
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subj or subj[0].lower_ not in ("i", "we"):
        return None
    aux = [c for c in verb.children if c.dep_ == "aux" and c.i < verb.i]
    form = verb.text
    if any(a.lemma_ == "do" for a in aux):
        from lemminflect import getInflection

        tag = "VBD" if any(a.tag_ == "VBD" for a in aux) else "VBP"
        form = (getInflection(verb.lemma_, tag=tag) or [verb.lemma_])[0]
        aux = [a for a in aux if a.lemma_ != "do"]
    rest = [t.text for t in verb.subtree if t.i > verb.i and not t.is_punct]
    clause = join_tokens([*(t.text for t in qty.subtree if t.i < verb.i), "I" if subj[0].lower_ == "i" else "we",
                          *(a.text for a in aux), form, *rest])
    return Ask(item_id, "see", f"see {clause}", clause, verb.lemma_.lower())


def _settle(ask: Ask, is_bug: bool, actor: str) -> Ask:
    if actor:
        ask = replace(ask, actor=actor)
    if is_bug and ask.kind == "problem":
        ask = replace(ask, kind="bug", symptom=ask.symptom or "an error")
    return ask


def _from_sentence(item_id: str, sent: Any, subject: str = "",
                   bare: frozenset[str] = frozenset()) -> Iterator[tuple[Ask, Any]]:
    """Every ask a sentence states with the pattern that found it (assistant.stories.finders), first found first."""
    seen: set[str] = set()
    for finder in FINDERS:
        hit = finder(sent)
        if hit is None:
            continue
        node, kind, extra = hit
        if kind == "slow" and extra.startswith("load:"):
            obj = extra[5:]
            ask: Ask | None = Ask(item_id, "load", f"load {obj}", obj, obj.split()[-1], "slow")
        elif kind == "slow":
            ask = build(item_id, node, kind, "", extra_obj=extra)
        elif kind == "know":  # asked to be told a thing: the goal is to see it ("to see my credit score")
            ask = from_noun(item_id, node, "request", "")
            obj = ask.obj if ask else ""
            if ask and any(c.dep_ == "expl" for c in node.head.children):
                # "are there any transaction fees using my discover": the thing asked about, not one writer's case
                obj = join_tokens([word(t) for t in node.subtree if t.i <= node.i and not (
                    t.dep_ == "det" and t.lower_ in ("no", "some", "any", "every"))])
            obj = re.sub(r"^an? ", "the ", obj)  # to know whether there is a fee: to see the fee
            # a noun that names an action of its own ("send a push notification") is asked for, not to be seen
            ask = ask and ask.verb in ("use", "see") and replace(ask, verb="see", phrase=f"see {obj}", obj=obj,
                                                                 implied=False) or None
        else:
            ask = build(item_id, node, kind, extra)
            ask = _to_have(item_id, node, ask, kind)
        if ask is not None and not _acceptable(ask) and subject:
            ask = _stand_in(ask, node, subject, bare)
        if ask is not None and ask.implied and finder is not noun_only:
            ask = replace(ask, requested=True)  # "add X", "allow X", "I need X": a bare noun alone is no request
        if ask is not None and _acceptable(ask) and ask.phrase not in seen:
            seen.add(ask.phrase)
            # a way or option found beside a sentence's first ask may be one the product has: kept only as first
            yield ask, finder


def _to_have(item_id: str, verb: Any, ask: Ask | None, kind: str) -> Ask | None:
    """'U need to add more lock security', 'Please add always on mode': adding, including, implementing is the
    developer's action, not the writer's; what the writer asks is to have the thing (the bare-noun ask, verb
    implied), and the action they want to do with it is theirs to state ("I need to set a password")."""
    if ask is None or ask.verb not in ADD - {"offer", "provide"} or kind != "request" or _first_person(verb):
        return ask
    objs = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
    wanted = from_noun(item_id, objs[0], kind, "") if objs else None
    return wanted or ask


def _first_person(verb: Any) -> bool:
    """The verb's doer is the writer ("I can't add widgets", "I want to add a card"), read up the clause chain."""
    node = verb
    for _ in range(3):
        subj = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj:
            return subj[0].lower_ in ("i", "we")
        if node.head is node or node.dep_ not in ("xcomp", "ccomp", "conj", "advcl"):
            return False
        node = node.head
    return False


def _stand_in(ask: Ask, verb: Any, subject: str, bare: frozenset[str]) -> Ask | None:
    """'can't uninstall it' -> 'uninstall the app': the verb's only object is "it"/"this" (or, for a verb in `bare`,
    none at all) and the item names no other thing the pronoun could point at."""
    pronoun = ask.pronoun and ask.phrase == f"{ask.verb} {ask.obj}" and ask.obj in _IT
    if not (pronoun or ask.phrase == ask.verb and ask.verb in bare and not ask.obj) or not _nothing_else(verb, subject):
        return None
    return replace(ask, phrase=f"{ask.verb} the {subject}", obj=f"the {subject}", obj_head=subject, pronoun=False,
                   implied=False, stand_in=True)


def _nothing_else(verb: Any, subject: str) -> bool:
    """No noun in the item but the product's, the verb's own subject ("users cannot uninstall it": "it" is not the
    users) or a measure ("for 2 years")."""
    from assistant.stories.lemmas import forms

    for t in verb.doc:
        if t.pos_ not in ("NOUN", "PROPN") or t.i == verb.i or forms(t.text) & forms(subject):
            continue
        noun = t.head if t.dep_ == "compound" else t  # "Spy software": the compound goes with its noun
        if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.i == verb.i or t.dep_ == "npadvmod" or any(
                c.dep_ == "nummod" for c in t.children):
            continue
        if any(a.dep_ == "pobj" and ENVIRONMENT.search(" ".join(x.text for x in a.head.subtree))
               for a in (t, *t.ancestors)) or t.lemma_.lower() in SYMPTOMS:
            continue  # "can't open it on my iPad 3 Help! Crash!": the device it fails on, the failure, are not "it"
        return False
    return True


def _acceptable(ask: Ask) -> bool:
    """Reject phrases that are not a customer goal: 'to say', 'to fix', 'to use good app'."""
    words = ask.phrase.split()
    if ask.verb in NOT_ASK or words[0] in NOT_ASK:
        return False
    if (len(words) == 1 or len(words) == 2 and words[1] in ("up", "down", "in", "out", "off", "on", "back")) and ask.phrase not in OK_SINGLE:
        return False  # "to set", "to put down": no object, nothing a team could build
    if ask.obj_head and ask.obj_head.split()[-1] in STOP_NOUNS and ask.verb == "use":
        return False
    if ask.pronoun and len(words) <= 2:  # "find it", "queue them"
        return False
    if ask.verb == "use" and len(ask.obj.replace(" ", "")) < 3:  # "use re" from a split "re-authentication"
        return False
    return True
