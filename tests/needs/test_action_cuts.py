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
