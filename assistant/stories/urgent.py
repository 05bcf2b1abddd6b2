"""Serious reports a need's stories leave out: cited by the story they support (the gate's own support check),
listed on the need's story as "urgent reports this story does not cover" when they support none, and a story to
write of their own only when the need has no story. A separate "N urgent reports … read them first" row beside a
story that plainly covers them read as a duplicate and fragmented the backlog (acdisplay, bank audits)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.models import FeedbackItem, Need, QualityFinding, Story

NOT_COVERED = "urgent_not_covered"  # the finding's criterion: a warning, never hidden, never a citation


def uncovered_urgent(members: Sequence[FeedbackItem], stories: Sequence[Story]) -> list[FeedbackItem]:
    """High-urgency feedback (fraud, loss, lost access, data loss, outage, deadlines …) no drafted story cites, for
    its goal or for one of its criteria (an item a criterion rests on is covered by that story)."""
    cited = {e for st in stories for e in [*st.evidence, *(i for c in st.acceptance_criteria for i in c.evidence)]}
    return [m for m in members if m.kind == "feedback" and m.triage and m.triage.urgency.label == "high"
            and m.id not in cited]


def reasons(urgent: Sequence[FeedbackItem]) -> str:
    return ", ".join(sorted({u.triage.urgency.reason for u in urgent if u.triage and u.triage.urgency.reason})) \
        or "high urgency"


def supports(story: Story, item: FeedbackItem, items: Mapping[str, FeedbackItem], *, embed: Any,
             common: frozenset[str], asks: Mapping[str, Any] | None = None) -> bool:
    """Whether the item asks for the story's goal, as the verification gate measures a story citation: facts and
    closeness to the goal (citation_support), and about its object and action beside the story's own citations."""
    from assistant.verify.about import off_goal
    from assistant.verify.gate import goal_claim
    from assistant.verify.support import citation_support

    if not citation_support(goal_claim(story), item, embed=embed, common=common).supported:
        return False
    return item.id not in off_goal(story.goal, [*story.evidence, item.id], items, asks, common)


def not_covered(urgent: Sequence[FeedbackItem]) -> QualityFinding:
    n = len(urgent)
    return QualityFinding(
        criterion=NOT_COVERED, severity="warning",
        message=f"{n} urgent report{'s' if n != 1 else ''} ({reasons(urgent)}) in this need that this story does not "
                f"cover: {', '.join(u.id for u in urgent)}; read them first.",
        fix="Widen the story or its criteria to cover them, or write a story of their own.")


def listed(story: Story) -> list[str]:
    """The ids of the urgent reports a story's finding lists as not covered (in the message, in order)."""
    for f in story.quality:
        if f.criterion == NOT_COVERED and "cover: " in f.message:
            return [i.strip() for i in f.message.split("cover: ", 1)[1].split("; read them first")[0].split(",")]
    return []


def fold_urgent(drafted: list[Story], needs: Sequence[Need], items: Mapping[str, FeedbackItem], *, embed: Any,
                common: frozenset[str], asks: Mapping[str, Any] | None = None,
                to_write: Any = None) -> list[Story]:
    """Each need's urgent items no story cites: cited by the first of the need's stories they support, else listed
    on its best-backed story (a finding); a need with no story gets `to_write(need, urgent)` as its own row."""
    out = list(drafted)
    for need in needs:
        members = [items[i] for i in need.item_ids if i in items]
        own = [k for k, st in enumerate(out) if st.need_id == need.id]
        urgent = uncovered_urgent(members, [out[k] for k in own])
        if not urgent:
            continue
        written = [k for k in own if out[k].kind == "story"]
        if not written:
            if to_write is not None and not any(out[k].kind == "to_write" for k in own):
                out.append(to_write(need, urgent))
            continue
        left = []
        for item in urgent:
            k = next((k for k in written if supports(out[k], item, items, embed=embed, common=common, asks=asks)), None)
            if k is None:
                left.append(item)
            else:
                out[k] = out[k].model_copy(update={"evidence": [*out[k].evidence, item.id]})
        if left:
            k = max(written, key=lambda k: (len(out[k].evidence), -k))
            kept = [f for f in out[k].quality if f.criterion != NOT_COVERED]
            out[k] = out[k].model_copy(update={"quality": [*kept, not_covered(left)]})
    return out
