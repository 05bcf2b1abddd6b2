"""In reviews of one product, "can't uninstall it" asks to uninstall the product: the inbox's subject noun stands in
for an "it" the item gives nothing else to point at, and the drafting and the gate read it the same way. Review
sentences verbatim from a real Google Play inbox (AcDisplay, urr_golden_set); real parser and real local embedder."""

from __future__ import annotations

import pytest

from story_fixtures import feedback_items as _items
from assistant.stories.asks import read_asks, subject_noun
from assistant.stories.consensus import choose
from assistant.stories.draft import _clean
from assistant.verify.about import off_goal

UNINSTALL = [
    "Can't uninstall.",
    "Wtf Users cannot uninstall it",
    "Worst . Spy software cant uninstall it",
    "not able to remove it.. how to uninstall it... i tried almost everything...",
    "Useless and can't uninstall why can't I Uninstall it",
    "Can't uninstall It won't let me uninstall this no matter what I do",
    "Brilliant app!! Edit: 'Had to uninstall. Started taking too much resources/battery in the background",
    "Users keep writing that they cannot uninstall the app: unticking it as device administrator crashes Settings.",
]


@pytest.fixture(scope="module")
def uninstall():
    items = _items(UNINSTALL)
    return items, read_asks(items, "app")


def test_the_product_is_the_noun_its_writers_call_this_x() -> None:
    reviews = _items(["Great app, I use this app daily", "this app crashes", "I love this app", "this comic is great",
                      "the app is ok", "uninstall this app now"], "r")
    assert subject_noun(reviews, frozenset({"app", "comic", "the"})) == "app"
    # a bank's messages speak of many things: no word stands out as "this X", so nothing stands in for "it"
    bank = _items(["can you block this card", "this month i was charged twice", "freeze this account",
                   "what is my balance", "how do i report my card lost", "this transaction is wrong"], "b")
    assert subject_noun(bank, frozenset({"card", "account", "month"})) == ""


def test_a_bare_it_in_a_review_is_the_product(uninstall) -> None:
    items, asks = uninstall
    phrases = {i.text: asks[i.id] and asks[i.id].phrase for i in items}
    assert phrases["Wtf Users cannot uninstall it"] == "uninstall the app"  # "it" is not the users
    assert phrases["Useless and can't uninstall why can't I Uninstall it"] == "uninstall the app"
    assert phrases["Can't uninstall It won't let me uninstall this no matter what I do"] == "uninstall the app"
    # a bare "can't uninstall" acts on the product once other items use the verb on it
    assert phrases["Can't uninstall."] == "uninstall the app"
    assert all(a is None or not a.stand_in for a in read_asks(items).values())  # no product known: no stand-in


def test_it_stands_for_a_thing_the_item_names() -> None:
    items = _items(["I lost my card yesterday, can you block it", "Got a new phone and can't install it"], "o")
    asks = read_asks(items, "app")
    assert not any(a and a.stand_in for a in asks.values()), {k: a and a.phrase for k, a in asks.items()}


def test_the_group_gets_the_goal_and_the_gate_keeps_its_citations(uninstall) -> None:
    from assistant.verify import CachedEmbed

    items, asks = uninstall
    best, scored = choose([a for a in asks.values() if a], items, asks, CachedEmbed(), _clean, items,
                          product="app")
    assert best is not None and best.phrase == "uninstall the app", [c.phrase for c in scored]
    goal = f"to {best.phrase}"
    cited = [i.id for i in items if asks[i.id] and asks[i.id].verb == "uninstall"]
    assert len(cited) >= 5
    assert off_goal(goal, cited, {i.id: i for i in items}, asks) == []
    # without the product a bare product object is no goal a person would write ("to use the app")
    assert not _clean(goal) and _clean(goal, "app") and not _clean("to use the app", "app")


def test_a_po_edit_is_checked_with_the_inbox_the_draft_was(uninstall) -> None:  # type: ignore[no-untyped-def]
    from assistant.models import Story
    from assistant.stories.finish import finish_story

    items, _ = uninstall
    from assistant.verify.gate import COMMON_MIN_ITEMS

    others = ["Great app, I use this app daily", "this app crashes", "I love this app", "this app drains my battery",
              "the notifications are late", "please add a dark theme"]  # an inbox that calls the product "app"
    pool = [*items, *_items([others[n % len(others)] + f" ({n})" for n in range(COMMON_MIN_ITEMS)], "p")]
    story = Story(id="st_1", need_id="nd_1", role="user", goal="uninstall the app without errors", benefit="",
                  evidence=["u1", "u4", "u5"])
    cited = {i.id: i for i in items}

    def off(**kw):  # type: ignore[no-untyped-def]
        done = finish_story(story, None, items=cited, **kw)
        return [f for f in done.quality if f.criterion == "unsupported_evidence"]

    assert off(pool=pool) == []  # "can't uninstall it" asks to uninstall the app, read as the drafting read it
    assert off()  # without the inbox, "it" points at nothing: the same citations are flagged, never trusted
