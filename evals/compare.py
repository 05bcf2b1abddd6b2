"""Side-by-side comparison of two runs and the baseline check that makes `eval` usable as a CI gate."""

from __future__ import annotations

from evals.models import EvalRun, Metric, MetricComparison, Regression

TIE = 1e-9


def compare_runs(a: EvalRun, b: EvalRun) -> list[MetricComparison]:
    """Per metric present in either run: the values, b - a, and which run is better given the metric's direction."""
    ma, mb = a.metrics(), b.metrics()
    rows = []
    for key in list(ma) + [k for k in mb if k not in ma]:
        va = ma[key].value if key in ma else None
        vb = mb[key].value if key in mb else None
        if va is None or vb is None:
            rows.append(MetricComparison(metric=key, a=va, b=vb, delta=None, better="n/a"))
            continue
        higher = (ma.get(key) or mb[key]).higher_is_better
        delta = vb - va
        if abs(delta) <= TIE:
            better = "tie"
        else:
            better = "b" if (delta > 0) == higher else "a"
        rows.append(MetricComparison(metric=key, a=va, b=vb, delta=delta, better=better))
    return rows


def allowed_drop(baseline: Metric | float, threshold: float) -> float:
    """Rates (0..1) may drop by `threshold` absolute; larger numbers by `threshold` relative."""
    value = baseline.value if isinstance(baseline, Metric) else baseline
    return threshold * max(1.0, abs(value or 0.0))


def find_regressions(baseline: EvalRun, current: EvalRun, threshold: float) -> list[Regression]:
    """Metrics that got worse than the baseline by more than the allowed drop."""
    found = []
    base, cur = baseline.metrics(), current.metrics()
    for key, bm in base.items():
        cm = cur.get(key)
        if cm is None or bm.value is None or cm.value is None:
            continue
        worse_by = (bm.value - cm.value) if bm.higher_is_better else (cm.value - bm.value)
        limit = allowed_drop(bm, threshold)
        if worse_by > limit + TIE:
            found.append(Regression(metric=key, baseline=bm.value, current=cm.value, allowed_drop=limit))
    return found


def gate_failures(run: EvalRun) -> list[str]:
    """Safety metrics over their hard limit (any injection escape, any PII leak), and suites that crashed."""
    failed = [f"{key}={m.value:g} (max {m.gate_max:g})" for key, m in run.metrics().items() if m.gate_failed]
    return failed + [f"suite {s.suite} errored: {'; '.join(s.notes)}" for s in run.suites if s.status == "error"]
