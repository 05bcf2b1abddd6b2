"""The goal of a group whose asks the parser could not read: the thing most of its items name, and the action the
writers themselves take on it.

"Please add custom lock screen wallpaper support", "choose personal wallpaper", "set a wallpaper to any image":
spaCy reads these as "use custom lock screen" or "see a feature for ...", each pruned as one customer's words, so
no ask candidate wins (consensus.choose). Yet most of the items name one thing (by lemma: "wallpaper"), and some of
the writers say what they would do with it ("choose", "set"). The goal is then "<their verb> <that thing>", only
when most items name the thing, a writer's own verb acts on it (not "add", "allow", "want": the request, not the
action), the goal reads cleanly and is close to the group's centre; the backing rule (backing.backers) still
decides whether enough items support it. Otherwise the need stays a story to write.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from assistant.models import FeedbackItem
from assistant.stories.asks import Ask, clean_for_parse
from assistant.needs.said import ASK_SHARE
from assistant.stories.consensus import MIN_SIMILARITY, OBJECT_SHARE, Candidate, Embed, _content, _similarities
from assistant.stories.lemmas import forms
from assistant.stories.goal import goal_for
from assistant.stories.lexicon import ADD, NOT_ASK, PERMIT, WANT, WANT_NOUN
from assistant.stories.nlp import article, parse

# a request for the thing ("add", "allow", "I want"), or talk about the vendor: not an action a writer takes on it
_NOT_ACTION = ADD | PERMIT | WANT | NOT_ASK | {"use", "see", "get", "please", "improve"}
_MODIFIERS = ("compound", "amod")
_LIGHT = {"see", "have", "get", "use", "be"}  # verbs that name no action of their own on a thing asked for


def _phrases(tok) -> list[tuple[tuple[str, ...], str]]:
    """(lemma key, surface) of a noun and of each run of modifiers right before it: 'wallpaper',
    'custom wallpaper', 'screen wallpaper', 'lock screen wallpaper'."""
    run = []
    for left in reversed(list(tok.lefts)):
        if left.i != (run[-1].i if run else tok.i) - 1 or left.dep_ not in _MODIFIERS or not _content(left):
            break
        run.append(left)
    out = []
    for n in range(len(run) + 1):
        toks = [*reversed(run[:n]), tok]
        out.append((tuple(t.lemma_.lower() for t in toks), " ".join(t.text.lower() for t in toks)))
    return out


def _verb(tok):
    """The to-infinitive the noun is the direct object of ("to choose personal wallpaper", "to set a wallpaper"):
    an action the writer wants to take ("I'd want to put", "the ability to set"), not a state ("lacks security")."""
    while tok.dep_ == "conj":
        tok = tok.head
    verb = tok.head if tok.dep_ == "dobj" and tok.head.pos_ == "VERB" else None
    if verb is None:
        return None
    return verb if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) else None


def requests_thing(item: FeedbackItem, head: str, verb: str = "") -> bool:
    """The item asks for the thing `head` names in its own words ("please add custom lock screen wallpaper
    support", "allow custom wallpapers", "I'd love to see a feature for a different wallpaper"), where the ask
    parser read another object: wanting the thing supports a goal acting on it (`verb`), as backing.provides says
    for the asks it did read. Not when the writer wants another action on it ("I want to delete my wallpaper")."""
    if not head:
        return False
    want = forms(head.split()[-1])
    return any(tok.pos_ in ("NOUN", "PROPN") and forms(tok.text) & want and _asked_for(tok, verb)
               for tok in parse([clean_for_parse(item.text)])[0])


def _asked_for(tok, verb: str = "") -> bool:
    """The thing stands under a request, climbing the parse: the object (or a modifier of the object) of "add",
    "allow", "include" ("add ... wallpaper support"), of a want ("I want custom wallpapers"), or inside what one
    of those asks for ("the option to set a wallpaper", "a feature for a different wallpaper": a preposition on a
    noun, an infinitive of a light verb or of the goal's own verb). Another action on the way up ("add money to my
    account", "I need to open an account" for "freeze my account") is that action, not this thing; a negation
    ("I don't want ...") is the opposite of a request; a like or love without "would" is praise ("I love the
    wallpaper")."""
    own = forms(verb.split()[0]) if verb else frozenset()
    node = tok
    for _ in range(6):
        up, dep = node.head, node.dep_
        if up is node or any(c.dep_ == "neg" for c in up.children):
            return False
        lemma = up.lemma_.lower()
        if up.pos_ in ("VERB", "AUX"):
            if dep == "prep":  # "see a feature for X" asks for X; "add money to my account" does not ask for it
                if lemma in _LIGHT or forms(up.text) & own:
                    node = up
                    continue
                return False
            if dep not in ("dobj", "xcomp", "ccomp", "oprd", "conj", "advcl"):
                return False  # the thing is the subject of its own clause: a report, not a request
            if lemma in ADD | PERMIT or lemma in WANT_NOUN:
                return True
            if lemma in WANT:  # "I'd love to see", "would like": a wish; "I love it": praise
                return any(c.tag_ == "MD" for c in up.children)
            if lemma not in _LIGHT and not forms(up.text) & own:
                return False  # another action on the thing
        elif up.pos_ in ("NOUN", "PROPN"):
            if dep not in ("compound", "amod", "nmod", "conj", "acl", "relcl", "prep"):
                return False
        elif not (up.pos_ == "ADP" and dep == "pobj"):
            return False
        node = up
    return False


def named_goal(group: Sequence[FeedbackItem], item_asks: dict[str, Ask | None], embed: Embed | None,
               clean: Callable[[str], bool], common: frozenset[str] = frozenset()) -> Candidate | None:
    """A candidate "<verb> <thing>" from what most of the group's items name, or None (see the module doc)."""
    if len(group) < 2:
        return None
    docs = parse([clean_for_parse(i.text) for i in group])
    named: dict[tuple[str, ...], set[int]] = defaultdict(set)
    surface: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    acted: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    used: dict[str, set[int]] = defaultdict(set)
    for n, doc in enumerate(docs):
        for tok in doc:
            if tok.pos_ == "VERB":
                used[tok.lemma_.lower()].add(n)
            if tok.pos_ != "NOUN" or not tok.is_alpha or len(tok.text) < 3 or forms(tok.text) & common:
                continue
            for key, text in _phrases(tok):
                named[key].add(n)
                surface[key][text + ("" if tok.tag_ == "NNS" else " ")] += 1  # a trailing space marks the singular
            verb = _verb(tok)
            if verb is not None and verb.lemma_.lower() not in _NOT_ACTION and verb.is_alpha:
                acted[tok.lemma_.lower()][verb.lemma_.lower()].add(n)
    most = [k for k, ns in named.items() if len(ns) >= OBJECT_SHARE * len(group) and acted.get(k[-1])]
    if not most:
        return None
    # the fullest phrase most items name, then the one the most name ("wallpaper" 9 of 9, not "custom wallpaper" 3)
    key = max(most, key=lambda k: (len(k), len(named[k]), k))
    verbs = acted[key[-1]]
    # the action the most writers take on it, then the verb the most of them use at all
    verb = max(verbs, key=lambda v: (len(verbs[v]), len(used[v]), v))
    text = surface[key].most_common(1)[0][0]
    thing = f"{article(text.strip())} {text.strip()}" if text.endswith(" ") else text
    ask = Ask(item_id=group[sorted(named[key])[0]].id, verb=verb, phrase=f"{verb} {thing}", obj=thing,
              obj_head=" ".join(key), kind="request")
    goal = goal_for(ask)
    if not clean(goal):
        return None
    sim = _similarities([ask.phrase], group, embed)[0]
    if sim < MIN_SIMILARITY:
        return None
    words = tuple(text.split())
    # the items asking for the thing or to take this action on it, in their own words (requests_thing)
    thing_forms = forms(key[-1])
    asking = tuple(group[n].id for n, doc in enumerate(docs) if n in verbs[verb] or any(
        t.pos_ in ("NOUN", "PROPN") and forms(t.text) & thing_forms and _asked_for(t, verb) for t in doc))
    if len(asking) < ASK_SHARE * len(group):
        # naming the thing is not asking for this action on it: "avoid a credit score" came from 3 of 24 writers
        # who want to raise, build, boost or keep up their score, none of whom wants to avoid one
        return None
    return Candidate(ask, ask.phrase, verb, words, words[-1], round(sim, 4), round(sim, 4), len(named[key]),
                     asking=asking)


def said_goal(group: Sequence[FeedbackItem], item_asks: dict[str, Ask | None], embed: Embed | None,
              clean: Callable[[str], bool], need: Sequence[FeedbackItem] = (), product: str = "") -> Candidate | None:
    """A candidate from the action most of the group's writers ask for (assistant.needs.said.shared, the reading the
    need's statement uses), as the writer's goal: a thing asked to be added is one to use ("add always on mode" ->
    "use an always on mode", the drafter's stand-in verb, so IMPLIED_ASKED writers must ask it); an order to the
    team is the thing done for the writer ("remove the ac in the notification" -> "have the ac in the notification
    removed", stakeholder.ask_goal); the writers' own action stays theirs ("order some more checks"). One writer's
    details are pruned as consensus does; only when ASK_SHARE of the group's writers ask it, the goal reads cleanly
    and is close to the group's centre. The candidate cites the writers who ask it (Candidate.asking)."""
    from dataclasses import replace

    from assistant.needs.said import ASK_SHARE, _Asked, shared
    from assistant.stories.consensus import IMPLIED_ASKED, _prune, _share_of
    from assistant.stories.stakeholder import ask_goal, team_imperative

    writers = [i for i in group if i.kind != "stakeholder_ask"]
    found = shared(writers, product) if len(writers) >= IMPLIED_ASKED else None
    if found is None or found.kind != "request":
        return None
    askers = found.item_ids
    if len(askers) < max(IMPLIED_ASKED, ASK_SHARE * len(writers)):
        return None
    by_id = {i.id: i for i in writers}
    verb = next((a.verb for a in found.asks if " ".join(a.phrase.split()) == found.phrase), found.phrase.split()[0])
    pruned = _prune(Ask(item_id=askers[0], verb=verb, phrase=found.phrase, obj="", obj_head="", kind="request"),
                    _share_of(need or writers, item_asks))
    if pruned is None or not pruned[1]:
        return None  # the object itself is one writer's, or there is nothing to act on
    phrase, words, obj, head = pruned
    if not obj and verb in ADD:  # "add always on mode": the parser reads no object, yet all after "add" is the thing
        obj, head = phrase[len(verb):].strip(), words[-1]
    base = Ask(item_id=askers[0], verb=verb, phrase=phrase, obj=obj, obj_head=head, kind="request")
    # an order to the team: a plain imperative (said.imperatives) or a sentence opening with the verb
    ordered = {a.item_id for a in found.asks if isinstance(a, _Asked) or team_imperative(by_id[a.item_id], a)}
    if verb in ADD:
        thing = obj if obj.split()[0].lower() in ("a", "an", "the", "my") else f"{article(obj)} {obj}"
        ask: Ask | None = replace(base, verb="use", phrase=f"use {thing}", obj=thing, implied=True)
    elif 2 * len(ordered) >= len(askers):
        ask = ask_goal(base, team_verb=True)
    else:
        ask = base
    if ask is None or not ask.obj or not clean(goal_for(ask)):
        return None
    sim = _similarities([ask.phrase], group, embed)[0]
    if sim < MIN_SIMILARITY:
        return None
    return Candidate(ask, ask.phrase, ask.verb, words, words[-1] if words else head, round(sim, 4), round(sim, 4),
                     len(askers), asking=tuple(askers))
