"""Which of a group's items back a candidate goal, and the candidate the most of them back when the best is not.

An item backs a goal by asking for its action, or by asking for the thing the goal acts on (provides: "add a
password" backs "set a password", the verb coming from the writers who state it).

The best-scored phrasing can carry a detail only some items state ("the interest rate of my savings account" over
questions about checking, savings and loan accounts): then fewer items are about it than a story needs. Another
phrasing the items share ("see the interest rate for my account") may be backed where the first is not; a group no
candidate gets enough backing for stays a story to write.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.models import FeedbackItem
from assistant.stories.asks import Ask
from assistant.stories.consensus import (
    Candidate,
    asks_for,
    cites,
    eligible,
    failure_of,
    may_cite,
    told,
    verb_key,
)
from assistant.stories.lemmas import forms, text_forms, uses

MIN_SUPPORT = 2  # items that must share an ask before it is a story's goal (one review's words are not a need)
MIN_NEED_SHARE = 0.1  # and at least this share of the need's items (a side remark is no story of the need)


def provides(ask: Ask | None, head: str = "") -> bool:
    """The item asks for a thing to exist ("Add password or pattern", "Allow custom wallpapers", "dark mode
    please"): a request whose verb the drafter implied, the writer naming no action of their own. It supports any
    goal acting on that thing (`head`, the goal's object word; any when empty): wanting a password means wanting
    to set one; the action itself comes from the writers who state it. A bare noun phrase ("Worst comic reader
    ever!") asks for nothing (Ask.requested)."""
    if ask is None:
        return False
    return any(a.requested and a.kind == "request"
               and (not head or any(forms(w) & forms(head) for w in a.obj_head.split())) for a in ask.all)


def wants(verb: str, head: str, item: FeedbackItem, ask: Ask | None, *, said_enough: bool = True) -> bool:
    """The item asks for the action on the goal's object: in its words or its asks, or by asking for the object.
    `said_enough=False`: the verb must stand in one of its asks; using the word ("fine for viewing comics") is not
    asking for it."""
    if not said_enough:
        return ask is not None and any(verb_key(a.verb) == verb_key(verb) for a in ask.all) or provides(ask, head)
    return asks_for(verb, item, ask) or provides(ask, head)


def reports_failure(failure: str, goal_words: Sequence[str], item: FeedbackItem, ask: Ask | None,
                    common: frozenset[str]) -> bool:
    """The item reports the failure a goal names ("without memory errors") while the goal's thing is the inbox's
    everyday thing ("read comics" in a comic reader's reviews): "Out of memory error" need not say "comic" to be
    about it, just as the drafting's group need not name it (choose). A stakeholder's ask is not a report: its
    fix ("add a bigger memory cache so users can raise it") is a solution the story serves, not its evidence."""
    return bool(failure and goal_words and common) and item.kind != "stakeholder_ask" \
        and all(forms(w) & common for w in goal_words) and told(failure, item.text) and may_cite(item, ask)


def backers(cand: Candidate, item_ids: Sequence[str], items: dict[str, FeedbackItem], asks: dict[str, Ask | None],
            need_size: int, common: frozenset[str] = frozenset()) -> list[str] | None:
    """The items a story with this goal may cite, or None when too few back it: at least MIN_SUPPORT and
    MIN_NEED_SHARE of the need's items name its object, and MIN_SUPPORT ask for its action."""
    rep = cand.ask
    # cite only the items about the goal: they name its object ("lost card", not "damaged card"); praise that names
    # the object ("so easy to read CBR files") supports no story: a pleased customer is cited for their own ask only
    # and the items asking for the goal's thing in their own words (named.named_goal: "add wallpaper support")
    cited = [i for i in item_ids if cites(cand.object_words, rep.verb, items[i], asks.get(i), cand.head, rep.kind)
             or i in cand.asking and may_cite(items[i], asks.get(i))]
    if failure := failure_of(rep.symptom):  # a goal naming the group's failure cites the items reporting it
        named = set(cited)
        cited = [i for i in item_ids if i in named and uses(text_forms(items[i].text), failure)
                 or reports_failure(failure, cand.object_words, items[i], asks.get(i), common)]
    asking = [i for i in cited if wants(rep.verb, cand.head, items[i], asks.get(i)) or i in cand.asking]
    if rep.kind == "request" and not rep.implied:
        # a wanted action stands on writers asking for it: "it's fine for viewing comics" uses the word only
        asking = [i for i in asking if wants(rep.verb, cand.head, items[i], asks.get(i), said_enough=False)
                  or i in cand.asking]
    if len(cited) < max(MIN_SUPPORT, MIN_NEED_SHARE * need_size) or len(asking) < MIN_SUPPORT:
        return None  # one or two customers' words in a big need, or one customer's action, are not its story
    return cited


def first_backed(chosen: Candidate, scored: Sequence[Candidate], item_ids: Sequence[str],
                 items: dict[str, FeedbackItem], asks: dict[str, Ask | None],
                 need_size: int, common: frozenset[str] = frozenset()) -> tuple[Candidate, list[str]] | None:
    """The chosen goal when enough items back it, else the eligible candidate the most items back (the best-scored
    of equals with the fewest words): the phrasing the group shares, not the next one writer's detail."""
    cited = backers(chosen, item_ids, items, asks, need_size, common)
    if cited is not None:
        return chosen, cited
    backed = [(c, b) for c in scored if c is not chosen and eligible(c)
              and (b := backers(c, item_ids, items, asks, need_size, common)) is not None]
    # equally backed, the fewer details the better ("for my account", not "for my savings account" over checking
    # and savings accounts alike); max keeps the first (best-scored) of equals
    return max(backed, key=lambda cb: (len(cb[1]), -len(cb[0].object_words)), default=None)
