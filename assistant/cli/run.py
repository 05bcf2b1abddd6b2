"""`backlogsmith run`: the main job, from raw feedback files to the backlog (what `make run` calls)."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli import common


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        ctx: typer.Context,
        paths: list[Path] = typer.Argument(..., help="Feedback files or folders (e.g. examples/)."),
        out: Path = typer.Option(Path("backlog.md"), "--out", help="Where to write the Markdown backlog."),
    ) -> None:
        """Ingest the feedback and run every pipeline step offline; print a summary."""
        from assistant.pipeline import run_pipeline

        ws = common.workspace(ctx)
        run_pipeline(ws, paths, out=out, console=common.console)
