"""`backlogsmith eval`: measure prompt and pipeline quality; compare providers or prompt versions; gate on a baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli import common
from assistant.errors import ConfigError


def register(app: typer.Typer) -> None:
    """Add `eval` to the main app."""

    @app.command("eval")
    def eval_(
        ctx: typer.Context,
        out: Path = typer.Option(..., "--out", help="Folder for report.md, report.json and report.png."),
        suite: Optional[list[str]] = typer.Option(None, "--suite", "-s", help="triage, needs, stories, criteria, injection, pii (repeatable; default all)."),
        provider: Optional[str] = typer.Option(None, "--provider", help="offline | openai | azure | fake (echo, plumbing only) (default: --llm / configured)."),
        prompt_version: Optional[str] = typer.Option(None, "--prompt-version", help="Prompt version to evaluate."),
        compare_provider: Optional[str] = typer.Option(None, "--compare-provider", help="Run the same cases with this provider too and compare."),
        compare_prompt_version: Optional[str] = typer.Option(None, "--compare-prompt-version", help="Run the same cases with this prompt version too and compare."),
        baseline: Optional[Path] = typer.Option(None, "--baseline", help="A previous report.json (or its folder); a drop beyond --threshold exits 1."),
        threshold: float = typer.Option(0.02, "--threshold", min=0.0, help="Allowed drop per metric (absolute for rates, relative otherwise)."),
        limit: int = typer.Option(400, "--limit", min=0, help="Sample size per public data set (0 = all)."),
        public: bool = typer.Option(True, "--public/--no-public", help="Also use ../shared/datasets and the LLM layer's injection corpus when present."),
        judge: bool = typer.Option(False, "--judge", help="Also score stories with the LLM judge (needs a provider)."),
        cassette: Optional[Path] = typer.Option(None, "--cassette", help="Replay HTTP from this vcrpy cassette (no network)."),
        record: bool = typer.Option(False, "--record", help="With --cassette: record new exchanges (live provider needed)."),
        cases: Optional[Path] = typer.Option(None, "--cases", help="Folder of eval case YAML files (default: evals/datasets)."),
        datasets: Optional[Path] = typer.Option(None, "--datasets", help="Public data sets folder (default ../shared/datasets)."),
        inbox: Optional[list[Path]] = typer.Option(None, "--inbox", help="An inbox folder (feedback + stakeholder_asks files) the stories suite drafts and measures (repeatable; default: the three PO-audit inboxes built from --datasets)."),
    ) -> None:
        """Run the eval suites and write a report; exit 1 on a safety failure or a regression against --baseline."""
        from evals.cases import SUITES
        from evals.harness import EvalContext
        from evals.report import write_report
        from evals.runner import build_report, run_once

        if compare_provider and compare_prompt_version:
            raise ConfigError("Use either --compare-provider or --compare-prompt-version, not both.")
        unknown = [s for s in suite or [] if s not in SUITES]
        if unknown:
            raise ConfigError(f"Unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}.")
        missing = [str(p) for p in inbox or [] if not p.is_dir()]
        if missing:
            raise ConfigError(f"Inbox folder {missing[0]} does not exist; give a folder with the feedback files "
                              "(e.g. one written by `python -m evals.public.inboxes OUT`).")
        settings = common.options(ctx).settings()
        first = provider or settings.effective_llm
        if (prompt_version or compare_prompt_version) and first == "offline":
            common.err_console.print("[yellow]note:[/yellow] the offline engine uses no prompts, so prompt versions "
                                     "only differ with --provider openai|azure|fake or a --cassette.")
        variants = [(first, prompt_version)]
        if compare_provider:
            variants.append((compare_provider, prompt_version))
        elif compare_prompt_version:
            variants.append((first, compare_prompt_version))
        runs = []
        embedder = None
        for label, (prov, version) in zip("ab", variants):
            ectx = EvalContext(provider=prov, model=settings.model, prompt_version=version, limit=limit,
                               judge=judge, datasets_dir=datasets, embedder=embedder, public=public,
                               inboxes=[p for p in inbox or []])
            ectx.preflight()
            with common.progress(f"eval {label} ({prov})", len(suite or SUITES)) as advance:
                run = run_once(ectx, suite, label=label, cases_dir=cases, cassette=cassette, record=record,
                               progress=lambda name: advance(1))
            embedder = ectx.embedder  # load the model once for both runs
            runs.append(run)
        report = build_report(runs, baseline=baseline, threshold=threshold)
        paths = write_report(report, out)
        _print_summary(report)
        common.console.print(common.text(f"report: {paths['md']}  ({paths['json'].name}, {paths['png'].name})"))
        if not report.ok:
            for g in report.gate_failures:
                common.err_console.print(common.line(("safety gate failed:", "red"), " ", g))
            for r in report.regressions:
                common.err_console.print(common.line(("regression:", "red"), f" {r.metric} {r.baseline:.3f} → "
                                                     f"{r.current:.3f} (allowed drop {r.allowed_drop:.3f})"))
            raise typer.Exit(1)


def _print_summary(report) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title="eval", show_lines=False)
    table.add_column("metric")
    for run in report.runs:
        table.add_column(common.text(f"{run.info.label}: {run.info.provider}"
                                     + (f" {run.info.prompt_version}" if run.info.prompt_version else "")), justify="right")
    if len(report.runs) == 2:
        table.add_column("better")
    keys: list[str] = []
    for run in report.runs:
        keys += [k for k in run.metrics() if k not in keys]
    better = {c.metric: c.better for c in report.comparison}
    for key in keys:
        cells = []
        for run in report.runs:
            m = run.metrics().get(key)
            cells.append("—" if m is None or m.value is None else f"{m.value:.3f}")
        table.add_row(*common.cells(key, *cells, *([better.get(key, "")] if len(report.runs) == 2 else [])))
    common.console.print(table)
    for run in report.runs:
        for s in run.suites:
            if s.status != "ok":
                # Suite notes can quote case text (injection cases are hostile by design): literal.
                common.console.print(common.line((f"{run.info.label}/{s.suite}: {s.status}", "yellow"), " ", "; ".join(s.notes)))
