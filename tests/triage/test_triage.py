"""Offline triage on clear cases, the rating's influence, urgency reasons, and storage via triage_items."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings import LocalEmbedder
from assistant.models import Triage
from assistant.repository import load_items
from assistant.triage import triage_batch, triage_items
from assistant.triage.sentiment import label, lexicon_score
from assistant.triage.prototypes import similarities
from tests.needs.corpus import add_items


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    return LocalEmbedder()


def run(embedder: LocalEmbedder, texts: list[str], ratings: list[object] | None = None, kinds=None) -> list[Triage]:
    ratings = ratings or [None] * len(texts)
    return triage_batch(texts, ratings, embedder.embed(texts), embedder, kinds)


CLEAR = {
    "bug": [
        "The app crashes every time I open the camera since the last update.",
        "Sync doesn't work anymore, I get an error message when I save.",
    ],
    "feature_request": [
        "Please add a dark mode.",
        "It would be nice to export reports to Excel.",
        "I wish I could share my lists with my family.",
    ],
    "question": ["How do I change the currency of an invoice?", "Where can I find the VAT settings?"],
    "praise": ["Love it, great app!", "Excellent, works perfectly."],
    "complaint": ["Terrible customer service, a complete waste of money."],
    "experience": ["I use it every day to track my expenses on the train and it saves me a lot of time."],
}


@pytest.mark.parametrize("expected", sorted(CLEAR))
def test_clear_cases_get_their_type(embedder: LocalEmbedder, expected: str) -> None:
    got = run(embedder, CLEAR[expected])
    assert [t.type for t in got] == [expected] * len(CLEAR[expected]), [t.type for t in got]


def test_deterministic(embedder: LocalEmbedder) -> None:
    texts = [t for group in CLEAR.values() for t in group]
    assert run(embedder, texts) == run(embedder, texts)


def test_rating_moves_sentiment_and_type(embedder: LocalEmbedder) -> None:
    text = "Tried it for a week."
    low, none, high = run(embedder, [text] * 3, [1, None, 5])
    assert low.sentiment.score < none.sentiment.score < high.sentiment.score
    assert low.sentiment.label == "negative" and high.sentiment.label == "positive"
    # A neutral remark reads as a complaint with one star, a usage note without, and praise with five.
    assert (low.type, none.type, high.type) == ("complaint", "experience", "praise")


def test_sentiment_rules() -> None:
    assert lexicon_score("good") > 0 > lexicon_score("not good")
    assert lexicon_score("really great") > lexicon_score("great")
    assert lexicon_score("Nice idea but it crashes constantly and is useless") < 0
    assert label(0.0) == "neutral"


@pytest.mark.parametrize(
    ("text", "level", "reason"),
    [
        ("After the update all my notes were deleted, I lost two years of work.", "high", "data loss"),
        ("I was charged twice for my subscription, please refund one payment.", "high", "payment"),
        ("Someone accessed my account without permission, this is a security problem.", "high", "security"),
        ("I cannot log in at all, the site is down for our whole company.", "high", "outage"),
        ("This is terrible, if it is not fixed I will cancel and switch to a competitor.", "high", "churn threat"),
        ("Thinking about whether to cancel my plan next year, not sure yet.", "medium", "churn threat"),
        ("It would be nice to have more colour themes.", "low", ""),
    ],
)
def test_urgency_reasons(embedder: LocalEmbedder, text: str, level: str, reason: str) -> None:
    (got,) = run(embedder, [text])
    assert (got.urgency.label, got.urgency.reason) == (level, reason)


def test_bug_without_reason_is_medium_defect(embedder: LocalEmbedder) -> None:
    (got,) = run(embedder, ["The chart legend shows the wrong colours since the update."])
    assert got.type == "bug" and got.urgency.label == "medium" and got.urgency.reason == "defect"


def test_triage_items_stores_labels_once(workspace) -> None:  # type: ignore[no-untyped-def]
    ids = add_items(workspace, ["Please add a dark mode.", "The app crashes on start.", "Love it!"],
                    meta=[{"rating": 3}, {"rating": 1}, {"rating": 5}])
    stages: list[tuple[str, int, int]] = []
    assert triage_items(workspace, progress=lambda *a: stages.append(a)) == 3
    assert stages[-1] == ("triage", 3, 3)
    with workspace.transaction() as s:
        items = {it.id: it for it in load_items(s)}
    assert [items[i].triage.type for i in ids] == ["feature_request", "bug", "praise"]
    assert all(items[i].triage.engine == "offline" for i in ids)
    assert triage_items(workspace) == 0  # only items without labels
    assert triage_items(workspace, only_missing=False) == 3


def test_vectors_missing_from_index_are_embedded(workspace) -> None:  # type: ignore[no-untyped-def]
    (iid,) = add_items(workspace, ["Export to CSV please."])
    workspace.index.delete([iid])
    assert triage_items(workspace) == 1
    assert iid in workspace.index.ids()
    assert np.isclose(np.linalg.norm(workspace.index.get_vectors([iid])[iid]), 1.0, atol=1e-3)


def test_weak_request_wording_alone_does_not_make_a_request() -> None:
    from assistant.triage.cues import extract

    # "requires iOS 7" is a complaint about compatibility, "please add" an ask: the first counts half.
    assert extract("The new version requires iOS 7.").request == 0.5
    assert extract("Please add a dark mode.").request >= 1
    assert extract("It crashes every time I open it.").experience == 0  # "every time" is a bug's rhythm


def test_usage_purpose_reads_as_experience(embedder: LocalEmbedder) -> None:
    text = ("Great for planning my trips. I used it to find a hotel near the station and to book a table "
            "for dinner with my family, all from my phone while we were travelling.")
    (got,) = run(embedder, [text], [5])
    assert got.type == "experience", got.type


def test_title_is_read_with_the_body(workspace) -> None:  # type: ignore[no-untyped-def]
    from assistant.triage.service import triage_text

    body = "Otherwise a solid app, I open it most days."
    with_title, without = add_items(workspace, [body, body + " "],
                                    meta=[{"rating": 4, "subject": "Please add a dark mode"}, {"rating": 4}])
    triage_items(workspace)
    with workspace.transaction() as s:
        items = {it.id: it for it in load_items(s)}
    assert triage_text(items[with_title]) == "Please add a dark mode. " + body
    assert triage_text(items[without]) == items[without].text  # no subject: the body alone
    assert items[with_title].triage.type == "feature_request"
    assert items[without].triage.type != "feature_request"


def test_usage_story_with_few_stars_leans_away_from_experience(embedder: LocalEmbedder) -> None:
    from assistant.triage.engine import Weights, scores

    text = "I use it on my commute to read the news."
    (vec,) = embedder.embed([text])
    sims = {k: float(v[0]) for k, v in similarities(vec[None, :], embedder).items()}
    two, three = scores(text, 2.0, sims), scores(text, 3.0, sims)
    # one star less, and the story costs the penalty on top of the sentiment the rating carries
    assert three["experience"] - two["experience"] >= Weights().unhappy_story
    assert run(embedder, [text], [5])[0].type == "experience"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please support saving cards. I pay with the same card every month and I hate retyping it.", "feature_request"),
        ("Good app. Please add Spanish language.", "feature_request"),
        ("The mobile app deletes my receipt photos without connection. Offline mode please!", "feature_request"),
        ("The dashboard takes 20 to 25 seconds to load. We have roughly 8,000 invoices.", "bug"),
        ("Chase sync imports every transaction twice since last week, so reconciliation is wrong.", "bug"),
        ("How do I change the currency on an invoice that was already sent? I can't find it anywhere.", "question"),
    ],
)
def test_asks_and_defects_inside_other_wording(embedder: LocalEmbedder, text: str, expected: str) -> None:
    (got,) = run(embedder, [text])
    assert got.type == expected, got.type


def test_refund_and_thanks_are_not_asks_or_defects(embedder: LocalEmbedder) -> None:
    refund, thanks = run(embedder, ["Please refund the double payment to our account. Thank you.",
                                    "Customer support is really responsive, thanks for the quick fix on our invoice numbering."])
    assert refund.type != "feature_request" and thanks.type != "bug", (refund.type, thanks.type)
