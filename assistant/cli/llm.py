"""`backlogsmith doctor`: what LLM is configured (key masked), and does a tiny call work."""

from __future__ import annotations

import typer
from rich.table import Table

from assistant.cli import common
from assistant.errors import BacklogsmithError, LLMOutputError


def doctor(
    ctx: typer.Context,
    call: bool = typer.Option(True, "--call/--no-call", help="Send one tiny request to test the connection."),
) -> None:
    """Show the LLM configuration (keys masked) and test the connection with one tiny call."""
    from assistant.llm import describe, get_provider
    from assistant.llm.contracts import Ping
    from assistant.llm.prompts import all_prompts

    settings = common.options(ctx).settings()
    table = Table(show_header=False, box=None)
    for key, value in describe(settings).items():
        table.add_row(common.text(key, "bold"), common.text(value))  # endpoint / model come from the environment
    prompts = all_prompts()
    table.add_row(common.text("prompts", "bold"), common.text(", ".join(f"{p.name} v{p.version}" for p in prompts)))
    common.console.print(table)
    if settings.effective_llm == "offline":
        common.console.print("No LLM configured: the offline engine is used. Set OPENAI_API_KEY (or OPENAI_BASE_URL "
                             "for a local server, or AZURE_OPENAI_* with BACKLOGSMITH_LLM=azure) to use one.")
        return
    provider = get_provider(settings)  # no workspace: doctor must not touch the cache
    if not call or provider is None:
        return
    try:
        got = provider.generate("doctor_ping", {}, Ping, use_cache=False, max_tokens=20)
    except LLMOutputError as exc:
        # Reachable but unusable is a different fix from unreachable, so say which.
        raise LLMOutputError(f"connected, but the model's answer failed the JSON contract: {exc}") from None
    except BacklogsmithError as exc:
        raise type(exc)(f"connection failed: {exc}") from None
    common.console.print(common.line(("connection ok", "green"), f": {settings.effective_llm} / {provider.model} answered "
                                     f"({got.value.model_dump_json()}); {provider.ledger.summary()}"))


report_usage = common.report_usage  # kept here too: the llm area documents it as its API


def usage(
    ctx: typer.Context,
    last: int = typer.Option(20, "--last", min=1, help="How many runs to show."),
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """LLM calls, cache hits, tokens and cost of recent runs in this workspace."""
    from sqlalchemy import select

    from assistant.tables import LLMRunRow

    ws = common.workspace(ctx)
    with ws.transaction() as s:
        rows = list(s.scalars(select(LLMRunRow).order_by(LLMRunRow.id.desc()).limit(last)))
    data = [{"at": r.at, "command": r.command, "model": r.model, "calls": r.calls, "cache_hits": r.cache_hits,
             "prompt_tokens": r.prompt_tokens, "completion_tokens": r.completion_tokens, "cost_usd": round(r.cost_usd, 6)}
            for r in rows]
    if fmt == "json":
        common.print_json(data)
        return
    if not data:
        common.console.print("No LLM runs recorded in this workspace yet.")
        return
    table = Table("at", "command", "model", "calls", "cached", "prompt tok", "compl tok", "cost $")
    for d in data:
        table.add_row(*common.cells(str(d["at"])[:19], d["command"], d["model"], d["calls"], d["cache_hits"],
                                    f"{d['prompt_tokens']:,}", f"{d['completion_tokens']:,}", f"{d['cost_usd']:.4f}"))
    common.console.print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("doctor")(doctor)
    app.command("usage")(usage)
