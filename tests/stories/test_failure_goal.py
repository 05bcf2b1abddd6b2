"""A big group whose subject is a failure most of its items report ("out of memory") gets the action without it,
citing only the items that report it. Reviews verbatim from a real Google Play inbox (A Comic Viewer,
urr_golden_set); real parser and real local embedder."""

from __future__ import annotations

import pytest

from assistant.models import FeedbackItem, SourceRef
from assistant.stories.consensus import choose, told
from assistant.stories.draft import _clean, analyse
from assistant.verify.about import goal_target, off_goal

READING = [
    "Nowt No comics, just a file folder, I'm confused.",
    "There's a better option, guys. I don't normally post comments or ratings for apps but I felt it was worth pointing out to people that, while this app does get the job done, it was simply too much of a hassle to use, and 9 times out of 10 a comic would give me a memory crash error at some point. Perfect Viewer has so far performed significantly better for me, and not once have I ran into any problems with it.",
    "Uinstalled Every comic I try to read I get an out of memory error about 3 pages in. This app is a joke.",
    "Not bad but frustrating Used this app for a while but keep getting \"\"unable to load\"\" error messages. I'm switching to perfect viewer",
    "Worked now out of memory error Out of memory sucks use to work good found that this app \"\"Simple Comic Viewer\"\" working for me loading comics no errors.",
    "Awesome comic reader Only issue is out of memory problems on the odd page... Annoying but not fatal. Other than that, small fast and effective. Thank you. FTR: I am running ur app on my stock Nexus 7.",
    "Not very practical There r much better comic viewers than this 4android",
    "Same problem This is the best comic reader by far i ve used. But the oops error is annoying. The app works when it wants to work and thats not a good thing:/.",
    "Love the format, hate the stability As I said, great format and user controls. But almost every other page of any comic I get either a memory error or a corrupted data error. Fix that or this app is useless. I like the features just wish I could actually read through an entire comic with out some BS. Will be switching to a different app and uninstalling this until it is made useable.",
    "TERRIBLE app U can't even read comics on here! If u could put zero stars I would",
    "Near constant memory error messages The presentation is slick, clean and simple. It is a shame that it can rarely get through a whole comic without crashing. I tried 3 comic reader apps to see which one was best, and this would have been my favorite, if only it functioned. As it is, I am uninstalling this and going with Comicrack. Neither of the other apps I tried had the crippling issues this one does.",
    "I have a new nexus tablet and paid for the no ads version of this app. It only views about 20% of comics I attempt to open. Do not waste precious memory on this defective app. Use perfect viewer, it is appropriately named and has yet to give me a memory error. You have been warned.",
    "glitch? bottom of comics are scrambled in this app but work fine on my pc. tried on both of my phones and the same thing happens. hmm",
    "Unable to load Has a lot of problems loading comics do to a memory issue.",
    "Nice app Could improve memory issues though. Uninstalling, Comic Rack is better.",
    "Worked well...What happened? I had used this app to read comics on my Nexus 7 for the last couple months but now suddenly I keep running into problems where a few pages in and an error prompt comes up. A nearly flawless app now suddenly unable to read anything entirely.",
    "Crashy and Buggy Most comics I try to read on this app either don't work at all or are extremely glitchy. Give this one a miss.",
    "Very bad Bad due fails to load comic due to out of memory error",
    "Ugly Had problems with comics others read."
]


@pytest.fixture(scope="module")
def group():
    items = [FeedbackItem(id=f"r{n}", text=t, source=SourceRef(path="t.csv", row=n + 1)) for n, t in enumerate(READING)]
    asks, _ = analyse(items, "app")
    return items, asks


def test_the_goal_names_the_failure_the_items_share(group) -> None:
    from assistant.verify import CachedEmbed

    items, asks = group
    best, scored = choose([a for a in asks.values() if a], items, asks, CachedEmbed(), _clean, items,
                          frozenset({"app", "comic"}), "app")
    assert best is not None, [c.phrase for c in scored]
    goal = f"to {best.phrase} without {best.ask.symptom}"
    assert best.ask.symptom == "memory errors" and "comic" in best.phrase, goal
    # the gate reads the failure off the goal and keeps only citations reporting it
    assert goal_target(goal).failure == "memory"
    by_id = {i.id: i for i in items}
    off = set(off_goal(goal, list(by_id), by_id, asks))
    kept = [by_id[i].text for i in by_id if i not in off]
    assert kept and all("memory" in t.lower() for t in kept), kept
    assert by_id["r9"].id in off  # "TERRIBLE app U can't even read comics on here!" reports no memory failure


