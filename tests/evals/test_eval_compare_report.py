"""Comparison, baseline regressions, safety gates, and the report files (md, json, png) round-trip."""

from __future__ import annotations

import json

from evals.compare import compare_runs, find_regressions, gate_failures
from evals.models import EvalRun, Metric, RunInfo, SuiteResult
from evals.report import load_report, write_report
from evals.runner import build_report


def make_run(label: str, **values: float) -> EvalRun:
    lower = {"lint_findings_per_story", "invented_citations", "escapes"}
    metrics = [Metric(name=k, value=v, higher_is_better=k not in lower, gate_max=0 if k == "escapes" else None)
               for k, v in values.items()]
    return EvalRun(info=RunInfo(label=label, provider="offline"), suites=[SuiteResult(suite="stories", metrics=metrics)])


def test_compare_says_which_is_better_per_direction():
    a = make_run("a", well_formed_rate=0.8, lint_findings_per_story=2.0, feedback_coverage=0.5)
    b = make_run("b", well_formed_rate=0.9, lint_findings_per_story=3.0, feedback_coverage=0.5)
    rows = {r.metric: r for r in compare_runs(a, b)}
    assert rows["stories.well_formed_rate"].better == "b"
    assert abs(rows["stories.well_formed_rate"].delta - 0.1) < 1e-9
    assert rows["stories.lint_findings_per_story"].better == "a"  # fewer findings is better
    assert rows["stories.feedback_coverage"].better == "tie"


def test_compare_handles_metrics_missing_on_one_side():
    rows = compare_runs(make_run("a", well_formed_rate=0.8), make_run("b", feedback_coverage=0.4))
    assert {r.metric: r.better for r in rows} == {"stories.well_formed_rate": "n/a", "stories.feedback_coverage": "n/a"}


def test_regressions_respect_threshold_and_direction():
    base = make_run("a", well_formed_rate=0.90, lint_findings_per_story=2.0)
    small = make_run("b", well_formed_rate=0.89, lint_findings_per_story=2.03)
    assert find_regressions(base, small, 0.02) == []
    worse = make_run("b", well_formed_rate=0.85, lint_findings_per_story=2.5)
    found = {r.metric: r for r in find_regressions(base, worse, 0.02)}
    assert set(found) == {"stories.well_formed_rate", "stories.lint_findings_per_story"}
    assert abs(found["stories.lint_findings_per_story"].allowed_drop - 0.04) < 1e-9  # relative for counts
    better = make_run("b", well_formed_rate=0.99, lint_findings_per_story=0.5)
    assert find_regressions(base, better, 0.0) == []


def test_safety_gate():
    assert gate_failures(make_run("a", escapes=0)) == []
    assert gate_failures(make_run("a", escapes=2)) == ["stories.escapes=2 (max 0)"]
    assert not build_report([make_run("a", escapes=1)]).ok


def test_report_files_round_trip(tmp_path):
    a = make_run("a", well_formed_rate=0.8, lint_findings_per_story=2.0)
    b = make_run("b", well_formed_rate=0.7, lint_findings_per_story=1.0)
    base_dir = tmp_path / "base"
    write_report(build_report([a]), base_dir)
    report = build_report([a, b], baseline=base_dir, threshold=0.02)
    paths = write_report(report, tmp_path / "out")
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and paths["png"].stat().st_size > 5000
    md = paths["md"].read_text(encoding="utf-8")
    assert "Verdict: FAIL" in md and "## Comparison" in md and "| stories.well_formed_rate | 0.800 | 0.700 |" in md
    assert json.loads(paths["json"].read_text())["regressions"][0]["metric"] == "stories.well_formed_rate"
    loaded = load_report(tmp_path / "out")
    assert loaded == report and not loaded.ok
    assert [r.better for r in loaded.comparison] == ["a", "b"]


def test_load_report_errors(tmp_path):
    import pytest

    from assistant.errors import NotFoundError

    with pytest.raises(NotFoundError, match="backlogsmith eval"):
        load_report(tmp_path)
    (tmp_path / "report.json").write_text("{}", encoding="utf-8")
    with pytest.raises(NotFoundError, match="not an eval report"):
        load_report(tmp_path)


def test_a_crashing_suite_is_reported_and_fails_the_run(monkeypatch):
    import evals.suites as suites
    from evals.harness import EvalContext, Unavailable

    def broken(ctx, cases):
        raise ValueError("name_edited" + chr(10) + "more detail")

    def missing(ctx, cases):
        raise Unavailable("public data set themes/urr_golden_set.csv not found")

    monkeypatch.setattr(suites, "registry", lambda: {"needs": broken, "triage": missing})
    crashed = suites.run_suite("needs", EvalContext(), [])
    assert crashed.status == "error" and "ValueError: name_edited (at test_eval_compare_report.py:" in crashed.notes[0]
    skipped = suites.run_suite("triage", EvalContext(), [])
    assert skipped.status == "skipped" and "not found" in skipped.notes[0]
    run = EvalRun(info=RunInfo(label="a"), suites=[crashed, skipped])
    report = build_report([run])
    assert not report.ok and report.gate_failures[0].startswith("a: suite needs errored")
