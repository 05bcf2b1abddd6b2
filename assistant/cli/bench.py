"""`backlogsmith bench [PART] [--quick] [--format json]`: speed measurements (parts live in assistant/benchmarks)."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from assistant.cli import common
from assistant.errors import ConfigError


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""

    @app.command("bench")
    def bench_cmd(
        part: Optional[str] = typer.Argument(None, help="Which benchmark (e.g. ingest); all when omitted."),
        quick: bool = typer.Option(False, "--quick", help="Smaller corpus: a quick check, not a measurement."),
        fmt: str = typer.Option("table", "--format", help="table | json"),
    ) -> None:
        """Measure throughput; exits 1 when a part misses its target."""
        from assistant.benchmarks import parts

        available = parts()
        if part is not None and part not in available:
            raise ConfigError(f"Unknown benchmark {part!r}; choose from: {', '.join(available)}.")
        if fmt not in ("table", "json"):
            raise ConfigError(f"Unknown --format {fmt!r}; use table or json.")
        chosen = {part: available[part]} if part else available
        results = []
        for name, run in chosen.items():
            with common.progress(f"bench {name}", None, quiet=fmt == "json"):
                results.append(run(quick=quick))
        if fmt == "json":
            common.print_json(results if part is None else results[0])
        else:
            for result in results:
                table = Table(title=f"bench {result['part']}", show_header=False)
                for key, value in result.items():
                    if key != "part":
                        table.add_row(key, str(value))
                common.console.print(table)
        if not all(r.get("passed", True) for r in results):
            raise typer.Exit(1)
