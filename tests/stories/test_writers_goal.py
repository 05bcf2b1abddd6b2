"""A request addressed to the developer ("add a password", "please add X") is the developer's action: the goal is the
action the writers themselves want to do with the thing, and "without errors" only when the items name an error.
Review-style texts written for this test (the shapes of real Google Play reviews); real parser, real embedder."""

from __future__ import annotations

import pytest

from assistant.models import FeedbackItem, SourceRef
from assistant.stories.consensus import choose, provides
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


def _items(texts: list[str], prefix: str) -> list[FeedbackItem]:
    return [FeedbackItem(id=f"{prefix}{n}", text=t, source=SourceRef(path="t.csv", row=n + 1))
            for n, t in enumerate(texts)]


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
