"""Stories page under AppTest: in-place edits reach the database at once, with the optimistic version check."""

from __future__ import annotations

from sqlalchemy import select

from assistant.models import QualityFinding
from assistant.repository import get_story, save_story, story_history
from assistant.tables import StoryRow
from assistant.ui import stories_model as vm
from ui_helpers import open_page, seed

def _form_keys(at, story_id: str) -> dict[str, str]:
    return {w.key.split(":")[0]: w.key for w in at.text_input if w.key and f":{story_id}:" in w.key + ":"}


def test_page_groups_by_need_and_paginates(ui_ws):
    seed(ui_ws, needs=3, stories_per_need=5)
    at = open_page("stories")
    # 15 stories, 10 per page: the first page shows the top-ranked needs' stories, grouped under a header each.
    assert len([w for w in at.text_input if w.key and w.key.startswith("role:")]) == 10
    headers = [h.value for h in at.subheader]
    assert headers[0] == "need number 0 · draft" and "need number 1 · draft" in headers
    at.number_input(key="st_page").set_value(2).run()
    roles = [w.key for w in at.text_input if w.key and w.key.startswith("role:")]
    assert len(roles) == 5 and all(":S-2-" in k or ":S-1-" in k for k in roles)


def test_view_model_story_changes_only_reports_edits(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    form = {"role": story.role, "goal": story.goal, "benefit": story.benefit, "points": 0,
            "criteria": [{**c.model_dump(), "remove": False} for c in story.acceptance_criteria], "new": {}}
    assert vm.story_changes(story, form) == {}
    form["criteria"][1]["remove"] = True
    form["criteria"][0]["then"] = "a CSV file with every invoice downloads"
    form["new"] = {"given": "a closed month", "when": "I export", "then": "the file says 'closed'"}
    changes = vm.story_changes(story, form)
    crits = changes["acceptance_criteria"]
    assert [c["then"] for c in crits] == ["a CSV file with every invoice downloads", "the file says 'closed'"]
    assert crits[0]["evidence"] == ["fb0-0"]  # an edited criterion keeps its citations


def test_edit_criterion_saves_at_once_with_history(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    at = open_page("stories")
    at.text_area(key=f"then:{story.id}:{story.version}:0").input("a CSV file with all invoices downloads")
    at.button(key=f"st_save:{story.id}:{story.version}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        stored = get_story(s, story.id)
        history = story_history(s, story.id)
    assert stored.acceptance_criteria[0].then == "a CSV file with all invoices downloads"
    assert stored.version > story.version
    assert history[-1]["action"] != "draft" and "acceptance_criteria" in history[-1]["changes"]
    # The form is rebuilt from the stored story (new version key) and shows the saved text.
    assert at.text_area(key=f"then:{story.id}:{stored.version}:0").value == "a CSV file with all invoices downloads"
    assert any("Saved" in s.value for s in at.success)


def test_stale_edit_is_refused_with_reload_message(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    at = open_page("stories")
    # Another session changes the story after this session loaded it.
    with ui_ws.transaction() as s:
        other = get_story(s, story.id).model_copy(update={"benefit": "my accountant is happy"})
        save_story(s, other, actor="someone-else", action="edit", expected_version=story.version)
    at.text_input(key=f"role:{story.id}:{story.version}").input("controller")
    at.button(key=f"st_save:{story.id}:{story.version}").click().run()
    assert any("changed by someone else" in e.value.lower() and "reload" in e.value.lower() for e in at.error)
    with ui_ws.transaction() as s:
        stored = get_story(s, story.id)
    assert stored.role == "finance admin" and stored.benefit == "my accountant is happy"  # nothing overwritten
    # The page says so and offers a reload, which shows the other session's text.
    at.button(key=f"st_reload:{story.id}").click().run()
    assert at.text_input(key=f"benefit:{story.id}:{stored.version}").value == "my accountant is happy"


def test_stale_approve_reject_and_fix_are_refused(ui_ws):
    first, second = seed(ui_ws, needs=2)
    finding = QualityFinding(criterion="criteria_testable", severity="warning", message="Criterion 1 is vague.",
                             fix="Given an open month, when I export the report, then a CSV file with 12 rows downloads.")
    with ui_ws.transaction() as s:
        first = save_story(s, first.model_copy(update={"quality": [finding]}), actor="lint", action="lint")
    at = open_page("stories")
    with ui_ws.transaction() as s:  # another session edits both stories after this page was loaded
        for story in (first, second):
            other = get_story(s, story.id).model_copy(update={"benefit": "someone else's benefit"})
            save_story(s, other, actor="someone-else", action="edit", expected_version=story.version)

    def refused() -> bool:
        return any("changed by someone else" in e.value.lower() for e in at.error) and not at.success

    at.button(key=f"st_approve:{first.id}:{first.version}").click().run()
    assert refused(), [e.value for e in at.error]
    at.text_input(key=f"st_reason:{second.id}:{second.version}").input("not needed")
    at.button(key=f"st_reject:{second.id}:{second.version}").click().run()
    assert refused(), [e.value for e in at.error]
    at.button(key=f"st_fix:{first.id}:{first.version}:0").click().run()
    assert refused(), [e.value for e in at.error]
    with ui_ws.transaction() as s:
        rows = {r.id: r for r in s.scalars(select(StoryRow))}
        last = {sid: story_history(s, sid)[-1]["actor"] for sid in rows}
        first_then = get_story(s, first.id).acceptance_criteria[0].then
    assert rows[first.id].status == "draft" and rows[second.id].status == "draft"  # neither decision was applied
    assert first_then == "a CSV file downloads"  # the fix was not applied either
    assert last == {first.id: "someone-else", second.id: "someone-else"}  # nothing written after the other edit


def test_approve_and_reject_with_reason(ui_ws):
    first, second = seed(ui_ws, needs=2)
    at = open_page("stories")
    at.button(key=f"st_approve:{first.id}:{first.version}").click().run()
    at.button(key=f"st_reject:{second.id}:{second.version}").click().run()
    assert any("reason" in e.value.lower() for e in at.error)  # no reason: refused, nothing stored
    at.text_input(key=f"st_reason:{second.id}:{second.version}").input("duplicate of an existing epic")
    at.button(key=f"st_reject:{second.id}:{second.version}").click().run()
    with ui_ws.transaction() as s:
        rows = {r.id: r for r in s.scalars(select(StoryRow))}
    assert rows[first.id].status == "approved"
    assert rows[second.id].status == "rejected" and rows[second.id].status_reason == "duplicate of an existing epic"


def test_evidence_and_history_render_as_plain_text(ui_ws):
    seed(ui_ws, needs=1)
    at = open_page("stories")
    texts = [t.value for t in at.text]
    assert any(t.startswith("<img src=x") for t in texts)  # the hostile quote is shown literally, as text
    assert any("drafter" in t and "draft" in t for t in texts)  # history line
    assert not any("<img" in m.value for m in at.markdown)


def test_fix_changes_maps_a_fix_to_an_edit(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    crit_fix = QualityFinding(criterion="criteria_testable", severity="warning", message="Criterion 2 is vague.",
                              fix="Given no data, when I export the report, then I see 'No invoices this month'.")
    changes = vm.fix_changes(story, crit_fix)
    assert changes["acceptance_criteria"][1]["then"] == "I see 'No invoices this month'"
    assert changes["acceptance_criteria"][0] == story.acceptance_criteria[0].model_dump()
    text_fix = QualityFinding(criterion="minimal", severity="warning", message="Too long.",
                              fix="As a finance admin, I want to export the report, so that I can close the month.")
    assert vm.fix_changes(story, text_fix) == {"goal": "to export the report"}
    guidance = QualityFinding(criterion="estimatable", severity="warning", message="Vague.", fix="in <N> steps")
    assert vm.fix_changes(story, guidance) is None


def test_apply_fix_in_one_click(ui_ws):
    story = seed(ui_ws, needs=1)[0]
    with ui_ws.transaction() as s:
        finding = QualityFinding(criterion="criteria_testable", severity="warning", message="Criterion 1 is vague.",
                                 fix="Given an open month, when I export the report, then a CSV file with 12 rows downloads.")
        story = save_story(s, story.model_copy(update={"quality": [finding]}), actor="lint", action="lint")
    at = open_page("stories")
    at.button(key=f"st_fix:{story.id}:{story.version}:0").click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        assert get_story(s, story.id).acceptance_criteria[0].then == "a CSV file with 12 rows downloads"


def test_draft_from_the_page_stores_stories_with_evidence(ui_ws, monkeypatch):
    monkeypatch.setenv("BACKLOGSMITH_ACTOR", "ui-tester")
    from assistant.tables import FeedbackRow, NeedRow

    texts = ["Exporting invoices to CSV takes forever at month end",
             "The invoice export to CSV times out with 500 invoices",
             "Let me save my credit card for later purchases",
             "Please remember my payment card between orders"]
    with ui_ws.transaction() as s:
        s.add(NeedRow(id="n-export", name="invoice export", statement="Month-end export is slow.", counts={"total": 2}))
        s.add(NeedRow(id="n-card", name="saved card", statement="Typing the card every time.", counts={"total": 2}))
        s.flush()
        for i, text in enumerate(texts):
            s.add(FeedbackRow(id=f"fb{i}", text=text, text_hash=f"h{i}", source_path="paste", source_row=i + 1,
                              need_id="n-export" if i < 2 else "n-card"))
    at = open_page("stories", timeout=180)
    at.button(key="st_draft").click().run(timeout=180)
    assert not at.error, [e.value for e in at.error]
    assert any(s.value.startswith("Drafted") and "new" in s.value for s in at.success)
    with ui_ws.transaction() as s:
        rows = list(s.scalars(select(StoryRow)))
    assert rows and {r.need_id for r in rows} <= {"n-export", "n-card"}  # how many is the drafter's business
    assert all(set(r.evidence) <= {"fb0", "fb1", "fb2", "fb3"} and r.evidence for r in rows)
    assert {h["actor"] for r in rows for h in story_history_of(ui_ws, r.id)} == {"ui-tester"}  # the PO named in the sidebar
    assert len([w for w in at.text_input if w.key and w.key.startswith("role:")]) == len(rows)


def story_history_of(ws, story_id):
    with ws.transaction() as s:
        return story_history(s, story_id)


def test_approve_every_ready_draft(ui_ws):
    ready = seed(ui_ws, needs=2, ready=True)
    with ui_ws.transaction() as s:  # one more draft that is not Ready stays a draft
        save_story(s, ready[0].model_copy(update={"id": "S-not-ready", "ready": False}), actor="t", action="draft")
    at = open_page("stories")
    at.button(key="st_approve_ready").click().run()
    assert any("Approved 2 Ready drafts" in s.value for s in at.success)
    with ui_ws.transaction() as s:
        status = dict(s.execute(select(StoryRow.id, StoryRow.status)).all())
    assert status == {"S-0-0": "approved", "S-1-0": "approved", "S-not-ready": "draft"}
