"""Jira Cloud CSV import: needs become Epics, stories become Stories linked by Issue ID / Parent.

Jira's importer resolves Parent against an Issue ID defined earlier in the same file, so parents come
first. Epic Link is deprecated in Jira Cloud; Parent works for every project type. Jira renders text
fields as wiki markup, so feedback text has its markup characters escaped.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.export.bundle import Bundle, one_line, priority_name, quote, slug, source_label, step, tags, title
from assistant.export.csvfile import write_csv
from assistant.models import Story

_WIKI_SPECIAL = re.compile(r"([\\{}\[\]|*_^~!#])")
BASE_COLUMNS = ["Issue ID", "Parent", "Issue Type", "Summary", "Description", "Priority"]
TAIL_COLUMNS = ["Story Points", "Acceptance Criteria"]


def wiki(text: str) -> str:
    """Escape Jira wiki markup characters (macros, links, tables, emphasis) in untrusted text."""
    return _WIKI_SPECIAL.sub(r"\\\1", text)


def labels(story: Story, bundle: Bundle) -> list[str]:
    """Jira labels cannot contain spaces: slugs only."""
    out = tags(story, bundle)
    if story.points is not None:
        out.append(f"points-{story.points}")
    return out


def description(story: Story, bundle: Bundle) -> str:
    lines = [wiki(one_line(story.text))]
    need = bundle.need(story)
    if need:
        lines += ["", f"Need: {wiki(one_line(need.name))}: {wiki(one_line(need.statement))}"]
    evidence = bundle.evidence(story)
    if evidence:
        lines += ["", "Evidence:"]
        lines += [f"- {wiki(item.id)} ({wiki(source_label(item))}): \"{wiki(quote(item))}\"" for item in evidence]
    lines += ["", f"backlogsmith story {story.id}"]
    return "\n".join(lines)


def criteria_text(story: Story) -> str:
    return "\n".join(
        f"{i}. Given {wiki(step(c.given))} When {wiki(step(c.when))} Then {wiki(step(c.then))}"
        for i, c in enumerate(story.acceptance_criteria, start=1)
    )


def rows(bundle: Bundle) -> tuple[list[str], list[list[object]]]:
    """Header (with as many Labels columns as the most-labelled story needs) and the rows, Epics first."""
    epic_ids: dict[str, int] = {}
    epic_rows: list[list[object]] = []
    for need in bundle.needs_in_order():
        epic_ids[need.id] = len(epic_ids) + 1
        epic_rows.append([epic_ids[need.id], "", "Epic", one_line(need.name, 250), wiki(one_line(need.statement)),
                          "", ["backlogsmith", f"need-{slug(need.name)}"], None, ""])
    story_rows = []
    next_id = len(epic_ids) + 1
    for story in bundle.stories:
        parent = epic_ids.get(story.need_id or "", "")
        story_rows.append([next_id, parent, "Story", title(story), description(story, bundle),
                           priority_name(story) or "", labels(story, bundle), story.points, criteria_text(story)])
        next_id += 1
    all_rows = epic_rows + story_rows
    width = max(len(r[6]) for r in all_rows)
    header = BASE_COLUMNS + ["Labels"] * width + TAIL_COLUMNS
    flat = [r[:6] + list(r[6]) + [""] * (width - len(r[6])) + r[7:] for r in all_rows]
    return header, flat


def write(bundle: Bundle, out: Path) -> list[Path]:
    path = out / "backlog-jira.csv" if out.is_dir() or not out.suffix else out
    header, data = rows(bundle)
    write_csv(path, header, data)
    return [path]
