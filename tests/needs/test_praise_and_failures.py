"""Praise needs hold only praise; one failure reported in several wordings is merged even where a request of the same
looseness is not; names are one topic in the items' own words. Real embeddings and parser, small texts."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.needs import core, merge
from assistant.needs.cluster import normalise
from assistant.needs.evidence import says_problem, statement
from assistant.needs.naming import one_topic
from assistant.models import NeedCounts

MEMORY_A = ["Out of memory error when I open a comic.", "I keep getting the out of memory error.",
            "Memory error on every page, useless."]
MEMORY_B = ["Runs out of memory on my tablet with 2GB free.", "Low memory message after three pages.",
            "Memory errors on big files ruin it."]
EXPORT = ["Export to PDF fails with a blank file.", "The PDF export is broken.", "Exporting PDFs gives an error."]
PRAISE = ["Great app!", "Nice app, love it.", "Awesome, five stars.", "Really good app.",
          "Love the design. But ever since my phone updated it has stopped working.", "Excellent, works great.",
          "Best app ever.", "Simple and clean, five stars.", "Wonderful little app."]


@pytest.fixture(scope="module")
def setup() -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    texts = {f"{k}{i}": t for k, group in (("ma", MEMORY_A), ("mb", MEMORY_B), ("ex", EXPORT), ("pr", PRAISE))
             for i, t in enumerate(group)}
    ids = sorted(texts)
    vectors = normalise(LocalEmbedder().embed([texts[i] for i in ids]))
    return texts, dict(zip(ids, vectors)), core.item_terms(texts)


def test_a_mixed_review_is_a_report_pure_praise_is_not() -> None:
    assert says_problem("Love the design. But ever since my phone updated it has stopped working.")
    assert says_problem("Really love this application. Will it be possible to customize the font color?")
    assert not says_problem("Great app, easy to use and fast.")
    assert not says_problem("Need I say more?")  # a short rhetorical question asks nothing


def test_a_report_inside_a_praise_need_leaves_it(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms = setup
    assign: dict[str, str | None] = {i: ("memory" if i[0] == "m" else "export" if i[0] == "e" else "praise")
                                     for i in texts}
    founds = lambda i: not i.startswith("p")  # noqa: E731
    moved = core.praise_holds_praise(assign, vec, terms, founds, lambda i: True, lambda i: says_problem(texts[i]))
    assert moved == {"praise": ["pr4"]}
    assert assign["pr4"] != "praise"  # to the problem need it fits, or no need: never counted as praise
    assert all(assign[f"pr{i}"] == "praise" for i in (0, 1, 2, 3, 5, 6, 7, 8)) and all(assign[i] == "memory" for i in texts if i[0] == "m")


def test_a_need_of_reports_typed_praise_is_stated_as_a_problem() -> None:
    counts = NeedCounts(total=1, by_type={"experience": 1}, by_sentiment={"positive": 1}, by_kind={"feedback": 1})
    assert "value" in statement(["design"], counts)
    said = statement(["design"], counts, reporting=1)
    assert "value" not in said and "1 of 1 customer item report" in said


def test_one_failure_merges_with_more_looseness_than_one_request(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms = setup
    # No merge may loosen a need at all, except two needs that mostly report a defect naming the same thing.
    params = core.CoreParams(merge_max_share=1.0, merge_coherence_drop=-1.0, failure_coherence_drop=0.06)
    founds = lambda i: not i.startswith("p")  # noqa: E731
    as_requests = {i: i[:2] for i in texts}
    merge.merge_split(as_requests, vec, terms, founds, lambda i: True, params, texts)
    assert as_requests["ma0"] != as_requests["mb0"]
    as_failures = {i: i[:2] for i in texts}
    merge.merge_split(as_failures, vec, terms, founds, lambda i: True, params, texts, failure=founds)
    assert as_failures["ma0"] == as_failures["mb0"]
    assert len({as_failures["pr0"], as_failures["ma0"], as_failures["ex0"]}) == 3


def test_a_name_is_the_phrase_the_items_say_not_two_keywords() -> None:
    texts = ["Allow custom wallpapers on the lock screen", "I hated the dark tint when using custom wallpaper.",
             "Please add custom lock screen wallpaper support", "Let me pick a different wallpaper"]
    assert one_topic(["wallpaper", "custom"], texts) == ["custom wallpapers"]
    said_apart = ["The memory runs out", "Errors all the time", "memory is low and an error shows"]
    assert one_topic(["memory", "error"], said_apart) == ["memory", "error"]  # never said together: unchanged
    assert one_topic(["SSO"], texts) == ["SSO"]
