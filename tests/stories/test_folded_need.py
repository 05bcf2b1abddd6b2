"""A need whose story is folded into an equal story of another need never vanishes from backlog.md (bank audit:
'Budget' and 'Gas bill' were in no row and 14 of their 21 items in no story). Real wording: CLINC150
`spending_history` queries (../shared/datasets), copied so the test runs without the datasets; real SQLite, the
real chroma index and the real local embedding model."""

from __future__ import annotations

import re

from story_fixtures import insert_fixture

from assistant.stories import draft

Q = "feature"
NEEDS = {
    "nd_spent": ("Spent money", "Users ask to see how much they spent.", [
        (t, Q, {}, "feedback") for t in [
            "how much money did i spend this weekend", "looking at the past month, what did i spend total",
            "what is the total amount i spent last week", "how much have i spent on my debit card this month",
            "how much money have i spent recently", "about how much did i spend recently",
            "check how much i spent this week", "how much money have a spent in the last week",
            "how much have i spent this week"]]),
    "nd_budget": ("Budget", "Users ask whether they spend too much.", [
        (t, Q, {}, "feedback") for t in [
            "how much have i spent on tires this month", "how many dollars have i spent on coffee this month",
            "how much have i been spending on booze this month", "what have i spent on food this month",
            "how much did i spend on groceries this month", "have i gone over my entertainment budget",
            "did i stick to my dinner budget", "do i spend too much on beer"]]),
}


def _index(ws, ids: dict[str, list[str]]) -> None:
    from assistant.repository import load_items

    with ws.transaction() as s:
        items = load_items(s, [i for v in ids.values() for i in v])
    ws.index.upsert([i.id for i in items], ws.embedder.embed([i.text for i in items]),
                    [{"kind": i.kind} for i in items])


def test_a_folded_need_is_cited_or_listed_on_the_surviving_story_and_counted(workspace) -> None:
    from assistant.export.backlog_report import backlog_markdown
    from assistant.repository import load_needs
    from assistant.stories.folded import FOLDED_NEED, folded_needs

    ids = insert_fixture(workspace, NEEDS)
    _index(workspace, ids)
    report = draft(workspace)
    stories = report.stories
    assert any("asked the same" in m for m in report.messages), report.messages  # the two stories were one ask
    assert not [st for st in stories if st.need_id == "nd_budget"], [(s.need_id, s.goal) for s in stories]
    story = next(st for st in stories if st.need_id == "nd_spent" and st.kind == "story")
    shown = folded_needs(story)
    budget = set(ids["nd_budget"])
    listed = {i for nid, left in shown if nid == "nd_budget" for i in left}
    cited = budget & set(story.evidence)
    # nothing of the folded need disappears: each item is cited (it supports the goal) or listed, never both
    assert cited | listed == budget and not cited & listed, (story.evidence, shown)
    assert cited and listed  # the gate's own check decides: some ask the goal, the budget questions do not
    assert all(i in listed for i in [ids["nd_budget"][5], ids["nd_budget"][6]])  # "gone over my … budget"
    finding = next(f for f in story.quality if f.criterion == FOLDED_NEED)
    assert finding.severity == "warning" and "needs merge nd_spent nd_budget" in (finding.fix or "")

    with workspace.transaction() as s:
        needs = load_needs(s)
    md = backlog_markdown(workspace, stories, [], [], needs)
    row = next(line for line in md.splitlines() if line.startswith("|") and "spen" in line and "As a" in line)
    assert f"(and {len(listed)} items of need 'Budget' it does not cite)" in row
    entry = md.split("Items of need 'Budget'")[1].split("Evidence (")[0]
    assert "have i gone over my entertainment budget" in entry and "`backlogsmith needs merge nd_spent nd_budget`" in entry
    # the overview counts exactly: the folded need's items are not claimed as "in needs with a story"
    head = re.search(r"^- 17 feedback items \(duplicates not counted\): (.*)$", md, re.MULTILINE)
    assert head, md[:800]
    assert head.group(1).startswith("9 in needs with a story or a story to write, 8 in 1 need whose story asked")
    assert "Same ask as story" in md and "Budget (8 items), shown on that story." in md


SCORE = {"nd_score": ("Credit score", "Users ask about their credit score.", [
    (t, Q, {}, "feedback") for t in [
        "can you find what my credit score is", "could you tell me what my credit score is",
        "please give me my current credit score", "give me my credit score please", "i would like to know my credit score",
        "tell me what my credit score is", "i need to know what my credit score is", "what is my credit score number",
        "let me know what my credit score is today", "please tell me what my credit score is",
        "how can i rehabilitate my poor credit score", "how can i raise my credit score",
        "can you explain to me how i might boost my credit score", "how can i increase my credit score",
        "give me tips on improving my credit score", "give me some ideas for boosting my credit score"]])}


def test_the_other_action_of_a_need_is_listed_on_its_story(workspace) -> None:
    """bank audit: 'Credit score' shows only the written half (see), never the other (improve)."""
    from assistant.export.backlog_report import backlog_markdown
    from assistant.repository import load_needs
    from assistant.stories.other_ask import OTHER_ASK, other_asked

    ids = insert_fixture(workspace, SCORE)
    _index(workspace, ids)
    stories = draft(workspace).stories
    story = next(st for st in stories if st.kind == "story")
    assert "see my" in story.goal and "credit score" in story.goal, story.goal
    improve = set(ids["nd_score"][10:])
    left = set(other_asked(story))
    assert left and left <= improve and len(left) >= 4, (left, story.evidence)  # the improve half, nothing else
    assert not left & set(story.evidence)
    finding = next(f for f in story.quality if f.criterion == OTHER_ASK)
    assert finding.severity == "warning" and "other verbs" in finding.message
    with workspace.transaction() as s:
        needs = load_needs(s)
    md = backlog_markdown(workspace, stories, [], [], needs)
    assert f"(and {len(left)} items of its need asking with other verbs)" in md
    assert "how can i raise my credit score" in md.split("asking with other verbs (to ")[1].split("Evidence (")[0]


def test_a_need_asking_one_action_lists_no_other_half(workspace) -> None:
    from assistant.stories.other_ask import other_asked

    ids = insert_fixture(workspace, {"nd_score": (SCORE["nd_score"][0], SCORE["nd_score"][1],
                                                  SCORE["nd_score"][2][:10])})
    _index(workspace, ids)
    stories = draft(workspace).stories
    assert [st.kind for st in stories] == ["story"] and not other_asked(stories[0])
