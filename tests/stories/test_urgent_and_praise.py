"""Serious reports are never buried by drafting, and praise is not backlog work (PO audit, issue 14/15).

Real wording: the fraud messages are CLINC150 `report_fraud` queries, the praise rows Maalej reviews
(../shared/datasets), copied here so the test runs without the datasets."""

from __future__ import annotations

from assistant.stories import draft
from story_fixtures import insert_fixture

FRAUD = {"type": "question", "sentiment": {"label": "negative", "score": -0.4},
         "urgency": {"label": "high", "reason": "fraud or unauthorised use"}}
NAME = {"type": "question", "sentiment": {"label": "neutral", "score": 0.0}, "urgency": {"label": "low", "reason": ""}}
PRAISE = {"type": "praise", "sentiment": {"label": "positive", "score": 0.8}, "urgency": {"label": "low", "reason": ""}}
HAPPY = {"type": "experience", "sentiment": {"label": "positive", "score": 0.6}, "urgency": {"label": "low", "reason": ""}}

NEEDS = {
    # A mixed need whose clean, shared ask is about names: its story must not swallow the fraud reports.
    "nd_mixed": ("change name, fraudulent activity", "Users ask about their account.", [
        ("i want to change the name on my account", "name", {}, "feedback"),
        ("please change the name on my account to my married name", "name", {}, "feedback"),
        ("how do i change the name on my account", "name", {}, "feedback"),
        # serious, and it asks for the story's goal: the story cites it (no separate row)
        ("someone changed the name on my account without asking me, i need to change the name back now", "fraud", {},
         "feedback"),
        ("there's a charge on my card i didn't make, i think it's fraud", "fraud", {}, "feedback"),
        ("someone else used my card to buy things, how do i report fraud", "fraud", {}, "feedback"),
    ]),
    # Mostly praise and happy usage, plus one fraud report hidden in it.
    "nd_praise": ("Praise: easy to use", "Users value the app.", [
        ("Great app, just love it", "praise", {}, "feedback"),
        ("Excellent app, easy to use and fast", "praise", {}, "feedback"),
        ("I use it every day to plan my trips", "happy", {}, "feedback"),
        ("Best app I have, works perfectly", "praise", {}, "feedback"),
        ("Really good app, recommend it", "praise", {}, "feedback"),
        ("Love the new design, so clean", "praise", {}, "feedback"),
        ("Perfect, does what it says", "praise", {}, "feedback"),
        ("Use it daily, never had a problem", "happy", {}, "feedback"),
        ("Very handy app", "praise", {}, "feedback"),
        ("my bill shows a purchase i didn't make, report fraud", "fraud", {}, "feedback"),
    ]),
    "nd_happy": ("Praise: comics", "Users value the reader.", [
        ("Great viewer", "praise", {}, "feedback"),
        ("Works as advertised, I read comics every night", "happy", {}, "feedback"),
        ("Simple and light, love it", "praise", {}, "feedback"),
        ("Loving it, thanks", "praise", {}, "feedback"),
        ("I read all my comics with it", "happy", {}, "feedback"),
    ]),
}


def test_urgent_reports_a_story_leaves_out_are_listed_on_it_and_praise_gets_none(workspace, monkeypatch) -> None:
    import story_fixtures
    from assistant.stories.urgent import NOT_COVERED

    monkeypatch.setitem(story_fixtures.TRIAGE, "fraud", FRAUD)
    monkeypatch.setitem(story_fixtures.TRIAGE, "name", NAME)
    monkeypatch.setitem(story_fixtures.TRIAGE, "praise", PRAISE)
    monkeypatch.setitem(story_fixtures.TRIAGE, "happy", HAPPY)
    ids = insert_fixture(workspace, NEEDS)
    stories = draft(workspace).stories
    by_need: dict[str, list] = {}
    for st in stories:
        by_need.setdefault(st.need_id, []).append(st)
    fraud_ids = {ids["nd_mixed"][4], ids["nd_mixed"][5]}

    mixed = by_need["nd_mixed"]
    # one row for the need: its story; no "N urgent reports … read them first" row beside it (acdisplay, bank audits)
    assert [st.kind for st in mixed] == ["story"], [(s.kind, s.goal, s.evidence) for s in mixed]
    story = mixed[0]
    assert "change the name" in story.goal
    # the serious report that asks for the goal passes the gate's support check and is cited
    assert ids["nd_mixed"][3] in story.evidence
    # the fraud reports do not ask for it: listed on the story, by id and reason, never cited as its support
    assert not fraud_ids & set(story.evidence)
    listed = [f for f in story.quality if f.criterion == NOT_COVERED]
    assert len(listed) == 1 and all(i in listed[0].message for i in fraud_ids), story.quality
    assert listed[0].message.startswith("2 urgent reports (fraud") and "does not cover" in listed[0].message
    # backlog.md says so in the story's row and quotes them in its entry
    from assistant.export.backlog_report import backlog_markdown
    from assistant.repository import load_needs

    with workspace.transaction() as s:
        needs = load_needs(s)
    md = backlog_markdown(workspace, stories, [], [], needs)
    row = next(line for line in md.splitlines() if line.startswith("|") and "change the name" in line)
    assert "(and 2 urgent reports it does not cover)" in row
    entry = md.split("Urgent reports this story does not cover (read them first):")[1].split("Evidence (")[0]
    assert "someone else used my card" in entry and "i didn't make" in entry

    praise = by_need["nd_praise"]  # praise gets nothing, except the fraud report hidden in it: a row of its own
    assert [st.evidence for st in praise] == [[ids["nd_praise"][9]]] and praise[0].kind == "to_write"
    said = praise[0].brief.statement
    assert said.startswith("1 urgent report (fraud") and " of " not in said.split("in need")[0], said
    assert "nd_happy" not in by_need  # praise and happy usage ask for nothing: no story, no brief


def test_an_urgent_report_a_criterion_rests_on_is_covered() -> None:
    """comic-viewer audit: an item a story's criterion cited was also listed as 'not covered' by that story."""
    from assistant.models import Criterion, FeedbackItem, SourceRef, Story, Triage
    from assistant.stories.urgent import uncovered_urgent

    tri = Triage.model_validate({"type": "bug", "sentiment": {"label": "negative", "score": -0.8},
                                 "urgency": {"label": "high", "reason": "cannot use it at all"}})
    crash, other = (FeedbackItem(id=i, text=t, source=SourceRef(path="t.csv", row=n + 1), triage=tri)
                    for n, (i, t) in enumerate([("fb_c", "Force closes on my Galaxy S3 when I open a big file"),
                                                ("fb_o", "Crashes when I rotate the screen")]))
    story = Story(id="st_1", role="reader", goal="to open my cbr files", benefit="b", evidence=["fb_x"],
                  acceptance_criteria=[Criterion(given="I am using a Galaxy S3", when="I open a big file",
                                                 then="the file opens", evidence=["fb_c"])])
    assert [m.id for m in uncovered_urgent([crash, other], [story])] == ["fb_o"]
