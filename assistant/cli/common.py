"""Shared bits of the thin CLI: the workspace from global options, console, JSON output, progress bars."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from assistant.settings import Settings, resolve_settings

if TYPE_CHECKING:  # the workspace pulls in chromadb + numpy (~1 s): load it on first use, so --help stays fast
    from assistant.workspace import Workspace

# emoji off: ":shortcodes:" inside feedback must print as typed, like everything else the PO gave us.
console = Console(stderr=False, highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)

# Feedback, file names and error messages are untrusted: rich would read "[red]" or "[link=...]" in them as markup,
# and a raw ESC / CR could restyle or overwrite the terminal. So every such value is rendered through Text (never
# parsed) after its control characters (all but newline and tab) are swapped for visible stand-ins.
# Bidi controls (U+202E in a file name) reorder what follows on the terminal: shown as a visible stand-in too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0x9F:
        return f"<U+{code:04X}>"
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ESC shows as "␛"
    return "\u2421" if code == 0x7F else "\ufffd"


def clean(value: object) -> str:
    """The value as a string with control characters (except newline and tab) made visible and harmless."""
    return _CONTROL.sub(_picture, "" if value is None else str(value))


def text(value: object, style: str = "") -> Text:
    """Untrusted text for a table cell or a print: shown literally (never read as markup), control chars cleaned."""
    return value if isinstance(value, Text) else Text(clean(value), style=style)


def cells(*values: object) -> list[Text]:
    """Table cells from untrusted values: `table.add_row(*cells(a, b, c))`."""
    return [text(v) for v in values]


def line(*parts: object) -> Text:
    """One line from parts: a (text, style) pair styles our own label; anything else is untrusted and literal."""
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append(text(part[0], part[1]))
        else:
            out.append(text(part))
    return out


def safe(value: object) -> str:
    """Untrusted text escaped for use inside a markup string (prefer `line` / `text` where possible)."""
    return escape(clean(value))


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
            from assistant.workspace import Workspace

            self._ws = Workspace(self.settings())
        return self._ws


@contextmanager
def writing(ctx: typer.Context) -> Iterator[None]:
    """Hold the workspace write lock for a command that writes (ingest, triage, needs, draft, run, reindex)."""
    ws = options(ctx).open_workspace()
    with ws.write_lock(on_wait=lambda message: err_console.print(text(message, "yellow"))):
        yield


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


def bar_label() -> TextColumn:
    """A bold progress-bar description column that never reads the description (a file name, say) as markup."""
    return TextColumn("{task.description}", style="bold", markup=False)


@contextmanager
def progress(description: str, total: int | None, *, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields advance(n). Quiet (e.g. --format json) keeps stdout clean anyway."""
    bar = Progress(
        bar_label(), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, transient=True, disable=quiet,
    )
    with bar:
        task = bar.add_task(clean(description), total=total)
        yield lambda n=1: bar.advance(task, n)


def track(items: Iterable[Any], description: str, total: int | None = None) -> Iterator[Any]:
    with progress(description, total) as advance:
        for item in items:
            yield item
            advance(1)


@contextmanager
def llm_run(ctx: typer.Context, command: str) -> Iterator[Any]:
    """The configured LLM provider (None = offline engine); prints and stores the run's tokens and cost at the end."""
    from assistant.llm import get_provider

    ws = workspace(ctx)
    provider = get_provider(options(ctx).settings(), ws)
    try:
        yield provider
    finally:
        report_usage(ws, provider, command)


def report_usage(ws: Any, provider: Any, command: str) -> None:
    """Print (on stderr) and store the run's LLM calls, cache hits, tokens and cost; silent when offline."""
    from assistant.llm import finish_run

    usage_line = finish_run(ws, provider, command)
    if usage_line:
        err_console.print(text(usage_line), soft_wrap=True)
