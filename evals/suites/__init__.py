"""Eval suites: each runs the real pipeline on its cases (and public sets when present) and returns metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.cases import EvalCase
from evals.graders import apply_grader
from evals.harness import EvalContext, Unavailable
from evals.models import CaseResult, SuiteResult

PROJECT = Path(__file__).resolve().parents[2]
SuiteFn = Callable[[EvalContext, list[EvalCase]], SuiteResult]


def grade_case(case: EvalCase, output: dict[str, Any], summary: dict[str, Any] | None = None) -> CaseResult:
    """Apply the case's graders to the pipeline output."""
    grades = [apply_grader(g.name, output, case.expected, case.inputs, **g.args) for g in case.graders]
    return CaseResult(name=case.name, source=case.source, passed=all(g.passed for g in grades), grades=grades,
                      output=summary if summary is not None else {})


def failed_case(case: EvalCase, error: str) -> CaseResult:
    return CaseResult(name=case.name, source=case.source, passed=False, error=error)


def describe_exception(exc: BaseException) -> str:
    """Type, first line of the message, and the deepest frame in this project's code (not pydantic's)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "site-packages" not in f.filename and str(PROJECT) in f.filename]
    where = (ours or frames)[-1] if frames else None
    first = str(exc).splitlines()[0] if str(exc) else ""
    at = f" (at {Path(where.filename).name}:{where.lineno} in {where.name})" if where else ""
    return f"{type(exc).__name__}: {first}{at}"


def registry() -> dict[str, SuiteFn]:
    from evals.suites import criteria, injection, needs, pii, stories, triage

    return {"triage": triage.run, "needs": needs.run, "stories": stories.run, "criteria": criteria.run,
            "injection": injection.run, "pii": pii.run}


def run_suite(name: str, ctx: EvalContext, cases: list[EvalCase]) -> SuiteResult:
    """Run one suite; missing optional input (a public data set) makes it 'skipped', a crash makes it 'error'."""
    from assistant.errors import BacklogsmithError

    started = time.perf_counter()
    handed_out = len(ctx.providers)
    try:
        result = registry()[name](ctx, cases)
    except Unavailable as exc:
        result = SuiteResult(suite=name, status="skipped", notes=[f"skipped: {exc}"])
    except BacklogsmithError as exc:
        result = SuiteResult(suite=name, status="error", notes=[f"error: {type(exc).__name__}: {exc}"])
    except Exception as exc:  # noqa: BLE001 - a pipeline bug is a finding of the eval, reported next to the rest
        result = SuiteResult(suite=name, status="error", notes=[f"error: {describe_exception(exc)}"])
    # A model that failed mid-run leaves offline results under its name: say so next to the numbers.
    result.notes += [f"not the model's work: {note}" for note in ctx.fallback_notes(handed_out)]
    result.duration_s = round(time.perf_counter() - started, 2)
    return result
