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


def test_urgent_reports_get_their_own_story_to_write_and_praise_gets_none(workspace, monkeypatch) -> None:
    import story_fixtures

    monkeypatch.setitem(story_fixtures.TRIAGE, "fraud", FRAUD)
    monkeypatch.setitem(story_fixtures.TRIAGE, "name", NAME)
    monkeypatch.setitem(story_fixtures.TRIAGE, "praise", PRAISE)
    monkeypatch.setitem(story_fixtures.TRIAGE, "happy", HAPPY)
    ids = insert_fixture(workspace, NEEDS)
    stories = draft(workspace).stories
    by_need: dict[str, list] = {}
    for st in stories:
        by_need.setdefault(st.need_id, []).append(st)
    fraud_ids = {ids["nd_mixed"][3], ids["nd_mixed"][4]}

    mixed = by_need["nd_mixed"]
    urgent = [st for st in mixed if st.kind == "to_write" and "urgent report" in st.brief.statement]
    assert len(urgent) == 1 and set(urgent[0].evidence) == fraud_ids, [(s.kind, s.goal, s.evidence) for s in mixed]
    assert "fraud" in urgent[0].brief.statement and not urgent[0].ready
    # the brief counts its own reports, never the need's "n of n" (acdisplay audit: "9 of 9" beside 3 reports)
    said = urgent[0].brief.statement
    assert said.startswith("2 urgent reports (") and " of " not in said.split("in need")[0], said
    cited = {e for st in stories for e in st.evidence}
    assert fraud_ids <= cited  # every serious report is cited by a story or a story to write

    praise = by_need["nd_praise"]  # praise gets nothing, except the fraud report hidden in it
    assert [st.evidence for st in praise] == [[ids["nd_praise"][9]]] and praise[0].kind == "to_write"
    assert "nd_happy" not in by_need  # praise and happy usage ask for nothing: no story, no brief
