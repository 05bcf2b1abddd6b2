"""Exporting exactly the picked stories, and the side-effect-free render path the UI previews with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.errors import ExportError
from assistant.export import export_stories, record_download, render_export
from assistant.tables import ExportRecord

from .test_cli import make_app


def _records(ws) -> dict[str, tuple[str, str | None, str | None]]:
    with ws.transaction() as s:
        return {r.story_id: (r.target, r.remote_key, r.payload_hash) for r in s.scalars(select(ExportRecord))}


def test_story_ids_export_only_the_picked_stories(ready_backlog, tmp_path):
    report = export_stories(ready_backlog, "json", tmp_path / "out.json", story_ids=["S-002", "S-001"])
    # Backlog order, not pick order; only the picked ones in the file and in the records.
    assert report.story_ids == ["S-001", "S-002"]
    text = Path(report.files[0]).read_text(encoding="utf-8")
    assert "S-001" in text and "S-002" in text and "S-hostile" not in text
    assert set(_records(ready_backlog)) == {"S-001", "S-002"}


def test_picking_skips_the_readiness_refusal_of_unpicked_stories(backlog, tmp_path):
    # S-notready is approved but not Ready: exporting everything is refused, exporting the others is not.
    with pytest.raises(ExportError, match="S-notready"):
        export_stories(backlog, "markdown", tmp_path / "all.md")
    report = export_stories(backlog, "markdown", tmp_path / "picked.md", story_ids=["S-001", "S-hostile"])
    assert set(report.story_ids) == {"S-001", "S-hostile"} and not report.forced_not_ready


def test_unknown_or_unapproved_pick_is_an_error_not_a_silent_skip(ready_backlog, tmp_path):
    with pytest.raises(ExportError, match="S-draft") as err:
        export_stories(ready_backlog, "json", tmp_path / "x.json", story_ids=["S-001", "S-draft", "S-nope"])
    assert "S-nope" in str(err.value) and "S-001" not in str(err.value)
    with pytest.raises(ExportError, match="pick at least one"):
        export_stories(ready_backlog, "json", tmp_path / "x.json", story_ids=[])
    assert _records(ready_backlog) == {}


def test_render_writes_no_record_and_matches_a_real_export(ready_backlog, tmp_path):
    rendered = render_export(ready_backlog, "jira-csv", story_ids=["S-002"])
    assert _records(ready_backlog) == {}  # a preview leaves no trace
    assert list(rendered.files) == ["backlog-jira.csv"] and rendered.story_ids == ["S-002"]
    assert "Preview of 1 stories as jira-csv" in rendered.summary()
    report = export_stories(ready_backlog, "jira-csv", tmp_path / "backlog-jira.csv", story_ids=["S-002"])
    assert Path(report.files[0]).read_bytes() == rendered.files["backlog-jira.csv"]
    exported = _records(ready_backlog)
    assert set(exported) == {"S-002"} and exported["S-002"][:2] == ("file:jira-csv", "backlog-jira.csv")
    assert exported["S-002"][2] == rendered.placed["S-002"][1]  # same payload hash either way


def test_render_gherkin_has_one_file_per_story_and_download_records_them(ready_backlog):
    rendered = render_export(ready_backlog, "gherkin")
    assert sorted(rendered.files) == ["S-001.feature", "S-002.feature", "S-hostile.feature"]
    assert all(b"Feature:" in data for data in rendered.files.values())
    assert _records(ready_backlog) == {}
    record_download(ready_backlog, rendered)
    got = _records(ready_backlog)
    assert {sid: key for sid, (_, key, _) in got.items()} == {
        "S-001": "S-001.feature", "S-002": "S-002.feature", "S-hostile": "S-hostile.feature"}
    assert {target for target, _, _ in got.values()} == {"file:gherkin"}


def test_render_json_is_a_complete_document(ready_backlog):
    rendered = render_export(ready_backlog, "json", story_ids=["S-hostile"])
    doc = json.loads(rendered.files["backlog.json"])
    assert "S-hostile" in json.dumps(doc) and "S-001" not in json.dumps(doc)


def test_cli_story_option(ready_backlog, tmp_path):
    result = CliRunner().invoke(make_app(ready_backlog), ["export", "-f", "json", "-o", str(tmp_path / "o.json"),
                                                          "--story", "S-001", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["story_ids"] == ["S-001"]
