"""The stories suite on real inboxes nobody here wrote: the three PO-audit inboxes of evals.public.inboxes (built
from ../shared/datasets, skipped when absent) or any inbox folder (feedback + stakeholder_asks files).

Each inbox goes through `backlogsmith run` (assistant.pipeline.run_pipeline) in a fresh workspace; the drafts are
then measured by evals.graders.gate_metrics. Also a CLI to measure workspaces already drafted (before / after):
    python -m evals.suites.inboxes WORKSPACE [WORKSPACE ...] [--json]
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from evals.graders import gate_metrics
from evals.harness import EvalContext, Unavailable
from evals.models import Metric

HEADLINE = ("citation_support_share", "generic_criterion_share", "distinct_benefit_ratio", "ready_share",
            "ready_once_estimated_share", "stories_to_write_share")
# fewer stories left to write is better only while citation support holds and nothing garbled is Ready
LOWER_IS_BETTER = {"generic_criterion_share", "stories_to_write_share"}
# the public files each inbox is built from (evals/public/inboxes.py)
SOURCES = {"comic-viewer": "themes/urr_golden_set.csv", "maalej": "triage/maalej_2016_app_reviews.csv",
           "bank": "themes/clinc150_test.csv", "acdisplay": "themes/urr_golden_set.csv"}


def workspace_metrics(ws: Any) -> dict[str, Any]:
    """gate_metrics for every story in a workspace, against the items they cite."""
    from assistant.repository import load_items, load_stories

    with ws.transaction() as s:
        stories = load_stories(s)
        ids = sorted({i for st in stories for i in [*st.evidence, *(e for c in st.acceptance_criteria for e in c.evidence)]})
        items = {i.id: i for i in load_items(s, ids)}
        pool = load_items(s, include_duplicates=False, kind="feedback")
    return gate_metrics(stories, items, embed=ws.embedder, pool=pool or None)


def run_inbox(ctx: EvalContext, folder: Path, name: str) -> dict[str, Any]:
    """Run the whole pipeline on one inbox folder and measure the drafts."""
    from rich.console import Console

    from assistant.pipeline import run_pipeline

    with ctx.workspace(f"inbox-{name}") as ws:
        with ctx.requests.capture():
            run_pipeline(ws, [folder], out=ws.settings.workspace / "backlog.md", console=Console(file=io.StringIO()))
        return workspace_metrics(ws)


def inbox_folders(ctx: EvalContext) -> tuple[dict[str, Path], list[str]]:
    """The inbox folders to measure: ctx.inboxes when given, else the three built from the public data sets."""
    given = list(getattr(ctx, "inboxes", None) or [])
    if given:
        return {Path(p).name: Path(p) for p in given}, []
    from evals.public.inboxes import write_inbox

    folders: dict[str, Path] = {}
    notes: list[str] = []
    for name, source in SOURCES.items():
        try:
            ctx.shared(source)
        except Unavailable as exc:
            notes.append(f"inbox {name}: skipped ({exc})")
            continue
        folders[name] = write_inbox(name, ctx.root() / "inboxes")
    return folders, notes


def metrics_for(label: str, m: dict[str, Any]) -> list[Metric]:
    """The headline numbers of one inbox (or the demo) as eval metrics, named <label>_<metric>."""
    out = [Metric(name=f"{label}_{k}", value=m[k], n=m["stories"], higher_is_better=k not in LOWER_IS_BETTER,
                  note="verification gate, measured afresh on every citation" if k == "citation_support_share" else "")
           for k in HEADLINE]
    out.append(Metric(name=f"{label}_garbled_ready", value=float(m["garbled_ready"]), n=m["stories"], kind="count",
                      higher_is_better=False, gate_max=0, note="garbled stories marked Ready (must be 0)"))
    return out


def note_for(label: str, m: dict[str, Any]) -> str:
    found = ", ".join(f"{k} {v}" for k, v in m["gate_findings"].items()) or "none"
    return (f"{label}: {m['stories']} stories ({m['to_write']} to write), {m['ready']} Ready, {m['criteria']} criteria, "
            f"{m['citations']} citations; stories per gate finding: {found}.")


def run(ctx: EvalContext) -> tuple[list[Metric], list[str]]:
    """Metrics and notes for every inbox (nothing but a note when the data sets are absent)."""
    folders, notes = inbox_folders(ctx)
    metrics: list[Metric] = []
    for name, folder in folders.items():
        m = run_inbox(ctx, folder, name)
        metrics += metrics_for(name, m)
        notes.append(note_for(name, m))
    return metrics, notes


def main(argv: list[str] | None = None) -> int:
    """Print gate_metrics for workspaces that were already drafted (e.g. by `backlogsmith run`)."""
    from assistant.settings import resolve_settings
    from assistant.workspace import Workspace

    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    paths = [a for a in args if a != "--json"]
    if not paths:
        print("usage: python -m evals.suites.inboxes WORKSPACE [WORKSPACE ...] [--json]", file=sys.stderr)
        return 2
    results = {}
    for path in paths:
        ws = Workspace(resolve_settings(workspace=Path(path)))
        try:
            results[path] = workspace_metrics(ws)
        finally:
            ws.close()
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        for path, m in results.items():
            print(note_for(path, m))
            print("  " + ", ".join(f"{k} {m[k]:.2f}" if m[k] is not None else f"{k} n/a" for k in HEADLINE))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
