"""Needs that ask the same of one object and differ only by which instance of it (a card brand, a utility) are one
need; needs that differ by what is done or by what the thing is stay apart. Real CLINC150 banking messages, the
real parser and the real local model."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.needs import core, merge
from assistant.needs.cluster import normalise
from assistant.needs.instances import MASKED_CORE, Instances

NEEDS = {
    "visa": ["what is the limit on my visa", "what is my visa credit limit", "look up how high my visa limit is",
             "tell me my visa limit"],
    "discover": ["what's the limit on my discover card", "what's my discover credit limit",
                 "what's my spending limit on my discover", "what is my credit limit on my discover"],
    "credit": ["tell me my credit limit", "how high is my credit limit", "i want to know my credit limit",
               "what is my credit card spending limit"],
    "fraud": ["i saw a fraudulent transaction", "do i have a fraudulent transaction on my account",
              "i think there's a fraudulent transaction on my account", "i need to report a fraudulent transaction"],
    "recent": ["what was my recent transaction", "show me my recent transactions from account xyz",
               "i want to know what my recent transaction was", "what was my recent transaction on my visa card"],
    "routing": ["what is my bank routing number", "i want to know what my routing number is",
                "what is the routing number for my checking account", "is my routing number on my account page"],
    "pin": ["does my checking account have a pin number", "what's the pin number for my checking account",
            "i don't remember the pin number to my card", "how do i change the account pin number"],
}


@pytest.fixture(scope="module")
def bank() -> tuple[dict, dict, dict, LocalEmbedder]:  # type: ignore[type-arg]
    texts = {f"{n}{k}": t for n, group in NEEDS.items() for k, t in enumerate(group)}
    ids = sorted(texts)
    model = LocalEmbedder()
    vec = dict(zip(ids, normalise(model.embed([texts[i] for i in ids]))))
    return texts, vec, core.item_terms(texts), model


def _need(i: str) -> str:
    return i.rstrip("0123456789")


def test_the_words_two_needs_differ_by_are_instances_only_in_a_slot_both_use(bank) -> None:  # type: ignore[no-untyped-def]
    texts, _, terms, model = bank
    groups = {n: [f"{n}{k}" for k in range(4)] for n in NEEDS}
    keys = core.key_terms(groups, terms, core.CoreParams())
    found = Instances(groups, keys, terms, texts)
    assert found.same("credit", "visa", 0.15) == {"visa"}  # the brand fills the slot of "limit"
    assert found.masked("credit", "visa", {"visa"}, model.embed) >= MASKED_CORE
    # "fraudulent" and "recent" both fill the slot of "transaction", but taken out the needs still differ (report
    # vs see); "routing" and "pin" fill the slot of "number" and are different things
    for a, b in (("fraud", "recent"), ("routing", "pin")):
        words = found.same(a, b, 0.15)
        assert not words or found.masked(a, b, words, model.embed) < MASKED_CORE


def test_merge_joins_needs_split_by_an_instance_and_keeps_the_others_apart(bank) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms, model = bank
    # seven needs of four near-identical messages: neither the size cap nor how much looser the joined need gets
    # (four messages apart by one word each are far tighter than a real need) is what this tests
    params = core.CoreParams(merge_max_share=1.0, failure_coherence_drop=1.0)
    blind = {i: _need(i) for i in texts}
    merge.merge_split(blind, vec, terms, lambda i: True, lambda i: True, params, texts)
    assert len({blind[f"{n}0"] for n in ("visa", "discover", "credit")}) > 1  # the embeddings keep brands apart
    joined: dict[str, str | None] = {i: _need(i) for i in texts}
    merge.merge_split(joined, vec, terms, lambda i: True, lambda i: True, params, texts, embed=model.embed)
    assert joined["visa0"] == joined["discover0"] == joined["credit0"]
    assert joined["fraud0"] != joined["recent0"] and joined["routing0"] != joined["pin0"]
    assert len(set(joined.values())) == len(NEEDS) - 2
