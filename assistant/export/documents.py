"""JSON (machine-readable, lossless) and Markdown (a readable backlog for a Sprint Review) exports."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.export.bundle import Bundle, one_line, priority_name, quote, source_label, step
from assistant.models import Story

JSON_SCHEMA_ID = "backlogsmith.backlog/1"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}])")


def as_json(bundle: Bundle, generated_at: datetime) -> dict[str, Any]:
    """Every story with its criteria, value inputs and the evidence it cites (quote + source row)."""
    stories = []
    for story in bundle.stories:
        data = story.model_dump(mode="json")
        data["text"] = story.text
        data["not_ready_reasons"] = bundle.not_ready.get(story.id, [])
        data["evidence_items"] = [
            {"id": i.id, "quote": i.text, "source": i.source.model_dump(mode="json")} for i in bundle.evidence(story)
        ]
        stories.append(data)
    return {
        "schema": JSON_SCHEMA_ID,
        "generated_at": generated_at.isoformat(),
        "needs": [n.model_dump(mode="json") for n in bundle.needs_in_order()],
        "stories": stories,
    }


def md(text: str) -> str:
    """One line of untrusted text, with Markdown/HTML syntax characters backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def _story_md(story: Story, bundle: Bundle) -> list[str]:
    facts = [f"`{story.id}`"]
    if priority_name(story):
        facts.append(f"priority {priority_name(story)}")
    if story.points is not None:
        facts.append(f"{story.points} points")
    if story.value.score:
        facts.append(f"value {story.value.score:g}")
    if story.id in bundle.not_ready:
        facts.append("**not ready**: " + md(", ".join(bundle.not_ready[story.id]) or "not ready"))
    out = [f"### {md(story.text)}", "", " · ".join(facts), ""]
    if story.acceptance_criteria:
        out.append("**Acceptance criteria**")
        out.append("")
        for i, c in enumerate(story.acceptance_criteria, start=1):
            cites = f" ({', '.join(md(e) for e in c.evidence)})" if c.evidence else ""
            out.append(f"{i}. **Given** {md(step(c.given))} **When** {md(step(c.when))} **Then** {md(step(c.then))}{cites}")
        out.append("")
    evidence = bundle.evidence(story)
    if evidence:
        out.append("**Evidence**")
        out.append("")
        for item in evidence:
            out.append(f"> {md(quote(item))}  ")
            out.append(f"> — {md(item.id)}, {md(source_label(item))}")
            out.append("")
    return out


def as_markdown(bundle: Bundle, generated_at: datetime) -> str:
    """Needs as sections, each with its stories, criteria and evidence quotes."""
    lines = ["# Backlog", "", f"Generated {generated_at:%Y-%m-%d %H:%M} UTC · {len(bundle.stories)} stories", ""]
    for need in bundle.needs_in_order():
        lines += [f"## {md(need.name)}", "", md(need.statement), ""]
        if need.counts.total:
            lines += [f"{need.counts.total} feedback items", ""]
        for story in bundle.stories:
            if story.need_id == need.id:
                lines += _story_md(story, bundle)
    loose = [s for s in bundle.stories if s.need_id not in bundle.needs]
    if loose:
        lines += ["## Other stories", ""]
        for story in loose:
            lines += _story_md(story, bundle)
    return "\n".join(lines).rstrip() + "\n"


def _target(out: Path, default_name: str) -> Path:
    path = out / default_name if out.is_dir() or not out.suffix else out
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_json(bundle: Bundle, out: Path, *, generated_at: datetime) -> list[Path]:
    path = _target(out, "backlog.json")
    path.write_text(json.dumps(as_json(bundle, generated_at), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [path]


def write_markdown(bundle: Bundle, out: Path, *, generated_at: datetime) -> list[Path]:
    path = _target(out, "backlog.md")
    path.write_text(as_markdown(bundle, generated_at), encoding="utf-8")
    return [path]
