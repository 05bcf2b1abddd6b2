"""A request addressed to the developer ("add a password", "please add X") is the developer's action: the goal is the
action the writers themselves want to do with the thing, and "without errors" only when the items name an error.
Review-style texts written for this test (the shapes of real Google Play reviews); real parser, real embedder."""

from __future__ import annotations

import pytest

from story_fixtures import feedback_items as _items
from assistant.stories.backing import provides
from assistant.stories.consensus import choose
from assistant.stories.draft import _clean, analyse
from assistant.stories.goal import goal_for, names_failure
from assistant.verify.about import about_goal, goal_target

PASSWORD = [
    "Try add a pass code.",
    "Add password or pattern to it and it will be amazing!",
    "I need to set a password. Please allow this app to set password",
    "Please add a password or pin option please, otherwise great work!",
    "One thing is missing.. The Pin/Password protection is needed",
    "You should add a password. Like a minimalist password screen",
]


@pytest.fixture(scope="module")
def password():
    from assistant.verify import CachedEmbed

    items = _items(PASSWORD, "pw")
    asks, _ = analyse(items)
    best, scored = choose([a for a in asks.values() if a], items, asks, CachedEmbed(), _clean, items)
    return items, asks, best, scored


def test_adding_is_the_developers_action_the_writer_asks_for_the_thing(password) -> None:
    _, asks, _, _ = password
    added = asks["pw5"]  # "You should add a password": the developer adds, the writer wants a password
    assert added is not None and added.verb != "add" and added.requested and "password" in added.obj_head
    mine = asks["pw2"]  # "I need to set a password": the writer's own action, not a request for a thing
    assert mine is not None and mine.verb == "set" and not mine.requested


def test_the_goal_is_the_action_a_writer_states_on_the_thing_the_others_ask_for(password) -> None:
    items, asks, best, scored = password
    assert best is not None and best.phrase == "set a password", [c.phrase for c in scored]
    # the writers who only ask for a password support the story, and the gate keeps them as its evidence
    target = goal_target(goal_for(best.ask))
    assert target is not None
    kept = [i.id for i in items if about_goal(target, i, asks[i.id])]
    assert {"pw1", "pw2", "pw3", "pw5"} <= set(kept), kept
    assert "pw0" not in kept  # "a pass code" never names a password


def test_a_bare_noun_phrase_asks_for_nothing() -> None:
    items = _items(["Worst comic reader ever!", "Dark mode please"], "np")
    asks, _ = analyse(items)
    assert not provides(asks["np0"])  # a verdict, not a request for a comic reader


def test_without_errors_only_when_the_items_name_an_error() -> None:
    slow = _items(["Swipe to go to turn page often takes 4 or 5 attempts.",
                   "Page turning sucks, you can't turn pages smoothly at all."], "sl")
    failing = _items(["Keep getting a memory error when I turn a page", "It crashes every time I turn a page"], "er")
    assert not names_failure(slow) and names_failure(failing)
    asks, _ = analyse(slow)
    bug = next(a for a in asks.values() if a and a.verb == "turn")
    from dataclasses import replace

    bug = replace(bug, kind="bug", symptom="an error")
    assert goal_for(bug, named=False) == f"to {bug.phrase}"
    assert goal_for(bug, named=True).endswith("without errors")


RATES = [  # support-chat questions in the style of a bank's inbox, written for this test
    "what's the interest rate on my savings account",
    "i want the interest rate for my checking account",
    "for my savings account i would like to know the interest rate",
    "how do i find the interest rate for my checking account",
    "i need my checking account's interest rate",
    "i need to get the interest rate of my savings account",
    "i would like the interest rate for my savings account",
    "what interest rate am i getting from my bank",
]


def test_when_the_best_phrasing_is_one_writers_the_goal_is_the_one_most_items_back() -> None:
    from assistant.stories.backing import backers, first_backed
    from assistant.verify import CachedEmbed

    items = _items(RATES, "ir")
    asks, _ = analyse(items)
    best, scored = choose([a for a in asks.values() if a], items, asks, CachedEmbed(), _clean, items)
    by_id = {i.id: i for i in items}
    ids = [i.id for i in items]
    need_size = 40  # the group sits in a bigger need: a story must cite 10% of it, four items
    assert backers(best, ids, by_id, asks, need_size) is None, best.phrase  # "...of my savings account": two
    backed = first_backed(best, scored, ids, by_id, asks, need_size)
    assert backed is not None, [c.phrase for c in scored]
    cand, cited = backed
    assert "interest rate" in cand.phrase and len(cited) >= 4, (cand.phrase, cited)
    assert "checking" not in cand.phrase and "savings" not in cand.phrase, cand.phrase  # no one writer's account


def test_a_question_about_when_asks_no_action() -> None:
    items = _items(["when do i have to pay my internet", "how much do i have to pay on my gas bill"], "wh")
    asks, _ = analyse(items)
    # neither asks to pay: the how-much question asks to see the amount (asks._how_much)
    assert asks["wh0"] is None and asks["wh1"].phrase == "see how much I have to pay on my gas bill", asks["wh1"]


def test_is_there_a_fee_asks_to_see_the_fee_not_one_writers_case() -> None:
    items = _items(["are there any transaction fees using my discover if i'm in cuba",
                    "will there be a transaction fee for using my card", "there is a fee on my card"], "ex")
    asks, _ = analyse(items)
    assert asks["ex0"] is not None and asks["ex0"].phrase == "see transaction fees"
    assert asks["ex1"] is not None and asks["ex1"].phrase == "see the transaction fee"
    assert asks["ex2"] is None or asks["ex2"].verb != "see"  # a statement reports a fee, it asks nothing


def test_a_time_adverbial_is_not_what_a_group_is_about() -> None:
    from assistant.stories.consensus import _missing_topic

    group = _items([f"what are my {w} bills this month" for w in ("gas", "phone", "water", "car", "cable")]
                   + [f"how much is my {w} bill this month" for w in ("gas", "phone", "water", "car", "cable")], "tm")
    assert "month" not in _missing_topic("see my bills", group, frozenset())
