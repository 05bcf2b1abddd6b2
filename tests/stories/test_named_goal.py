"""A group whose asks the parser cannot read gets the thing most of its items name and a writer's own verb on it
(assistant.stories.named), with the real parser and the real local embedder; never a state ("lacks") or a request
verb ("add") as the action, and nothing when no writer states an action. Reviews written for this test."""

from __future__ import annotations

import pytest

from assistant.stories.consensus import choose
from assistant.stories.draft import _clean, analyse
from assistant.stories.named import named_goal, requests_thing
from story_fixtures import feedback_items as _items


@pytest.fixture(scope="module")
def embed():
    from assistant.verify import CachedEmbed

    return CachedEmbed()  # the real local MiniLM model


BACKGROUNDS = [
    "Nice chat app but please add custom chat background support so chats could look different from the home screen",
    "Almost perfect, I would really want to put a different chat background instead of plain white",
    "Add the option to mute groups and the ability to set a background to any photo I like",
    "Allow custom backgrounds. Chats have either white or grey, no real customisation possible.",
    "I'd love to see a feature for a different background than the default one",
    "Improve chats. Add the possibility to choose a personal background like a photo",
]
COMPLAINTS = [
    "The background is ugly and the chat background looks cheap",
    "Background colours are too dark, the background hurts my eyes",
    "Lacks a decent background, the background is boring",
    "I hate the grey background in every chat",
]


def test_the_thing_most_items_name_gets_a_writers_own_verb(embed) -> None:
    items = _items(BACKGROUNDS, "bg")
    asks, _ = analyse(items)
    best = named_goal(items, asks, embed, _clean)
    assert best is not None, "most items name 'background' and writers say what they would do with it"
    verb, _, thing = best.phrase.partition(" ")
    assert verb in ("set", "choose") and thing == "a background", best.phrase  # not "add", "put", "see"
    assert best.asked >= 5 and best.similarity >= 0.5
    # the items requesting the thing in their own words back it (the ask parser read other objects for them)
    # "add ... chat background support" and "a feature for a different background" ask for the thing itself
    assert {"bg0", "bg3", "bg4"} <= set(best.asking), best.asking
    assert requests_thing(items[0], "background", "set") and requests_thing(items[4], "background", "set")


def test_asking_for_a_thing_is_read_from_the_parse_not_from_the_word() -> None:
    """Wanting the thing backs a goal acting on it; another action on it, a refusal or praise does not."""
    asked = ["Pls include blur option for the background", "I would love to see a feature for a different background",
             "Please allow custom backgrounds", "I want a background option"]
    not_asked = ["I love the background", "I don't want a new background", "I need to delete my background",
                 "Please add money to my background", "The background is ugly"]
    items = _items(asked + not_asked, "r")
    got = [requests_thing(i, "background", "set") for i in items]
    assert got == [True] * len(asked) + [False] * len(not_asked), list(zip([i.text for i in items], got))


def test_choose_falls_back_to_the_named_thing_only_without_an_ask_candidate(embed) -> None:
    items = _items(BACKGROUNDS, "bg")
    asks, _ = analyse(items)
    # no ask the parser read survives (here: none at all): the named thing is the candidate, and the scored list
    # holds it for the backing rule
    chosen, scored = choose([], items, asks, embed, _clean, items)
    assert chosen is not None and chosen.phrase.endswith("a background") and scored == [chosen], scored


def test_complaints_naming_a_thing_state_no_action_so_no_goal(embed) -> None:
    items = _items(COMPLAINTS, "cx")
    asks, _ = analyse(items)
    assert named_goal(items, asks, embed, _clean) is None  # "lacks a background" is a state, not an action
    assert not any(requests_thing(i, "background") for i in items)


def test_a_verb_few_writers_take_on_the_thing_is_not_their_goal(embed) -> None:
    """The bank inbox's need of CLINC150 improve-credit-score queries (all 24): most name the score, 3 say "avoid"
    (a low score) or "build" it, the rest raise, boost or improve it in ways the reader takes as requests: "avoid a
    credit score" is nobody's goal."""
    texts = ["how can i rehabilitate my poor credit score", "how can i raise my credit score",
             "my credit score stinks but i don't know how to improve it",
             "what steps should i take if i want to ensure my credit score doesn't drop",
             "can you explain to me how i might boost my credit score", "how can i increase my credit score",
             "how can i prevent my credit score from dropping",
             "will my fico score decrease if i increase my student loan debt",
             "what preventative measures can i take to avoid a low credit score",
             "what steps can i take to build my credit score", "which could be improve the credit score",
             "give me tips on improving my credit score", "give me some ideas for boosting my credit score",
             "how can i contribute to my credit score", "when the credit score improve",
             "where is improve the credit score", "how is it possible to get a better credit score",
             "what's the method to improve credit score", "how can i keep my credit score from falling",
             "how can i up my credit score", "give me some ideas of how to avoid my credit score lowering",
             "give me some tips on building up my credit score", "which is the best way to improve the credit score",
             "can you tell me some strategies for raising my credit score"]
    items = _items(texts, "cs")
    asks, _ = analyse(items)
    best = named_goal(items, asks, embed, _clean)
    assert best is None or len(best.asking) >= len(texts) / 4, best


# written for this test, in the shape of the AcDisplay reviews the audit quoted ("Please add ""always on"" mode",
# "Good Remove the ac in the notification bar its useless")
REMOVALS = [
    "Nice widget. Please remove the sticky icon from my status bar, it is annoying",
    "Good Remove the sticky icon from the status bar its useless",
    "Works fine on my phone, though the sticky icon in my status bar bothers me",
]
ADDITIONS = ["Please add night mode", "Great app. Please add NIGHT MODE", "Would be perfect with a darker theme at night"]


def test_a_shared_order_to_the_team_becomes_the_writers_goal_and_cites_who_asks(embed) -> None:
    from assistant.stories.named import said_goal
    from assistant.verify.about import off_goal

    items = _items(REMOVALS, "rm")
    asks, _ = analyse(items)
    found = said_goal(items, asks, embed, _clean, items)
    assert found is not None, "two of three writers order the team to remove the same thing"
    # the thing done for the writer, in the team-verb form of stakeholder asks, not the order itself
    assert found.phrase.startswith("have the sticky icon removed"), found.phrase
    assert set(found.asking) == {"rm0", "rm1"} and found.asked == 2 and not found.ask.implied
    assert off_goal(f"to {found.phrase}", list(found.asking), {i.id: i for i in items}, asks) == []


def test_a_thing_asked_to_be_added_is_one_to_use_and_needs_two_writers(embed) -> None:
    from assistant.stories.named import said_goal

    items = _items(ADDITIONS, "ad")
    asks, _ = analyse(items)
    found = said_goal(items, asks, embed, _clean, items)
    assert found is not None and found.phrase == "use a night mode", found and found.phrase
    assert found.ask.implied and found.asked == 2 and set(found.asking) == {"ad0", "ad1"}
    # one writer's ask is not what the group asks; nor is an ask too few of the group's writers share
    assert said_goal(items[:1] + items[2:], asks, embed, _clean) is None
    crowd = _items([*ADDITIONS[:2], *COMPLAINTS, *(f"The {w} screen is slow to load" for w in ("home", "menu", "login"))],
                   "cw")
    crowd_asks, _ = analyse(crowd)
    assert said_goal(crowd, crowd_asks, embed, _clean) is None  # 2 of 9 writers: below ASK_SHARE
