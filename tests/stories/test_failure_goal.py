"""A big group whose subject is a failure most of its items report ("out of memory") gets the action without it,
citing only the items that report it. Reviews verbatim from a real Google Play inbox (A Comic Viewer,
urr_golden_set); real parser and real local embedder."""

from __future__ import annotations

import pytest

from assistant.models import FeedbackItem, SourceRef
from assistant.stories.consensus import choose
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
