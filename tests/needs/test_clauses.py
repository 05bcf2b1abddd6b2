"""Problem clauses inside praise, and small needs whose members share no problem: real embeddings, real texts of
the kind app reviews hold (reworded, not copied from any inbox)."""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.needs import clauses, core, fit
from assistant.needs.cluster import normalise
from assistant.needs.evidence import says_problem

REPORTS_INSIDE_PRAISE = [
    "Good! The app is amazing and the UI is beautiful, but anyone can open my phone because there is no security.",
    "Been using it for years. Sometimes my phone gets unlocked in my pocket, which is annoying.",
    "Dosent work... It dosent work on my tablet tho, I rate 5 because it is beta",
    "Pretty comfortable and easy to use, but refuses to display some pages.",
    "Awesome app. Just one hiccup, make the recently viewed list a bit bigger.",
    "Almost perfect! Needs Korean language support.",
    "Nice but.... Sometimes it doesnt read the whole file and its anoying",
    "Good app Best for images, but not good for archives",
    "So far so good. Only gripe is when I go to the next page it zooms in. But doesn't ruin it",
    "Great viewer A few hiccups when it comes to archives, but works great 98% of the time",
    "Love this app however just lately it's started going to the lockscreen every time a notification comes",
]
PRAISE = [
    "works great have had no problems with it.", "Great No complaints. Brill app.", "Not bad...",
    "Perfect Nothing to report. Does what it should and does it well", "Loved it! Does what it claims!",
    "Clean, simple, not filled with clutter, just what I wanted, don't change anything",
    "I would've lost hundreds of photos if it wasn't for this app! Thank you!",
    "Excellent. I had some trouble at first but only because i didnt read the description.",
    "Nothing like listening to the radio on the go!",
    "I started using it last year and never looked back.",
]


@pytest.mark.parametrize("text", REPORTS_INSIDE_PRAISE)
def test_a_report_inside_praise_is_found_by_its_clause(text: str) -> None:
    assert clauses.problem_clauses([text])[0], text
    assert says_problem(text)


@pytest.mark.parametrize("text", PRAISE)
def test_praise_that_denies_trouble_is_no_report(text: str) -> None:
    assert clauses.problem_clauses([text]) == [[]], text


def test_the_clause_is_what_it_reports_not_the_praise_around_it() -> None:
    said = clauses.problem_clauses(["Great app, love the look, but anyone can open my phone as there is no security."])
    assert said == [["anyone can open my phone as there is no security"]]
    gripe = clauses.problem_clauses(["No problems so far. Only gripe is when I turn the page it zooms in."])[0]
    assert gripe == ["Only gripe is when I turn the page it zooms in"]


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    return LocalEmbedder()


SD = ["SD card contents won't show, please fix.", "Does not read from the sd card even after mounting.",
      "Would not read my sd card. Useless.", "Doesn't read from the SD card on my tablet, only internal memory."]
MEMORY = ["Out of memory error after three pages.", "Keeps saying out of memory on big files.",
          "Memory error every time I open a comic.", "Runs out of memory with 2GB free."]
ZOOM = ["Can't zoom in far enough to read.", "Zooming is limited, text stays tiny.", "Zoom makes everything fuzzy.",
        "I can't zoom in past the page width."]
# a small need gathered from one report each of the problems above: it shares none of its own
MIXED = ["Nice app. But my sd card files never show up at all.", "Crashes with an out of memory message on page two.",
         "Great reader, but zoom does not go far enough.", "Lovely design, the sd card is not read."]


def test_a_small_need_whose_members_share_no_problem_is_dissolved(embedder: LocalEmbedder) -> None:
    texts = {f"{k}{i}": t for k, group in (("sd", SD), ("me", MEMORY), ("zo", ZOOM), ("mx", MIXED))
             for i, t in enumerate(group)}
    ids = sorted(texts)
    vec = dict(zip(ids, normalise(embedder.embed([texts[i] for i in ids]))))
    assign: dict[str, str | None] = {i: i[:2] for i in ids}
    focus = clauses.focus(texts, embedder.embed)
    out = fit.mixed_small(assign, vec, lambda i: True, lambda i: True, focus)
    assert set(out) <= {i for i in ids if i.startswith("mx")} and len(out) >= 3  # the coherent small needs stay whole
    # each member is pointed to the need of the problem it reports, judged by its problem clause
    assert {i: t for i, (_, t, _, _) in out.items()} == {"mx0": "sd", "mx1": "me", "mx2": "zo", "mx3": "sd"}
    moved = fit.fit_members(assign, vec, texts, lambda i: True, lambda i: True, lambda i: False, 3, focus=focus)
    assert set(moved) >= set(out) and all(assign[i] != "mx" for i in out)
    assert all(assign[i] == i[:2] for i in ids if not i.startswith("mx"))


