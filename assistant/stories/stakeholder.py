"""A stakeholder's explicit ask is a legitimate source of one story, drafted from the ask's own words.

Customer feedback needs several items sharing an ask before it is a story (one review's words are not a need), but a
stakeholder ask is a deliberate request: "Under the new privacy law we must let users delete their reading history
... Add a delete-my-data button." becomes "As a user, I want to delete my reading history". What is the team's
schedule or voice rather than the goal is cut: deadlines and numbers ("within 30 days", "by January", "today") and
clauses about the company ("without calling us"). A verb the team does for the people served becomes theirs:
"offer statements in large print for visually impaired customers" -> a visually impaired customer wants "to get
statements in large print". The role is who the ask says it serves, read from its grammar; else the ask's
persona/segment metadata; never the requester's job title. An ask that does not read cleanly stays in the need's
story to write. Inside a customer need the ask never overrides the customers' stories: it gives its own story only
when none of them covers its goal. General English only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from assistant.models import Criterion, FeedbackItem, Need, Provenance, Story
from assistant.stories.consensus import _similarities, verb_key
from assistant.stories.lemmas import forms, text_forms
from assistant.stories.criteria import Member, write_criteria
from assistant.stories.facts import Facts
from assistant.stories.goal import goal_for
from assistant.stories.nlp import join_tokens, parse
from assistant.stories.phrases import Ask, points_away
from assistant.stories.reasons import benefit_for
from assistant.verify.about import off_goal
from assistant.stories.roles import served_role

ASK_PROMPT = "stakeholder_ask"  # provenance prompt prefix: a story drafted from one stakeholder ask
# MiniLM cosine of the goal to the ask's closest sentence: a stakeholder's sentence carries its context ("A retail
# chain with 2,000 devices will buy ... if we add single sign-on" is 0.33 from "use single sign-on"), so the bar is
# lower than for a group of customer items (consensus.MIN_SIMILARITY); every word must be the ask's own (_said)
ASK_SIMILARITY = 0.3
COVERED_SIMILARITY = 0.75  # MiniLM cosine between goals that ask for the same thing in other words
# general English words of time: a deadline or schedule is the team's plan, not the goal
_TIME = {"today", "tomorrow", "tonight", "now", "asap", "immediately", "soon", "yesterday", "anytime", "daily",
         "weekly", "monthly", "quarterly", "yearly", "annually", "january", "february", "march", "april", "may",
         "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday",
         "wednesday", "thursday", "friday", "saturday", "sunday", "week", "month", "quarter", "year", "deadline"}
_TEAM = {"we", "us", "our", "ours"}  # the company's own voice in a stakeholder ask
# verbs the team does for someone, and what that someone does ("offer statements" -> "get statements")
_FOR_THEM = {"offer": "get", "provide": "get", "give": "get", "send": "get", "deliver": "get", "email": "get",
             "show": "see", "display": "see", "notify": "get notified about"}


def _cut_token(tok: Any) -> bool:
    """A detail of the ask that is the team's schedule or voice: a number, a time word, 'us'."""
    low = tok.lower_
    return tok.like_num or any(c.isdigit() for c in tok.text) or low in _TIME or low in _TEAM


def _read(ask: Ask, role_words: Sequence[str]) -> tuple[Any, list[Any], list[Any]] | None:
    """(the ask's verb, the tokens kept for the goal, the cut phrases that state a deadline or limit), reading
    "I want to <phrase>"; None when the object itself is a date or the team."""
    doc = parse([f"I want to {ask.phrase}."])[0]
    toks = [t for t in doc if not t.is_punct or t.text == "-"][3:]
    if not toks:
        return None
    verb = toks[0]
    served = forms(role_words[-1]) if role_words else frozenset()  # the role's person noun ("customer")
    cut: set[int] = set()
    limits: list[Any] = []
    for t in toks[1:]:
        if t.i in cut:
            continue
        if _cut_token(t):
            # the prepositional phrase it is the object of, or the number of ("within 30 days", "by 1 June")
            prep = t.head if t.head.dep_ == "prep" else t.head.head if t.dep_ in ("nummod", "quantmod", "compound") \
                and t.head.head.dep_ == "prep" else None
            if t.lower_ in _TEAM:  # "without calling us": the whole phrase is the company's
                prep = next((a for a in t.ancestors if a.dep_ == "prep" and a.i > verb.i), None)
            prep = prep if prep is not None and prep.i > verb.i else None
            if prep is not None:
                cut |= {x.i for x in prep.subtree}  # "within 30 days of a request", "without calling us"
                if t.lower_ not in _TEAM:
                    limits.append(prep)  # the team's deadline or limit: an acceptance criterion, not the goal
            elif t.dep_ in ("dobj", "attr", "oprd") and t.head.i == verb.i:
                return None  # the object itself is a date or the team
            else:
                cut |= {x.i for x in t.subtree}  # "today", "any time"
        elif points_away(t):
            cut |= {x.i for x in t.subtree}  # "a privacy notice saying so": 'so' points at a sentence the goal lacks
        elif t.dep_ == "prep" and t.lower_ == "for" and served and any(x.dep_ == "pobj" and forms(x.text) & served for x in t.children):
            cut |= {x.i for x in t.subtree}  # "for visually impaired customers": the role says who it is for
    kept = [t for t in toks if t.i not in cut]
    while kept and kept[-1].pos_ in ("ADP", "DET", "CCONJ", "PART", "PUNCT"):
        kept.pop()
    return verb, kept, limits


