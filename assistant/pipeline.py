"""The main job in one direction: ingest -> triage -> needs -> draft -> lint -> prioritize -> backlog file.

Each step is the same library call the CLI and UI use; this module only sequences them, times them, and
renders the result (a rich table on the terminal, a Markdown backlog file).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from assistant.export.backlog_report import backlog_markdown
from assistant.models import Story
from assistant.workspace import Workspace


@dataclass
class PipelineResult:
    """What the run produced and how long each step took (seconds)."""

    stories: list[Story] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    notes: list[str] = field(default_factory=list)


def run_pipeline(ws: Workspace, paths: Sequence[Path], *, out: Path, console: Console) -> PipelineResult:
    """Run every step on the given sources, print a ranked table and write the Markdown backlog."""
    from ingest import ingest_paths

    from assistant.cli.common import text  # file names, notes and usage lines are untrusted: render literally
    from assistant.llm import finish_run, get_provider
    from assistant.needs import build_needs
    from assistant.stats import workspace_stats
    from assistant.stories import draft
    from assistant.triage import triage_items
    from assistant.value import prioritize, stakeholder_decisions

    result = PipelineResult(out=out)
    provider = get_provider(ws.settings, ws)

    def step(name: str, fn: Any) -> Any:
        start = time.perf_counter()
        with console.status(f"{name}..."):
            value = fn()
        result.timings[name] = round(time.perf_counter() - start, 2)
        return value

    report = step("ingest", lambda: ingest_paths(ws, list(paths), skip_bad_rows=False))
    console.print(text(report.summary()), soft_wrap=True)
    console.print(text(workspace_stats(ws).summary()), soft_wrap=True)
    triaged = step("triage", lambda: triage_items(ws, provider=provider))
    needs = step("needs", lambda: build_needs(ws, provider=provider))
    drafted = step("draft + lint", lambda: draft(ws, provider=provider))
    ranked = step("prioritize", lambda: prioritize(ws))
    decisions = stakeholder_decisions(ws)
    order = {st.id: st for st in ranked}
    result.stories = sorted(
        [order.get(st.id, st) for st in drafted.stories if st.status != "rejected"],
        key=lambda st: st.value.inputs.get("rank", 10**6),
    )
    result.notes = list(drafted.messages)
    names = {n.id: n.name for n in needs}
    result.notes += [f"need {names.get(n, n)}: already in backlog as {k}, not drafted" for n, k in drafted.covered]
    result.notes += [f"need {names.get(n, n)}: no item states an action to draft from; write its story by hand"
                     for n in drafted.no_ask]
    result.notes += [f"story {s}: kept as the PO left it ({why})" for s, why in drafted.kept]
    console.print(f"triaged {triaged} items, {len(needs)} needs, {len(result.stories)} stories")
    console.print(_table(result.stories))
    for note in result.notes:
        console.print(text(note, "yellow"))
    out.write_text(backlog_markdown(ws, result.stories, decisions, result.notes, needs), encoding="utf-8")
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    console.print(text(f"wrote {out} ({len(result.stories)} stories); {timing}"))
    usage = finish_run(ws, provider, "run")
    if usage:
        console.print(text(usage), soft_wrap=True)
    return result


def _table(stories: Sequence[Story]) -> Table:
    from assistant.cli.common import cells  # story text comes from feedback: never read it as markup
    from assistant.stories.brief import display_text, points_label

    table = Table(title="Backlog (ranked by WSJF)", show_lines=False)
    for col, kw in (("#", {"justify": "right"}), ("prio", {}), ("pts", {"justify": "right"}),
                    ("value", {"justify": "right"}), ("ready", {}), ("story", {"ratio": 1}), ("evidence", {"justify": "right"})):
        table.add_column(col, **kw)
    for st in stories:
        errors = sum(1 for f in st.quality if f.severity == "error")
        table.add_row(*cells(st.value.inputs.get("rank", ""), st.priority or "", points_label(st), f"{st.value.score:g}",
                             "yes" if st.ready else f"no{' (' + str(errors) + ' lint)' if errors else ''}", display_text(st),
                             len(st.evidence)))
    return table
