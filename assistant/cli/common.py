"""Shared bits of the thin CLI: the workspace from global options, console, JSON output, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from assistant.settings import Settings, resolve_settings
from assistant.workspace import Workspace

console = Console(stderr=False, highlight=False)
err_console = Console(stderr=True, highlight=False)


class GlobalOptions:
    def __init__(self, workspace: Path | None, llm: str | None, model: str | None):
        self.workspace = workspace
        self.llm = llm
        self.model = model
        self._ws: Workspace | None = None

    def settings(self) -> Settings:
        return resolve_settings(workspace=self.workspace, llm=self.llm, model=self.model)

    def open_workspace(self) -> Workspace:
        if self._ws is None:
            self._ws = Workspace(self.settings())
        return self._ws


def options(ctx: typer.Context) -> GlobalOptions:
    obj = ctx.find_root().obj
    if not isinstance(obj, GlobalOptions):
        obj = GlobalOptions(None, None, None)
        ctx.find_root().obj = obj
    return obj


def workspace(ctx: typer.Context) -> Workspace:
    """The workspace chosen by --workspace / BACKLOGSMITH_WORKSPACE (created on first use)."""
    return options(ctx).open_workspace()


def print_json(data: Any) -> None:
    """Machine-readable output on stdout (no rich markup, no wrapping)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def progress(description: str, total: int | None, *, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields advance(n). Quiet (e.g. --format json) keeps stdout clean anyway."""
    bar = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, transient=True, disable=quiet,
    )
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def track(items: Iterable[Any], description: str, total: int | None = None) -> Iterator[Any]:
    with progress(description, total) as advance:
        for item in items:
            yield item
            advance(1)


@contextmanager
def llm_run(ctx: typer.Context, command: str) -> Iterator[Any]:
    """The configured LLM provider (None = offline engine); prints and stores the run's tokens and cost at the end."""
    from assistant.llm import finish_run, get_provider

    ws = workspace(ctx)
    provider = get_provider(options(ctx).settings(), ws)
    try:
        yield provider
    finally:
        line = finish_run(ws, provider, command)
        if line:
            err_console.print(line, soft_wrap=True)
