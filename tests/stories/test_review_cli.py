"""PO review through the library and the real CLI: history, version conflicts, JSON shape."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import ConflictError, QualityError
from assistant.repository import get_story, save_story, story_history
from assistant.stories import approve_all, approve_story, draft, edit_story, reject_story
from story_fixtures import insert_fixture


@pytest.fixture
def drafted(workspace):
    insert_fixture(workspace)
    # stories with criteria first: edits below change criterion 1 (honest drafts may have none)
    return workspace, sorted(draft(workspace).stories, key=lambda st: (-len(st.acceptance_criteria), st.id))


def test_edit_relints_and_keeps_history(drafted) -> None:
    ws, stories = drafted
    st = stories[0]
    edited = edit_story(ws, st.id, {"goal": "export and email my expenses", "criterion": {"index": 1, "then": "it works well"}},
                        actor="maria", expected_version=st.version)
    assert edited.goal == "to export and email my expenses" and edited.version == st.version + 1
    assert any(f.criterion == "atomic" for f in edited.quality)  # "and" in the goal is flagged
    assert any(f.criterion == "criteria_testable" for f in edited.quality)  # "works well" is not observable
    assert not edited.ready
    with ws.transaction() as s:
        history = story_history(s, st.id)
    last = history[-1]
    assert last["actor"] == "maria" and last["action"] == "edit"
    assert last["changes"]["goal"] == {"before": st.goal, "after": "to export and email my expenses"}


def test_stale_version_raises_conflict(drafted) -> None:
    ws, stories = drafted
    st = stories[0]
    edit_story(ws, st.id, {"role": "bookkeeper"}, actor="a", expected_version=st.version)
    with pytest.raises(ConflictError, match="reload"):
        edit_story(ws, st.id, {"role": "accountant"}, actor="b", expected_version=st.version)


def test_edit_refuses_invented_missing_or_bare_citations(drafted) -> None:
    ws, stories = drafted
    st = stories[0]
    criteria = [c.model_dump() for c in st.acceptance_criteria]
    bare = [*criteria, {"given": "I am offline", "when": "I open the list", "then": "the list is shown", "evidence": []}]
    for changes, message in (
        ({"evidence": [*st.evidence, "fb_invented00"]}, "cites feedback that does not exist: fb_invented00"),
        ({"evidence": []}, "cites no feedback; every story must rest on at least one item"),
        ({"acceptance_criteria": bare}, f"criterion {len(bare)} cites no feedback"),
    ):
        with pytest.raises(QualityError, match=message):
            edit_story(ws, st.id, changes, actor="po", expected_version=st.version)
    with ws.transaction() as s:  # every refused edit left the story as it was
        kept = get_story(s, st.id)
    assert kept.version == st.version and kept.evidence == st.evidence
    assert kept.acceptance_criteria == st.acceptance_criteria


def test_approve_reject_and_add_criterion(drafted) -> None:
    ws, stories = drafted
    a, b = stories[0], stories[1]
    approved = approve_story(ws, a.id, actor="po")
    assert approved.status == "approved"
    added = edit_story(ws, a.id, {"criterion": {"index": len(a.acceptance_criteria) + 1, "given": "I am offline",
                                                "when": "I open the list", "then": "the last synced list is shown"}},
                       actor="po", expected_version=approved.version)
    assert added.status == "draft"  # an edit after approval needs approval again
    assert added.acceptance_criteria[-1].evidence == a.evidence[:5]
    with pytest.raises(QualityError, match="reason"):
        reject_story(ws, b.id, actor="po", reason=" ")
    rejected = reject_story(ws, b.id, actor="po", reason="not our market")
    assert rejected.status == "rejected"
    assert {s.id for s in approve_all(ws, actor="po")} == {s.id for s in stories} - {b.id}
    with ws.transaction() as s:
        assert get_story(s, b.id).status == "rejected"


def test_exported_story_cannot_be_approved_again(drafted) -> None:
    ws, stories = drafted
    st = approve_story(ws, stories[0].id, actor="po")
    with ws.transaction() as s:
        save_story(s, st.model_copy(update={"status": "exported"}), actor="export", action="export",
                   expected_version=st.version)
    with pytest.raises(QualityError, match="already exported; edit it first"):
        approve_story(ws, st.id, actor="po")
    with ws.transaction() as s:
        assert get_story(s, st.id).status == "exported"


def test_cli_review_flow_and_json_shape(drafted) -> None:
    ws, stories = drafted
    runner = CliRunner()
    base = ["--workspace", str(ws.settings.workspace)]
    ws.close()
    out = runner.invoke(app, [*base, "stories", "list", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert len(data) == len(stories)
    for item in data:
        for key in ("id", "need_id", "text", "role", "goal", "benefit", "acceptance_criteria", "evidence", "status",
                    "value", "points", "priority", "quality", "ready"):
            assert key in item, key
        for c in item["acceptance_criteria"]:
            assert set(c) >= {"given", "when", "then", "evidence"}
    sid = data[0]["id"]
    res = runner.invoke(app, [*base, "stories", "edit", sid, "--criterion", "1", "--then", "a CSV file is downloaded"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, [*base, "stories", "approve", sid])
    assert res.exit_code == 0 and "approved" in res.stdout
    res = runner.invoke(app, [*base, "stories", "show", sid, "--format", "json"])
    shown = json.loads(res.stdout)
    assert shown["status"] == "approved" and [h["action"] for h in shown["history"]] == ["draft", "edit", "approve"]
    assert shown["evidence_quotes"] and all(isinstance(v, str) for v in shown["evidence_quotes"].values())
    res = runner.invoke(app, [*base, "stories", "list", "--format", "json", "--status", "approved"])
    assert [s["id"] for s in json.loads(res.stdout)] == [sid]
    for cmd in (["health", "--format", "json"], ["asks", "--format", "json"]):
        res = runner.invoke(app, [*base, *cmd])
        assert res.exit_code == 0, res.output
        json.loads(res.stdout)


def test_a_story_to_write_cannot_be_approved(drafted) -> None:
    # A story to write has no goal: approving it would put an empty story on the way to the tracker.
    ws, stories = drafted
    with ws.transaction() as s:
        to_write = save_story(s, stories[0].model_copy(update={"id": "st_towrite0001", "kind": "to_write", "goal": "",
                                                               "version": 0}), actor="backlogsmith", action="draft")
    with pytest.raises(QualityError, match="story to write"):
        approve_story(ws, to_write.id, actor="po")
    assert to_write.id not in {st.id for st in approve_all(ws, actor="po")}
    with ws.transaction() as s:
        assert get_story(s, to_write.id).status == "draft"
