"""Feedback is untrusted: rich markup, a bare "[/]", "[link=...]", ANSI escapes and "[EMAIL]" print literally."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app, common

ESC = "\x1b"
ROWS = [
    ("r1", "Export is broken [red]x[/red] please add CSV export, mail me at ann@example.com", "Ann", "[/]"),
    ("r2", "Please add CSV export of expenses [bold] now [/] so my accountant gets them", "Bob", "plain"),
    ("r3", "I want to export expenses to CSV [link=https://evil.example]click[/link] for my accountant",
     "[link=https://evil.example]Cid[/link]", "x"),
    ("r4", "Please let me export my expenses to CSV [EMAIL] :smile: \x1b[31mred\x1b[0m", "Dee \x1b[2J", "y\\"),
]


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide enough that no cell wraps, so the literal text can be found as one substring.
    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "_width", 1000)


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), *args])
        assert result.exit_code == code, (result.output, result.exception)
        assert ESC not in result.output  # no raw control sequence reaches the terminal
        return result.output

    return invoke


@pytest.fixture
def hostile_csv(tmp_path: Path) -> Path:
    path = tmp_path / "[evil] reviews.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "review", "author", "[bold]note"])
        writer.writerows(ROWS)
    return path


def _json(output: str):  # type: ignore[no-untyped-def]
    return json.loads(output)


def test_clean_and_text_helpers() -> None:
    assert common.clean("a\x1b[31mb\r\x07\x9b\x7f\tc\nd") == "a␛[31mb␍␇\ufffd\u2421\tc\nd"
    assert common.text("[red]x[/red] [/]").plain == "[red]x[/red] [/]"
    assert common.line(("label:", "red"), " [bold]", None).plain == "label: [bold]"
    assert common.safe("[/]") == "\\[/]"


def test_feedback_commands_print_hostile_text_literally(cli, hostile_csv: Path) -> None:
    out = cli("ingest", str(hostile_csv))
    assert "[evil] reviews.csv" in out and "4 added" in out
    listing = cli("feedback", "list")
    for fragment in ("[red]x[/red]", "[bold] now [/]", "[link=https://evil.example]click[/link]", "[EMAIL]",
                     ":smile:", "[31mred[0m", "[evil] reviews.csv:1"):
        assert fragment in listing, fragment
    ids = {i["source"]["id"]: i["id"] for i in _json(cli("feedback", "list", "--format", "json"))}
    show = cli("feedback", "show", ids["r3"])
    assert "[link=https://evil.example]Cid[/link]" in show and "[bold]note" in show
    assert "[/]" in cli("feedback", "show", ids["r1"])  # the bare closing tag that used to raise MarkupError
    r4 = cli("feedback", "show", ids["r4"])
    assert "y\\" in r4 and "Dee" in r4
    search = cli("feedback", "search", "export expenses to csv")
    assert "[link=https://evil.example]click[/link]" in search and "[red]x[/red]" in search
    assert "[evil] reviews.csv" in cli("stats")


def test_review_commands_print_hostile_text_literally(cli, hostile_csv: Path) -> None:
    cli("ingest", str(hostile_csv))
    cli("ingest", "--kind", "stakeholder_ask", "--paste", "Sales [red]VP[/red] asks: CSV export of expenses [/] now")
    cli("triage")
    needs = _json(cli("needs", "--format", "json"))
    need_id = max(needs, key=lambda n: len(n["item_ids"]))["id"]
    hostile_name = "[red]CSV[/red] [/] export \x1b[31m"
    # The library drops control characters on write (they would reach tracker payloads); markup stays literal.
    renamed = cli("needs", "rename", need_id, hostile_name)
    assert "[red]CSV[/red] [/] export [31m" in renamed and "\x1b" not in renamed
    assert "[red]CSV[/red] [/] export [31m" in cli("needs")
    shown = cli("needs", "show", need_id)
    assert "[red]CSV[/red] [/] export [31m" in shown and "[evil] reviews.csv row" in shown and "\x1b" not in shown
    assert "[red]x[/red]" in shown or "[link=https://evil.example]click[/link]" in shown

    drafted = cli("draft")
    story = _json(cli("stories", "list", "--format", "json"))[0]
    assert story["id"] in drafted
    edited = cli("stories", "edit", story["id"], "--goal", "to export [red]CSV[/red] [/] \x1b[2J[link=https://evil.example]x[/link]",
                 "--criterion", "1", "--then", "the file [bold]arrives[/]")
    assert "to export [red]CSV[/red] [/] [2J[link=https://evil.example]x[/link]" in edited and "\x1b" not in edited
    show = cli("stories", "show", story["id"])
    for fragment in ("to export [red]CSV[/red] [/] [2J", "Then the file [bold]arrives[/]", "[evil] reviews.csv:",
                     "[EMAIL]" if "[EMAIL]" in show else "[red]x[/red]"):
        assert fragment in show, fragment
    assert "[red]CSV[/red] [/]" in cli("stories", "list")
    assert story["id"] in cli("stories", "approve", story["id"])
    assert "not [bold]now[/]" in cli("stories", "reject", story["id"], "--reason", "not [bold]now[/]")
    cli("health")
    assert "Sales [red]VP[/red] asks: CSV export of expenses [/] now" in cli("asks")


def test_export_push_backlog_lint_doctor_usage_print_literally(cli, hostile_csv: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cli("ingest", str(hostile_csv))
    cli("needs")
    cli("draft")
    story = _json(cli("stories", "list", "--format", "json"))[0]
    cli("stories", "edit", story["id"], "--goal", "to export [red]CSV[/red] [/]")
    cli("stories", "approve", story["id"])
    out = tmp_path / "[red]backlog[link=x].md"
    assert str(out) in cli("export", "--format", "markdown", "--out", str(out), "--force")
    monkeypatch.setenv("GITHUB_TOKEN", "not-used-in-a-dry-run")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/[red]app[/red]")
    dry = cli("push", "github", "--dry-run", "--force")
    assert "/repos/acme/[red]app[/red]/issues" in dry and "Dry run for github" in dry

    stories_file = tmp_path / "[x] backlog.txt"
    stories_file.write_text("As a [red]user[/red] I want to export expenses [/] so that my accountant gets them\n",
                            encoding="utf-8")
    assert f"from {stories_file}" in cli("backlog", "import", str(stories_file))
    lint = cli("lint", str(stories_file))
    assert "As a [red]user[/red] I want to export expenses [/]" in lint  # the fix quotes the story
    cli("doctor", "--no-call")
    cli("usage")


def test_run_prints_hostile_notes_and_paths_literally(cli, hostile_csv: Path, tmp_path: Path) -> None:
    out = cli("run", str(hostile_csv), "--out", str(tmp_path / "[b]backlog[link=x].md"))
    assert "[evil] reviews.csv" in out and "[b]backlog[link=x].md" in out
    assert (tmp_path / "[b]backlog[link=x].md").is_file()


def test_error_message_with_brackets_is_one_literal_line(tmp_path: Path) -> None:
    missing = tmp_path / "[red]gone[/red] [/] \x1b[31m.csv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKLOGSMITH_", "OPENAI_", "AZURE_"))}
    proc = subprocess.run(
        [sys.executable, "-c", "from assistant.cli import main; main()", "--workspace", str(tmp_path / "ws"),
         "ingest", str(missing)],
        capture_output=True, text=True, env=env, timeout=120, cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and ESC not in proc.stderr
    assert proc.stderr.strip().startswith("error: ")  # one line (after the cleared progress bar)
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "[red]gone[/red] [/] ␛[31m.csv" in proc.stderr.replace("\n", "")
