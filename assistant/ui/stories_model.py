"""View-model for the Stories page: one cheap query for the ranked table, the full story only for the one opened."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assistant.errors import NotFoundError, QualityError
from assistant.models import BENEFIT_TO_WRITE, Criterion, FeedbackItem, NeedCounts, QualityFinding, Story
from assistant.needs.evidence import is_problem_need
from assistant.repository import load_items, story_from_row
from assistant.storytext import parse_story
from assistant.tables import FeedbackRow, NeedRow, StoryHistoryRow, StoryRow
from assistant.ui.needs_model import distinct_names
from assistant.workspace import Workspace

STATUSES = ("draft", "approved", "rejected", "exported")
TO_WRITE = "to_write"  # Story.kind of what the drafter hands over: the need brief, goal left to the PO
TO_WRITE_RULE = "story_to_write"  # the finding that holds a story to write out of Ready
NO_NEED = "(no need)"
READY_CHOICES = ("any", "Ready", "not Ready")
CRITERIA_COLUMNS = ("given", "when", "then")


@dataclass
class StoryTable:
    """The ranked rows the filters let through, plus what the filters and headers need."""

    rows: list[dict[str, Any]]
    total: int  # stories in the workspace, before filters
    need_names: dict[str | None, str]
    counts: dict[str, int] = field(default_factory=dict)  # by status, over the filtered rows

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.rows]


def need_names(ws: Workspace) -> dict[str | None, str]:
    """Live needs ranked by evidence count (the order the PO reads them in)."""
    with ws.transaction() as s:
        rows = s.execute(select(NeedRow.id, NeedRow.name, NeedRow.counts).where(NeedRow.merged_into.is_(None))).all()
    ranked = sorted(rows, key=lambda r: (-int((r.counts or {}).get("total", 0)), r.name, r.id))
    shown = distinct_names([r.name or r.id for r in ranked])
    names: dict[str | None, str] = {r.id: name for r, name in zip(ranked, shown)}
    names[None] = NO_NEED
    return names


def is_ready(status: str, ready: bool, kind: str | None = "story") -> bool:
    """Ready as shown to the PO: a rejected story or a story still to write is never Ready, whatever was stored."""
    return bool(ready) and status != "rejected" and kind != TO_WRITE


def story_table(
    ws: Workspace,
    *,
    need_id: str | None = None,
    statuses: tuple[str, ...] = (),
    ready: str = "any",
    search: str = "",
    keep: str | None = None,
) -> StoryTable:
    """Every story the filters let through, ranked (rank 1 first; rejected last), as compact table rows.

    keep: a story id that stays in the table even when the filters would now hide it (the one being edited), so
    saving never makes the open row vanish.
    """
    names = need_names(ws)
    with ws.transaction() as s:
        rows = s.execute(select(StoryRow.id, StoryRow.need_id, StoryRow.status, StoryRow.position, StoryRow.role,
                                StoryRow.goal, StoryRow.benefit, StoryRow.points, StoryRow.priority, StoryRow.ready,
                                StoryRow.value, StoryRow.kind, StoryRow.brief, StoryRow.points_suggested)).all()
    total = len(rows)
    needle = search.strip().lower()

    def wanted(r: Any) -> bool:
        if r.id == keep:
            return True
        if need_id and r.need_id != need_id:
            return False
        if statuses and r.status not in statuses:
            return False
        shown_ready = is_ready(r.status, r.ready, r.kind)
        if (ready == "Ready" and not shown_ready) or (ready == "not Ready" and shown_ready):
            return False
        return not needle or needle in f"{r.role} {r.goal} {r.benefit}".lower()

    out = []
    counts = {s: 0 for s in STATUSES}
    for r in rows:
        if not wanted(r):
            continue
        counts[r.status] = counts.get(r.status, 0) + 1
        rank = (r.value or {}).get("inputs", {}).get("rank") if r.status != "rejected" else None
        out.append({
            "id": r.id, "rank": rank, "priority": r.priority or "", "value": float((r.value or {}).get("score") or 0),
            "points": points_text(r.points, r.points_suggested), "ready": is_ready(r.status, r.ready, r.kind),
            "status": "to write" if r.kind == TO_WRITE and r.status == "draft" else r.status,
            "need": names.get(r.need_id, NO_NEED),
            # the editor shows the full sentence; a story to write shows what the need is about
            "story": (f"(story to write) {(r.brief or {}).get('statement') or names.get(r.need_id, '')}"
                      if r.kind == TO_WRITE else f"{r.role}: {r.goal}, so that "
                      + ("(benefit to write)" if r.benefit.startswith(BENEFIT_TO_WRITE) else r.benefit)),
        })
    out.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["status"] == "rejected", row["id"]))
    return StoryTable(out, total, names, counts)


def points_text(points: int | None, suggested: int | None) -> str:
    """The team's estimate, or the engine's suggestion marked as one ('~3'), or blank."""
    return str(points) if points else f"~{suggested}" if suggested else ""


def load_story(ws: Workspace, story_id: str) -> tuple[Story, str | None]:
    """The full story and why it was rejected (the whole reason, never cut)."""
    with ws.transaction() as s:
        row = s.get(StoryRow, story_id, options=[selectinload(StoryRow.criteria)])
        if row is None:
            raise NotFoundError(f"Story {story_id} no longer exists (a re-draft may have replaced it).")
        return story_from_row(row), row.status_reason


def stories_to_write(ws: Workspace) -> list[dict[str, Any]]:
    """Needs whose story the PO writes: the drafter's stories to write (need brief, no goal; urgent reports in a
    need with no story), and needs with no story at all. 'story' is the story to write's
    id, None when there is none yet."""
    with ws.transaction() as s:
        handed = dict(s.execute(select(StoryRow.need_id, StoryRow.id).where(
            StoryRow.kind == TO_WRITE, StoryRow.status == "draft", StoryRow.need_id.is_not(None))).all())
        covered = set(s.scalars(select(StoryRow.need_id).where(StoryRow.need_id.is_not(None), StoryRow.kind != TO_WRITE)))
        needs = s.execute(select(NeedRow.id, NeedRow.name, NeedRow.statement, NeedRow.counts)
                          .where(NeedRow.merged_into.is_(None))).all()
        item_counts: dict[str, int] = {}
        for (nid,) in s.execute(select(FeedbackRow.need_id).where(FeedbackRow.need_id.is_not(None))):
            item_counts[nid] = item_counts.get(nid, 0) + 1
    rows = [{"id": n.id, "need": n.name or n.id, "statement": n.statement or "", "story": handed.get(n.id),
             "items": int((n.counts or {}).get("total") or item_counts.get(n.id, 0)), "why": _why_to_write(n, handed)}
            for n in needs if n.id in handed or n.id not in covered]
    # the drafter's stories to write first: praise-only needs get no story on purpose and are listed last
    return sorted(rows, key=lambda r: (r["story"] is None, -r["items"], r["need"]))


def _why_to_write(need: Any, handed: dict[str, str]) -> str:
    if need.id in handed:
        return "story to write: its brief is in the editor, the goal is yours"
    if not is_problem_need(NeedCounts.model_validate(need.counts or {})):
        return "praise only: no story needed unless you want one"
    return "no story yet"


def histories(ws: Workspace, story_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Edit history for several stories in one query, newest first."""
    out: dict[str, list[dict[str, Any]]] = {sid: [] for sid in story_ids}
    if not story_ids:
        return out
    with ws.transaction() as s:
        rows = s.scalars(
            select(StoryHistoryRow).where(StoryHistoryRow.story_id.in_(story_ids)).order_by(StoryHistoryRow.id.desc())
        )
        for r in rows:
            out[r.story_id].append({"at": r.at, "actor": r.actor, "action": r.action, "changes": r.changes or {}})
    return out


