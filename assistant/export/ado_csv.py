"""Azure DevOps (Boards) CSV import with a Title 1 / Title 2 hierarchy: the need, then its stories.

Boards takes Description and Acceptance Criteria as HTML, so every piece of text is HTML-escaped. One
import file may hold at most 1,000 work items; larger backlogs are split on need boundaries so a parent
row and its children stay in the same file.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ExportError
from assistant.export.bundle import Bundle, one_line, priority_level, quote, source_label, step, tags, title
from assistant.export.csvfile import write_csv
from assistant.models import Story

MAX_ROWS = 1000
HEADER = ["ID", "Work Item Type", "Title 1", "Title 2", "Description", "Acceptance Criteria", "Priority",
          "{effort}", "Tags"]


@dataclass(frozen=True)
class Process:
    """What the project's process template calls the parent, the story and its effort field."""

    parent_type: str
    story_type: str
    effort_label: str
    effort_field: str


PROCESSES = {
    "agile": Process("Feature", "User Story", "Story Points", "Microsoft.VSTS.Scheduling.StoryPoints"),
    "scrum": Process("Feature", "Product Backlog Item", "Effort", "Microsoft.VSTS.Scheduling.Effort"),
    "cmmi": Process("Feature", "Requirement", "Size", "Microsoft.VSTS.Scheduling.Size"),
    "basic": Process("Epic", "Issue", "Effort", "Microsoft.VSTS.Scheduling.Effort"),
}


def description_html(story: Story, bundle: Bundle) -> str:
    esc = html.escape
    parts = [f"<p>{esc(one_line(story.text))}</p>"]
    need = bundle.need(story)
    if need:
        parts.append(f"<p><b>Need:</b> {esc(one_line(need.name))}: {esc(one_line(need.statement))}</p>")
    evidence = bundle.evidence(story)
    if evidence:
        items = "".join(
            f"<li>{esc(item.id)} ({esc(source_label(item))}): &quot;{esc(quote(item))}&quot;</li>" for item in evidence
        )
        parts.append(f"<p><b>Evidence</b></p><ul>{items}</ul>")
    parts.append(f"<p>backlogsmith story {esc(story.id)}</p>")
    return "".join(parts)


def criteria_html(story: Story) -> str:
    esc = html.escape
    items = "".join(
        f"<li><b>Given</b> {esc(step(c.given))} <b>When</b> {esc(step(c.when))} "
        f"<b>Then</b> {esc(step(c.then))}</li>"
        for c in story.acceptance_criteria
    )
    return f"<ol>{items}</ol>" if items else ""


Row = list[object]


def groups(bundle: Bundle, process: Process) -> list[tuple[Row | None, list[Row]]]:
    """(parent row, story rows) per need; stories without a need form a group with no parent."""
    by_need: dict[str | None, list[Story]] = {}
    for story in bundle.stories:
        key = story.need_id if story.need_id in bundle.needs else None
        by_need.setdefault(key, []).append(story)
    out = []
    for need_id, stories in by_need.items():
        parent: Row | None = None
        children: list[Row] = []
        if need_id is not None:
            need = bundle.needs[need_id]
            parent = (["", process.parent_type, one_line(need.name, 255), "",
                          f"<p>{html.escape(one_line(need.statement))}</p>", "", "", "", "backlogsmith"])
        for story in stories:
            # Title 2 nests the story under the Title 1 row above it; a story without a need is top-level.
            t1, t2 = ("", title(story, 255)) if need_id is not None else (title(story, 255), "")
            children.append(["", process.story_type, t1, t2, description_html(story, bundle), criteria_html(story),
                          priority_level(story) or "", story.points if story.points is not None else "",
                          "; ".join(tags(story, bundle))])
        out.append((parent, children))
    return out


def chunks(all_groups: list[tuple[Row | None, list[Row]]], limit: int = MAX_ROWS) -> list[list[Row]]:
    """Pack whole groups into files of at most `limit` rows; a group bigger than a file repeats its parent."""
    files: list[list[Row]] = [[]]
    for parent_row, children in all_groups:
        parent = [parent_row] if parent_row is not None else []
        group = parent + children
        if len(group) <= limit:
            if len(files[-1]) + len(group) > limit:
                files.append([])
            files[-1].extend(group)
            continue
        step = limit - len(parent)
        for start in range(0, len(children), step):
            files.append(parent + children[start : start + step])
    return [f for f in files if f]


def write(bundle: Bundle, out: Path, *, process: str = "agile") -> list[Path]:
    proc = PROCESSES.get(process)
    if proc is None:
        raise ExportError(f"Unknown Azure DevOps process {process!r}; use one of {', '.join(PROCESSES)}.")
    base = out / "backlog-ado.csv" if out.is_dir() or not out.suffix else out
    header = [h.format(effort=proc.effort_label) for h in HEADER]
    paths = []
    for n, chunk in enumerate(chunks(groups(bundle, proc)), start=1):
        path = base if n == 1 else base.with_name(f"{base.stem}-{n}{base.suffix}")
        write_csv(path, header, chunk)
        paths.append(path)
    return paths
