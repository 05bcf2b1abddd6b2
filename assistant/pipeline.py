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

from assistant.export.bundle import quote
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
    result.notes += [f"need {n}: already in backlog as {k}, not drafted" for n, k in drafted.covered]
    result.notes += [f"need {n}: no item states an action to draft from; write its story by hand" for n in drafted.no_ask]
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


def _cell(text: str) -> str:
    # Untrusted (feedback, model output): one line, Markdown/HTML syntax escaped as the Markdown export does it.
    from assistant.export.documents import md

    return md(text)


def backlog_markdown(ws: Workspace, stories: Sequence[Story], decisions: Sequence[Any], notes: Sequence[str],
                     needs: Sequence[Any]) -> str:
    """The backlog as Markdown: ranked table, then each story with criteria, evidence quotes and its why."""
    from assistant.repository import load_items

    from assistant.stories.brief import brief_line, points_label

    need_names = {n.id: n.name for n in needs}
    with ws.transaction() as s:
        items = {i.id: i for i in load_items(s, sorted({e for st in stories for e in st.evidence}))}
    lines = ["# Backlog", "", f"Generated {ws.clock():%Y-%m-%d %H:%M} UTC by backlogsmith "
             f"({len(stories)} stories from {len(items)} feedback items). Draft stories: review, edit and approve "
             "them with `backlogsmith stories`.", "",
             "| # | Priority | Story | Points | Value | WSJF | Ready |", "|---|---|---|---|---|---|---|"]
    for st in stories:
        lines.append(f"| {st.value.inputs.get('rank', '')} | {st.priority or ''} | {_cell(st.text)} | {points_label(st)} "
                     f"| {st.value.score:g} | {st.value.wsjf if st.value.wsjf is not None else ''} | {'yes' if st.ready else 'no'} |")
    for st in stories:
        title = st.goal[3:] if st.goal.startswith("to ") else st.goal or f"Story to write: {need_names.get(st.need_id or '', '')}"
        lines += ["", f"## {st.value.inputs.get('rank', '')}. {_cell(title)[:1].upper()}{_cell(title)[1:]}",
                  "", f"`{st.id}` · need: {_cell(need_names.get(st.need_id or '', st.need_id or '-'))} · {st.priority or '-'} · "
                  f"{points_label(st) or '?'} points · MoSCoW: {st.value.moscow or '-'} · status: {st.status}", "",
                  f"**{_cell(st.text)}**", ""]
        if st.kind == "to_write":
            lines += [f"The feedback states no goal the engine could write cleanly; write it from the brief: "
                      f"{_cell(brief_line(st))}.", ""]
        lines += ["Acceptance criteria:", ""]
        for n, c in enumerate(st.acceptance_criteria, 1):
            lines.append(f"{n}. **Given** {_cell(c.given)} **When** {_cell(c.when)} **Then** {_cell(c.then)} "
                         f"_(evidence: {_cell(', '.join(c.evidence))})_")
        if st.value.inputs.get("why"):
            lines += ["", f"Why this rank: {_cell(st.value.inputs['why'])}"]
        findings = [f for f in st.quality if f.severity != "info"]
        if findings:
            lines += ["", "Quality findings:"] + [f"- {f.severity} {f.criterion}: {_cell(f.message)}" for f in findings]
        lines += ["", f"Evidence ({len(st.evidence)} items):", ""]
        first = st.acceptance_criteria[0].evidence if st.acceptance_criteria else []
        for e in list(dict.fromkeys([*first, *st.evidence]))[:8]:
            if e in items:
                lines.append(f"> {_cell(quote(items[e], 240))} — `{e}`, {_cell(items[e].source.path)}:{items[e].source.row}")
                lines.append(">")
        if lines[-1] == ">":
            lines.pop()
        if len(st.evidence) > 8:
            lines.append(f"\n... and {len(st.evidence) - 8} more (`backlogsmith stories show {st.id}`)")
    if decisions:
        lines += ["", "## Stakeholder asks", "", "| Ask | From | Need | Decision | Why |", "|---|---|---|---|---|"]
        for d in decisions:
            lines.append(f"| {_cell(d.text[:160])} | {_cell(d.stakeholder or '')} | {_cell(d.need_name or '')} | {d.decision} | {_cell(d.why)} |")
    if notes:
        lines += ["", "## Notes", ""] + [f"- {_cell(n)}" for n in notes]
    return "\n".join(lines) + "\n"
