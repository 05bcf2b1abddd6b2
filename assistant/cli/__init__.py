"""The `backlogsmith` command: a thin layer that parses input, renders, and calls the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from assistant.cli import common
from assistant.errors import BacklogsmithError

app = typer.Typer(
    name="backlogsmith",
    help="Turn raw customer feedback and stakeholder asks into evidence-citing user stories.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global(
    ctx: typer.Context,
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", "-w", help="Workspace folder (default ./.backlogsmith, or BACKLOGSMITH_WORKSPACE)."
    ),
    llm: Optional[str] = typer.Option(None, "--llm", help="offline | openai | azure (or BACKLOGSMITH_LLM)."),
    model: Optional[str] = typer.Option(None, "--model", help="Model / deployment name (or BACKLOGSMITH_MODEL)."),
) -> None:
    ctx.obj = common.GlobalOptions(workspace, llm, model)
    # issue 13 (concurrent runs): one writer per workspace. Commands that write take the lock for their whole run,
    # so two `needs` or `draft` runs serialize instead of doubling stories and history.
    if ctx.invoked_subcommand in _WRITERS and not ctx.resilient_parsing and "--help" not in sys.argv:
        ctx.with_resource(common.writing(ctx))


_WRITERS = frozenset({"ingest", "triage", "needs", "draft", "run", "reindex"})


def _register_all() -> None:
    # Each area owns one module with a register(app) function, so areas never edit each other's commands.
    from assistant.cli import bench, evals, export, feedback, lint, llm, needs, run, serve, stories

    for module in (run, feedback, needs, stories, lint, llm, export, evals, bench, serve):
        module.register(app)


_register_all()


def main() -> None:
    """Entry point: BacklogsmithError becomes one red line and a non-zero exit, never a traceback."""
    try:
        app(standalone_mode=False)
    except BacklogsmithError as exc:
        # The message may quote a file name or a row value: literal, never markup.
        common.err_console.print(common.line(("error:", "red"), " ", str(exc)), soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        common.err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        common.err_console.print("interrupted; nothing half-written was kept")
        sys.exit(130)
    except Exception as exc:  # click usage errors carry their own exit code
        if isinstance(exc, _usage_errors()):
            exc.show()
            sys.exit(exc.exit_code)
        raise


def _usage_errors() -> tuple[type[Exception], ...]:
    # Newer typer vendors its own click (typer._click), whose errors are not click.ClickException.
    import click

    errors: list[type[Exception]] = [click.ClickException]
    try:
        from typer._click.exceptions import ClickException as TyperClickException

        errors.append(TyperClickException)
    except ImportError:
        pass
    return tuple(errors)
