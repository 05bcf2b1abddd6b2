"""What every exporter works from: the stories to export plus their needs and evidence, read once.

Also the readiness gate (non-Ready stories are refused unless forced) and the few text helpers every
format shares (title, priority level, evidence quote), so Jira, Azure, GitHub and the files agree.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.errors import ExportError
from assistant.models import FeedbackItem, Need, Story
from assistant.readiness import evaluate_ready
from assistant.repository import load_items, load_needs, load_stories
from assistant.textclean import clean_text

if TYPE_CHECKING:  # chromadb + numpy load with the workspace; the CLI imports this package for --help
    from assistant.workspace import Workspace

QUOTE_CHARS = 280
DEFAULT_EVIDENCE_URL = "urn:backlogsmith:feedback:{item_id}"

# Story.priority may hold a MoSCoW word or a plain level; trackers want one of four levels (1 = highest).
_PRIORITY_LEVELS = {
    "critical": 1, "urgent": 1, "highest": 1, "p1": 1, "must": 1,
    "high": 2, "p2": 2, "should": 2,
    "medium": 3, "normal": 3, "p3": 3, "could": 3,
    "low": 4, "lowest": 4, "p4": 4, "wont": 4, "won't": 4,
}
LEVEL_NAMES = {1: "Highest", 2: "High", 3: "Medium", 4: "Low"}


@dataclass
class Bundle:
    """Stories in backlog order with the needs and evidence items they reference."""

    stories: list[Story]
    needs: dict[str, Need] = field(default_factory=dict)
    items: dict[str, FeedbackItem] = field(default_factory=dict)
    not_ready: dict[str, list[str]] = field(default_factory=dict)
    # BACKLOGSMITH_EVIDENCE_URL (e.g. "https://feedback.example.com/items/{item_id}") makes links clickable.
    evidence_url_template: str = DEFAULT_EVIDENCE_URL

    def evidence_url(self, item: FeedbackItem, story: Story | None = None) -> str:
        """Where an evidence item can be looked up, stable per item (trackers link to it)."""
        return self.evidence_url_template.format(item_id=item.id, story_id=story.id if story else "")

    def need(self, story: Story) -> Need | None:
        return self.needs.get(story.need_id or "")

    def evidence(self, story: Story) -> list[FeedbackItem]:
        """Evidence items of the story and its criteria, story-level first, without repeats."""
        ids = list(dict.fromkeys([*story.evidence, *(e for c in story.acceptance_criteria for e in c.evidence)]))
        return [self.items[i] for i in ids if i in self.items]

    def needs_in_order(self) -> list[Need]:
        """Needs referenced by the stories, in the order they first appear (parents before children)."""
        seen = dict.fromkeys(s.need_id for s in self.stories if s.need_id in self.needs)
        return [self.needs[n] for n in seen if n]


def collect(ws: Workspace, *, status: str | None = "approved", force: bool = False,
            story_ids: Sequence[str] | None = None) -> Bundle:
    """Load stories with the given status (only `story_ids` when given); refuse non-Ready ones unless force."""
    with ws.transaction() as s:
        stories = load_stories(s, status=status)
        if story_ids is not None:
            stories = _picked(stories, story_ids, status)
        needs = {n.id: n for n in load_needs(s)}
        ids = {e for st in stories for e in [*st.evidence, *(x for c in st.acceptance_criteria for x in c.evidence)]}
        items = {i.id: i for i in load_items(s, sorted(ids))} if ids else {}
    to_write = [st.id for st in stories if st.kind == "to_write"]
    if to_write and story_ids is not None:
        raise ExportError(f"Cannot export {', '.join(to_write)}: a story to write has no goal yet; write it first "
                          "(`backlogsmith stories edit ID --goal ...`).")
    stories = [st for st in stories if st.kind != "to_write"]  # never exported as if they were stories, even forced
    if not stories:
        raise ExportError(
            f"No stories with status {status!r} to export; approve some first (`backlogsmith stories approve ID`)."
        )
    dor = ws.get_setting("definition_of_ready")
    not_ready = {}
    for story in stories:
        ok, reasons = evaluate_ready(story, dor)
        if not ok:
            not_ready[story.id] = reasons
    if not_ready and not force:
        listed = "; ".join(f"{sid} ({', '.join(r) or 'not ready'})" for sid, r in not_ready.items())
        raise ExportError(f"{len(not_ready)} story(ies) do not meet the Definition of Ready: {listed}. "
                          "Fix them, or pass --force to export anyway.")
    return Bundle(stories=stories, needs=needs, items=items, not_ready=not_ready)


def _picked(stories: list[Story], story_ids: Sequence[str], status: str | None) -> list[Story]:
    """The chosen stories in backlog order; an id that is not among them is an error, never silently skipped."""
    if not story_ids:
        raise ExportError("No stories picked to export; pick at least one.")
    by_id = {st.id: st for st in stories}
    missing = [i for i in dict.fromkeys(story_ids) if i not in by_id]
    if missing:
        raise ExportError(f"Cannot export {', '.join(missing)}: not found with status {status!r} "
                          "(approve them first, or check the ids).")
    wanted = set(story_ids)
    return [st for st in stories if st.id in wanted]


def title(story: Story, limit: int = 250) -> str:
    """A one-line summary for tracker title fields: the goal without its leading 'to', capitalised."""
    goal = one_line(story.goal)
    goal = goal[3:] if goal.lower().startswith("to ") else goal
    text = (goal[:1].upper() + goal[1:]) or story.id
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int | None = None) -> str:
    """Drop control characters, collapse all whitespace (newlines included) to single spaces; optionally truncate."""
    flat = " ".join(clean_text(str(text)).split())
    if limit and len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


_LEADING_KEYWORD = re.compile(r"^(?:given|when|then|and|but)\b[\s,:]*", re.IGNORECASE)


def step(text: str) -> str:
    """A criterion part on one line without a repeated keyword ("Given Given a user ..." reads badly)."""
    return _LEADING_KEYWORD.sub("", one_line(text), count=1) or "(not specified)"


def quote(item: FeedbackItem, limit: int = QUOTE_CHARS) -> str:
    """A short, single-line quote of an evidence item (already PII-redacted by ingest)."""
    return one_line(item.text, limit)


def source_label(item: FeedbackItem) -> str:
    return f"{item.source.path} row {item.source.row}"


def priority_level(story: Story) -> int | None:
    """1 (highest) .. 4 (lowest) from Story.priority or the MoSCoW value, None when unknown."""
    for raw in (story.priority, story.value.moscow):
        if raw:
            level = _PRIORITY_LEVELS.get(str(raw).strip().lower())
            if level:
                return level
    return None


def priority_name(story: Story) -> str | None:
    level = priority_level(story)
    return LEVEL_NAMES[level] if level else None


def slug(text: str, limit: int = 40) -> str:
    """Lower-case ascii token with hyphens: safe inside tags and labels (no spaces, no commas)."""
    out = []
    for ch in text.lower():
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    token = "-".join(p for p in "".join(out).split("-") if p)
    return token[:limit].strip("-") or "x"


def tags(story: Story, bundle: Bundle) -> list[str]:
    """backlogsmith, story-<id>, need-<name>: slugs, so they are valid labels, tags and keywords in every tracker."""
    out = ["backlogsmith", f"story-{slug(story.id)}"]
    need = bundle.need(story)
    if need:
        out.append(f"need-{slug(need.name)}")
    return out


def payload_hash(payload: Any) -> str:
    """Stable hash of what was sent or written, so a record tells whether the remote is up to date."""
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
