"""`bench` orchestration: growth fit, nulls with reasons, targets, one JSON object, BENCHMARKS.md."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.benchmarks import run as bench


def test_fit_growth_recovers_the_exponent():
    assert bench.fit_growth([1000, 10000, 50000], [0.2 * (n / 1000) ** 1.3 for n in (1000, 10000, 50000)]) == pytest.approx(1.3, abs=1e-3)
    assert bench.fit_growth([1000], [1.0]) is None
    assert bench.fit_growth([1000, 10000], [0.0, 1.0]) is None  # a zero time cannot be fitted


def test_machine_names_cpu_cores_ram_and_versions():
    m = bench.machine()
    assert m["cores"] >= 1 and m["cpu"] and m["python"].count(".") == 2
    assert m["versions"]["numpy"]


def _steps():
    def ingest(quick):
        return {"ingest_ratio": 0.9}, {"sentences": 10}

    def clustering(quick):
        return {"clustering_s": {"1000": 0.5, "10000": 12.0, "50000": None}, "clustering_growth_exponent": 1.1}, {}

    def llm(quick):
        return {"llm_tokens_vs_naive": None}, {"error": "assistant.llm.bench failed: ValueError: no items"}

    def ui(quick):
        raise RuntimeError("browser exploded")

    return {"ingest": ingest, "clustering": clustering, "llm": llm, "ui": ui}


def test_run_benchmarks_reports_nulls_with_reasons_and_checks_targets():
    seen: list[str] = []
    result = bench.run_benchmarks(True, progress=seen.append, steps=_steps())
    assert seen == ["ingest", "clustering", "llm", "ui"]
    assert set(bench.KEYS) <= set(result) and result["quick"] is True
    assert result["ingest_ratio"] == 0.9 and result["passed"]["ingest_ratio"] is True
    assert result["passed"]["clustering_10k_s"] is False and result["passed"]["clustering_50k_s"] is None
    assert result["llm_tokens_vs_naive"] is None and "no items" in result["reasons"]["llm_tokens_vs_naive"]
    assert "browser exploded" in result["details"]["ui"]["error"] and result["ui_first_render_s"] is None
    md = bench.render_markdown(result, note="shared machine")
    assert "| ingest throughput / raw embedding throughput | `ingest_ratio` | 0.9 | >= 0.8 | yes |" in md
    assert "`clustering_10k_s` | 12 | <= 10 | no |" in md and "> shared machine" in md and "## Machine" in md


def test_bench_cli_prints_one_json_object_and_writes_markdown(tmp_path, monkeypatch):
    from assistant.cli import app

    monkeypatch.setattr(bench, "STEPS", {k: v for k, v in _steps().items() if k in ("ingest", "llm")})
    out = tmp_path / "BENCHMARKS.md"
    result = CliRunner().invoke(app, ["bench", "--quick", "--format", "json", "--markdown", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ingest_ratio"] == 0.9 and "machine" in data and "reasons" in data
    assert "backlogsmith bench --quick" in out.read_text()


def test_clustering_adapter_fits_growth_and_names_unmeasured_sizes(monkeypatch):
    monkeypatch.setattr(bench, "_call_part", lambda name, run, quick: {"seconds": {"1000": 0.1, "10000": 1.0}})
    values, raw = bench.bench_clustering(True)
    assert values == {"clustering_s": {"1000": 0.1, "10000": 1.0}, "clustering_growth_exponent": 1.0}
    assert raw["not_measured"] == "50k (quick mode)"
    result = bench.run_benchmarks(True, steps={"clustering": bench.bench_clustering})
    assert result["reasons"] == {"clustering: not measured": "50k (quick mode)"}
