"""A build decides nothing by the order item or need ids sort in: ids depend on the inbox's folder (items) and on
whether the build is fresh or a recluster (needs). On one app's reviews, that order named two needs "Page" and
"Pages" in one build (kept apart) and both "Pages" in another (merged as one name)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.embeddings import LocalEmbedder
from assistant.models import FeedbackItem, SourceRef
from assistant.needs import core, evidence, naming
from assistant.needs.cluster import normalise

# Real comic-viewer reviews (A Comic Viewer, Google Play), two needs a PO reads as one: pages that do not load.
PAGE = ["! Can't load some of pages", "Broken Every page that it shows are half broken and are unable read",
        "Pages won't load, just a grey page with an error"]
PAGES = ["Pages are blank after the update", "Half of the pages do not show, blank pages everywhere",
         "Some pages never load, I see only a spinner on those pages"]
MEMORY = ["Out of memory error on every big comic", "Memory error again, cannot open my cbr files",
          "Constant out of memory errors since the update"]


@pytest.fixture(scope="module")
def vec() -> dict[str, np.ndarray]:
    texts = PAGE + PAGES + MEMORY
    return dict(zip(texts, normalise(LocalEmbedder().embed(texts))))


def _item(text: str, iid: str) -> FeedbackItem:
    return FeedbackItem(id=iid, text=text, source=SourceRef(path="x.csv", row=1))


def test_needs_named_alike_in_singular_and_plural_are_one_need(vec) -> None:  # type: ignore[no-untyped-def]
    members = {"n1": list(PAGE), "n2": list(PAGES), "n3": list(MEMORY)}
    by_id = {t: _item(t, t) for t in vec}
    assign: dict[str, str | None] = {t: n for n, ts in members.items() for t in ts}
    dissolved: dict[str, str | None] = {}
    grown = core.merge_same_names(members, {"n1": ["Page"], "n2": ["Pages"], "n3": ["Memory error"]}, by_id,
                                  assign, dissolved, {}, vec)
    assert grown == {"n1"} and dissolved == {"n2": "n1"}  # equal sizes: the first by id keeps its id
    assert {assign[t] for t in PAGE + PAGES} == {"n1"} and assign[MEMORY[0]] == "n3"


def test_a_need_is_named_from_its_texts_whatever_the_ids(vec) -> None:  # type: ignore[no-untyped-def]
    texts = PAGE + PAGES
    names = set()
    for seed in range(4):
        ids = [f"fb_{random.Random(seed).random():.12f}_{k}" for k in range(len(texts))]
        items = [_item(t, i) for t, i in zip(texts, ids)]
        random.Random(seed).shuffle(items)
        by_vec = {it.id: vec[it.text] for it in items}
        ordered = evidence.topic_texts(items, by_vec)
        assert sorted(ordered) == sorted(texts)
        names.add((tuple(ordered), tuple(naming.phrases({"n": ordered})["n"])))
    assert len(names) == 1


def test_praise_of_no_thing_in_particular_is_one_need() -> None:
    """Held-out app reviews clustered by adjective ("good", "great", "love") into four praise needs a PO saw as
    "General praise", "General praise (2)", ...: praise that names no thing is one need; praise of a thing stays."""
    from assistant.models import Sentiment, Triage, Urgency

    groups = {"g1": ["Great app!", "Great!!", "Great job"], "g2": ["Love it", "Love this app so much"],
              "g3": ["Good", "Very good app"], "t1": ["Best search engine ever", "Great search engine"],
              "p1": ["Crashes on start", "It crashes every time I open it"]}
    texts = [t for ts in groups.values() for t in ts]
    vec = dict(zip(texts, normalise(LocalEmbedder().embed(texts))))
    praise = Triage(type="praise", sentiment=Sentiment(label="positive", score=0.8), urgency=Urgency(label="low"))
    bug = Triage(type="bug", sentiment=Sentiment(label="negative", score=-0.6), urgency=Urgency(label="medium"))
    by_id = {t: _item(t, t).model_copy(update={"triage": bug if n == "p1" else praise})
             for n, ts in groups.items() for t in ts}
    members = {n: list(ts) for n, ts in groups.items()}
    assign: dict[str, str | None] = {t: n for n, ts in groups.items() for t in ts}
    dissolved: dict[str, str | None] = {}
    phrases = {"g1": [], "g2": [], "g3": [], "t1": ["search engine"], "p1": []}
    core.merge_same_names(members, phrases, by_id, assign, dissolved, {}, vec)
    assert {assign[t] for n in ("g1", "g2", "g3") for t in groups[n]} == {"g1"}  # the largest keeps its id
    assert dissolved == {"g2": "g1", "g3": "g1"}
    assert {assign[t] for t in groups["t1"]} == {"t1"} and {assign[t] for t in groups["p1"]} == {"p1"}
