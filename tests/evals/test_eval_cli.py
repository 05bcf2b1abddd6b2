"""`backlogsmith eval` end to end: report files, side-by-side comparison, and the baseline exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from evals.report import load_report

CRITERIA = """
suite: criteria
cases:
  - name: ok-1
    inputs: {given: "an invoice with 3 lines", when: "the user exports it", then: "a PDF with 3 lines is downloaded"}
    expected: {testable: true}
    graders: [testable_label]
  - name: ok-2
    inputs: {given: "an overdue invoice", when: "the reminder job runs", then: "the client receives one reminder email"}
    expected: {testable: true}
    graders: [testable_label]
  - name: vague
    inputs: {given: "a user", when: "they export", then: "it works well"}
    expected: {testable: LABEL}
    graders: [testable_label]
"""


def _cases(tmp_path: Path, name: str, label: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "criteria.yaml").write_text(CRITERIA.replace("LABEL", label), encoding="utf-8")
    return folder


def _eval(*args: str) -> "object":
    return CliRunner().invoke(app, ["eval", "--no-public", "--suite", "criteria", *args], catch_exceptions=False)


def test_baseline_gate_exit_codes(tmp_path):
    good, bad = _cases(tmp_path, "good", "false"), _cases(tmp_path, "bad", "true")  # 'bad' mislabels the vague one
    base = tmp_path / "base"
    first = _eval("--cases", str(good), "--out", str(base))
    assert first.exit_code == 0, first.output
    assert load_report(base).runs[0].metrics()["criteria.lint_label_agreement"].value == 1.0

    same = _eval("--cases", str(good), "--out", str(tmp_path / "same"), "--baseline", str(base / "report.json"))
    assert same.exit_code == 0, same.output

    worse = _eval("--cases", str(bad), "--out", str(tmp_path / "worse"), "--baseline", str(base))
    assert worse.exit_code == 1
    report = json.loads((tmp_path / "worse" / "report.json").read_text())
    assert [r["metric"] for r in report["regressions"]] == ["criteria.lint_label_agreement"]
    assert "Verdict: FAIL" in (tmp_path / "worse" / "report.md").read_text()

    lenient = _eval("--cases", str(bad), "--out", str(tmp_path / "lenient"), "--baseline", str(base), "--threshold", "0.5")
    assert lenient.exit_code == 0, lenient.output


def test_compare_two_providers_on_the_same_cases(tmp_path):
    import assistant.llm.engine  # noqa: F401  (landed: a broken import must fail, not skip)
    out = tmp_path / "cmp"
    result = _eval("--cases", str(_cases(tmp_path, "c", "false")), "--out", str(out), "--compare-provider", "fake")
    assert result.exit_code == 0, result.output
    report = load_report(out)
    assert [r.info.provider for r in report.runs] == ["offline", "fake"]
    assert report.runs[1].info.prompts  # the LLM run records which prompt versions were in effect
    row = next(c for c in report.comparison if c.metric == "criteria.lint_label_agreement")
    assert row.better == "tie" and row.a == row.b == 1.0
    assert "## Comparison" in (out / "report.md").read_text() and (out / "report.png").stat().st_size > 0


def test_usage_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(app, ["eval", "--suite", "nope", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "Unknown suite" in str(result.exception or result.output)
    result = CliRunner().invoke(app, ["eval", "--out", str(tmp_path), "--compare-provider", "fake",
                                      "--compare-prompt-version", "x"])
    assert "either" in str(result.exception or result.output)


def test_provider_configuration_errors_fail_once_up_front(tmp_path):
    import subprocess
    import sys

    for provider, message in (("openai", "needs OPENAI_API_KEY"), ("bogus", "Unknown provider 'bogus'")):
        proc = subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", "eval", "--provider", provider,
                               "--out", str(tmp_path / provider)], capture_output=True, text=True, timeout=120,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert proc.returncode != 0 and message in proc.stderr and "Traceback" not in proc.stderr
        assert not (tmp_path / provider / "report.json").exists()
