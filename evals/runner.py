"""The runner behind `backlogsmith eval`: one run, two runs side by side, and the baseline check."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

from evals.cases import SUITES, load_cases
from evals.compare import compare_runs, find_regressions, gate_failures
from evals.harness import EvalContext, prompt_version
from evals.models import EvalReport, EvalRun, RunInfo
from evals.report import load_report
from evals.suites import run_suite


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("backlogsmith")
    except Exception:  # noqa: BLE001 - not installed (running from a checkout)
        return "dev"


def _cassette(path: Path, record: bool) -> object:
    """Replay (or record) every HTTP exchange of the run from a vcrpy cassette (secrets filtered)."""
    from evals.cassette import use_cassette

    return use_cassette(path, record=record)


def run_once(
    ctx: EvalContext,
    suites: list[str] | None = None,
    *,
    label: str = "a",
    cases_dir: Path | None = None,
    cassette: Path | None = None,
    record: bool = False,
    progress: Callable[[str], None] | None = None,
) -> EvalRun:
    """Run the chosen suites (default: all) with one provider / prompt version."""
    chosen = list(suites or SUITES)
    cases = load_cases(cases_dir, chosen)
    started = time.perf_counter()
    info = RunInfo(label=label, provider=ctx.provider, model=ctx.model, prompt_version=ctx.prompt_version,
                   cassette=str(cassette) if cassette else None,
                   started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), version=_version())
    run = EvalRun(info=info)
    with ExitStack() as stack:
        if cassette is not None:
            stack.enter_context(_cassette(cassette, record))  # type: ignore[arg-type]
        in_effect = stack.enter_context(prompt_version(ctx.prompt_version))
        if ctx.live:  # the offline engine uses no prompts; listing them would suggest otherwise
            run.info.prompts = in_effect
        stack.callback(ctx.cleanup)
        for name in chosen:
            run.suites.append(run_suite(name, ctx, cases.get(name, [])))
            if progress:
                progress(name)
    run.info.duration_s = round(time.perf_counter() - started, 2)
    return run


def build_report(runs: list[EvalRun], *, baseline: Path | None = None, threshold: float = 0.02) -> EvalReport:
    """Assemble the report: comparison when there are two runs, regressions against a baseline, safety gates."""
    report = EvalReport(runs=runs)
    if len(runs) == 2:
        report.comparison = compare_runs(runs[0], runs[1])
    for run in runs:
        report.gate_failures += [f"{run.info.label}: {g}" for g in gate_failures(run)]
    if baseline is not None:
        base = load_report(baseline)
        report.baseline, report.threshold = str(baseline), threshold
        # The last run is the candidate (b when comparing); the baseline's first run is the reference.
        report.regressions = find_regressions(base.runs[0], runs[-1], threshold)
    return report