def ask_goal(ask: Ask, role_words: Sequence[str] = (), *, team_verb: bool = False) -> Ask | None:
    """The ask with deadlines, numbers and the team's voice cut, and a verb done for the people served turned into
    theirs; None when what is left is not an action on something (the goal is then for the PO to write).

    `team_verb`: the ask tells the team what to do ("Remove ads for every paid account"); the people served want it
    done: "have ads removed for every paid account"."""
    from assistant.stories.nlp import inflect

    read = _read(ask, role_words)
    if read is None:
        return None
    verb, kept, _ = read
    if any(t.lower_ in _TEAM for t in kept) or len(kept) < 2:
        return None
    lemma = verb.lemma_.lower()
    verb_text = ask.verb
    words = [t.text for t in kept]
    if lemma in _FOR_THEM and not any(c.lower_ in ("me", "us") for c in verb.children):
        verb_text = _FOR_THEM[lemma]
        words[0] = verb_text
    elif team_verb:
        obj = [t for t in kept if any(t.i in {x.i for x in c.subtree} for c in verb.children if c.dep_ == "dobj")]
        if not obj:
            return None
        prt = [t.text for t in kept if t.dep_ == "prt" and t.head.i == verb.i]
        rest = [t.text for t in kept[1:] if t not in obj and t.text not in prt]
        verb_text = "have"
        words = ["have", *(t.text for t in obj), inflect(lemma, "VBN"), *prt, *rest]
    return replace(ask, verb=verb_text, phrase=join_tokens(words))


def ask_limits(ask: Ask, role_words: Sequence[str], goal: Ask, item_id: str) -> list[tuple[str, Criterion]]:
    """The deadline or limit cut from the goal ("within 30 days of a request", "by January") as acceptance
    criteria citing the ask, each with its limit's words: when the limit comes, the ask's own action is done
    (assistant.stories.detail_criteria)."""
    from assistant.stories.detail_criteria import limited

    read = _read(ask, role_words)
    return limited(read[0], read[1], read[2], goal, item_id) if read else []


