"""Member fit (assistant/needs/fit.py): a member far outside its need's own spread, or a serious report in a routine
need that does not state its subject, leaves; it moves to the need it fits, else to no need. Real embedder, real
spaCy parse."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.needs.cluster import normalise
from assistant.needs.fit import FitParams, fit_members

MEMORY = ["Out of memory error when I open a comic.", "I keep getting the out of memory error.",
          "Memory error on every page, useless.", "Runs out of memory on my tablet with 2GB free.",
          "Low memory message after three pages.", "Memory errors on big files ruin it."]
PAYMENT = "I purchased the pro version and keep receiving a notification that the purchase has failed."
LIMIT = ["what is the credit limit on my discover card", "can i increase the limit on my discover card",
         "how high is my discover limit", "i want a higher limit on my discover card",
         "what's my discover credit limit", "how do i get a limit increase on my discover card",
         "is there a limit on my discover card", "tell me the limit of my discover card"]
FREEZE = ["please freeze my bank account", "i need my account frozen right now", "freeze my account immediately",
          "can you freeze my bank account", "put a freeze on my account"]
BLOCK = "please block my discover account immediately"
STATES_SUBJECT = "someone raised my credit limit on my discover card without asking me"


@pytest.fixture(scope="module")
def inbox() -> tuple[dict[str, str], dict]:  # type: ignore[type-arg]
    texts = {f"{k}{i}": t for k, group in (("mem", MEMORY), ("lim", LIMIT), ("frz", FREEZE)) for i, t in
             enumerate(group)}
    texts |= {"pay": PAYMENT, "block": BLOCK, "raised": STATES_SUBJECT}
    ids = sorted(texts)
    return texts, dict(zip(ids, normalise(LocalEmbedder().embed([texts[i] for i in ids]))))


def _assign(texts: dict[str, str]) -> dict[str, str | None]:
    group = {"mem": "memory", "lim": "limit", "frz": "freeze", "pay": "memory", "blo": "limit", "rai": "limit"}
    return {i: group[i[:3]] for i in texts}


SERIOUS = {"block", "raised", *(f"frz{i}" for i in range(len(FREEZE)))}


def test_a_far_member_leaves_and_a_serious_report_joins_the_need_about_it(inbox) -> None:  # type: ignore[no-untyped-def]
    texts, vec = inbox
    assign = _assign(texts)
    moved = fit_members(assign, vec, texts, lambda i: True, lambda i: True, lambda i: i in SERIOUS, 3)
    # the payment failure is far outside the memory need's spread and fits no other need: no need
    assert assign["pay"] is None and moved["pay"] == ("memory", None)
    # "block my discover account" shares the card's brand with the limit questions, not their subject (limit);
    # it is serious and states the freeze need's subject (account)
    assert assign["block"] == "freeze" and moved["block"] == ("limit", "freeze")
    # a serious report that states the routine need's subject (limit) stays in it
    assert assign["raised"] == "limit"
    assert set(moved) == {"pay", "block"}
    assert all(assign[i] == i[:3].replace("mem", "memory").replace("lim", "limit").replace("frz", "freeze")
               for i in texts if i[:3] in ("mem", "lim", "frz"))


def test_placed_items_stay_and_no_need_drops_below_min_size(inbox) -> None:  # type: ignore[no-untyped-def]
    texts, vec = inbox
    assign = _assign(texts)
    moved = fit_members(assign, vec, texts, lambda i: True, lambda i: True, lambda i: i in SERIOUS, 3,
                        keep=lambda i: i == "block")
    assert assign["block"] == "limit" and "block" not in moved  # an earlier build placed it
    # a need of exactly min_size members keeps them all, however they fit
    small = {i: ("memory" if i in ("mem0", "mem1", "pay") else None) for i in texts}
    assert fit_members(small, vec, texts, lambda i: True, lambda i: True, lambda i: False, 3) == {}
    assert small["pay"] == "memory"


HOME = ["Pressing the home button unlocks the lock screen.", "The home button closes the lock screen, please fix.",
        "Home button skips the lockscreen every time.", "Fix the home button unlocking the lock screen.",
        "The lock screen disappears when I press the home button.", "Home button bypasses the lock screen."]
SECURE = ["Please add a pin to the lock screen.", "The lock screen needs a pattern lock.",
          "Add password security to the lock screen.", "No pin or pattern on the lock screen, add one."]
ALARM = ("Killed by alarm. Once the alarm rings this lock screen stops working and goes back to the default one. "
         "I have to disable and enable it again.")


def test_a_long_review_without_the_needs_own_subject_leaves_it() -> None:
    texts = {f"h{i}": t for i, t in enumerate(HOME)} | {f"s{i}": t for i, t in enumerate(SECURE)} | {"alarm": ALARM}
    ids = sorted(texts)
    vec = dict(zip(ids, normalise(LocalEmbedder().embed([texts[i] for i in ids]))))
    assign: dict[str, str | None] = {i: "home" if i[0] in "ha" else "secure" for i in texts}
    # the spread test alone would move it too (-2.4 sd in this tight need): loosen it to test the long-review rule
    moved = fit_members(assign, vec, texts, lambda i: True, lambda i: True, lambda i: False, 3,
                        FitParams(far=3.0, very_far=4.0))
    # "lock screen" is said in both needs; "home button" is the home need's own, and the alarm review never says it
    assert moved == {"alarm": ("home", None)}
