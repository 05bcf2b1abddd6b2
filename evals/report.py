"""Write an EvalReport as report.json, report.md and chart.png; read it back for the UI's Evals page."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.errors import NotFoundError
from evals.models import EvalReport, EvalRun

REPORT_JSON, REPORT_MD, CHART_PNG = "report.json", "report.md", "report.png"


def write_report(report: EvalReport, out: Path) -> dict[str, Path]:
    """Write the three report files into `out` (created if needed) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / REPORT_JSON, "md": out / REPORT_MD, "png": out / CHART_PNG}
    paths["json"].write_text(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    render_chart(report, paths["png"])
    return paths


def load_report(directory: Path | str) -> EvalReport:
    """Read report.json from an eval output folder (or the file itself)."""
    path = Path(directory)
    if path.is_dir():
        path = path / REPORT_JSON
    if not path.is_file():
        raise NotFoundError(f"No eval report at {path}; run `backlogsmith eval --out DIR` first.")
    try:
        return EvalReport.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise NotFoundError(f"{path} is not an eval report ({str(exc).splitlines()[0]}).") from None


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if abs(value) < 100 else f"{value:.0f}"


def _run_title(run: EvalRun) -> str:
    i = run.info
    bits = [i.provider] + [x for x in (i.model, f"prompts {i.prompt_version}" if i.prompt_version else None,
                                       f"cassette {i.cassette}" if i.cassette else None) if x]
    return f"{i.label}: " + ", ".join(bits)


def render_markdown(report: EvalReport) -> str:
    """A human-readable report: verdict, metrics per suite, comparison, failing cases, judge reasons."""
    lines = ["# backlogsmith eval report", ""]
    verdict = "PASS" if report.ok else "FAIL"
    lines.append(f"**Verdict: {verdict}**")
    for g in report.gate_failures:
        lines.append(f"- gate failed: `{g}`")
    for r in report.regressions:
        lines.append(f"- regression vs baseline: `{r.metric}` {r.baseline:.3f} → {r.current:.3f} (allowed drop {r.allowed_drop:.3f})")
    lines.append("")
    for run in report.runs:
        lines += [f"## {_run_title(run)}", "", f"Started {run.info.started_at}, took {run.info.duration_s:.1f} s.", ""]
        for suite in run.suites:
            lines.append(f"### {suite.suite} ({suite.status}, {suite.duration_s:.1f} s)")
            lines.append("")
            for note in suite.notes:
                # notes quote server and model messages (untrusted): a code span shows them literally, no links
                lines.append(f"- `{' '.join(str(note).replace('`', chr(39)).split())}`")
            if suite.metrics:
                lines += ["", "| metric | value | n | better |", "|---|---|---|---|"]
                for m in suite.metrics:
                    gate = f" (max {m.gate_max:g})" if m.gate_max is not None else ""
                    lines.append(f"| {m.name} | {_fmt(m.value)}{gate} | {m.n} | {'higher' if m.higher_is_better else 'lower'} |")
            failed = [c for c in suite.cases if not c.passed]
            lines += ["", f"Cases: {len(suite.cases) - len(failed)}/{len(suite.cases)} passed."]
            for c in failed[:20]:
                why = c.error or "; ".join(f"{g.grader}: {g.reason}" for g in c.grades if not g.passed)
                lines.append(f"- ✗ `{c.name}` ({c.source}): {why}")
            if len(failed) > 20:
                lines.append(f"- … and {len(failed) - 20} more in report.json")
            for j in suite.judge[:10]:
                lines.append(f"- judge on `{j.subject}`: {j.score:.2f} — " + " / ".join(j.reasons))
            lines.append("")
    if report.comparison and len(report.runs) == 2:
        a, b = (_run_title(r) for r in report.runs)
        lines += ["## Comparison", "", f"a = {a}", "", f"b = {b}", "", "| metric | a | b | b − a | better |", "|---|---|---|---|---|"]
        for row in report.comparison:
            lines.append(f"| {row.metric} | {_fmt(row.a)} | {_fmt(row.b)} | {_fmt(row.delta)} | {row.better} |")
        wins = {k: sum(r.better == k for r in report.comparison) for k in ("a", "b", "tie")}
        lines += ["", f"a better on {wins['a']} metric(s), b better on {wins['b']}, tied on {wins['tie']}.", ""]
    if report.baseline:
        lines += [f"Baseline: `{report.baseline}`, threshold {report.threshold}.", ""]
    return "\n".join(lines) + "\n"


def render_chart(report: EvalReport, path: Path) -> None:
    """Bar chart of every metric, one bar per run: rates (0..1) in one panel, counts and scores in another."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt

    kinds: dict[str, str] = {}
    for run in report.runs:
        for k, m in run.metrics().items():
            kinds.setdefault(k, m.kind)
    panels = [(title, keys) for title, keys in (
        ("rates (0..1; report.md says which way is better)", [k for k, kind in kinds.items() if kind == "rate"]),
        ("counts and scores", [k for k, kind in kinds.items() if kind != "rate"])) if keys] or [("no metrics", [])]
    tallest = max(len(keys) for _, keys in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(7 + 6 * (len(panels) - 1), max(3.0, 0.32 * tallest + 1.5)), squeeze=False)
    width = 0.8 / max(1, len(report.runs))
    for ax, (title, group) in zip(axes[0], panels):
        ax.set_title(title)
        if not group:
            ax.axis("off")
            continue
        for i, run in enumerate(report.runs):
            m = run.metrics()
            ys = [j + i * width for j in range(len(group))]
            xs = [(m[k].value or 0.0) if k in m else 0.0 for k in group]
            ax.barh(ys, xs, height=width, label=run.info.label)
        ax.set_yticks([j + width * (len(report.runs) - 1) / 2 for j in range(len(group))], group, fontsize=8)
        ax.invert_yaxis()
        if len(report.runs) > 1:
            ax.legend(fontsize=8)
    fig.suptitle("backlogsmith eval" + (" — PASS" if report.ok else " — FAIL"))
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
