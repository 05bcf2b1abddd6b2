"""`backlogsmith bench [PART] [--quick] [--format json]`: speed measurements (parts live in assistant/benchmarks)."""

from __future__ import annotations

from pathlib import Path
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
        markdown: Optional[Path] = typer.Option(None, "--markdown", help="Where the full run writes its results (default BENCHMARKS.md in the project)."),
    ) -> None:
        """Measure throughput; exits 1 when a part misses its target."""
        from assistant.benchmarks import parts

        available = parts()
        if part is not None and part not in available:
            raise ConfigError(f"Unknown benchmark {part!r}; choose from: {', '.join(available)}.")
        if fmt not in ("table", "json"):
            raise ConfigError(f"Unknown --format {fmt!r}; use table or json.")
        if part is None:  # every measurement in one run, one object, refreshed BENCHMARKS.md
            _run_all(quick, fmt, markdown)
            return
        chosen = {part: available[part]} if part else available
        results = []
        for name, run in chosen.items():
            with common.progress(f"bench {name}", None, quiet=fmt == "json"):
                results.append(run(quick=quick))
        if fmt == "json":
            common.print_json(results if part is None else results[0])
        else:
            for result in results:
                table = Table(title=common.text(f"bench {result['part']}"), show_header=False)
                for key, value in result.items():
                    if key != "part":
                        table.add_row(*common.cells(key, value))
                common.console.print(table)
        if not all(r.get("passed", True) for r in results):
            raise typer.Exit(1)


def _run_all(quick: bool, fmt: str, markdown: Path | None) -> None:
    from assistant.benchmarks.run import SHARED_NOTE, headline_rows, run_benchmarks, write_markdown

    with common.progress("bench", None, quiet=fmt == "json") as advance:
        result = run_benchmarks(quick, progress=lambda name: advance(1))
    root = Path(__file__).resolve().parents[2]
    default = (root if (root / "pyproject.toml").is_file() else Path.cwd()) / "BENCHMARKS.md"
    md = write_markdown(result, markdown or default, note=SHARED_NOTE)
    if fmt == "json":
        common.print_json(result)
    else:
        table = Table(title="bench", show_header=True)
        for col in ("measure", "value", "target", "met"):
            table.add_column(col)
        for key, _label, value, target, met in headline_rows(result):
            table.add_row(*common.cells(key, "null" if value is None else value, target, met))
        common.console.print(table)
        for key, why in result["reasons"].items():
            common.console.print(common.line((f"{key} is null:", "yellow"), " ", why))
        common.console.print(common.text(f"wrote {md}"))
    if any(v is False for v in result["passed"].values()):
        raise typer.Exit(1)

