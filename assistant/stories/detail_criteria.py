"""Criteria from what each cited item itself states about the story's action: the information a question asks
to be shown, the action with its own amounts and complements, a failure after a number of the story's things.
The reading of one item is assistant.stories.details; here items asking the same are grouped into one criterion."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from spacy.lang.en.lex_attrs import like_num

from assistant.models import Criterion
from assistant.stories import details as dt
from assistant.stories.asks import Ask, clean_for_parse
from assistant.stories.criteria import Member, _cite, _verb
from assistant.stories.facts import NOT_COUNTED
from assistant.stories.nlp import article, inflect

MAX_DETAILS = 3  # criteria from the items' own details per story: the most asked, not one per message


def detailed(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    """What the items ask to be shown or do, with their own details (assistant.stories.details): one criterion per
    group of items that ask the same thing, in their shared words ("the minimum I can pay on my bill" for gas,
    water and phone bills), citing only those items; the Given is a condition they report, else what they have."""
    goal_words = set(re.findall(r"[a-z0-9]+", rep.phrase.lower())) | set(rep.obj_head.split())
    goal_words |= {w[:-1] for w in goal_words if w.endswith("s")} | {"one", "another"}  # "from one account to another"
    texts = {m.item.id: clean_for_parse(m.item.text) for m in about}
    dt.warm(texts.values())
    groups: dict[tuple[str, str], list[tuple[Member, dt.Detail]]] = {}
    which: dict[tuple[str, str], list[tuple[Member, dt.Detail]]] = {}
    for m in about:
        for d in dt.details(texts[m.item.id], _verb(rep), goal_words):
            if d.of_what[0]:  # "the apr on my Wells Fargo credit card": only says which card
                which.setdefault((d.kind, d.of_what[1]), []).append((m, d))
            elif d.kind == "info" and not d.measured and d.asked and not d.general.startswith("how ") \
                    and {d.asked.split()[-1], d.asked.split()[-1].removesuffix("s")} & goal_words:
                continue  # "my visa credit limit" for "see my visa limit": the goal asked again, no new fact
            elif d.kind == "action" and not d.measured:
                continue  # "pay my bill from my bank account" / "... is paid from my bank account": the Then says
                # the When again; an amount or a date ("increase my credit limit to $1000") is what a test checks
            else:
                groups.setdefault((d.kind, d.general.lower()), []).append((m, d))
    out = [c for (kind, noun), group in which.items() if (c := _one_of_several(kind, noun, group))]
    for (kind, _), group in groups.items():
        phrases = Counter(d.phrase for _, d in group)
        d0 = next(d for _, d in group if d.phrase == min(phrases, key=lambda p: (-phrases[p], len(p), p)))
        same = len(phrases) == 1 or d0.general.startswith("how ")  # "how long ...": the most asked wording
        phrase, outcome = (d0.phrase, d0.outcome) if same else (d0.general, d0.general_outcome)
        conditions = Counter(d.condition for _, d in group if d.condition)
        if conditions and 2 * conditions.most_common(1)[0][1] >= len(group):  # what most of them report
            given = conditions.most_common(1)[0][0]
            group = [(m, d) for m, d in group if d.condition == given]
        elif len({d.owned_general for _, d in group}) == 1 and d0.owned:
            given = f"I have {d0.owned if len({d.owned for _, d in group}) == 1 else d0.owned_general}"
        else:
            given = f"I want to {rep.phrase}"
        when = f"I ask for {phrase}" if kind == "info" and not phrase.startswith("how ") else \
            f"I ask {phrase}" if kind == "info" else f"I {phrase}"
        named = any(any(ch.isdigit() for ch in f) or " " in f or like_num(f) for _, d in group for f in d.facts)
        out.append((len(group) + 2 * named + 70, f"detail:{kind}:{phrase.lower()}", Criterion(
            given=given, when=when, then=outcome, evidence=_cite([m for m, _ in group]))))
    # a handful: the details most items ask for (then the ones naming amounts, dates, places) make the criteria
    return sorted(out, key=lambda e: -e[0])[:MAX_DETAILS]


def _one_of_several(kind: str, noun: str, group: Sequence[tuple[Member, dt.Detail]]) -> tuple[int, str, Criterion] | None:
    """Items asking the same of different ones of their things ("my Wells Fargo credit card", "my chase credit
    card") make one test with several of them: the answer is about the one asked for. One brand alone makes none
    (a copy of the goal tied to one message's bank)."""
    variants: dict[str, tuple[str, list[Member]]] = {}
    for m, d in group:
        variants.setdefault(d.of_what[0].lower(), (d.of_what[0], []))[1].append(m)
    if len(variants) < 2:
        return None
    shown = list(variants.values())[:4]
    cited = [m for _, ms in shown for m in ms]
    things = [f"{article(label)} {label}" for label, _ in shown]
    given = f"I have {', '.join(things[:-1])} and {things[-1]}"
    d0 = group[0][1]
    if kind == "info":
        asked = Counter(d.asked for _, d in group if d.asked).most_common(1)
        if not asked:
            return None
        when, then = f"I ask for the {asked[0][0]} of one of them", f"the {asked[0][0]} of the {noun} I asked about is shown"
    else:
        mine = re.compile(rf"\b(?:my|the) {re.escape(noun)}\b", re.I)
        if not mine.search(d0.general) or not mine.search(d0.general_outcome):
            return None
        when, then = f"I {mine.sub('one of them', d0.general)}", mine.sub(f"that {noun}", d0.general_outcome)
    return (len(cited) + 72, f"which:{kind}:{noun}", Criterion(given=given, when=when, then=then, evidence=_cite(cited)))


def alternatives(rep: Ask, members: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    """Kinds of the goal's thing the writers offer as one choice ("add password or pattern", "a password or pin
    option") make one test that each is offered, citing the items that name them."""
    head = rep.obj_head.split()[-1].lower() if rep.obj_head else ""
    if not head:
        return []
    texts = {m.item.id: clean_for_parse(m.item.text) for m in members}
    dt.warm(texts.values())
    named: dict[str, tuple[str, list[Member]]] = {}
    for m in members:
        for tok in dt.doc_of(texts[m.item.id]):
            if tok.lemma_.lower() != head or tok.dep_ not in ("dobj", "pobj", "conj"):
                continue
            pair = tok.head if tok.dep_ == "conj" else tok
            if not any(c.dep_ == "cc" and c.lower_ == "or" for c in pair.children):
                continue  # "reading history and account data": both, not a choice
            joined = [c for c in tok.children if c.dep_ == "conj"] + ([tok.head] if tok.dep_ == "conj" else [])
            for alt in (c for c in joined if c.pos_ in ("NOUN", "PROPN")):  # "password or pattern", "fingerprint
                # and or password"
                words = dt._render([*(c for c in alt.children if c.dep_ == "compound"), alt]).lower()
                if alt.lemma_.lower() != head and words not in rep.phrase.lower():
                    named.setdefault(words, (words, []))[1].append(m)
    if not named:
        return []
    shown = list(named.values())[:3]
    cited = [m for _, ms in shown for m in ms]  # _cite keeps each id once
    kinds = [f"{article(head)} {head}", *(f"{article(w)} {w}" for w, _ in shown)]
    return [(len(cited) + 65, f"choice:{head}", Criterion(
        given=f"I want to {rep.phrase}", when=f"I {rep.phrase}",
        then=f"I can choose {', '.join(kinds[:-1])} or {kinds[-1]}", evidence=_cite(cited)))]


# a failure after a number of things: "after 3-4 pages", "about 3 pages in", "after viewing 10-12 pages"
_AFTER_N = re.compile(r"\b(?:after|about|around|maybe|through|first)\s+(?:[a-z]+ing\s+)?\d+(?:\s*-\s*\d+)?\s+"
                      r"([a-z]{3,}?)s?\b", re.I)


def counted(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    """A failure after a number of the story's things ("Crashes after 3-4 pages", "I got through maybe 4 pages and
    it will not load the next page") is a regression test from that number on, citing the items that state it."""
    verb = _verb(rep).split()[0]  # "read through": "I have read 3 pages", "I read the next page"
    failed = [m for m in about if (m.ask is not None and m.ask.kind == "bug") or {"crash", "error"} & m.facts.mentions]
    head = rep.obj_head.split()[-1] if rep.obj_head else ""
    if not failed:
        return []
    # "3-4 pages", "4 pages", never "3 comic reader apps" (a count of something the thing names)
    if not any(re.search(rf"\b\d+(?:\s*-\s*\d+)?\s+{re.escape(head)}s\b", m.item.text, re.I) for m in failed):
        # "an out of memory error about 3 pages in" on "read a comic": the reports count something else
        counts = Counter(w.group(1).lower() for m in failed for w in _AFTER_N.finditer(m.item.text)
                         if f"{w.group(1).lower()}s" not in NOT_COUNTED)  # "after about 15 seconds": a time
        head = counts.most_common(1)[0][0] if counts else ""
    if not head:
        return []
    number = re.compile(rf"\b(\d+(?:\s*-\s*\d+)?)\s+{re.escape(head)}s\b", re.I)
    by_count: dict[str, list[Member]] = {}
    for m in failed:
        if found := number.search(m.item.text):
            by_count.setdefault(re.sub(r"\s+", "", found.group(1)), []).append(m)
    if not by_count:
        return []
    # one test: the count most reports share ("4" is in "3-4 pages" and "4 pages"), citing those
    count = max(by_count, key=lambda c: (sum(c in k for k in by_count), -len(c), c))
    group = [m for k, ms in by_count.items() if count in k for m in ms]
    out = []
    if group:
        things = f"{head}s" if count != "1" else head
        crash = all("crash" in m.facts.mentions for m in group)
        then = f"the next {head} is shown" + (" and the app stays open" if crash else "")
        out.append((len(group) + 95, f"count:{count}", Criterion(
            given=f"I have {inflect(verb, 'VBN')} {count} {things}", when=f"I {verb} the next {head}", then=then,
            evidence=_cite(group))))
    return out


_DEADLINE = {"by", "before", "until", "till"}


def limited(verb: Any, kept: Sequence[Any], limits: Sequence[Any], goal: Ask,
            item_id: str) -> list[tuple[str, Criterion]]:
    """A stakeholder's deadline or limit on its own action, as tests citing the ask: "delete their reading history
    within 30 days of a request" -> Given I asked to delete my reading history / When 30 days have passed since the
    request / Then my reading history is deleted. A delivery date ("by January") is the team's schedule, no test
    of the product. The outcome is the ask's own verb done to its object.
    Each comes with its limit's words ("30 days"), so a criterion that already carries them can give way."""
    obj = next((t for t in kept if t.dep_ == "dobj" and t.head.i == verb.i), None)
    if obj is None or not limits:
        return []
    ids = {t.i for t in kept}
    obj_ids = {t.i for t in obj.subtree if t.i in ids}
    rest = [t for t in kept[1:] if t.i not in obj_ids and not (t.dep_ == "prt" and t.head.i == verb.i)]
    done = " ".join(w for w in (dt._be(dt._render([t for t in kept if t.i in obj_ids]), obj),
                                inflect(verb.lemma_.lower(), "VBN"), dt._render(rest)) if w)
    out = []
    for prep in limits:
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        since = next((c for c in pobj.children if c.dep_ == "prep" and c.lower_ in ("of", "after", "from")), None)
        inner = {t.i for t in since.subtree} if since is not None else set()
        amount = dt._render([t for t in pobj.subtree if t.i not in inner])  # "30 days", "January"
        word = prep.lower_
        if word == "within" and since is not None:
            event = re.sub(r"^(?:a|an)\s+", "the ", dt._render([t for t in since.subtree if t is not since]))
            passed = "have" if pobj.tag_ in ("NNS", "NNPS") else "has"
            crit = Criterion(given=f"I asked to {goal.phrase}", when=f"{amount} {passed} passed since {event}",
                             then=done, evidence=[item_id])
        elif word in _DEADLINE:
            # "by January", "before the audit on 1 September": the team's delivery date, not something the product
            # does ("When it is January Then statements are offered" read as a misread deadline in three audits);
            # it stays in the ask's decision note and raises the story's time criticality
            continue
        else:  # "within 2 days", "in one tap": the limit is part of the outcome
            crit = Criterion(given=f"I want to {goal.phrase}", when=f"I {goal.phrase}",
                             then=f"{done} {word} {amount}", evidence=[item_id])
        out.append((amount, crit))
    return out