def with_conjuncts(ask: Ask, item: FeedbackItem) -> Ask:
    """The ask with the things its object or a preposition's object is coordinated with in the ask's own text
    ("delete their reading history and account data", "statements in large print and audio"): the phrase reader
    keeps the first conjunct only, and a goal or criterion without the rest drops a fact the stakeholder stated
    (comic-viewer and bank audits)."""
    verb = ask.verb.split()[0].lower()
    phrase, obj = ask.phrase, ask.obj
    for tok in parse([item.text])[0]:
        if tok.dep_ not in ("dobj", "pobj") or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        if not any(verb in (a.lemma_.lower(), _FOR_THEM.get(a.lemma_.lower(), "").split(" ")[0])
                   and a.pos_ in ("VERB", "AUX") for a in tok.ancestors):
            continue  # only inside the ask's own action
        if len(re.findall(rf"\b{re.escape(tok.text)}\b", phrase)) != 1:
            continue
        extra = []
        for conj in (c for c in tok.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")):
            cc = next((c.lower_ for c in tok.children if c.dep_ == "cc" and c.i < conj.i), "and")
            words = [t for t in conj.subtree if not any(a.dep_ in ("prep", "relcl", "acl") and (
                a is t or a.i in {x.i for x in conj.subtree}) and a is not conj for a in [t, *t.ancestors])]
            if any(t.pos_ in ("PRON", "VERB", "AUX") or t.is_punct for t in words):
                return ask  # "... and whatever they want": not a thing to name in a goal
            text = join_tokens([t.text for t in words])
            if re.search(rf"\b{re.escape(text)}\b", phrase):
                continue
            extra.append(f"{cc} {text}")
        for mod in (c for c in tok.children if c.dep_ in ("nmod", "compound", "amod") and c.i < tok.i):
            for conj in (c for c in mod.children if c.dep_ == "conj" and _paired(c)):
                cc = next((c.lower_ for c in mod.children if c.dep_ == "cc"), "and")
                if len(re.findall(rf"\b{re.escape(mod.text)}\b", phrase)) == 1 and conj.text not in phrase:
                    # "a cookie and tracking consent screen": the phrase reader kept "cookie" only
                    phrase = re.sub(rf"\b{re.escape(mod.text)}\b", f"{mod.text} {cc} {conj.text}", phrase, count=1)
                    obj = re.sub(rf"\b{re.escape(mod.text)}\b", f"{mod.text} {cc} {conj.text}", obj, count=1)
        if extra:
            more = " ".join(extra)
            phrase = re.sub(rf"\b{re.escape(tok.text)}\b", lambda m, more=more: f"{m.group(0)} {more}", phrase, count=1)
            if obj and re.search(rf"\b{re.escape(tok.text)}$", obj):
                obj = f"{obj} {more}"
    return replace(ask, obj=obj, phrase=phrase) if phrase != ask.phrase else ask


def _for_whom(criterion: Criterion, item: FeedbackItem, role: str) -> Criterion:
    """A criterion's Given names whom the ask serves when the ask says whose they are ("a CSV export of reading
    history for their patrons", their = ACME Libraries -> "I am a patron of ACME Libraries ..."): a fact of the
    ask that tells the test's user apart; only a named owner (a proper noun the ask states), never a guess."""
    owner = _owner(item, role)
    if not owner or owner.lower() in criterion.given.lower():
        return criterion
    given = criterion.given
    given = f"I am {'an' if role[:1] in 'aeiou' else 'a'} {role} of {owner}" + (
        f" and {given.removeprefix('I ')}" if given else "")
    return criterion.model_copy(update={"given": given})


def _owner(item: FeedbackItem, role: str) -> str:
    """The named owner of the people the ask serves: 'their' before the served noun read as the sentence's
    proper-noun subject ("ACME Libraries ... for their patrons"), or a possessive proper noun ("Contoso's
    staff"); "" when the ask names none."""
    served = forms(role.split()[-1]) if role else frozenset()
    if not served:
        return ""
    for sent in parse([item.text])[0].sents:
        for tok in sent:
            if tok.pos_ != "NOUN" or not forms(tok.text) & served:
                continue
            poss = next((c for c in tok.children if c.dep_ == "poss"), None)
            if poss is None:
                continue
            if poss.pos_ == "PROPN":
                return join_tokens([t.text for t in poss.subtree if t.tag_ != "POS"])
            if poss.lower_ not in ("their", "its"):
                continue
            subj = next((c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.pos_ == "PROPN" and subj.i < tok.i:
                return join_tokens([t.text for t in subj.subtree if t.dep_ in ("compound", "flat") or t is subj])
    return ""


def team_imperative(item: FeedbackItem, ask: Ask) -> bool:
    """The ask is an order to the team ("Remove ads ...", "Redesign the main screen"): a sentence opening with the
    ask's own verb, no subject."""
    head = ask.verb.split()[0]
    for sent in parse([item.text])[0].sents:
        root = sent.root
        if root.tag_ == "VB" and root.lemma_.lower() == head and root.i - sent.start <= 1 and not any(
                c.dep_ in ("nsubj", "aux") for c in root.children):
            return True
    return False


def covered(goal: str, ask: Ask, stories: Sequence[Story], asks_of: Callable[[Story], Ask | None],
            embed: Callable[[Sequence[str]], Any] | None) -> bool:
    """A customer story of the need already asks for this: the same action on the same thing, or close in meaning."""
    for st in stories:
        rep = asks_of(st)
        if rep is not None and verb_key(rep.verb) == verb_key(ask.verb) and (
                not ask.obj_head or not rep.obj_head or set(ask.obj_head.split()) & set(rep.obj_head.split())):
            return True
    if embed is None or not stories:
        return False
    import numpy as np

    vecs = np.asarray(embed([goal, *(st.goal for st in stories)]), dtype=np.float32)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    return bool(max(float(vecs[0] @ v) for v in vecs[1:]) >= COVERED_SIMILARITY)


def ask_stories(need: Need, members: Sequence[FeedbackItem], asks: dict[str, Ask | None], facts: dict[str, Facts],
                customer_stories: Sequence[Story], *, clean: Callable[[str], bool],
                story_id: Callable[[str, str], str], fallback_role: Callable[[], str],
                embed: Callable[[Sequence[str]], Any] | None = None) -> list[Story]:
    """One story per stakeholder ask of the need that reads cleanly and that no customer story of it covers."""
    reps = {st.id: asks.get(st.evidence[0]) if st.evidence else None for st in customer_stories}
    out = []
    for item in members:
        ask = asks.get(item.id)
        if item.kind != "stakeholder_ask" or ask is None or ask.pronoun:
            continue
        role = served_role(item) or fallback_role()
        if _coordinated(item, ask):
            continue  # "a clear reconnect flow and proactive emails": two things the parse ran into one
        ask = with_conjuncts(ask, item)  # "their reading history and account data": both are to delete
        plain = ask_goal(ask, role.split())
        rep = ask_goal(ask, role.split(), team_verb=True) if team_imperative(item, ask) else plain
        if plain is None or rep is None or not clean(goal_for(plain)):
            continue  # the team's words, read as the people's goal ("add the features"), must be clean too
        goal = goal_for(rep)
        if not clean(goal) or not _said(rep, item) or _closeness(rep.phrase, item, embed) < ASK_SIMILARITY:
            continue
        if off_goal(goal, [item.id], {item.id: item}, asks):
            continue  # the gate would not find the ask about this goal: the PO writes it
        if covered(goal, rep, customer_stories, lambda st: _story_ask(st, reps, asks), embed):
            continue  # the customers' story stands for it: one ask does not override their consensus
        fact = facts.get(item.id)
        benefit, source = benefit_for([fact.reason if fact else ""], goal)
        criteria = write_criteria(rep, [Member(item, rep, fact)]) if fact else []
        limits = ask_limits(ask, role.split(), rep, item.id)
        # the limit's own criterion replaces a detail criterion that only pasted the limit into the action
        criteria = [c for c in criteria if not any(amount in f"{c.when} {c.then}" for amount, _ in limits)]
        criteria += [c for _, c in limits]
        criteria = [_for_whom(c, item, role) for c in criteria]
        out.append(Story(
            id=story_id(need.id, f"ask:{item.id}"), need_id=need.id, role=role, goal=goal, benefit=benefit,
            acceptance_criteria=criteria, evidence=[item.id],
            provenance=Provenance(engine="offline", prompt=f"{ASK_PROMPT};benefit:{source}"),
        ))
    return out


def from_ask(story: Story) -> bool:
    """A story drafted from one stakeholder ask (its single citation is the ask itself)."""
    return story.provenance.engine == "offline" and (story.provenance.prompt or "").startswith(ASK_PROMPT)


def _story_ask(st: Story, reps: dict[str, Ask | None], asks: dict[str, Ask | None]) -> Ask | None:
    """The ask a customer story's goal was drafted from: its own goal read as one (verb and object)."""
    from assistant.verify.about import goal_target

    target = goal_target(st.goal)
    if target is None:
        return reps.get(st.id)
    return Ask("goal", target.verb, target.phrase, " ".join(target.words), target.head)


def _coordinated(item: FeedbackItem, ask: Ask) -> bool:
    """The ask's object has an 'and'/'or' inside the words before its head: the parser read two things as one
    modified noun, and the goal would splice them ("add a clear reconnect flow emails")."""
    head = ask.obj.split()[-1].lower() if ask.obj else ""
    if not head:
        return False
    for tok in parse([item.text])[0]:
        if tok.lower_ == head and tok.dep_ in ("dobj", "pobj", "attr", "nsubjpass"):
            if any(t.dep_ in ("cc", "conj") and not any(_paired(c) for c in (t, *t.head.children))
                   for t in tok.subtree if t.i < tok.i):
                return True
    return False


def _paired(conj: Any) -> bool:
    """Two bare words of one kind before a noun ("a cookie and tracking consent screen"): one thing with two
    modifiers, not two things the parser ran together ("a clear reconnect flow and proactive emails")."""
    if conj.dep_ != "conj":
        return False
    first = conj.head
    bare = lambda t: all(c.dep_ in ("cc", "conj") for c in t.children)  # noqa: E731
    kind = lambda t: "NOUN" if t.pos_ in ("NOUN", "PROPN") or t.tag_ == "VBG" else t.pos_  # noqa: E731  'tracking'
    return kind(first) == kind(conj) and bare(first) and bare(conj)


def _said(rep: Ask, item: FeedbackItem) -> bool:
    """Every content word of the goal is the ask's own (in some form): nothing was made up by the parse ('export my
    data' from 'a CSV export of reading history')."""
    from spacy.lang.en.stop_words import STOP_WORDS

    have = text_forms(item.text)
    words = re.findall(r"[a-z][a-z-]*", rep.phrase.lower())
    return all(w in STOP_WORDS or w in ("get", "see", "use", "have", "notified") or any(
        forms(p) & have for p in w.split("-")) for w in words)


def _closeness(phrase: str, item: FeedbackItem, embed: Callable[[Sequence[str]], Any] | None) -> float:
    """Cosine of the goal to the ask's closest sentence: a stakeholder often gives context first ("Half our tickets
    are out of memory errors ...") and the ask after it ("Add a bigger memory cache setting")."""
    if embed is None:
        return 1.0
    sentences = [s.text for s in parse([item.text])[0].sents if s.text.strip()] or [item.text]
    return max(_similarities([phrase], [item.model_copy(update={"text": s})], embed)[0] for s in sentences)
