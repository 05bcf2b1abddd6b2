"""The run's backlog file: what the inbox says, the ranked stories with criteria and evidence, the asks' decisions.

A PO reads this file first, so nothing the run saw may vanish from it silently: praise is recorded (and why it has
no story), and feedback that fits no need is listed, serious items first, instead of sitting unseen in the workspace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from assistant.export.bundle import quote
from assistant.models import FeedbackItem, Need, Story
from assistant.workspace import Workspace

UNPLACED_SHOWN = 25  # the unplaced problems and asks listed in full; the rest are counted with the command to see them
_URGENCY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _cell(text: str) -> str:
    # Untrusted (feedback, model output): one line, Markdown/HTML syntax escaped as the Markdown export does it.
    from assistant.export.documents import md

    return md(text)


def _is_praise(item: FeedbackItem) -> bool:
    """Typed praise whose words report nothing and ask nothing: "Good but add alarm when battery charged 100%" is
    typed praise by its tone, yet a PO must see it among the problems and asks, not only in a praise count."""
    from assistant.needs.evidence import reports

    return item.triage is not None and item.triage.type == "praise" and not reports(item)


def _urgency(item: FeedbackItem) -> str:
    return item.triage.urgency.label if item.triage else "low"


def urgent_first(items: Iterable[FeedbackItem]) -> list[FeedbackItem]:
    """High urgency, then medium, then low (stable within each): how a PO reads a pile of unplaced feedback."""
    return sorted(items, key=lambda i: _URGENCY_ORDER.get(_urgency(i), 3))


def _items(n: int) -> str:
    return f"{n} item{'s' if n != 1 else ''}"


def _quote_line(item: FeedbackItem, width: int = 240) -> str:
    return f"> {_cell(quote(item, width))} — `{item.id}`, {_cell(item.source.path)}:{item.source.row}"


def inbox_overview(items: Sequence[FeedbackItem], needs: Sequence[Need], stories: Sequence[Story]) -> list[str]:
    """Where every feedback item went: into a need with a row (a story or a story to write), a need whose story was
    folded into another need's story (its items cited by or listed on that row), a praise need (no story), a need
    with no row at all, or no need. The parts add up to the total: nothing is counted where it is not shown."""
    from assistant.stories.draft import praise_only
    from assistant.stories.folded import folded_needs

    feedback = [i for i in items if i.kind == "feedback" and i.duplicate_of is None]
    by_id = {i.id: i for i in feedback}
    drafted = {st.need_id for st in stories}
    shown_on = {nid: st for st in stories for nid, _ in folded_needs(st)}
    members = {n.id: [by_id[i] for i in n.item_ids if i in by_id] for n in needs}
    praise_needs = [n for n in needs if n.id not in drafted and praise_only(members[n.id])]
    folded = [n for n in needs if n.id not in drafted and n.id in shown_on and n not in praise_needs]
    bare = [n for n in needs if n.id not in drafted and members[n.id] and n not in praise_needs and n not in folded]
    unplaced = [i for i in feedback if i.need_id is None]
    serious = [i for i in unplaced if not _is_praise(i) and _urgency(i) == "high"]

    def count(group: Sequence[Need]) -> int:
        return sum(len(members[n.id]) for n in group)

    placed = len(feedback) - len(unplaced) - count(praise_needs) - count(folded) - count(bare)
    parts = [f"{placed} in needs with a story or a story to write"]
    if folded:
        parts.append(f"{count(folded)} in {len(folded)} need{'s' if len(folded) != 1 else ''} whose story asked what "
                     "another need's story asks (cited by or listed on that story)")
    parts.append(f"{count(praise_needs)} in {len(praise_needs)} praise needs (recorded, no story)")
    if bare:
        parts.append(f"{count(bare)} in {len(bare)} need{'s' if len(bare) != 1 else ''} with no story")
    lines = ["## What the inbox says", "",
             f"- {len(feedback)} feedback items (duplicates not counted): {', '.join(parts)}, {len(unplaced)} in no "
             f"need{f' ({len(serious)} of them high urgency)' if serious else ''}."]
    for n in sorted(praise_needs, key=lambda n: -len(members[n.id])):
        lines.append(f"- Praise, no story: {_cell(n.name)} ({len(members[n.id])} items).")
    for n in sorted(folded, key=lambda n: -len(members[n.id])):
        st = shown_on[n.id]
        goal = st.goal[3:] if st.goal.startswith("to ") else st.goal or st.text
        lines.append(f"- Same ask as story {st.value.inputs.get('rank', '')} (“{_cell(goal)}”): "
                     f"{_cell(n.name)} ({_items(len(members[n.id]))}), shown on that story.")
    for n in sorted(bare, key=lambda n: -len(members[n.id])):
        lines.append(f"- No story: {_cell(n.name)} ({_items(len(members[n.id]))}; `backlogsmith needs show {n.id}`).")
    if unplaced:
        lines.append("- Feedback in no need is listed at the end of this file, high urgency first: read it before "
                     "the refinement meeting, it may hold a problem nobody else reported.")
    return lines + [""]


LISTED_SHOWN = 8  # urgent reports a story does not cover, quoted in its entry


def folded_lines(title: str, left: Sequence[FeedbackItem]) -> list[str]:
    """Items a story lists but does not cite (a folded need's, assistant.stories.folded; another action of its
    need, assistant.stories.other_ask), quoted on it under `title` (already escaped)."""
    if not left:
        return []
    lines = ["", title, ""]
    for item in left[:LISTED_SHOWN]:
        lines += [_quote_line(item), ">"]
    lines.pop()
    if len(left) > LISTED_SHOWN:
        lines.append(f"\n... and {len(left) - LISTED_SHOWN} more (ids in the finding above)")
    return lines


def unplaced_section(items: Sequence[FeedbackItem]) -> list[str]:
    """Feedback no need holds, problems and asks first by urgency, then how much praise was left out."""
    feedback = [i for i in items if i.kind == "feedback" and i.duplicate_of is None and i.need_id is None]
    if not feedback:
        return []
    asks = urgent_first(i for i in feedback if not _is_praise(i))
    praise = len(feedback) - len(asks)
    lines = ["", "## Feedback in no need", "",
             f"{len(feedback)} items fit no need: {len(asks)} problems, questions or asks"
             f"{f' and {praise} praise' if praise else ''}. Each may deserve a story of its own or a place in a need "
             "(`backlogsmith needs` lets you move items).", ""]
    for item in asks[:UNPLACED_SHOWN]:
        kind = item.triage.type.replace("_", " ") if item.triage else "untriaged"
        lines += [f"{_quote_line(item, 200)} ({kind}, {_urgency(item)} urgency)", ">"]
    if lines[-1] == ">":
        lines.pop()
    if len(asks) > UNPLACED_SHOWN:
        lines.append(f"\n... and {len(asks) - UNPLACED_SHOWN} more (`backlogsmith feedback list --no-need`).")
    # the praise is listed too, after: a review typed praise may still carry a problem its words hide from triage
    # ("White text on white background is a no no"), and a count alone hides it from the PO
    kept = [i for i in feedback if _is_praise(i)]
    if kept:
        lines += ["", f"Praise in no need ({len(kept)}):", ""]
        lines += [f"- {_quote_line(item, 160)[2:]}" for item in kept[:UNPLACED_SHOWN]]
        if len(kept) > UNPLACED_SHOWN:
            lines.append(f"- ... and {len(kept) - UNPLACED_SHOWN} more (`backlogsmith feedback list --no-need`).")
    return lines


def backlog_markdown(ws: Workspace, stories: Sequence[Story], decisions: Sequence[Any], notes: Sequence[str],
                     needs: Sequence[Any]) -> str:
    """The backlog as Markdown: where the inbox went, ranked table, each story with criteria, evidence and its why,
    the stakeholder asks' decisions, and the feedback no need holds."""
    from assistant.repository import load_items
    from assistant.stories.brief import brief_line, points_label
    from assistant.stories.folded import folded_needs
    from assistant.stories.other_ask import OTHER_ASK, other_asked, shown_ids
    from assistant.stories.urgent import listed

    need_names = {n.id: n.name for n in needs}
    with ws.transaction() as s:
        every = load_items(s, kind="feedback") if needs else []
        items = {i.id: i for i in load_items(s, sorted({e for st in stories for e in shown_ids(st)}))}
    cited = {e for st in stories for e in st.evidence}
    lines = ["# Backlog", "", f"Generated {ws.clock():%Y-%m-%d %H:%M} UTC by backlogsmith "
             f"({len(stories)} stories citing {len(cited & set(items))} feedback items). Draft stories: review, edit and approve "
             "them with `backlogsmith stories`.", ""]
    if every:
        lines += inbox_overview(every, needs, stories)
    lines += ["| # | Priority | Story | Points | Value | WSJF | Ready |", "|---|---|---|---|---|---|---|"]
    for st in stories:
        # serious reports the story leaves out are said in its row, not in a row of their own
        left = f" (and {len(listed(st))} urgent report{'s' if len(listed(st)) != 1 else ''} it does not cover)" \
            if listed(st) else ""
        left += "".join(f" (and {len(ids)} item{'s' if len(ids) != 1 else ''} of need '{_cell(need_names.get(nid, nid))}' "
                        "it does not cite)" for nid, ids in folded_needs(st))
        left += f" (and {len(other_asked(st))} items of its need asking with other verbs)" if other_asked(st) else ""
        lines.append(f"| {st.value.inputs.get('rank', '')} | {st.priority or ''} | {_cell(st.text)}{left} | {points_label(st)} "
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
        if [e for e in listed(st) if e in items]:
            lines += ["", "Urgent reports this story does not cover (read them first):", ""]
            shown = [e for e in listed(st) if e in items]
            for e in shown[:LISTED_SHOWN]:
                lines += [_quote_line(items[e]), ">"]
            lines.pop()
            if len(shown) > LISTED_SHOWN:  # every id is in the finding above
                lines.append(f"\n... and {len(shown) - LISTED_SHOWN} more (ids in the finding above)")
        for nid, ids in folded_needs(st):
            lines += folded_lines(f"Items of need '{_cell(need_names.get(nid, nid))}' (its story asked the same as this "
                                  "one) that this story does not cite, since they do not support its goal (if both "
                                  f"needs are one: `backlogsmith needs merge {st.need_id} {nid}`):",
                                  [items[e] for e in ids if e in items])
        for f in (f for f in st.quality if f.criterion == OTHER_ASK):
            said = _cell(f.message.split("(to ", 1)[-1].split(")", 1)[0])
            lines += folded_lines(f"Items of this need asking with other verbs (to {said}), which this story does not "
                                  "cite; perhaps a second story:",
                                  [items[e] for e in other_asked(st) if e in items])
        lines += ["", f"Evidence ({len(st.evidence)} items):", ""]
        first = st.acceptance_criteria[0].evidence if st.acceptance_criteria else []
        for e in list(dict.fromkeys([*first, *st.evidence]))[:8]:
            if e in items:
                lines += [_quote_line(items[e]), ">"]
        if lines[-1] == ">":
            lines.pop()
        if len(st.evidence) > 8:
            lines.append(f"\n... and {len(st.evidence) - 8} more (`backlogsmith stories show {st.id}`)")
    if decisions:
        lines += ["", "## Stakeholder asks", "", "| Ask | From | Need | Decision | Why |", "|---|---|---|---|---|"]
        for d in decisions:
            lines.append(f"| {_cell(d.text[:160])} | {_cell(d.stakeholder or '')} | {_cell(d.need_name or '')} | {d.decision} | {_cell(d.why)} |")
    lines += unplaced_section(every)
    if notes:
        lines += ["", "## Notes", ""] + [f"- {_cell(n)}" for n in notes]
    return "\n".join(lines) + "\n"
