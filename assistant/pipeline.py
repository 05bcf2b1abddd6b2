"""The main job in one direction: ingest -> (triage -> needs -> stories -> lint/value) -> backlog file.

Later steps are added here as their issues land; each step is a library call the CLI and UI share.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from assistant.workspace import Workspace


def run_pipeline(ws: Workspace, paths: Sequence[Path], *, out: Path, console: Console) -> None:
    """Run every available step on the given sources and print what happened."""
    from ingest import ingest_paths

    report = ingest_paths(ws, list(paths), skip_bad_rows=False)
    console.print(report.summary())
