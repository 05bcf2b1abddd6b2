"""CLI for exports: `export` (files), `push` (trackers) and `backlog import` (existing backlog)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from assistant.cli import common


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    from assistant.export import FORMATS, TARGETS

    @app.command("export")
    def export_command(
        ctx: typer.Context,
        fmt: str = typer.Option(..., "--format", "-f", help=f"One of: {', '.join(FORMATS)}."),
        out: Path = typer.Option(..., "--out", "-o", help="Output file, or folder (gherkin writes one file per story)."),
        status: str = typer.Option("approved", "--status", help="Which stories to export."),
        story: Optional[list[str]] = typer.Option(None, "--story", help="Export only this story id (repeatable)."),
        force: bool = typer.Option(False, "--force", help="Export stories that do not meet the Definition of Ready."),
        ado_process: Optional[str] = typer.Option(None, "--ado-process", help="agile | scrum | cmmi | basic (ado-csv)."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Write stories to Gherkin, Jira CSV, Azure DevOps CSV, JSON or Markdown."""
        from assistant.export import export_stories

        report = export_stories(common.workspace(ctx), fmt, out, status=status, story_ids=story or None, force=force,
                                ado_process=ado_process)
        if as_json:
            common.print_json(report.model_dump())
            return
        common.console.print(common.text(report.summary()))
        for path in report.files:
            common.console.print(common.text(f"  {path}"))

    @app.command("push")
    def push_command(
        ctx: typer.Context,
        target: str = typer.Argument(..., help=f"One of: {', '.join(TARGETS)}."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the requests instead of sending them."),
        status: str = typer.Option("approved", "--status", help="Which stories to push."),
        story: Optional[list[str]] = typer.Option(None, "--story", help="Push only this story id (repeatable)."),
        force: bool = typer.Option(False, "--force", help="Push stories that do not meet the Definition of Ready."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Create or update issues in Jira, GitHub, Azure DevOps, Linear or Roundup (credentials from env)."""
        from assistant.export import push_stories

        report = push_stories(common.workspace(ctx), target, dry_run=dry_run, status=status, story_ids=story or None,
                              force=force)
        if as_json or dry_run:
            # A dry run's payloads are the point; they never contain credentials (those live in the client).
            common.print_json(report.model_dump())
            if dry_run:
                common.err_console.print(common.text(report.summary()))
            return
        table = Table("story", "result", "key", "url / error")
        for r in report.results:
            colour = {"failed": "red", "created": "green", "updated": "cyan"}.get(r.action, "white")
            table.add_row(common.text(r.story_id), common.text(r.action, colour), *common.cells(r.key or "", r.error or r.url or ""))
        common.console.print(table)
        for note in report.notes:
            common.console.print(common.line(("note:", "yellow"), " ", note))
        common.console.print(common.text(report.summary()))
        if report.count("failed"):
            raise typer.Exit(1)

    backlog_app = typer.Typer(help="The team's existing backlog.", no_args_is_help=True)

    @backlog_app.command("import")
    def backlog_import_command(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="Jira/Azure DevOps CSV export, or a text file with one story per line."),
        threshold: Optional[float] = typer.Option(None, "--threshold", help="Cosine similarity needed for a match."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Import existing stories and flag needs they already cover ("already in backlog: KEY")."""
        from assistant.backlog_import import import_backlog

        report = import_backlog(common.workspace(ctx), file, threshold=threshold)
        if as_json:
            common.print_json(report.model_dump() | {"covered": report.covered()})
            return
        common.console.print(common.text(f"Imported {len(report.matches)} backlog item(s) from {file}."))
        for line in report.messages():
            common.console.print(common.text(f"  {line}"))
        if not report.covered():
            common.console.print("  No need is covered by the existing backlog.")

    app.add_typer(backlog_app, name="backlog")
