"""The eval report's shape: the same JSON feeds report.md, the chart, the CLI summary and the UI's Evals page."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from evals.graders import Grade


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Metric(_M):
    """One number a suite measured, with which direction is better and, for safety suites, a hard limit."""

    name: str
    value: float | None
    higher_is_better: bool = True
    kind: Literal["rate", "count", "score"] = Field("rate", description="rate = 0..1 share; count; score = other scale.")
    n: int = 0
    gate_max: float | None = Field(None, description="A value above this fails the run (e.g. any escape).")
    note: str = ""

    @property
    def gate_failed(self) -> bool:
        return self.gate_max is not None and self.value is not None and self.value > self.gate_max


class CaseResult(_M):
    name: str
    source: str = ""
    passed: bool
    grades: list[Grade] = Field(default_factory=list)
    output: dict[str, Any] = Field(default_factory=dict, description="A short summary of what the pipeline produced.")
    error: str | None = None


class JudgeScore(_M):
    """An LLM judge's verdict on one artifact: the score and the reasons behind it."""

    subject: str
    score: float
    reasons: list[str] = Field(default_factory=list)


class SuiteResult(_M):
    suite: str
    status: Literal["ok", "skipped", "error"] = "ok"
    metrics: list[Metric] = Field(default_factory=list)
    cases: list[CaseResult] = Field(default_factory=list)
    judge: list[JudgeScore] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    duration_s: float = 0.0

    def metric(self, name: str) -> Metric | None:
        return next((m for m in self.metrics if m.name == name), None)


class RunInfo(_M):
    label: str
    provider: str = "offline"
    model: str | None = None
    prompt_version: str | None = None
    cassette: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict, description="Prompt name -> version in effect.")
    started_at: str = ""
    duration_s: float = 0.0
    version: str = ""


class EvalRun(_M):
    info: RunInfo
    suites: list[SuiteResult] = Field(default_factory=list)

    def metrics(self) -> dict[str, Metric]:
        """Metrics keyed '<suite>.<name>'."""
        return {f"{s.suite}.{m.name}": m for s in self.suites for m in s.metrics}


class MetricComparison(_M):
    metric: str
    a: float | None
    b: float | None
    delta: float | None
    better: Literal["a", "b", "tie", "n/a"]


class Regression(_M):
    metric: str
    baseline: float
    current: float
    allowed_drop: float


class EvalReport(_M):
    """One eval run, or two side by side, plus the baseline check when asked."""

    runs: list[EvalRun]
    comparison: list[MetricComparison] = Field(default_factory=list)
    baseline: str | None = None
    threshold: float | None = None
    regressions: list[Regression] = Field(default_factory=list)
    gate_failures: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.regressions and not self.gate_failures
