"""`backlogsmith lint FILE`: JSON shape and order, encodings, CSV columns, exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app, main

runner = CliRunner()
STORIES = [
    "As a clerk, I want to search and filter invoices, so that I can pay them.",
    "",
    "As a café owner, I want to export invoices (PDF), so that I can file taxes.",
    "As a clerk, I want to archive paid invoices, so that my list shows open ones.",
]


def lint_json(path: Path, *extra: str) -> list[dict]:
    result = runner.invoke(app, ["lint", str(path), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_shape_and_order(tmp_path):
    path = tmp_path / "backlog.txt"
    path.write_text("\n".join(STORIES) + "\n", encoding="utf-8")
    out = lint_json(path)
    assert [row["line"] for row in out] == [1, 3, 4]  # blank line skipped, numbers kept
    assert [row["text"] for row in out] == [STORIES[0], STORIES[2], STORIES[3]]
    assert set(out[0]) == {"line", "text", "findings"}
    assert set(out[0]["findings"][0]) == {"criterion", "severity", "message", "fix"}
    assert [f["criterion"] for f in out[0]["findings"]] == ["atomic"]
    assert [f["criterion"] for f in out[1]["findings"]] == ["minimal"]
    assert out[2]["findings"] == []


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "backlog.txt"
    path.write_bytes(("\r\n".join(STORIES) + "\r\n").encode(encoding))
    out = lint_json(path)
    assert out[0]["text"].startswith("As a clerk")  # no BOM glued to the first story
    assert out[1]["text"] == STORIES[2]  # 'é' decoded


def test_csv_with_detected_and_named_column(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text('key;Summary;User Story\nA-1;x;"As a clerk, I want to print & email receipts."\n'
                    'A-2;y;"As a clerk, I want to archive invoices."\n', encoding="cp1252")
    out = lint_json(path)
    assert [r["line"] for r in out] == [1, 2] and out[0]["text"].startswith("As a clerk, I want to print")
    assert out[0]["findings"][0]["criterion"] == "atomic"
    named = lint_json(path, "--text-column", "Summary")
    assert [r["text"] for r in named] == ["x", "y"]
    assert named[0]["findings"][0]["criterion"] == "well_formed"


def test_table_output_and_fail_on(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("I want to export invoices.\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 0 and "well_formed" in result.stdout
    assert runner.invoke(app, ["lint", str(path), "--fail-on", "error"]).exit_code == 1
    ok = tmp_path / "ok.txt"
    ok.write_text("As a clerk, I want to archive invoices, so that my list shows open ones.\n", encoding="utf-8")
    assert runner.invoke(app, ["lint", str(ok), "--fail-on", "error"]).exit_code == 0


@pytest.mark.parametrize(("content", "message"), [
    (None, "file not found"),
    (b"\x00\x01\x02binary\x00", "binary"),
])
def test_unreadable_files_are_one_line_errors(tmp_path, monkeypatch, capsys, content, message):
    path = tmp_path / "in.txt"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(sys, "argv", ["backlogsmith", "lint", str(path)])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_csv_without_story_column(tmp_path, monkeypatch, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["backlogsmith", "lint", str(path)])
    with pytest.raises(SystemExit):
        main()
    assert "--text-column" in capsys.readouterr().err


def test_lint_runs_the_gate_text_checks_as_warnings(tmp_path):
    # verbatim drafts the issue found marked Ready, next to a human story from Dalpiaz g26
    path = tmp_path / "stories.txt"
    path.write_text(
        "As a mobile app user, I want to use sucktastic memory error time, so that I can work the way that suits me.\n"
        "As a mobile app user, I want to get without oops error without errors, so that I don't lose my work or have "
        "to contact support.\n"
        "As an archivist, I want to automatically create access derivatives of digital objects, so that I don't have "
        "to do this manually.\n", encoding="utf-8")
    out = lint_json(path)
    garbled = [[f for f in line["findings"] if f["criterion"] == "garbled"] for line in out]
    assert [bool(g) for g in garbled] == [True, True, False]
    assert all(f["severity"] == "warning" and f["fix"] for g in garbled for f in g)
    assert "without' twice" in garbled[1][0]["message"]