def test_a_praise_member_moves_by_what_it_reports(embedder: LocalEmbedder) -> None:
    texts = {f"{k}{i}": t for k, group in (("sd", SD), ("me", MEMORY)) for i, t in enumerate(group)}
    texts["pr0"] = "Great app, love the colours and the fast start, but my sd card is never read."
    texts |= {f"pr{i}": t for i, t in enumerate(["Great app!", "Love it, five stars.", "Really nice app."], 1)}
    ids = sorted(texts)
    vec = dict(zip(ids, normalise(embedder.embed([texts[i] for i in ids]))))
    assign: dict[str, str | None] = {i: i[:2] for i in ids}
    founds = lambda i: not i.startswith("pr")  # noqa: E731
    moved = core.praise_holds_praise(assign, vec, core.item_terms(texts), founds, lambda i: True,
                                     lambda i: says_problem(texts[i]), focus=clauses.focus(texts, embedder.embed))
    assert moved == {"pr": ["pr0"]} and assign["pr0"] == "sd"


CBR = ["CBR files will not open at all.", "Crashes on every cbr file I open.", "Can't read my .cbr comics, error.",
       "Most cbr archives fail to load.", "CBR support is broken, cbz works."]


def test_a_long_review_moves_by_its_problem_clause_only_to_a_need_it_names(embedder: LocalEmbedder) -> None:
    texts = {f"{k}{i}": t for k, group in (("cb", CBR), ("zo", ZOOM), ("sd", SD)) for i, t in enumerate(group)}
    texts["cb9"] = ("Great app, I love the layout and the speed. Reads my cbr files just fine, but the zooming is "
                    "really tedious and far too limited.")
    ids = sorted(texts)
    vec = dict(zip(ids, normalise(embedder.embed([texts[i] for i in ids]))))
    assign: dict[str, str | None] = {i: i[:2] for i in ids}
    moved = fit.fit_members(assign, vec, texts, lambda i: True, lambda i: True, lambda i: False, 3,
                            focus=clauses.focus(texts, embedder.embed))
    assert moved == {"cb9": ("cb", "zo")} and assign["cb9"] == "zo"
    # the same review with its complaint about something no other need names stays where it was placed
    texts["cb9"] = "Great app, I love the layout and the speed. Reads my cbr files fine, but the colours look washed out."
    vec["cb9"] = normalise(embedder.embed([texts["cb9"]]))[0]
    assign = {i: i[:2] for i in ids}
    assert "cb9" not in fit.fit_members(assign, vec, texts, lambda i: True, lambda i: True, lambda i: False, 3,
                                        focus=clauses.focus(texts, embedder.embed))


def test_a_one_or_two_star_review_is_no_praise_evidence() -> None:
    """The writer's own stars outrank a positive word: "Perfect viewer is better This app is boo boo" (2 stars) and
    "Mm No" (1 star) sat in one app's "General praise"; the same words at five stars are praise."""
    from assistant.models import FeedbackItem, SourceRef
    from assistant.needs.evidence import reports

    def item(text: str, stars: object) -> FeedbackItem:
        return FeedbackItem(id=f"r{stars}", text=text, source=SourceRef(path="r.csv", row=1),
                            metadata={"rating": stars})

    assert reports(item("Perfect viewer is better This app is boo boo", 2)) and reports(item("Mm No", "1"))
    assert not reports(item("Perfect viewer, this app is great", 5)) and not reports(item("Mm yes", None))
    assert not reports(item("Great app", 0))  # not a star rating (0 is outside 1-5)


def test_a_statement_counts_questions_and_requests_put_without_a_question_mark() -> None:
    """Bank chat messages (CLINC150) have no question marks and triage types many by their tone: a need of 30 fee
    questions said "4 report a problem or ask". Questions and requests count, however they were typed."""
    from assistant.models import FeedbackItem, SourceRef
    from assistant.needs.evidence import asks_or_reports

    def item(text: str) -> FeedbackItem:
        return FeedbackItem(id="q", text=text, source=SourceRef(path="chat.csv", row=1))

    asking = ["what is the bank's routing number", "tell me when my water bill is due", "i need to pay my electric bill",
              "how do i report my very lost card"]
    assert all(asks_or_reports(item(t)) for t in asking)
    assert not asks_or_reports(item("Great app, love it")) and not asks_or_reports(item("Simple and clean."))
