"""A need's core: one problem split by wording is merged back, praise needs are few, and members that are not
evidence of a problem need (praise attached to it, far members without its key terms) are set aside as loose."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.needs import core, merge
from assistant.needs.cluster import normalise

MEMORY_A = ["Out of memory error when I open a comic.", "I keep getting the out of memory error.",
            "Memory error on every page, useless."]
MEMORY_B = ["Runs out of memory on my tablet with 2GB free.", "Low memory message after three pages.",
            "Memory errors on big files ruin it."]
EXPORT = ["Export to PDF fails with a blank file.", "The PDF export is broken.", "Exporting PDFs gives an error."]
PRAISE_A = ["Great app!", "Nice app, love it.", "Awesome, five stars."]
PRAISE_B = ["Really good app.", "Excellent, works great.", "Best app ever."]


@pytest.fixture(scope="module")
def setup() -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    texts = {f"{k}{i}": t for k, group in (("ma", MEMORY_A), ("mb", MEMORY_B), ("ex", EXPORT), ("pa", PRAISE_A),
                                            ("pb", PRAISE_B)) for i, t in enumerate(group)}
    ids = sorted(texts)
    vectors = normalise(LocalEmbedder().embed([texts[i] for i in ids]))
    return texts, {i: v for i, v in zip(ids, vectors)}, core.item_terms(texts)


def test_split_problem_and_praise_are_merged_unrelated_needs_are_not(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms = setup
    assign: dict[str, str | None] = {i: i[:2] for i in texts}
    loose_cap = core.CoreParams(merge_max_share=1.0)  # five tiny needs: the size cap is tested below
    absorbed = merge.merge_split(assign, vec, terms, lambda i: not i.startswith("p"), lambda i: True, loose_cap)
    assert assign["ma0"] == assign["mb0"]  # "memory" is one problem, worded two ways
    assert assign["pa0"] == assign["pb0"]  # praise together
    assert len({assign["ma0"], assign["ex0"], assign["pa0"]}) == 3  # export, memory and praise stay apart
    assert len(absorbed) == 2
    # With the size cap (15% of 15 items), problem needs stay apart; small praise needs still join each other.
    capped: dict[str, str | None] = {i: i[:2] for i in texts}
    merged = merge.merge_split(capped, vec, terms, lambda i: not i.startswith("p"), lambda i: True)
    assert len(merged) == 1 and set(merged) | set(merged.values()) == {"pa", "pb"}


def test_praise_attached_to_a_problem_need_is_loose_not_evidence(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms = setup
    assign: dict[str, str | None] = {i: "memory" if i.startswith("m") else None for i in texts}
    assign["pa0"] = "memory"  # praise attached by nearness
    loose = core.trim_loose(assign, vec, terms, lambda i: not i.startswith("p"), lambda i: True, min_size=3)
    assert loose == {"memory": ["pa0"]} and assign["pa0"] is None
    assert all(assign[i] == "memory" for i in texts if i.startswith("m"))


def test_a_long_review_is_quoted_by_the_sentence_about_the_need(setup) -> None:  # type: ignore[no-untyped-def]
    from assistant.needs.evidence import matching_sentence

    texts, vec, _ = setup
    memory = normalise(sum(vec[i] for i in texts if i.startswith("m"))[None, :])[0]
    review = "Love the clean layout and the colours. But almost every page gives an out of memory error."
    assert matching_sentence(review, memory, LocalEmbedder(), problem=True) == (
        "But almost every page gives an out of memory error.")
    assert matching_sentence("Out of memory error on every page.", memory, LocalEmbedder()) is None


def test_praise_names_read_as_phrases() -> None:
    from assistant.needs.naming import praise_name

    assert praise_name(["read comics"], []) == "Praise for reading comics"
    # a lone verdict word is no thing praised
    assert praise_name([], ["Great", "Great app"]) == "General praise"


def test_names_do_not_repeat_themselves() -> None:
    from assistant.needs.naming import name_from

    assert name_from(["chase account", "accounts"]) == "Chase account"
    assert name_from(["memory error", "comics"]) == "Memory error and comics"


def test_serious_reports_stay_and_happy_praise_goes(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms = setup
    assign: dict[str, str | None] = {i: "memory" if i.startswith("m") else None for i in texts}
    assign["pa0"] = assign["pa1"] = "memory"  # attached by nearness
    loose = core.trim_loose(assign, vec, terms, lambda i: not i.startswith("p"), lambda i: True, min_size=3,
                            happy=lambda i: i == "pa0", serious=lambda i: i == "pa1")
    assert loose == {"memory": ["pa0"]} and assign["pa1"] == "memory"


# Real CLINC150 banking messages (report_fraud, report_lost_card): one verb, two requests.
FRAUD = ["i would like to report fraudulent activity on my chase card", "who do i contact to report fraud on my visa",
         "i have to report fraudulent activity on my bank of the west card"]
LOST = ["i need to report my card lost", "i want to report a lost card", "how do i report my lost card"]


def test_needs_sharing_an_action_are_not_one_problem_needs_sharing_a_thing_are(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, _ = setup
    texts = {**texts, **{f"fr{i}": t for i, t in enumerate(FRAUD)}, **{f"lo{i}": t for i, t in enumerate(LOST)}}
    vec = {**vec, **dict(zip([f"fr{i}" for i in range(3)] + [f"lo{i}" for i in range(3)],
                             normalise(LocalEmbedder().embed(FRAUD + LOST))))}
    terms = core.item_terms(texts)
    # Coherence and size are not what this tests: the shared key term is.
    params = core.CoreParams(merge_max_share=1.0, merge_coherence_drop=1.0)
    fresh = lambda: {i: i[:2] for i in texts}  # noqa: E731
    blind = fresh()
    problem = lambda i: not i.startswith("p")  # noqa: E731
    merge.merge_split(blind, vec, terms, problem, lambda i: True, params)  # without the parse ...
    assert blind["fr0"] == blind["lo0"]  # ... "report" made fraud and lost cards one need
    read = fresh()
    merge.merge_split(read, vec, terms, problem, lambda i: True, params, texts)
    assert read["fr0"] != read["lo0"]  # an action shared is no thing asked about
    assert read["ma0"] == read["mb0"]  # "memory" is a thing: one problem worded two ways
