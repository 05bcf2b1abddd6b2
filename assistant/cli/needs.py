"""CLI for triage and needs: `triage`, `needs [--recluster] [--format json|table]`, `needs show|rename|merge`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from assistant.cli import common

_LABELS = {"vectors": "Embedding", "triage": "Triaging", "cluster": "Clustering", "needs": "Describing needs"}


@contextmanager
def _bars(quiet: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback (stage, done, total) drawing one rich bar per stage on stderr."""
    bar = Progress(common.bar_label(), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=common.err_console, transient=True, disable=quiet)
    tasks: dict[str, int] = {}
    with bar:
        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(common.clean(_LABELS.get(stage, stage)), total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))
        yield report


def _table(rows: list[dict]) -> Table:  # type: ignore[type-arg]
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("name", overflow="fold", min_width=20)  # a phrase: folding it mid-word makes it unreadable
    for col in ("items", "asks", "emerging", "top types", "statement"):
        table.add_column(col, overflow="fold")
    for r in rows:
        types = ", ".join(f"{k} {v}" for k, v in list(r["counts"]["by_type"].items())[:3])
        emerging = f"+{r['emerging']} since last review" if r.get("emerging") else ""
        table.add_row(*common.cells(r["id"], r["name"], len(r["item_ids"]), len(r["stakeholder_asks"]), emerging, types,
                                    r["statement"]))
    return table


def register(app: typer.Typer) -> None:
    """Add `triage` and the `needs` group to the main app."""
    needs_app = typer.Typer(help="Needs: the problems behind the feedback, with evidence.", invoke_without_command=True)

    @app.command("triage")
    def triage_cmd(
        ctx: typer.Context,
        all_items: bool = typer.Option(False, "--all", help="Re-label every item, not only those without labels."),
    ) -> None:
        """Label every item: type, sentiment and urgency (offline engine unless an LLM is configured)."""
        from assistant.triage import triage_items

        ws = common.workspace(ctx)
        with common.llm_run(ctx, "triage") as provider, _bars() as report:
            n = triage_items(ws, provider=provider, only_missing=not all_items, progress=report)
        common.console.print(f"Triaged {n} item{'s' if n != 1 else ''}.")

    @needs_app.callback()
    def needs_cmd(
        ctx: typer.Context,
        recluster: bool = typer.Option(False, "--recluster", help="Recompute all needs; ids and edited names survive."),
        fmt: str = typer.Option("table", "--format", help="table | json"),
    ) -> None:
        """Triage new items, group them into needs and list the needs."""
        if ctx.invoked_subcommand is not None:
            return
        if fmt not in ("table", "json"):
            raise typer.BadParameter("use --format table or --format json", param_hint="--format")
        from assistant.needs import build_needs, need_json
        from assistant.repository import load_items
        from assistant.triage import triage_items

        ws = common.workspace(ctx)
        with common.llm_run(ctx, "needs") as provider, _bars() as report:
            triage_items(ws, provider=provider, only_missing=True, progress=report)
            needs = build_needs(ws, recluster=recluster, provider=provider, progress=report)
        from assistant.need_actions import apply_pins
        from assistant.repository import load_needs

        if apply_pins(ws):  # items the PO moved to a need stay there, as renamed needs keep their names
            with ws.transaction() as s:
                needs = load_needs(s)
        with ws.transaction() as s:
            items = {it.id: it for it in load_items(s)}
        from assistant.needs.emerging import grown_since_review  # the Needs page's "emerging" column, same rule

        grown = grown_since_review(ws)
        rows = [{**need_json(n, items), "emerging": grown.get(n.id, 0)}
                for n in sorted(needs, key=lambda n: (-len(n.item_ids), n.id))]
        if fmt == "json":
            common.print_json(rows)
            return
        unassigned = sum(1 for it in items.values() if it.need_id is None)
        common.console.print(_table(rows))
        common.console.print(f"{len(rows)} needs; {unassigned} of {len(items)} items without a need.")
        if not items:
            from assistant.cli.hints import missing_input

            common.console.print(common.text(missing_input(ws, "needs") or "", "yellow"))

    @needs_app.command("show")
    def show_cmd(ctx: typer.Context, need_id: str, fmt: str = typer.Option("table", "--format", help="table | json")) -> None:
        """Show one need with its evidence quotes, sources and stakeholder asks."""
        from assistant.needs import need_report

        rep = need_report(common.workspace(ctx), need_id)
        if fmt == "json":
            common.print_json(rep)
            return
        c = rep["counts"]
        out = common.console.print
        out(common.line((rep["name"], "bold"), f"  ({rep['id']})\n", rep["statement"], "\n"))
        out(common.text(f"{c['total']} items · by type {c['by_type']} · by segment {c['by_segment']} · "
                        f"by channel {c['by_channel']} · sentiment {c['by_sentiment']} · "
                        f"{c['first_date'] or '?'} → {c['last_date'] or '?'}"))
        for ask in rep["stakeholder_asks"]:
            who = ask.get("author") or "A stakeholder"
            out(common.line("\n", (f"{who} asked:", "yellow"), " ", ask["text"],
                            f"\n  → it belongs to this need, which {rep['customer_items']} customer items share."))
        out("\n[bold]Evidence[/bold]")
        for q in rep["quotes"]:
            src = q["source"]
            # A long review is quoted by the sentence that matches this need; the whole text is one command away.
            said = f"“{q['sentence']}” (from a longer item)" if q.get("sentence") else f"“{q['text']}”"
            out(common.text(f"  {said}\n    — {src['path']} row {src['row']} ({q['id']})"))
        if rep["loosely_related"]:
            loose = rep["loosely_related"]
            shown = "" if len(loose) <= 5 else "; first 5 shown, all in --format json"
            out(f"\n[bold]Loosely related: {len(loose)} items[/bold] (near this need, not counted as its evidence{shown})")
            for q in loose[:5]:
                why = f" — set aside by the model: {q['set_aside_by_model']}" if q.get("set_aside_by_model") else ""
                out(common.text(f"  “{q['text']}” ({q['id']}){why}"))
        if rep["stories"]:
            out(common.text(f"\nStories: {', '.join(rep['stories'])}"))

    @needs_app.command("rename")
    def rename_cmd(ctx: typer.Context, need_id: str, name: str) -> None:
        """Rename a need (kept across reclustering)."""
        from assistant.needs import rename_need

        need = rename_need(common.workspace(ctx), need_id, name)
        common.console.print(common.text(f"Renamed {need.id} to “{need.name}”."))

    @needs_app.command("merge")
    def merge_cmd(ctx: typer.Context, keep: str, other: str) -> None:
        """Merge need OTHER into KEEP (items, stories and links move to KEEP)."""
        from assistant.needs import merge_needs

        need = merge_needs(common.workspace(ctx), keep, other)
        common.console.print(common.text(f"Merged {other} into {need.id}: {len(need.item_ids)} items."))

    app.add_typer(needs_app, name="needs")