def history_lines(entries: list[dict[str, Any]]) -> list[str]:
    """Readable lines per change: when, who, what, then 'field: before → after' for the short fields."""
    lines = []
    for e in entries:
        at = e["at"].strftime("%Y-%m-%d %H:%M")
        lines.append(f"{at} · {e['actor']} · {e['action']}")
        for name, change in sorted(e["changes"].items()):
            before, after = (change or {}).get("before"), (change or {}).get("after")
            if name == "reason":  # the PO's words, never cut
                lines.append(f"    reason: {after}")
            elif name == "acceptance_criteria":
                lines.append(f"    criteria: {_criteria_diff(before or [], after or [])}")
            elif isinstance(after, (str, int, float, bool)) or after is None:
                lines.append(f"    {name}: {_short(before)} → {_short(after)}")
            else:
                lines.append(f"    {name} changed")
    return lines


def _short(value: Any, limit: int = 80) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _criteria_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    changed = [str(i + 1) for i, (b, a) in enumerate(zip(before, after)) if b != a]
    parts = [f"{len(before)} → {len(after)}"] if len(before) != len(after) else []
    if changed:
        parts.append("edited " + ", ".join(changed))
    return "; ".join(parts) or "reordered"


def evidence(ws: Workspace, item_ids: list[str]) -> list[FeedbackItem]:
    """The cited feedback items, in citation order."""
    if not item_ids:
        return []
    with ws.transaction() as s:
        by_id = {i.id: i for i in load_items(s, item_ids)}
    return [by_id[i] for i in item_ids if i in by_id]


