"""View-model for the Stories page: one cheap query to group and paginate, full stories only for the page shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assistant.models import Criterion, FeedbackItem, QualityFinding, Story
from assistant.repository import load_items, story_from_row
from assistant.storytext import parse_story
from assistant.tables import NeedRow, StoryHistoryRow, StoryRow
from assistant.workspace import Workspace

STATUSES = ("draft", "approved", "rejected", "exported")
NO_NEED = "(no need)"


@dataclass
class StoryPage:
    """The stories on one page plus what the filters and group headers need."""

    total: int
    page: int
    pages: int
    stories: list[Story]
    need_names: dict[str | None, str]
    counts: list[dict[str, Any]] = field(default_factory=list)


def need_names(ws: Workspace) -> dict[str | None, str]:
    """Live needs ranked by evidence count (the order the PO reads them in)."""
    with ws.transaction() as s:
        rows = s.execute(select(NeedRow.id, NeedRow.name, NeedRow.counts).where(NeedRow.merged_into.is_(None))).all()
    ranked = sorted(rows, key=lambda r: (-int((r.counts or {}).get("total", 0)), r.name, r.id))
    names: dict[str | None, str] = {r.id: r.name for r in ranked}
    names[None] = NO_NEED
    return names


def story_page(
    ws: Workspace,
    *,
    need_id: str | None = None,
    statuses: tuple[str, ...] = (),
    search: str = "",
    page: int = 1,
    page_size: int = 10,
) -> StoryPage:
    """Filter, group (need rank, then status) and paginate; only the visible stories are fully loaded."""
    names = need_names(ws)
    rank = {nid: i for i, nid in enumerate(names)}
    with ws.transaction() as s:
        stmt = select(StoryRow.id, StoryRow.need_id, StoryRow.status, StoryRow.position, StoryRow.role,
                      StoryRow.goal, StoryRow.benefit)
        if need_id:
            stmt = stmt.where(StoryRow.need_id == need_id)
        if statuses:
            stmt = stmt.where(StoryRow.status.in_(statuses))
        rows = s.execute(stmt).all()
        needle = search.strip().lower()
        if needle:
            rows = [r for r in rows if needle in f"{r.role} {r.goal} {r.benefit}".lower()]
        counts = _counts(rows, names)
        rows.sort(key=lambda r: (rank.get(r.need_id, len(rank)), STATUSES.index(r.status) if r.status in STATUSES else 9,
                                 r.position, r.id))
        pages = max(1, -(-len(rows) // page_size))
        page = min(max(1, page), pages)
        ids = [r.id for r in rows[(page - 1) * page_size : page * page_size]]
        loaded = {
            r.id: story_from_row(r)
            for r in s.scalars(select(StoryRow).options(selectinload(StoryRow.criteria)).where(StoryRow.id.in_(ids)))
        }
    return StoryPage(len(rows), page, pages, [loaded[i] for i in ids if i in loaded], names, counts)


def _counts(rows: list[Any], names: dict[str | None, str]) -> list[dict[str, Any]]:
    table: dict[str | None, dict[str, Any]] = {}
    for r in rows:
        entry = table.setdefault(r.need_id, {"need": names.get(r.need_id, r.need_id or NO_NEED), **{s: 0 for s in STATUSES}})
        entry[r.status] = entry.get(r.status, 0) + 1
    order = {nid: i for i, nid in enumerate(names)}
    return [table[k] for k in sorted(table, key=lambda k: order.get(k, len(order)))]


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
            if name == "acceptance_criteria":
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
    """What the PO changed in a story form, as the `changes` dict edit_story takes (empty = nothing to save).

    form: role, goal, benefit, points (0 = unestimated), criteria [{given, when, then, remove}], new {given, when, then}.
    """
    changes: dict[str, Any] = {}
    for key in ("role", "goal", "benefit"):
        value = str(form.get(key, "")).strip()
        if value != getattr(story, key):
            changes[key] = value
    points = form.get("points")
    points = int(points) if points else None
    if points != story.points:
        changes["points"] = points
    criteria: list[Criterion] = []
    for old, new in zip(story.acceptance_criteria, form.get("criteria", [])):
        if new.get("remove"):
            continue
        criteria.append(Criterion(given=new["given"].strip(), when=new["when"].strip(), then=new["then"].strip(),
                                  evidence=list(old.evidence)))
    extra = form.get("new") or {}
    if all(str(extra.get(k, "")).strip() for k in ("given", "when", "then")):
        criteria.append(Criterion(given=extra["given"].strip(), when=extra["when"].strip(), then=extra["then"].strip(),
                                  evidence=list(story.evidence[:1])))
    if criteria != story.acceptance_criteria:
        changes["acceptance_criteria"] = [c.model_dump() for c in criteria]
    return changes


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
