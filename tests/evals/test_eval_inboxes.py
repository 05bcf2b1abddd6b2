"""The stories suite's gate metrics (real parser, real embedder) and its inbox discovery.

The whole path (an inbox folder through `backlogsmith run`, then measured) is what `backlogsmith eval --inbox`
runs; it takes minutes per real inbox, so here the metrics are checked on stories built in the test."""

from __future__ import annotations

from assistant.embeddings import LocalEmbedder
from assistant.models import Criterion, FeedbackItem, SourceRef, Story
from assistant.verify import CachedEmbed
from evals.graders import gate_metrics
from evals.harness import EvalContext
from evals.suites import inboxes

REVIEWS = [  # verbatim Google Play reviews of "A Comic Viewer" (URR golden set)
    ("1", ("Refuses to display image It says I'm low on memory when reading cbr files and therefore refuses to "
           "display more pages.")),
    ("1", "Unable to load Has a lot of problems loading comics do to a memory issue."),
    ("2", ("oops! used to love this app, now every comic i read comes up with oops! and something about being ou "
           "of memory.")),
    ("5", ("Best Offline Reader I've tried many comic readers to read the comics saved to my sd card and this is "
           "the best by far.")),
    ("5", "Great comic viewing app The best comic / manga / pictorial viewing app."),
    ("4", "Served me well I used this app a lot for offline reading, easy to use and simple zoom controls."),
]


def test_gate_metrics_measure_every_citation_and_count_generic_and_ready(tmp_path) -> None:
    items = {f"r{n}": FeedbackItem(id=f"r{n}", text=text, source=SourceRef(path="feedback.csv", row=n + 1),
                                   metadata={"rating": rating}) for n, (rating, text) in enumerate(REVIEWS)}
    memory = Criterion(given="I am reading a cbr file", when="the app runs low on memory",
                       then="the next pages still display and no memory error is shown", evidence=["r0"])
    offline = Criterion(given="I have no internet connection", when="I open to the next page",
                        then="I see that the change is waiting to be sent", evidence=["r3"])
    good = Story(id="st_a", role="comic reader", goal="to read cbr files without a low memory error",
                 benefit="I can display more pages without unpacking the file", acceptance_criteria=[memory],
                 evidence=["r0", "r1"], points_suggested=3, ready=False)
    garbled = Story(id="st_b", role="mobile app user", goal="to use sucktastic memory error time",
                    benefit="I can work the way that suits me", acceptance_criteria=[offline], evidence=["r3"],
                    ready=True)
    to_write = Story(id="st_c", kind="to_write", role="", goal="", benefit="", evidence=["r4"])
    m = gate_metrics([good, garbled, to_write], items, embed=CachedEmbed(LocalEmbedder()))
    assert m["stories"] == 3 and m["to_write"] == 1 and m["stories_to_write_share"] == 1 / 3
    # r3 supports neither goal nor criterion; r1 ("problems loading comics do to a memory issue") names neither cbr
    # files nor reading, so the gate's about-the-goal check does not count it for the story (strict, on purpose)
    assert m["citations"] == 5 and m["citation_support_share"] == 2 / 5
    assert m["garbled_ready"] == 1 and m["ready_share"] == 1 / 3
    assert m["gate_findings"]["garbled"] == 1 and m["gate_findings"]["unsupported_evidence"] == 2  # st_b and r1
    assert m["distinct_benefit_ratio"] == 1.0 and m["generic_criterion_share"] is not None
    named = {x.name for x in inboxes.metrics_for("demo", m)}
    assert {f"demo_{k}" for k in inboxes.HEADLINE} <= named
    assert next(x for x in inboxes.metrics_for("demo", m) if x.name == "demo_garbled_ready").gate_failed


def test_public_inboxes_are_skipped_without_the_data_sets(tmp_path) -> None:
    ctx = EvalContext(provider="offline", datasets_dir=tmp_path / "none", work_dir=tmp_path / "work")
    metrics, notes = inboxes.run(ctx)
    assert metrics == [] and len(notes) == len(inboxes.SOURCES) == 4 and all("skipped" in n for n in notes)


# sha1 of each file as built before the acdisplay inbox was added: audits and numbers stay comparable
BUILT = {
    ("comic-viewer", "feedback.csv"): "0a3d33bd47192123164b66440cf54fb39d289624",
    ("comic-viewer", "stakeholder_asks.csv"): "30c122bd5e6a846d054503d418788364ec8b2f95",
    ("maalej", "feedback.csv"): "5098886e253a33ace6b9af02739c3b1de88936f1",
    ("maalej", "stakeholder_asks.csv"): "06175718b77a30edebdd14882dfbc22d5093382f",
    ("bank", "feedback.csv"): "8c8559fb6b051df9dea32cca1c11cd8b4892f3ea",
    ("bank", "stakeholder_asks.csv"): "0366089ffd8cb42d3987aab3a7eefe80c77b3859",
}


def test_acdisplay_inbox_and_the_others_unchanged(shared_datasets, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv
    import hashlib

    from evals.public import inboxes

    for name in ("comic-viewer", "maalej", "bank"):
        folder = inboxes.write_inbox(name, tmp_path)
        for file in ("feedback.csv", "stakeholder_asks.csv"):
            assert hashlib.sha1((folder / file).read_bytes()).hexdigest() == BUILT[(name, file)], (name, file)
    folder = inboxes.write_inbox("acdisplay", tmp_path)
    with open(folder / "feedback.csv", newline="", encoding="utf-8") as fh:
        reviews = list(csv.DictReader(fh))
    with open(folder / "stakeholder_asks.csv", newline="", encoding="utf-8") as fh:
        asks = list(csv.DictReader(fh))
    assert len(reviews) == 204 and list(reviews[0]) == ["review_id", "rating", "review"] and len(asks) == 6
    # every ask that serves an existing need names a topic the app's reviews carry; some open their own need
    labels = set(inboxes.gold("acdisplay").values())
    wanted = [gold for *_rest, gold in inboxes.ASKS["acdisplay"]]
    assert all(g in labels for g in wanted if g) and wanted.count(None) >= 1