def test_a_failure_few_items_report_is_not_the_goal(group) -> None:
    from assistant.verify import CachedEmbed

    items, asks = group
    few = [i for i in items if "memory" not in i.text.lower()] + [i for i in items if "memory" in i.text.lower()][:3]
    best, _ = choose([a for a in asks.values() if a], few, asks, CachedEmbed(), _clean, few,
                     frozenset({"app", "comic"}), "app")
    assert best is None or "memory" not in best.ask.symptom


# reviews from the same inbox that report the failure and name no action: a big need is mostly these
ONLY_FAILURE = [
    "Out of memory error",
    "Frequently crashes (OOM) Frequently crashes with an out of memory message.",
    "Needs a LOT of work! Far too many \"\"memory\"\" issues",
    "Not for me Memory crash.",
    "My nexus 7 is more also showing out of memory :(",
    "Out of memory error Unusable",
    "Bad Runs out of memory on my way phone which is an S4",
    "Not good. I've got a phone with 2GB of RAM and it is running out of memory?",
    "not bad not bad on samsung nexus s, but frequent out of memory.....",
    "Memory error Keep getting a memory error on my s3...",
    "Good idea lots of errors Keeps giving me memory issues on the nexus 7 not terribly impressed. Images constantly rescaled despite setting it not to.",
    "So close, so far Works great except for the out of memory errors. Restarting the app or even my device makes no change.",
    "Lack of memory Was running fine on my Galaxy note till till today saying a message like lack of memory and brought me back to the welcome screen",
    "Great app But I'm getting an out of memory error, how do I fix this?",
    "Out of memory Doesn't work on my Nexus 7, so 1 star.",
    "Could be good but..... Keeps crashing on SGS2 Claims out if memory error as in other reports. Looks good otherwise",
    "Sucktastic No memory error every time",
    "Error straight from the start. RAR out of memory error on Nexus 4. Restarted as instructed. No effect. App sent into the future from year 1994.",
    "I don't understand Started out great now always getting low or out of memory error. Got it set to low memory still doing it. Have over 2gb on phone free what's up????",
]


def test_a_big_group_mostly_reporting_the_failure_still_gets_the_action_where_it_happens() -> None:
    """Most of a big need's items report only the failure: the action few of them name ('read comics', under a
    fifth of the group) is where it happens, and the goal still names the failure."""
    from assistant.stories.backing import wants
    from assistant.stories.consensus import VERB_SHARE
    from assistant.verify import CachedEmbed

    texts = READING + ONLY_FAILURE
    items = [FeedbackItem(id=f"r{n}", text=t, source=SourceRef(path="t.csv", row=n + 1)) for n, t in enumerate(texts)]
    asks, _ = analyse(items, "app")
    best, scored = choose([a for a in asks.values() if a], items, asks, CachedEmbed(), _clean, items,
                          frozenset({"app", "comic"}), "app")
    assert best is not None, [c.phrase for c in scored]
    reading = sum(1 for i in items if wants(best.verb, best.head, i, asks.get(i.id)))
    assert 2 <= reading < VERB_SHARE * len(items)  # the old bar on the whole group is not met
    assert best.ask.symptom == "memory errors" and best.ask.verb == "read" and "comic" in best.phrase
    # the drafting cites, and the gate keeps, the items reporting the failure without naming the everyday thing
    from assistant.stories.backing import backers

    by_id = {i.id: i for i in items}
    cited = backers(best, list(by_id), by_id, asks, len(items), frozenset({"app", "comic"}))
    assert cited is not None
    only = {i.id for i in items if i.text in ONLY_FAILURE and told("memory", i.text)}
    assert len(only) >= len(ONLY_FAILURE) - 1  # '""memory"" issues': the quotes hide it from the failure's wording
    assert only <= set(cited), [by_id[i].text for i in only - set(cited)]
    goal = f"to {best.phrase} without {best.ask.symptom}"
    assert not set(off_goal(goal, cited, by_id, asks, frozenset({"app", "comic"}))) & only
    # without the inbox's everyday words the gate asks every item to name the thing, as before
    assert set(off_goal(goal, cited, by_id, asks)) & only
    assert all(told("memory", by_id[i].text) for i in cited)