def source_label(item: FeedbackItem) -> str:
    meta = item.metadata
    extra = " · ".join(str(meta[k]) for k in ("segment", "channel", "date") if meta.get(k))
    label = f"{item.source.path}, row {item.source.row}"
    return f"{label} · {extra}" if extra else label


def story_changes(story: Story, form: dict[str, Any]) -> dict[str, Any]:
    """What the PO changed in the editor, as the `changes` dict edit_story takes (empty = nothing to save).

    form: role, goal, benefit, points (0 = unestimated), criteria: the grid's rows [{given, when, then}] in order
    (a row keeps the evidence of the criterion at its place; a new row cites the story's first item; blank rows
    are dropped; a half-filled row is an error naming it).
    """
    changes: dict[str, Any] = {}
    for key in ("role", "goal", "benefit"):
        value = str(form.get(key) or "").strip()
        if value != getattr(story, key) and not (value == "" and placeholder(story, key)):
            changes[key] = value
    points = form.get("points")
    points = int(points) if points else None
    if points != story.points:
        changes["points"] = points
    criteria: list[Criterion] = []
    for n, row in enumerate(form.get("criteria") or [], 1):
        parts = {k: str(row.get(k) or "").strip() for k in CRITERIA_COLUMNS}
        if not any(parts.values()):
            continue
        empty = [k.title() for k, v in parts.items() if not v]
        if empty:
            raise QualityError(f"Criterion {n} needs a Given, a When and a Then (empty: {', '.join(empty)}).")
        old = story.acceptance_criteria[n - 1] if n <= len(story.acceptance_criteria) else None
        criteria.append(Criterion(**parts, evidence=list(old.evidence) if old else list(story.evidence[:1])))
    if criteria != story.acceptance_criteria:
        changes["acceptance_criteria"] = [c.model_dump() for c in criteria]
    return changes


def placeholder(story: Story, key: str) -> str | None:
    """The drafter's placeholder in a field (a benefit nobody stated, a story to write's empty goal): shown as the
    box's hint, never as text the PO would have to delete."""
    value = getattr(story, key)
    if key == "benefit" and value.startswith(BENEFIT_TO_WRITE):
        return value
    if key == "goal" and story.kind == TO_WRITE and not value.strip():
        return "to … (write it from the need brief)"
    return None


def criteria_rows(story: Story) -> list[dict[str, str]]:
    """The story's criteria as grid rows."""
    return [{"given": c.given, "when": c.when, "then": c.then} for c in story.acceptance_criteria]


_GWT = re.compile(r"^\s*given\s+(?P<given>.+?),\s*when\s+(?P<when>.+?),\s*then\s+(?P<then>.+?)\.?\s*$", re.I | re.S)
_CRITERION_N = re.compile(r"\bcriterion (\d+)\b", re.I)


def fix_changes(story: Story, finding: QualityFinding) -> dict[str, Any] | None:
    """The edit a finding's fix stands for (story text or one Given/When/Then), or None when it is only guidance."""
    fix = (finding.fix or "").strip()
    if not fix or "<" in fix:  # placeholders like <what the user sees> need the PO's words
        return None
    gwt = _GWT.match(fix)
    if gwt:
        parts = {k: v.strip() for k, v in gwt.groupdict().items()}
        n = _CRITERION_N.search(finding.message)
        crits = [c.model_dump() for c in story.acceptance_criteria]
        if n and 1 <= int(n.group(1)) <= len(crits):
            crits[int(n.group(1)) - 1].update(parts)
        else:
            crits.append({**parts, "evidence": list(story.evidence[:1])})
        return {"acceptance_criteria": crits}
    parts = parse_story(fix)
    if not (parts.role and parts.means):
        return None
    goal = f"to {parts.means}" if (parts.means_indicator or "").lower().endswith(" to") else parts.means
    wanted = {"role": parts.role, "goal": goal, "benefit": parts.ends or story.benefit}
    changes = {k: v for k, v in wanted.items() if v != getattr(story, k)}
    return changes or None
