"""Stories page under AppTest: a compact ranked table with one editor beside it; every write reaches the database
at once with the optimistic version check, keeps the story open, and a stale save keeps what the PO typed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.errors import QualityError
from assistant.models import QualityFinding
from assistant.repository import get_story, save_story, story_history
from assistant.tables import StoryRow
from assistant.ui import stories_model as vm
from assistant.ui.words import RULE_TITLES
from ui_helpers import open_page, plain, seed


def _rank(ws, order: list[str]) -> None:
    """Give stories a rank the way prioritize stores it (value.inputs.rank, position)."""
    with ws.transaction() as s:
        for pos, sid in enumerate(order):
            row = s.get(StoryRow, sid)
            row.value = {**(row.value or {}), "score": 10.0 - pos, "inputs": {"rank": pos + 1, "why": "test rank"}}
            row.position, row.priority = pos, "P1" if pos < 3 else "P3"


def _table(at):
    return next(d.value for d in at.dataframe if "story" in d.value.columns)


def _open(at, story_id: str):
    at.session_state["st_selected"] = story_id
    return at.run()


def test_ranked_compact_table_25_rows_a_page(ui_ws):
    stories = seed(ui_ws, needs=3, stories_per_need=10)
    order = [s.id for s in reversed(stories)]  # rank the last seeded first: the table must follow rank, not ids
    _rank(ui_ws, order)
    at = open_page("stories")
    table = _table(at)
    assert len(table) == 25 and list(table["rank"]) == list(range(1, 26))
    assert list(table["id"]) == order[:25]
    assert {"priority", "value", "points", "ready", "status", "need", "story"} <= set(table.columns)
    # Only the opened story is loaded in full: one editor, for the top-ranked story.
    assert len([w for w in at.text_input if w.key and w.key.startswith("role:")]) == 1
    with ui_ws.transaction() as s:
        version = s.get(StoryRow, order[0]).version
    assert at.text_input(key=f"role:{order[0]}:{version}:stored").value == "finance admin"
    at.number_input(key="st_page").set_value(2).run()
    assert list(_table(at)["rank"]) == list(range(26, 31))


def test_filters_by_need_status_and_ready(ui_ws):
    _, second, third = seed(ui_ws, needs=3)
    with ui_ws.transaction() as s:
        s.get(StoryRow, second.id).ready = True
        s.get(StoryRow, third.id).status = "approved"
    at = open_page("stories")
    at.selectbox(key="st_need").set_value("need1").run()
    assert list(_table(at)["id"]) == [second.id]
    at.selectbox(key="st_need").set_value("").run()
    at.selectbox(key="st_ready").set_value("Ready").run()
    assert list(_table(at)["id"]) == [second.id]
    at.selectbox(key="st_ready").set_value("any").run()
    at.multiselect(key="st_status").set_value(["approved"]).run()
    assert list(_table(at)["id"]) == [third.id]


def test_rejected_story_is_never_ready_and_shows_its_whole_reason(ui_ws):
    story = seed(ui_ws, needs=1, ready=True)[0]
    reason = ("Duplicate of the month-end export epic that finance already owns; we agreed in the planning of "
              "October to keep one story for it and to revisit after the reporting rewrite lands.")
    with ui_ws.transaction() as s:
        save_story(s, get_story(s, story.id).model_copy(update={"status": "rejected"}), actor="po", action="reject",
                   reason=reason)
    at = open_page("stories")
    at.multiselect(key="st_status").set_value(["rejected"]).run()
    row = _table(at).iloc[0]
    assert row["status"] == "rejected" and not row["ready"]
    assert any(reason in e.value for e in at.error)  # the whole reason, not cut at 80 characters
    assert not any("Ready ·" in c.value and "Not ready" not in c.value for c in at.caption)


def test_edit_saves_and_keeps_the_row_open_even_when_the_filter_no_longer_matches(ui_ws):
    _, second = seed(ui_ws, needs=2)
    at = open_page("stories")
    at.text_input(key="st_search").input("finance").run()
    _open(at, second.id)
    at.text_input(key=f"role:{second.id}:1:stored").input("controller")
    at.button(key=f"st_save:{second.id}:1:stored").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        stored = get_story(s, second.id)
    assert stored.role == "controller" and stored.version > second.version
    # The search "finance" no longer matches, but the story stays in the table, marked open, in the editor.
    table = _table(at)
    assert second.id in list(table["id"])
    assert table.set_index("id").loc[second.id, "open"] == "▶"
    assert at.text_input(key=f"role:{second.id}:{stored.version}:stored").value == "controller"
    assert any("Saved" in s.value for s in at.success)
    at.text_input(key="st_search").input("finance admin").run()  # new filters show exactly what they match
    assert second.id not in list(_table(at)["id"])


def test_stale_save_keeps_what_b_typed_beside_the_current_version(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    at = open_page("stories")  # session B loads v1
    with ui_ws.transaction() as s:  # session A saves first
        a = get_story(s, story.id).model_copy(update={"benefit": "my accountant is happy"})
        save_story(s, a, actor="someone-else", action="edit", expected_version=story.version)
    at.text_input(key=f"role:{story.id}:1:stored").input("controller")
    at.text_input(key=f"goal:{story.id}:1:stored").input("to export every invoice at month end")
    at.button(key=f"st_save:{story.id}:1:stored").click().run()
    with ui_ws.transaction() as s:
        stored = get_story(s, story.id)
    assert stored.role == "finance admin" and stored.benefit == "my accountant is happy"  # A's edit not overwritten
    assert any("someone else changed this story first" in w.value for w in at.warning)
    # B's text is still in the form (now based on A's version), A's version is shown beside it.
    k = f"{story.id}:{stored.version}:mine"
    assert at.text_input(key=f"role:{k}").value == "controller"
    assert at.text_input(key=f"goal:{k}").value == "to export every invoice at month end"
    assert any("my accountant is happy" in t.value for t in at.text)
    # B merges by hand (takes A's benefit) and saves: accepted against A's version.
    at.text_input(key=f"benefit:{k}").input("my accountant is happy")
    at.button(key=f"st_save:{k}").click().run()
    with ui_ws.transaction() as s:
        merged = get_story(s, story.id)
    assert (merged.role, merged.goal, merged.benefit) == (
        "controller", "to export every invoice at month end", "my accountant is happy")


def test_stale_approve_reject_and_fix_are_refused(ui_ws):
    first, second = seed(ui_ws, needs=2)
    finding = QualityFinding(criterion="criteria_testable", severity="warning", message="Criterion 1 is vague.",
                             fix="Given an open month, when I export the report, then a CSV file with 12 rows downloads.")
    with ui_ws.transaction() as s:
        first = save_story(s, first.model_copy(update={"quality": [finding]}), actor="lint", action="lint")
    at = open_page("stories")
    _open(at, second.id)  # this session has opened both stories (each editor remembers the version it showed)
    _open(at, first.id)
    with ui_ws.transaction() as s:  # another session edits both stories after this page was loaded
        for story in (first, second):
            other = get_story(s, story.id).model_copy(update={"benefit": "someone else's benefit"})
            save_story(s, other, actor="someone-else", action="edit", expected_version=story.version)

    def refused() -> bool:
        return any("changed by someone else" in e.value.lower() for e in at.error) and not at.success

    at.button(key=f"st_fix:{first.id}:{first.version}:0").click().run()
    assert refused(), [e.value for e in at.error]
    at.button(key=f"st_approve:{first.id}:{first.version}").click().run()
    assert refused(), [e.value for e in at.error]
    _open(at, second.id)
    at.text_area(key=f"st_reason:{second.id}:{second.version}").input("not needed")
    at.button(key=f"st_reject:{second.id}:{second.version}").click().run()
    assert refused(), [e.value for e in at.error]
    with ui_ws.transaction() as s:
        rows = {r.id: r for r in s.scalars(select(StoryRow))}
        last = {sid: story_history(s, sid)[-1]["actor"] for sid in rows}
    assert rows[first.id].status == "draft" and rows[second.id].status == "draft"
    assert last == {first.id: "someone-else", second.id: "someone-else"}  # nothing written after the other edit


def test_findings_in_plain_words_with_one_click_fix(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    findings = [
        QualityFinding(criterion="criteria_testable", severity="warning", message="Criterion 1 is vague.",
                       fix="Given an open month, when I export the report, then a CSV file with 12 rows downloads."),
        QualityFinding(criterion="generic_benefit", severity="error", message="'save time' fits any story.",
                       fix="Say what the feedback says the user gains."),
        QualityFinding(criterion="role_unsupported", severity="error", message="No finance admin wrote this.", fix=None),
    ]
    with ui_ws.transaction() as s:
        story = save_story(s, story.model_copy(update={"quality": findings}), actor="lint", action="lint")
    at = open_page("stories")
    shown = " ".join(m.value for m in at.markdown)
    for rule in ("criteria_testable", "generic_benefit", "role_unsupported"):
        assert RULE_TITLES[rule] in shown.replace("\\", "")
        assert rule not in shown.replace("\\_", "_")  # never the raw rule id
    at.button(key=f"st_fix:{story.id}:{story.version}:0").click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        fixed = get_story(s, story.id)
    assert fixed.acceptance_criteria[0].then == "a CSV file with 12 rows downloads"


def test_approve_and_reject_with_reason(ui_ws):
    first, second = seed(ui_ws, needs=2)
    at = open_page("stories")
    _open(at, first.id)
    at.button(key=f"st_approve:{first.id}:{first.version}").click().run()
    _open(at, second.id)
    at.button(key=f"st_reject:{second.id}:{second.version}").click().run()
    assert any("reason" in e.value.lower() for e in at.error)  # no reason: refused, nothing stored
    at.text_area(key=f"st_reason:{second.id}:{second.version}").input("duplicate of an existing epic")
    at.button(key=f"st_reject:{second.id}:{second.version}").click().run()
    with ui_ws.transaction() as s:
        rows = {r.id: r for r in s.scalars(select(StoryRow))}
    assert rows[first.id].status == "approved"
    assert rows[second.id].status == "rejected" and rows[second.id].status_reason == "duplicate of an existing epic"


def test_bulk_approve_says_how_many_and_needs_the_confirming_click(ui_ws):
    stories = seed(ui_ws, needs=3, ready=True)
    with ui_ws.transaction() as s:
        s.get(StoryRow, stories[2].id).ready = False
    at = open_page("stories")
    assert any("2 drafts" in m.value for m in at.markdown)  # the count is said before anything happens
    assert at.button(key="st_approve_ready").label == "Yes, approve 2 stories"
    with ui_ws.transaction() as s:
        assert not list(s.scalars(select(StoryRow).where(StoryRow.status == "approved")))
    at.button(key="st_approve_ready").click().run()
    with ui_ws.transaction() as s:
        approved = set(s.scalars(select(StoryRow.id).where(StoryRow.status == "approved")))
    assert approved == {stories[0].id, stories[1].id}
    assert any("Approved 2 Ready drafts" in s.value for s in at.success)


def test_write_a_story_by_hand_for_a_need_without_stories(ui_ws):
    seed(ui_ws, needs=2)
    with ui_ws.transaction() as s:
        s.delete(s.get(StoryRow, "S-1-0"))
    assert [t["id"] for t in vm.stories_to_write(ui_ws)] == ["need1"]
    at = open_page("stories")
    assert at.selectbox(key="st_write_need").value == "need1"  # stories to write come first
    at.text_input(key="st_write_role").input("warehouse clerk")
    at.text_input(key="st_write_goal").input("scan a parcel without typing its code")
    at.text_input(key="st_write_benefit").input("the queue at the dock does not grow")
    at.button(key="FormSubmitter:st_write-Create story").click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        row = s.scalars(select(StoryRow).where(StoryRow.need_id == "need1")).one()
        assert row.goal == "to scan a parcel without typing its code" and row.evidence == ["fb1-0"]
        assert story_history(s, row.id)[-1]["action"] == "write"
    assert at.session_state["st_selected"] == row.id  # opened in the editor to add criteria
    assert vm.stories_to_write(ui_ws) == []


def test_view_model_story_changes_from_the_criteria_grid(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    form = {"role": story.role, "goal": story.goal, "benefit": story.benefit, "points": 0,
            "criteria": vm.criteria_rows(story)}
    assert vm.story_changes(story, form) == {}
    rows = vm.criteria_rows(story)
    rows[0]["then"] = "a CSV file with every invoice downloads"
    rows[1] = {"given": "", "when": "", "then": ""}  # a cleared row is dropped
    rows.append({"given": "a closed month", "when": "I export", "then": "the file says 'closed'"})
    crits = vm.story_changes(story, {**form, "criteria": rows})["acceptance_criteria"]
    assert [c["then"] for c in crits] == ["a CSV file with every invoice downloads", "the file says 'closed'"]
    assert crits[0]["evidence"] == ["fb0-0"]  # an edited criterion keeps its citations
    rows[2]["when"] = ""
    with pytest.raises(QualityError, match="Criterion 3 .*When"):
        vm.story_changes(story, {**form, "criteria": rows})


def test_story_to_write_shows_its_brief_is_never_ready_and_is_written_by_hand(ui_ws):
    from assistant.models import NeedBrief

    story = seed(ui_ws, needs=1)[0]
    brief = NeedBrief(statement="Finance admins cannot close the month: exports time out", quotes=["fb0-0"],
                      counts={"items": 4}, asked_by=["finance admin"])
    with ui_ws.transaction() as s:
        handed = save_story(s, story.model_copy(update={"kind": "to_write", "goal": "", "brief": brief,
                                                        "benefit": "[benefit to write: the feedback states no reason]",
                                                        "ready": True, "points_suggested": 3}),
                            actor="backlogsmith", action="draft")
    at = open_page("stories")
    row = _table(at).iloc[0]
    assert row["status"] == "to write" and "(story to write) Finance admins cannot close" in row["story"]
    assert row["points"] == "~3" and not row["ready"]
    k = f"{handed.id}:{handed.version}:stored"
    assert at.text_input(key=f"goal:{k}").value == "" and at.text_input(key=f"benefit:{k}").value == ""
    assert "the feedback states no reason" in at.text_input(key=f"benefit:{k}").placeholder
    assert any("asked by finance admin" in plain(c.value) for c in at.caption)
    assert [t["story"] for t in vm.stories_to_write(ui_ws)] == [handed.id]
    assert at.selectbox(key="st_write_need").value == "need0"
    at.text_input(key="st_write_role").input("finance admin")
    at.text_input(key="st_write_goal").input("export a month of invoices in one file")
    at.text_input(key="st_write_benefit").input("I can close the month on the first working day")
    at.button(key="FormSubmitter:st_write-Create story").click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        written = get_story(s, handed.id)
    assert written.kind == "story" and written.goal == "to export a month of invoices in one file"
    assert written.brief is not None and vm.stories_to_write(ui_ws) == []


def test_draft_summary_names_stories_to_write_and_praise_only_needs():
    from assistant.models import Story
    from assistant.stories import DraftReport
    from assistant.ui.stories import draft_summary

    report = DraftReport(stories=[Story(id="a", need_id="n1", role="r", goal="", benefit="", kind="to_write"),
                                  Story(id="b", need_id="n2", role="r", goal="to g", benefit="b")],
                         created=["a", "b"], no_ask=["n3"])
    text = draft_summary(report, {"n1": "card / checkout", "n3": "praise"})
    assert text.startswith("Drafted 1 story and 1 story to write (2 new), ranked.")
    assert "To write by hand" in text and "card / checkout" in text and "1 need with praise only (no story): praise" in text


def test_draft_summary_names_five_stories_to_write_and_counts_the_rest():
    from assistant.models import Story
    from assistant.stories import DraftReport
    from assistant.ui.stories import draft_summary

    report = DraftReport(stories=[Story(id=f"s{i}", need_id=f"n{i}", role="r", goal="", benefit="", kind="to_write")
                                  for i in range(7)], created=[f"s{i}" for i in range(7)])
    text = draft_summary(report, {f"n{i}": f"need {i}" for i in range(7)})
    assert "need 0; need 1; need 2; need 3; need 4 and 2 more (status “to write” in the table)." in text
    assert "need 5" not in text
