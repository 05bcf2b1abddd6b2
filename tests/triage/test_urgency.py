"""Urgency across domains: serious situations are high with their reason, routine asks stay low, a request to
freeze a card is no crash, a tracker's Blocker/Critical/P1 is high, and CLINC150's urgency column as a floor."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.repository import load_items
from assistant.triage import triage_batch, triage_items
from assistant.triage.urgency import tracker_priority
from tests.needs.corpus import add_items


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    return LocalEmbedder()


def _urgency(embedder: LocalEmbedder, texts: list[str]) -> list[tuple[str, str, str]]:
    return [(t.urgency.label, t.urgency.reason, t.type) for t in triage_batch(texts, [None] * len(texts),
                                                                                embedder.embed(texts), embedder)]


SERIOUS = [
    ("Someone else used my card!", "fraud or unauthorised use"),
    ("There is a transfer on my statement I never made.", "fraud or unauthorised use"),
    ("My phone was stolen on the train yesterday.", "theft or loss"),
    ("I lost my wallet with my cards in it, what do I do?", "theft or loss"),
    ("Please lock my account right now.", "block or freeze to stop harm"),
    ("Why is my account blocked? I can't get in.", "lost access"),
    ("After the sync all my notes were deleted.", "data loss"),
    ("The whole service is down for our team since 9am.", "outage"),
    ("Under GDPR we must erase a customer's data within 30 days of the request.", "legal or privacy deadline"),
    ("The site serves fake installers that try to put malware on my PC.", "fraud or unauthorised use"),
]
ROUTINE = ["What is my balance?", "What's the interest rate on savings?", "How do I change the app language?",
           "Tell me a joke.", "When is my bill due?", "Please add a dark mode."]


def test_serious_situations_are_high_with_reason(embedder: LocalEmbedder) -> None:
    got = _urgency(embedder, [t for t, _ in SERIOUS])
    assert [(g[0], g[1]) for g in got] == [("high", reason) for _, reason in SERIOUS]


def test_routine_questions_stay_low(embedder: LocalEmbedder) -> None:
    assert [g[0] for g in _urgency(embedder, ROUTINE)] == ["low"] * len(ROUTINE)


def test_freeze_request_is_no_crash(embedder: LocalEmbedder) -> None:
    (label, reason, type_), = _urgency(embedder, ["Can I freeze my card right now?"])
    assert type_ != "bug" and reason != "crash" and label == "high"
    (label, reason, type_), = _urgency(embedder, ["The app freezes every time I open a big file."])
    assert type_ == "bug" and reason == "crash"


def test_tracker_priority(workspace) -> None:  # type: ignore[no-untyped-def]
    assert tracker_priority({"priority": "Blocker"}) == ("high", "tracker priority Blocker")
    assert tracker_priority({"severity": "P1 - urgent"})[0] == "high"  # type: ignore[index]
    assert tracker_priority({"priority": "Major"})[0] == "medium"  # type: ignore[index]
    assert tracker_priority({"priority": "Minor"}) is None and tracker_priority({}) is None
    ids = add_items(workspace, ["The settings page has a typo in the footer.", "The settings page has a typo in the header."],
                    meta=[{"priority": "Critical"}, {"priority": "Trivial"}])
    triage_items(workspace)
    with workspace.transaction() as s:
        items = {it.id: it for it in load_items(s)}
    assert items[ids[0]].triage.urgency.label == "high" and "Critical" in items[ids[0]].triage.urgency.reason
    assert items[ids[1]].triage.urgency.label != "high"


def test_clinc_urgency_floor(shared_datasets, embedder: LocalEmbedder) -> None:  # type: ignore[no-untyped-def]
    """Every 3rd labelled CLINC150 query (350 of 1,050): recall of high and routine marked high."""
    from evals.public import clinc

    rows = [r for r in clinc.load(shared_datasets / "themes" / "clinc150_test.csv") if r["urgency"]][::3]
    result = clinc.urgency(rows, embedder.embed([r["text"] for r in rows]))
    # Measured on all 1,050: recall 0.93, routine marked high 0.0%.
    assert result["high_recall"] >= 0.88 and result["low_marked_high"] <= 0.03, result


def test_a_crash_every_time_is_high_a_crash_now_and_then_medium(embedder: LocalEmbedder) -> None:
    got = _urgency(embedder, ["Crashes every time I open it, I can't use it at all.",
                              "Always crashing, useless.", "Can't even open the app since the update.",
                              "It crashes every now and then but otherwise works fine.",
                              "Crashed once on a very large file."])
    assert [g[0] for g in got] == ["high", "high", "high", "medium", "medium"]
    assert got[0][1] == "cannot use it at all"


# Verbatim reviews (comic-viewer inbox and Maalej et al. 2016): what the spaCy parse adds to the cue regexes.
REPORTED = [
    # a stakeholder ask from the comic-viewer inbox: a named customer's renewal on a condition is the threat itself
    ("ACME Libraries will only renew if we build a CSV export of reading history for their patrons.", "churn threat"),
    ("Help It wont open for me", "cannot use it at all"),
    ("This app crashes each and every time I try to open it on my iPad 3rd gen", "cannot use it at all"),
    ("Won't load any files I have 2GB of memory on this tablet", "cannot use it at all"),
    ("The upgrade keeps crashing and I can't even get it to work!!!!", "cannot use it at all"),
    ("No menu button Seems like a good app. I paid for the premium and I can't even bring up a menu.", "payment"),
    ("Why did it update?? It logged me out and now it took all my books.", "data loss"),
    ("Agree with recent reviewers - this update completely ruined this excellent app Doesn?t work AT ALL", "cannot use it at all"),
    ("Nordphone, who preload us on 40,000 handsets, say they will not renew next quarter unless the app stops "
     "draining the battery in the background.", "churn threat"),  # a customer's threat told by a colleague
]
NOT_HAPPENING = [  # counterfactual, negated, fixed, a belief taken back, partial, advice: none is high
    "I would've lost hundreds of photos if it wasn't for this app! Thank you!",
    # the same Maalej review with its title, as the inbox stores it (close in meaning to "I lost my photos")
    "Saved my photos! I would've lost hundreds of photos if it wasn't for this app! Thank you!",
    "Great app\tFound my Canon MX880 printer.   Worth the money as none of the other free applications worked to "
    "my liking.",  # Maalej M-3091: other products failed
    "Never crashed, works as expected",
    "I use Evernote every day for both work and personal note-taking glad the crash on launch was fixed so quickly!",
    "Somehow I lost my contacts. This app got everything back for me",
    "This app gives me problem with opening .cbr files. I thought at first it was because of the files are corrupted",
    "Works great when it works. It crashes every now and then but besides that it works perfectly.",
    "Will definitely download and re-rate as 5 stars when this is fixed. Unusable if you want that option.",
    "Wait for the bugs to get fixed Better yet Look for an alternative app",
    "I have uninstalled, reinstalled, rebooted my iphone, etc. Please help... an AWESOME program otherwise.",
]


def test_parse_finds_the_product_not_working_and_money_for_nothing(embedder: LocalEmbedder) -> None:
    got = _urgency(embedder, [t for t, _ in REPORTED])
    assert [(g[0], g[1]) for g in got] == [("high", reason) for _, reason in REPORTED]


def test_cues_the_writer_does_not_report_as_happening_are_not_high(embedder: LocalEmbedder) -> None:
    got = _urgency(embedder, NOT_HAPPENING)
    assert [g[0] for g in got if g[0] == "high"] == [], list(zip(NOT_HAPPENING, got))
    # the same words reported as happening stay high
    (lost,), (crash,) = _urgency(embedder, ["I lost all my photos after the update."]), \
        _urgency(embedder, ["It crashes every time I open it."])
    assert lost[:2] == ("high", "data loss") and crash[:2] == ("high", "cannot use it at all")


def test_labelled_reviews_floor(embedder: LocalEmbedder) -> None:
    """Every 2nd row of evals/data/urgency_reviews.csv (real reviews, labelled for this project)."""
    from evals.public import urgency_reviews

    rows = urgency_reviews.load()[::2]
    texts = [r["text"] for r in rows]
    got = triage_batch(texts, [r["rating"] for r in rows], embedder.embed(texts), embedder)
    result = urgency_reviews.score(rows, {r["source"] + ":" + r["id"]: t.urgency for r, t in zip(rows, got)})
    # Measured on all 251 rows: recall 0.83, others marked high 4.6%. The rows labelled blind and never tuned on
    # (split held-out) score far lower (0.455 / 10.3%): this is a floor against regressions, not a quality claim.
    assert result["high_recall"] >= 0.78 and result["false_high_share"] <= 0.08, result


# One complaint in several wordings gets one urgency (acdisplay audit: "Worst . Spy software cant uninstall it" was
# medium beside "Can't uninstall." high); a crash that keeps the writer from using the product is high however it is
# phrased, a crash now and then stays a medium defect.
SAME_COMPLAINT = {
    "high": ["Can't uninstall.", "Lame! Doesn't let me uninstall", "Users cannot uninstall it",
             "Not able to remove this app, I tried everything",
             "Keeps crashing mid comic", "Crashes after 3-4 pages", "It crashes every time I open it",
             "My card got declined at the shop, why?",
             "how come i got declined", "I've lost edits occasionally when saving to Dropbox",
             "Since the update the app freezes or stops showing anything for many people.",
             "I bought the paid version and I can still see promotions in the dashboard."],
    "medium": ["It crashes every now and then but besides that it works perfectly.",
               "Crashes a lot. But easy to use."],
}


def test_same_complaint_same_urgency(embedder: LocalEmbedder) -> None:
    for level, texts in SAME_COMPLAINT.items():
        got = _urgency(embedder, texts)
        assert [(t, g[0]) for t, g in zip(texts, got)] == [(t, level) for t in texts]
    reasons = {g[1] for g in _urgency(embedder, SAME_COMPLAINT["high"][:4])}
    assert reasons == {"cannot remove it"}  # not a threat to leave: the product will not let them
    assert _urgency(embedder, ["I can't delete my old photos from the gallery."])[0][0] != "high"
    assert _urgency(embedder, ["I bought it years ago and I still have it on my phone, love it"])[0][0] != "high"


def test_a_glowing_review_names_a_harm_it_does_not_suffer(embedder: LocalEmbedder) -> None:
    """Five-star reviews of a held-out app that matched a serious situation by their words; the same praise that
    turns on a "but" is a report again."""
    glowing = ["Actually very excellent! It works great, it's light weight. There is no hidden spyware or Malware "
               "like no wifi disconnect, no picture takers. This is truly a sweet app.",
               "I'm a hacker now yey Thank you very much. :D"]
    turned = ["Love the design, I love the app. It's super sleek and nice. But ever since my phone updated it "
              "stopped working completely."]
    texts = glowing + turned
    got = triage_batch(texts, [5] * len(texts), embedder.embed(texts), embedder)
    assert [t.urgency.label for t in got[:2]] == ["low", "low"], [t.urgency for t in got]
    assert all("mentioned positively" in t.urgency.reason or not t.urgency.reason for t in got[:2])
    assert got[2].urgency.label == "high", got[2].urgency
