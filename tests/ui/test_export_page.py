"""Export page under AppTest: the Definition-of-Ready gate is visible; preview and download the chosen format."""

from __future__ import annotations

import json

from sqlalchemy import select

from assistant.repository import get_story, save_story
from assistant.tables import ExportRecord
from ui_helpers import open_page, plain, seed


def _approve(ws, stories, *, ready: bool = True) -> None:
    with ws.transaction() as s:
        for story in stories:
            current = get_story(s, story.id)
            save_story(s, current.model_copy(update={"status": "approved", "ready": ready,
                                                     "points": current.points if ready else None}),
                       actor="po", action="approve")


def _records(ws) -> dict[str, str]:
    with ws.transaction() as s:
        return {r.story_id: r.target for r in s.scalars(select(ExportRecord))}


def test_empty_gate_says_what_to_do(ui_ws):
    seed(ui_ws, needs=1)
    at = open_page("export")
    assert any("approve stories" in i.value for i in at.info)


def test_gate_preview_and_download(ui_ws):
    ready = seed(ui_ws, needs=2, ready=True)
    _approve(ui_ws, ready)
    at = open_page("export")
    gate = at.dataframe[0].value
    assert set(gate["id"]) == {s.id for s in ready} and all(gate["ready"])
    assert "2 of 2" in at.subheader[0].value
    at.selectbox(key="export_fmt").set_value("json")
    at.button(key="export_preview").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Exported 2 stories" in s.value for s in at.success)
    preview = json.loads(at.code[0].value)
    assert "S-0-0" in json.dumps(preview) and "S-1-0" in json.dumps(preview)
    assert at.get("download_button")  # the file is one click away
    assert set(_records(ui_ws)) == {"S-0-0", "S-1-0"}


def test_blocked_story_is_listed_with_its_reason_and_refused(ui_ws):
    stories = seed(ui_ws, needs=2, ready=True)
    _approve(ui_ws, stories[:1])
    _approve(ui_ws, stories[1:], ready=False)
    at = open_page("export")
    gate = at.dataframe[0].value
    blocked = gate[gate["id"] == "S-1-0"]
    assert not bool(blocked["ready"].iloc[0]) and blocked["blocked by"].iloc[0]
    assert "1 of 2" in at.subheader[0].value
    if at.get("multiselect"):
        # The export takes a story selection: only Ready stories are offered by default.
        assert at.multiselect(key="export_pick").value == ["S-0-0"]
        at.button(key="export_preview").click().run()
        assert set(_records(ui_ws)) == {"S-0-0"}
    else:
        at.button(key="export_preview").click().run()
        assert any("S-1-0" in e.value and "Definition of Ready" in e.value for e in at.error)
        assert _records(ui_ws) == {}
        at.checkbox(key="export_force").check().run()
        at.button(key="export_preview").click().run()
        assert set(_records(ui_ws)) == {"S-0-0", "S-1-0"}


def test_push_names_missing_settings_then_dry_run_shows_requests(ui_ws, monkeypatch):
    _approve(ui_ws, seed(ui_ws, needs=1, ready=True))
    at = open_page("export")
    at.selectbox(key="export_target").set_value("github")
    at.button(key="export_push").click().run()
    assert any("GITHUB_TOKEN" in plain(e.value) for e in at.error)  # a clear message naming what to set
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_never_shown")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/backlog")
    at.button(key="export_push").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Dry run for github" in s.value for s in at.success)
    assert "ghp_secret_never_shown" not in at.json[0].value and "S-0-0" in at.json[0].value
    assert _records(ui_ws) == {}  # a dry run records nothing
