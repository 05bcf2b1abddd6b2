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


def test_gate_preview_records_nothing_download_records(ui_ws):
    ready = seed(ui_ws, needs=2, ready=True)
    _approve(ui_ws, ready)
    at = open_page("export")
    gate = at.dataframe[0].value
    assert set(gate["id"]) == {s.id for s in ready} and all(gate["ready"])
    assert "2 of 2" in at.subheader[0].value
    at.selectbox(key="export_fmt").set_value("json")
    at.button(key="export_preview").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Preview of 2 stories as json" in s.value for s in at.success)
    preview = json.loads(at.code[0].value)
    assert "S-0-0" in json.dumps(preview) and "S-1-0" in json.dumps(preview)
    assert _records(ui_ws) == {}  # a preview is not an export
    at.download_button(key="export_download").click().run()
    assert not at.error, [e.value for e in at.error]
    assert _records(ui_ws) == {"S-0-0": "file:json", "S-1-0": "file:json"}
    assert any("Recorded the json export of 2 stories" in s.value for s in at.success)
    assert all(v.startswith("json file (") for v in at.dataframe[0].value["exported"])  # beside each story
    # Already exported stories are no longer picked by default, so they are not exported twice by accident.
    assert at.multiselect(key="export_pick").value == []


def test_picker_exports_exactly_the_picked_stories(ui_ws):
    stories = seed(ui_ws, needs=3, ready=True)
    _approve(ui_ws, stories)
    at = open_page("export")
    assert at.multiselect(key="export_pick").value == ["S-0-0", "S-1-0", "S-2-0"]
    at.multiselect(key="export_pick").unselect("S-1-0").run()
    at.selectbox(key="export_fmt").set_value("gherkin")
    at.button(key="export_preview").click().run()
    assert [e.label for e in at.expander if e.label.startswith("Preview")] == [
        "Preview: S-0-0.feature", "Preview: S-2-0.feature"]
    at.download_button(key="export_download").click().run()
    assert _records(ui_ws) == {"S-0-0": "file:gherkin", "S-2-0": "file:gherkin"}


def test_blocked_story_is_listed_with_its_reason_and_not_picked(ui_ws):
    stories = seed(ui_ws, needs=2, ready=True)
    _approve(ui_ws, stories[:1])
    _approve(ui_ws, stories[1:], ready=False)
    at = open_page("export")
    gate = at.dataframe[0].value
    blocked = gate[gate["id"] == "S-1-0"]
    assert not bool(blocked["ready"].iloc[0]) and blocked["blocked by"].iloc[0]
    assert "1 of 2" in at.subheader[0].value
    # Only Ready stories are picked by default; picking the blocked one is refused unless forced.
    assert at.multiselect(key="export_pick").value == ["S-0-0"]
    # The reason is in words with the fix, never a rule id or a CLI flag.
    assert "estimate" in blocked["blocked by"].iloc[0].lower() and "story points" in blocked["fix"].iloc[0]
    assert "estimated:" not in blocked["blocked by"].iloc[0]
    at.multiselect(key="export_pick").select("S-1-0").run()
    assert at.button(key="export_preview").disabled
    warning = " ".join(plain(w.value) for w in at.warning)
    assert "1 picked story is not Ready" in warning and "--force" not in warning
    assert not at.get("download_button")
    at.checkbox(key="export_force").check().run()
    at.button(key="export_preview").click().run()
    assert any("S-1-0 is exported although not Ready: No estimate" in plain(c.value) for c in at.caption)
    at.download_button(key="export_download").click().run()
    assert set(_records(ui_ws)) == {"S-0-0", "S-1-0"}


def test_changing_the_pick_withdraws_the_old_preview(ui_ws):
    stories = seed(ui_ws, needs=2, ready=True)
    _approve(ui_ws, stories)
    at = open_page("export")
    at.button(key="export_preview").click().run()
    assert at.get("download_button")
    at.multiselect(key="export_pick").unselect("S-0-0").run()
    assert not at.get("download_button")  # a download always matches what the picker shows


def _setup(at) -> dict[str, str]:
    table = next(d.value for d in at.dataframe if "variable" in d.value.columns)
    return dict(zip(table["variable"], table["set"], strict=True))


def test_push_names_missing_settings_then_dry_run_shows_requests(ui_ws, monkeypatch):
    _approve(ui_ws, seed(ui_ws, needs=1, ready=True))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    at = open_page("export")
    at.selectbox(key="export_target").set_value("github").run()
    assert _setup(at)["GITHUB_TOKEN"] == "not set" and _setup(at)["GITHUB_REPOSITORY"] == "not set"
    at.checkbox(key="export_dry").uncheck().run()
    assert at.button(key="export_push").disabled  # a real push needs the variables
    at.checkbox(key="export_dry").check().run()
    at.button(key="export_push").click().run()  # a dry run works before set-up, with visible placeholders
    assert not at.error, [e.value for e in at.error]
    assert any("GITHUB_TOKEN" in plain(c.value) and "Placeholders" in plain(c.value) for c in at.caption)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_never_shown")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/backlog")
    at.run()
    assert _setup(at)["GITHUB_TOKEN"] == "set"
    assert "ghp_secret_never_shown" not in str([d.value.to_csv() for d in at.dataframe])  # never a value
    at.button(key="export_push").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Dry run for github" in s.value for s in at.success)
    assert "ghp_secret_never_shown" not in at.json[0].value and "S-0-0" in at.json[0].value
    assert _records(ui_ws) == {}  # a dry run records nothing


def test_push_sends_only_the_picked_stories(ui_ws, monkeypatch):
    stories = seed(ui_ws, needs=2, ready=True)
    _approve(ui_ws, stories)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_never_shown")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/backlog")
    at = open_page("export")
    at.selectbox(key="export_target").set_value("github")
    at.multiselect(key="export_pick").unselect("S-0-0").run()
    at.button(key="export_push").click().run()
    assert not at.error, [e.value for e in at.error]
    planned = at.json[-1].value
    assert "S-1-0" in planned and "S-0-0" not in planned
