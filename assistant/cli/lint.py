"""`backlogsmith lint FILE`: Quality User Story lint plus the gate's text checks for a file of stories (one per
line, or a CSV column)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from assistant.cli import common


class Format(str, Enum):
    table = "table"
    json = "json"


class FailOn(str, Enum):
    never = "never"
    error = "error"
    warning = "warning"


_RANK = {"info": 0, "warning": 1, "error": 2}


def lint_command(
    file: Path = typer.Argument(..., help="One story per line (.txt, any encoding) or a CSV with a text column."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table (for people) or json (for tools)."),
    text_column: Optional[str] = typer.Option(None, "--text-column", help="CSV column with the stories."),
    fail_on: FailOn = typer.Option(FailOn.never, "--fail-on",
                                   help="Exit 1 when a finding of this severity or worse exists."),
) -> None:
    """Check stories against the Quality User Story criteria and the verification gate's text checks (garbled goal,
    generic benefit; as warnings, since a file has no cited feedback to check); every finding comes with a fix."""
    from assistant.quality import lint_texts
    from assistant.quality_rules.source import read_story_lines

    lines = read_story_lines(file, text_column=text_column)
    results = lint_texts([text for _, text in lines])
    if fmt is Format.json:
        common.print_json([
            {"line": n, "text": text, "findings": [f.model_dump() for f in findings]}
            for (n, text), findings in zip(lines, results)
        ])
    else:
        _print_table(lines, results)
    if fail_on is not FailOn.never:
        worst = max((_RANK[f.severity] for found in results for f in found), default=-1)
        if worst >= _RANK[fail_on.value]:
            raise typer.Exit(1)


def _print_table(lines, results) -> None:
    table = Table(show_lines=True, title=f"{len(lines)} stories")
    table.add_column("line", justify="right")
    table.add_column("criterion")
    table.add_column("severity")
    table.add_column("why / fix", overflow="fold")
    colours = {"error": "red", "warning": "yellow", "info": "cyan"}
    counts: dict[str, int] = {}
    for (n, _text), findings in zip(lines, results):
        for f in findings:
            counts[f.criterion] = counts.get(f.criterion, 0) + 1
            # Messages and fixes quote the story under lint, which may hold anything: literal, never markup.
            why = common.line(f.message, *(("\n", ("fix:", "dim"), " ", f.fix) if f.fix else ()))
            table.add_row(*common.cells(n, f.criterion), common.text(f.severity, colours[f.severity]), why)
    common.console.print(table)
    clean = sum(1 for found in results if not found)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) or "no findings"
    common.console.print(common.text(f"{clean}/{len(lines)} stories without findings; {summary}"))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("lint")(lint_command)
