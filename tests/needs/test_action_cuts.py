"""A need whose items do two things with one object ("I lost my card" / "my card is damaged") is cut in two: the
embeddings keep such requests together (one object, nearly the same words), so the two-way tree cut must also be
two action groups, each side with a verb of its own from the parse. One request worded many ways is not cut."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings import LocalEmbedder
from assistant.needs.actions import action_cuts, cut_actions
from assistant.needs.cluster import normalise

LOST = ["I lost my card yesterday, please block it.", "I think I lost my debit card at the mall.",
        "Help, I have lost my bank card.", "My wife lost her card on the train.", "How do I report that I lost my card?",
        "I lost my card somewhere in town today.", "Lost my card, what should I do now?",
        "I seem to have lost my credit card."]
DAMAGED = ["My card is damaged and the chip does not work.", "The card got damaged in the washing machine.",
           "My card is cracked and damaged, can I get another?", "What do I do with a damaged card?",
           "The magnetic strip on my card is damaged.", "My dog chewed my card and now it is damaged.",
           "My card was damaged when I bent it.", "The machine says my card is damaged."]
# one request worded many ways: several verbs, none shared by one side only
DECLINED = ["Why was my card declined?", "My card got declined at the store.", "The payment got rejected at the shop.",
            "Why did the cashier refuse my purchase?", "It was not accepted when I paid.", "My payment was denied.",
            "The terminal declined my card again.", "Why was my transaction refused today?",
            "My card keeps getting declined online.", "The shop could not take my card payment.",
            "Why won't the store accept my card?", "My purchase was rejected for no reason."]


@pytest.fixture(scope="module")
def inbox() -> tuple[dict[str, str], dict[str, np.ndarray]]:
    texts = {f"{k}{i}": t for k, group in (("lo", LOST), ("da", DAMAGED), ("de", DECLINED)) for i, t in enumerate(group)}
    ids = sorted(texts)
    return texts, dict(zip(ids, normalise(LocalEmbedder().embed([texts[i] for i in ids]))))


def test_two_actions_on_one_object_are_cut_in_two(inbox) -> None:  # type: ignore[no-untyped-def]
    texts, vec = inbox
    assign: dict[str, str | None] = {i: ("card" if i[:2] in ("lo", "da") else "declined") for i in texts}
    minted: list[set[str]] = []
    new = cut_actions(assign, vec, texts, lambda i: True, 3, lambda m: minted.append(m) or "new")
    assert new == ["new"] and len(minted) == 1
    moved = minted[0]
    assert moved in ({i for i in texts if i.startswith("lo")}, {i for i in texts if i.startswith("da")})
    assert all(assign[i] == "new" for i in moved) and all(assign[i] == "declined" for i in texts if i[:2] == "de")


def test_one_request_worded_many_ways_is_not_cut(inbox) -> None:  # type: ignore[no-untyped-def]
    texts, vec = inbox
    assert action_cuts({"declined": [i for i in texts if i.startswith("de")]}, vec, texts, 3) == {}


# a thing done with the object beside questions about it: "how can I raise my score" / "what is my score"
RAISE = ["How can I raise my credit score?", "How can I improve my credit score?", "I want to build my credit score.",
         "Help me boost my credit score.", "How do I increase my credit score?", "I need to improve my poor credit score.",
         "How can I keep my credit score from dropping?", "What is the best way to improve my credit score?",
         "Can you explain how I might boost my credit score?", "How can I rebuild my bad credit score?"]
SCORE = ["What is my credit score?", "Tell me my credit score.", "How much is my credit score right now?",
         "Could you tell me what my credit score is?", "Give me my current credit score please.",
         "What credit score number do I have?", "Is my credit score over 700 yet?", "How's my credit score?",
         "I would like to know my credit score.", "My credit score is what?"]
# the same question asked two ways, one with a verb that carries nothing ("where do I find" is "what is")
ROUTING = ["What is my routing number?", "Tell me my routing number.", "What's the routing number of my account?",
           "I need my bank's routing number.", "What is the routing number for my checking account?",
           "My routing number is what?", "Which routing number does my account have?",
           "Where do I find my routing number?", "How do I find my routing number?",
           "Where can I locate my account's routing number?", "Can you find my routing number for me?",
           "Where would I look up my routing number?"]
FREEZE = ["Please freeze my bank account.", "I need to freeze my account right now.", "Freeze my account immediately.",
          "Can you freeze my checking account?", "How do I freeze my bank account?", "Lock my account please.",
          "I want to lock my bank account now.", "Please put a freeze on my account."]
UNFREEZE = ["How can I unfreeze my bank account?", "Please unfreeze my account.", "Can you unlock my bank account?",
            "How do I unlock my account?"]
# a lock screen app's reviews: "lock" and "unlock" tell of one thing, not of opposite asks
SCREEN = ["It unlocks by itself when I lock the phone.", "When I lock my phone and try to unlock it, it goes home.",
          "Locks me out of my phone sometimes.", "Keeps unlocking my phone in my pocket.",
          "Unlock with the power button does not work.", "The screen unlocks slowly after the update.",
          "The lock screen lags when I unlock it.", "Pressing home unlocks the lock screen.",
          "It freezes when the lock screen is enabled.", "Please add a pin to the lock screen.",
          "The lock screen disappears when I tap it.", "Fingerprint unlock takes two swipes."]


@pytest.fixture(scope="module")
def asks() -> tuple[dict[str, str], dict[str, np.ndarray], LocalEmbedder]:
    groups = (("ra", RAISE), ("sc", SCORE), ("ro", ROUTING), ("fr", FREEZE), ("un", UNFREEZE), ("ls", SCREEN))
    texts = {f"{k}{i:02d}": t for k, group in groups for i, t in enumerate(group)}
    ids = sorted(texts)
    embedder = LocalEmbedder()
    return texts, dict(zip(ids, normalise(embedder.embed([texts[i] for i in ids])))), embedder


def test_doing_a_thing_and_asking_about_it_are_two_needs(asks) -> None:  # type: ignore[no-untyped-def]
    texts, vec, embedder = asks
    groups = {"score": [i for i in texts if i[:2] in ("ra", "sc")], "routing": [i for i in texts if i[:2] == "ro"],
              "freeze": [i for i in texts if i[:2] in ("fr", "un")], "screen": [i for i in texts if i[:2] == "ls"]}
    cuts = action_cuts(groups, vec, texts, 3, embedder.embed)
    how, side = cuts["score"]
    assert how == "do/ask"
    raise_side = side if side[0].startswith("ra") else [i for i in groups["score"] if i not in side]
    assert sum(i.startswith("ra") for i in raise_side) >= 9 and sum(i.startswith("sc") for i in raise_side) <= 1
    # one question asked two ways is one need; "lock"/"unlock" told of together is no reversal
    assert "routing" not in cuts and "screen" not in cuts
    # unfreezing undoes freezing: its own need
    assert cuts["freeze"] == ("reversed", sorted(i for i in texts if i.startswith("un")))
