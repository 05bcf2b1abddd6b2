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
        table.add_row(f"[bold]{key}[/bold]", value)
    prompts = all_prompts()
    table.add_row("[bold]prompts[/bold]", ", ".join(f"{p.name} v{p.version}" for p in prompts))
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
    common.console.print(f"[green]connection ok[/green]: {settings.effective_llm} / {provider.model} answered "
                         f"({got.value.model_dump_json()}); {provider.ledger.summary()}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("doctor")(doctor)
