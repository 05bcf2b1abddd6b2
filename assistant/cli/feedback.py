"""CLI for feedback: ingest, feedback list/show/search, stats, reindex. Thin: parse, call the library, render."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Column, Table

from assistant.cli import common
from assistant.errors import ConfigError, IngestError, NotFoundError

feedback_app = typer.Typer(help="Look at the ingested feedback.", no_args_is_help=True)


@contextmanager
def _progress(quiet: bool = False) -> Iterator[Callable[[int, int, str], None]]:
    """A rich bar on stderr driven by the library's progress(done, total, label) callback; plain lines (one per
    chunk, at most one every 2 s) when stderr is not a terminal, so a CI log or `2> log` shows the run moving."""
    if not common.err_console.is_terminal:  # even with --format json: the lines go to stderr, stdout stays JSON
        last = [0.0]

        def plain(done: int, total: int, label: str) -> None:
            now = time.monotonic()
            if now - last[0] >= 2.0 or done >= total:
                last[0] = now
                common.err_console.print(common.text(f"{label}: {done}/{total}"), soft_wrap=True)

        yield plain
        return
    bar = Progress(
        common.bar_label(), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=common.err_console, transient=True, disable=quiet,
    )
    with bar:
        task = bar.add_task("ingesting", total=None)

        def update(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=common.clean(label))

        yield update


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "json"):
        raise ConfigError(f"Unknown --format {fmt!r}; use table or json.")


def _check_kind(kind: str | None) -> None:
    if kind not in (None, "feedback", "stakeholder_ask"):
        raise ConfigError(f"Unknown --kind {kind!r}; use feedback or stakeholder_ask.")


def _id_column() -> Column:
    # Ids must stay whole so the PO can copy them into `feedback show`.
    return Column("id", no_wrap=True, min_width=19)


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""

    @app.command("ingest")
    def ingest_cmd(
        ctx: typer.Context,
        paths: Optional[list[Path]] = typer.Argument(None, help="Files or folders (CSV, TSV, JSON, JSONL, TXT, EML, MBOX)."),
        text_column: Optional[str] = typer.Option(None, "--text-column", help="Column holding the feedback text."),
        paste: Optional[str] = typer.Option(None, "--paste", help="Feedback text to ingest ('-' reads stdin)."),
        skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help="Store the good rows, report the bad ones."),
        kind: Optional[str] = typer.Option(None, "--kind", help="Force feedback or stakeholder_ask for these sources."),
        fmt: str = typer.Option("table", "--format", help="table | json (the ingest report)."),
    ) -> None:
        """Ingest feedback files, folders or pasted text into the workspace (redacted, deduplicated)."""
        from ingest import IngestReport, ingest_paths, ingest_text

        _check_format(fmt)
        _check_kind(kind)
        if not paths and paste is None:
            raise ConfigError("Give at least one file or folder, or --paste TEXT (or --paste - to read stdin).")
        ws = common.workspace(ctx)
        report = IngestReport()
        if paths:
            try:
                with _progress(quiet=fmt == "json") as update:
                    report = ingest_paths(
                        ws, list(paths), text_column=text_column, skip_bad_rows=skip_bad_rows, kind=kind,
                        progress=update,
                    )
            except IngestError as exc:
                partial = getattr(exc, "partial_report", None)
                if partial is not None and partial.files:  # files before the bad one are committed
                    common.err_console.print(common.text(partial.summary()), soft_wrap=True)
                raise
        if paste is not None:
            text = sys.stdin.read() if paste == "-" else paste
            pasted = ingest_text(ws, text, kind=kind)
            report.files.extend(pasted.files)
            report.recovered += pasted.recovered
            report.seconds += pasted.seconds
        if fmt == "json":
            common.print_json(report.model_dump(mode="json") | {"added": report.added})
        else:
            common.console.print(common.text(report.summary()), soft_wrap=True)

    @feedback_app.command("list")
    def list_cmd(
        ctx: typer.Context,
        fmt: str = typer.Option("table", "--format", help="table | json"),
        limit: Optional[int] = typer.Option(None, "--limit", help="Show at most this many items."),
        kind: Optional[str] = typer.Option(None, "--kind", help="Only feedback or stakeholder_ask."),
        unique: bool = typer.Option(False, "--unique", help="Hide items linked as duplicates."),
        no_need: bool = typer.Option(False, "--no-need", help="Only feedback that fits no need (after `needs`)."),
    ) -> None:
        """List ingested items (text is PII-redacted)."""
        from assistant.repository import load_items

        _check_format(fmt)
        _check_kind(kind)
        with common.workspace(ctx).transaction() as session:
            items = load_items(session, include_duplicates=not unique)
        if kind:
            items = [i for i in items if i.kind == kind]
        if no_need:  # urgent first, as backlog.md lists them: the PO reads the serious ones before the rest
            from assistant.export.backlog_report import urgent_first

            items = urgent_first(i for i in items if i.kind == "feedback" and i.need_id is None and i.duplicate_of is None)
        if limit is not None:
            items = items[:limit]
        if fmt == "json":
            common.print_json([i.model_dump(mode="json") for i in items])
            return
        table = Table("kind", "source", "text", "duplicate of")
        table.columns.insert(0, _id_column())
        for i in items:
            table.add_row(*common.cells(i.id, i.kind, f"{i.source.path}:{i.source.row}", _short(i.text), i.duplicate_of or ""))
        common.console.print(table)

    @feedback_app.command("show")
    def show_cmd(
        ctx: typer.Context,
        item_id: str = typer.Argument(..., help="Item id (from `feedback list`)."),
        fmt: str = typer.Option("table", "--format", help="table | json"),
    ) -> None:
        """Show one item with its source, metadata and duplicate link."""
        from assistant.repository import load_items

        _check_format(fmt)
        with common.workspace(ctx).transaction() as session:
            found = load_items(session, [item_id])
        if not found:
            raise NotFoundError(f"No feedback item with id {item_id!r}; `backlogsmith feedback list` shows the ids.")
        item = found[0]
        if fmt == "json":
            common.print_json(item.model_dump(mode="json"))
            return
        table = Table(show_header=False)
        source = f"{item.source.path}, row {item.source.row}" + (f" (id {item.source.id})" if item.source.id else "")
        rows: list[tuple[str, object]] = [("id", item.id), ("kind", item.kind), ("source", source), ("text", item.text)]
        rows += list(item.metadata.items())  # keys come from the source file's header: untrusted too
        if item.duplicate_of:
            rows.append(("duplicate of", item.duplicate_of))
        if item.triage:
            rows.append(("triage", f"{item.triage.type}, {item.triage.sentiment.label}, urgency {item.triage.urgency.label}"))
            if item.triage.flag:
                rows.append(("triage flag", item.triage.flag))
        if item.need_id:
            rows.append(("need", item.need_id))
        for key, value in rows:
            table.add_row(*common.cells(key, value))
        common.console.print(table)

    @feedback_app.command("search")
    def search_cmd(
        ctx: typer.Context,
        query: str = typer.Argument(..., help="What to look for, in plain words."),
        n: int = typer.Option(10, "-n", "--limit", help="How many results."),
        fmt: str = typer.Option("table", "--format", help="table | json"),
    ) -> None:
        """Semantic search over the feedback (local embeddings + chroma)."""
        from ingest.search import search

        _check_format(fmt)
        rows = search(common.workspace(ctx), query, n=n)  # indexes what a killed run left out, first
        if fmt == "json":
            common.print_json([{"similarity": sim, **i.model_dump(mode="json")} for sim, i in rows])
            return
        table = Table("similarity", "source", "text")
        table.columns.insert(1, _id_column())
        for sim, i in rows:
            table.add_row(*common.cells(f"{sim:.2f}", i.id, f"{i.source.path}:{i.source.row}", _short(i.text)))
        common.console.print(table)

    app.add_typer(feedback_app, name="feedback")

    @app.command("stats")
    def stats_cmd(ctx: typer.Context, fmt: str = typer.Option("table", "--format", help="table | json")) -> None:
        """Summary of the workspace: counts by kind, channel, segment, source; duplicates; date range."""
        from assistant.stats import workspace_stats

        _check_format(fmt)
        stats = workspace_stats(common.workspace(ctx))
        if fmt == "json":
            common.print_json(stats.model_dump(mode="json"))
        else:
            common.console.print(common.text(stats.summary()), soft_wrap=True)

    @app.command("reindex")
    def reindex_cmd(ctx: typer.Context) -> None:
        """Rebuild the search index (chroma) from the database."""
        from ingest import reindex

        ws = common.workspace(ctx)
        with _progress() as update:
            count = reindex(ws, progress=update)
        common.console.print(f"Reindexed {count} items.")
