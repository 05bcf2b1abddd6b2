"""CLI for feedback: JSON shapes of ingest / list / show / search / stats, reindex, paste, and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), *args], input=input)
        assert result.exit_code == 0, (result.output, result.exception)
        return result

    return invoke


def test_ingest_list_show_search_stats(cli, tmp_path: Path) -> None:
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "id,review,rating,author,plan,channel,date\n"
        "r1,Dashboard is slow every morning,2,Ann <ann@x.com>,Pro,App Store,2024-03-01\n"
        "r2,Please add CSV export of expenses,4,Bob,Free,In-app,2024-03-02\n"
        "r3,Dashboard is slow every morning,1,Cid,Business,Google Play,2024-03-03\n"
    )
    report = json.loads(cli("ingest", str(reviews), "--format", "json").stdout)
    assert report["added"] == 3 and report["files"][0]["duplicates"] == 1

    items = json.loads(cli("feedback", "list", "--format", "json").stdout)
    assert len(items) == 3
    first = items[0]
    assert {"id", "text", "kind", "source", "metadata", "duplicate_of", "triage", "need_id"} <= set(first)
    assert first["kind"] == "feedback" and first["source"]["row"] == 1 and first["source"]["id"] == "r1"
    assert first["source"]["path"].endswith("reviews.csv")
    assert first["metadata"]["author"] == "Ann <[EMAIL]>" and first["metadata"]["rating"] == 2
    assert items[2]["duplicate_of"] == first["id"] and first["triage"] is None and first["need_id"] is None
    assert len(json.loads(cli("feedback", "list", "--format", "json", "--limit", "1").stdout)) == 1
    assert len(json.loads(cli("feedback", "list", "--format", "json", "--unique").stdout)) == 2

    shown = json.loads(cli("feedback", "show", first["id"], "--format", "json").stdout)
    assert shown["id"] == first["id"] and shown["text"] == "Dashboard is slow every morning"
    assert first["id"] in cli("feedback", "show", first["id"]).stdout

    hits = json.loads(cli("feedback", "search", "export spreadsheet of my expenses", "-n", "2", "--format", "json").stdout)
    assert hits[0]["text"] == "Please add CSV export of expenses" and hits[0]["similarity"] > hits[1]["similarity"]
    assert hits[0]["id"] in cli("feedback", "search", "csv export").stdout

    stats = json.loads(cli("stats", "--format", "json").stdout)
    assert stats["items"] == 3 and stats["exact_duplicates"] == 1 and stats["by_segment"]["pro"] == 1
    assert stats["first_date"] == "2024-03-01" and stats["last_date"] == "2024-03-03"
    assert "3 items from 1 source(s)" in cli("stats").stdout
    assert "Reindexed 3 items." in cli("reindex").stdout


def test_paste_from_stdin_and_option(cli) -> None:
    cli("ingest", "--paste", "-", input="Offline mode please\nSSO with Okta\n")
    cli("ingest", "--paste", "Build approvals for Contoso", "--kind", "stakeholder_ask")
    items = json.loads(cli("feedback", "list", "--format", "json").stdout)
    assert [(i["source"]["path"], i["text"], i["kind"]) for i in items] == [
        ("paste", "Offline mode please", "feedback"), ("paste", "SSO with Okta", "feedback"),
        ("paste", "Build approvals for Contoso", "stakeholder_ask"),
    ]


def test_errors_exit_nonzero_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,rating\nok,1\nbroken,row,3\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKLOGSMITH_", "OPENAI_", "CHROMA_"))}
    cmd = [str(Path(sys.executable).with_name("backlogsmith")), "--workspace", str(tmp_path / "ws")]
    proc = subprocess.run([*cmd, "ingest", str(bad)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "bad.csv, row 2: has 3 fields but the header has 2" in proc.stderr
    assert "--skip-bad-rows" in proc.stderr
    proc = subprocess.run([*cmd, "ingest", str(bad), "--skip-bad-rows"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and "1 added" in proc.stdout and "rows 2" in proc.stdout
    proc = subprocess.run([*cmd, "feedback", "show", "fb_nope"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode != 0 and "No feedback item with id 'fb_nope'" in proc.stderr


def test_examples_folder_summary(cli) -> None:
    out = cli("ingest", str(EXAMPLES)).stdout
    assert "stakeholder ask(s)" in out and "duplicate(s) linked" in out
    stats = json.loads(cli("stats", "--format", "json").stdout)
    assert stats["by_kind"]["stakeholder_ask"] >= 8 and stats["items"] >= 140


def test_no_need_lists_unplaced_feedback_urgent_first(cli, tmp_path: Path) -> None:
    """`feedback list --no-need`: what no need holds, high urgency first, as backlog.md lists it."""
    from assistant.settings import resolve_settings
    from assistant.tables import FeedbackRow, NeedRow
    from assistant.workspace import Workspace

    cli("ingest", "--paste", "-", input="Dark mode please\nSomeone used my card, I did not buy this\nGreat app\n")
    ws = Workspace(resolve_settings(env={}, workspace=tmp_path / "ws"))
    with ws.transaction() as s:
        s.add(NeedRow(id="nd1", name="Praise", statement="s", quotes=[], counts={"total": 1}))
        s.flush()
        rows = {r.text: r for r in s.query(FeedbackRow)}
        for text, urgency in (("Dark mode please", "low"), ("Someone used my card, I did not buy this", "high")):
            rows[text].triage = {"type": "complaint", "sentiment": {"label": "negative", "score": -0.5},
                                 "urgency": {"label": urgency, "reason": ""}}
        rows["Great app"].need_id = "nd1"
    listed = json.loads(cli("feedback", "list", "--no-need", "--format", "json").stdout)
    assert [i["text"] for i in listed] == ["Someone used my card, I did not buy this", "Dark mode please"]
