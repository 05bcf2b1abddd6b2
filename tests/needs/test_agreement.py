"""A need whose members do not agree on what it is about is no need: it is dissolved on recluster, its members
join a need whose core they are close to or stay without one. Agreement is judged on lemmas (key terms), and a
one-sentence item close to the core agrees in other words; quotes show the members using a key term first."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings import LocalEmbedder
from assistant.models import FeedbackItem, SourceRef
from assistant.needs import core, evidence
from assistant.needs.build import founds_need, says_something
from assistant.needs.cluster import normalise

MEMORY = ["Out of memory error when I open a comic.", "I keep getting the out of memory error.",
          "Memory error on every page, useless.", "Runs out of memory on my tablet with 2GB free."]
# Long reviews of several topics each: near one another in meaning, with no word most of them share.
MIXED = ["Nice colours and the layout is clean. Sharing to friends is slow. The menu hides the settings.",
         "Pretty good overall. Landscape mode would help and the icons look dated. Fonts are small.",
         "Decent reader for the price. Bookmarks vanish sometimes and scrolling stutters on my phone.",
         "Good idea but the interface feels old. Search is clumsy and thumbnails take ages to appear."]
# Long complaints like those of one app's reviews (A Comic Viewer) that a need named "Comics" gathered, beside its
# memory errors: in that app "comics" is every review's word, so they share no word with each other or the errors.
COMICS = ["Crashy and buggy. Most books I try to read either don't work at all or are extremely glitchy. Give this "
          "one a miss.",
          "Used to be fine. Now lines show all over the place and the pictures are cut off. The settings reset too.",
          "I had to change to another app to read anything. It kept saying it couldn't handle the archive."]
# One request worded many ways: few share the key term, all are one sentence close to the core.
DECLINE = ["Why was my card declined?", "My card got declined at the store.", "The payment got rejected at the shop.",
           "Why did the cashier refuse my purchase?", "It was not accepted when I paid.", "My payment was denied."]


@pytest.fixture(scope="module")
def setup() -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    texts = {f"{k}{i}": t for k, group in (("me", MEMORY), ("mx", MIXED), ("de", DECLINE)) for i, t in enumerate(group)}
    ids = sorted(texts)
    vectors = normalise(LocalEmbedder().embed([texts[i] for i in ids]))
    return texts, {i: v for i, v in zip(ids, vectors)}, core.lemma_terms(texts)


def _short(texts):  # type: ignore[no-untyped-def]
    return lambda i: len(evidence.sentences(texts[i])) <= 1


def test_a_need_of_multi_topic_reviews_is_dissolved_a_reworded_request_is_not(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms = setup
    assign: dict[str, str | None] = {i: i[:2] for i in texts}
    gone = core.dissolve_disagreeing(assign, vec, terms, lambda i: True, lambda i: True, _short(texts))
    assert gone == {"mx"}
    assert all(assign[i] in (None, "me", "de") for i in texts if i.startswith("mx"))
    assert all(assign[i] == i[:2] for i in texts if not i.startswith("mx"))  # "rejected", "refused" stay
    # Counted by key terms alone, the reworded request would not agree: closeness of one-sentence items matters.
    groups = {k: [i for i in texts if i.startswith(k)] for k in ("me", "mx", "de")}
    keys = core.key_terms(groups, terms, core.CoreParams())["de"]
    assert core.agreement(groups["de"], terms, keys, {i: 0.0 for i in texts}, _short(texts),
                          0.62) < core.CoreParams().min_agreement


def test_a_need_mostly_set_aside_as_loose_is_dissolved(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, terms = setup
    assign: dict[str, str | None] = {i: i[:2] for i in texts if not i.startswith("mx")}
    loose = {"me": [f"x{k}" for k in range(5)]}  # five happy reviews set aside around four reports
    assert core.dissolve_disagreeing(assign, vec, terms, lambda i: True, lambda i: True, _short(texts),
                                     loose=loose) == {"me"}
    assert all(assign[i] is None for i in texts if i.startswith("me"))


def test_lemmas_fold_inflections_and_only_members_using_key_terms_are_quoted(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, _ = setup
    assert [core.lemma(w) for w in ("crashing", "crashes", "loading", "files", "nexus")] == [
        "crash", "crash", "load", "file", "nexus"]
    ids = [i for i in texts if i.startswith("de")]
    mat = np.stack([vec[i] for i in ids])
    cent = normalise(mat.mean(axis=0)[None, :])[0]
    topical = core.on_topic({"de": ids}, texts)["de"]
    assert topical == {"de0", "de1", "de2", "de5"}  # "decline" and "payment" are its key terms
    shown = evidence.quotes(ids, mat, cent, 6, topical)
    assert set(shown) == topical  # fewer quotes rather than ones that are not about the need
    sims = mat @ cent
    assert shown == sorted(topical, key=lambda i: -float(sims[ids.index(i)]))  # closest first
    assert len(evidence.quotes(ids, mat, cent, 6, set())) == 6  # no key term used: the closest members


def test_an_item_with_no_letters_is_evidence_of_no_need() -> None:
    def item(text: str) -> FeedbackItem:
        return FeedbackItem(id="x", text=text, source=SourceRef(path="f.csv", row=1))

    assert not says_something(item("?? ???")) and not founds_need(item("5/5 !!"))
    assert says_something(item("Отлично")) and founds_need(item("Crashes on start"))


# Three short complaints of one app's reviews (AcDisplay) that share no word: close in meaning, about nothing shared.
ASSORTED = ["Attention! There is no uninstall button!", "Needs battery percentage bar or glow or something.",
            "It keeps asking me for a donation."]


def test_a_problem_need_with_no_word_of_its_own_is_dissolved(setup) -> None:  # type: ignore[no-untyped-def]
    texts, vec, _ = setup
    texts = {**texts, **{f"as{i}": t for i, t in enumerate(ASSORTED)}}
    vec = {**vec, **{f"as{i}": v for i, v in enumerate(normalise(LocalEmbedder().embed(ASSORTED)))}}
    terms = core.lemma_terms(texts)
    assign: dict[str, str | None] = {i: i[:2] for i in texts if not i.startswith("mx")}
    groups = {k: [i for i in assign if i.startswith(k)] for k in ("me", "de", "as")}
    keys = core.key_terms(groups, terms, core.CoreParams())
    centre = normalise(np.mean([vec[i] for i in groups["as"]], axis=0)[None, :])[0]
    sims = {i: float(vec[i] @ centre) for i in texts}
    assert not keys["as"]  # no word of its own, though close and short enough to agree by meaning:
    p = core.CoreParams()
    assert core.agreement(groups["as"], terms, keys["as"], sims, _short(texts), p.core_floor) >= p.min_agreement
    assert core.dissolve_disagreeing(assign, vec, terms, lambda i: True, lambda i: True, _short(texts)) == {"as"}


def test_needs_of_one_name_stay_apart_when_together_they_would_not_agree(setup) -> None:  # type: ignore[no-untyped-def]
    from assistant.triage.engine import triage_batch

    texts, vec, _ = setup
    texts = {**texts, **{f"co{i}": t for i, t in enumerate(COMICS)}}
    vec = {**vec, **{f"co{i}": v for i, v in enumerate(normalise(LocalEmbedder().embed(COMICS)))}}
    ids = sorted(texts)
    labels = triage_batch([texts[i] for i in ids], [None] * len(ids), np.stack([vec[i] for i in ids]), LocalEmbedder())
    by_id = {i: FeedbackItem(id=i, text=texts[i], source=SourceRef(path="f.csv", row=1), triage=t)
             for i, t in zip(ids, labels)}

    def merged(members: dict[str, list[str]]) -> bool:
        assert all(evidence.is_problem_need(evidence.counts([by_id[i] for i in m])) for m in members.values())
        phrases = {n: ["card"] for n in members}  # one name for both: whether they merge is up to agreement
        rest = {k: [i for i in ids if i.startswith(k)] for k in ("mx", "de")}  # the rest of the inbox
        assign: dict[str, str | None] = {i: n for n, m in (members | rest).items() for i in m}
        core.merge_same_names({n: list(m) for n, m in (members | rest).items()}, phrases, by_id, assign, {}, {}, vec,
                              core.CoreParams(merge_similarity=0.0))
        return len({assign[i] for m in members.values() for i in m}) == 1

    memory, broken = [i for i in ids if i.startswith("me")], [i for i in ids if i.startswith("co")]
    assert not merged({"a": memory, "b": broken})  # memory errors and assorted long complaints
    assert merged({"a": memory[:2], "b": memory[2:]})  # one complaint split in two is one need
