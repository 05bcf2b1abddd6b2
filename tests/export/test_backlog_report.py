"""The backlog file accounts for every item: praise is recorded, feedback in no need is listed, serious first."""

from __future__ import annotations

from assistant.export.backlog_report import inbox_overview, unplaced_section
from assistant.models import FeedbackItem, Need, Sentiment, SourceRef, Story, Triage, Urgency


def _item(n: int, text: str, kind: str, urgency: str, need: str | None) -> FeedbackItem:
    return FeedbackItem(id=f"fb{n}", text=text, source=SourceRef(path="inbox.csv", row=n + 2), need_id=need,
                        triage=Triage(type=kind, sentiment=Sentiment(label="neutral", score=0.0),
                                      urgency=Urgency(label=urgency, reason="test")))


ITEMS = [
    _item(1, "Love it, best reader ever", "praise", "low", "N1"),
    _item(2, "Great app, works well", "praise", "low", "N1"),
    _item(3, "It crashes when I open a big file", "bug", "medium", "N2"),
    _item(4, "Nice colours", "praise", "low", None),
    _item(5, "Please add a dark mode", "feature_request", "low", None),
    _item(6, "Someone used my account to buy things, I did not", "complaint", "high", None),
]
NEEDS = [Need(id="N1", name="General praise: love", statement="s", item_ids=["fb1", "fb2"]),
         Need(id="N2", name="Crashes on big files", statement="s", item_ids=["fb3"])]


def test_overview_counts_every_item_once() -> None:
    stories = [Story(id="S1", need_id="N2", role="user", goal="to open big files", benefit="b", evidence=["fb3"])]
    text = "\n".join(inbox_overview(ITEMS, NEEDS, stories))
    assert "6 feedback items (duplicates not counted): 1 in needs with a story or a story to write, 2 in 1 praise " \
           "needs (recorded, no story), 3 in no need (1 of them high urgency)." in text
    assert "Praise, no story: General praise: love (2 items)." in text
    assert "Crashes on big files" not in text  # it has a story: not praise


def test_unplaced_lists_serious_first_and_counts_praise() -> None:
    lines = unplaced_section(ITEMS)
    body = "\n".join(lines)
    assert "3 items fit no need: 2 problems, questions or asks and 1 praise." in body
    quotes = [ln for ln in lines if ln.startswith("> ") and "`fb" in ln]
    assert [q.split("`")[1] for q in quotes] == ["fb6", "fb5"]  # high urgency before low; praise listed apart, after
    assert lines[lines.index("Praise in no need (1):") + 2].startswith("- Nice colours")
    assert "(complaint, high urgency)" in quotes[0] and "inbox.csv:8" in quotes[0]
    assert unplaced_section(ITEMS[:3]) == []


def test_a_problem_need_with_no_row_is_counted_and_named_never_claimed_as_covered() -> None:
    """bank audit: '754 in needs with a story' held two needs no row showed. A need with no row is counted apart."""
    text = "\n".join(inbox_overview(ITEMS, NEEDS, []))
    assert "0 in needs with a story or a story to write, 2 in 1 praise needs (recorded, no story), 1 in 1 need with " \
           "no story, 3 in no need" in text
    assert "- No story: Crashes on big files (1 item; `backlogsmith needs show N2`)." in text


def test_praise_that_asks_or_reports_is_listed_with_the_problems() -> None:
    asking = [*ITEMS, _item(7, "Good but add alarm when battery charged 100%, then I'll rate 5 star", "praise", "low", None)]
    lines = unplaced_section(asking)
    assert "4 items fit no need: 3 problems, questions or asks and 1 praise." in "\n".join(lines)
    assert [ln.split("`")[1] for ln in lines if ln.startswith("> ") and "`fb" in ln] == ["fb6", "fb5", "fb7"]
