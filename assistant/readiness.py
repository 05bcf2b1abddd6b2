"""Definition of Ready per story (configurable per workspace) and backlog health against DEEP."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select

from assistant.errors import ConfigError
from assistant.models import Story
from assistant.repository import load_stories
from assistant.tables import FeedbackRow, NeedRow, StoryHistoryRow, as_utc
from assistant.verify.gate import GATE_CRITERIA

BLOCKING = "error"


def _well_formed(story: Story) -> str | None:
    if not story.role.strip() or not story.goal.strip().lower().startswith("to ") or not story.benefit.strip():
        return "well_formed: the story needs a role, a goal starting with 'to ...' and a benefit"
    if any(f.criterion == "well_formed" and f.severity == BLOCKING for f in story.quality):
        return "well_formed: the lint found the story does not follow 'As a ..., I want ..., so that ...'"
    return None


def _numbered(story: Story, criterion: str) -> set[int]:
    """1-based criterion numbers named by findings of one lint/gate criterion ('Criterion 2 ...')."""
    return {int(m.group(1)) for f in story.quality if f.criterion == criterion and f.severity != "info"
            for m in [re.match(r"Criterion (\d+)", f.message)] if m}


def _testable(story: Story) -> str | None:
    # a criterion counts when it has Given/When/Then, the lint did not call its outcome vague or incomplete,
    # and the gate did not find it generic (stock wording that would fit any story)
    flagged = _numbered(story, "criteria_testable")
    generic = _numbered(story, "generic_criterion")
    ok = [n for n, c in enumerate(story.acceptance_criteria, 1)
          if c.given.strip() and c.when.strip() and c.then.strip() and n not in flagged | generic]
    if len(ok) < 2:
        why = f"; criterion {min(flagged)} is not testable as written" if flagged else ""
        why += f"; criterion {min(generic)} would fit any story" if generic else ""
        return f"min_two_testable_criteria: {len(ok)} testable Given/When/Then criteria, need 2{why}"
    return None


def _estimated(story: Story) -> str | None:
    # `points` is the team's estimate; `points_suggested` is the engine's number and never counts
    if story.points:
        return None
    if story.points_suggested:
        return (f"estimated: no team estimate yet ({story.points_suggested} points is only the engine's "
                "suggestion; set the points to accept or change it)")
    return "estimated: no story points yet (the team sets them: `backlogsmith stories edit ID --points N`)"


def _evidence(story: Story) -> str | None:
    if not story.evidence or any(not c.evidence for c in story.acceptance_criteria):
        return "has_evidence: the story and every criterion must cite feedback items"
    return None


def _no_blocking(story: Story) -> str | None:
    # the gate's findings are reported by `verified`, one line each; not twice
    blocking = [f for f in story.quality if f.severity == BLOCKING and f.criterion not in GATE_CRITERIA]
    return f"no_blocking_finding: {blocking[0].criterion}: {blocking[0].message}" if blocking else None


def _verified(story: Story) -> list[str]:
    """One line per verification-gate finding (warnings included: PO edits are flagged as warnings)."""
    return [f"verified: {f.criterion}: {f.message}" for f in story.quality
            if f.criterion in GATE_CRITERIA and f.severity != "info"]


def _prioritized(story: Story) -> str | None:
    return None if story.priority else "prioritized: no priority yet (run `backlogsmith run` or `draft`)"


CHECKS: dict[str, Callable[[Story], str | None]] = {
    "well_formed": _well_formed,
    "min_two_testable_criteria": _testable,
    "estimated": _estimated,
    "has_evidence": _evidence,
    "no_blocking_finding": _no_blocking,
    "prioritized": _prioritized,
}
DEFAULT_DOR = ["well_formed", "min_two_testable_criteria", "estimated", "has_evidence", "no_blocking_finding"]


def evaluate_ready(story: Story, dor: Sequence[str] | None = None) -> tuple[bool, list[str]]:
    """(ready, unmet checks with why) against the workspace's Definition of Ready.

    The verification gate is not configurable: a garbled, generic or unsupported story is never Ready.
    """
    names = list(dor) if dor else DEFAULT_DOR
    unknown = [n for n in names if n not in CHECKS and n != "verified"]
    if unknown:
        raise ConfigError(f"Unknown Definition of Ready check {unknown[0]!r}; choose from {', '.join(CHECKS)}.")
    missing = [m for m in (CHECKS[n](story) for n in names if n in CHECKS) if m]
    missing += _verified(story)
    return not missing, missing


class HealthCheck(BaseModel):
    name: str
    ok: bool
    detail: str
    numbers: dict[str, Any] = {}


class HealthReport(BaseModel):
    """The backlog against DEEP: detailed appropriately, estimated, emergent, prioritized."""

    stories: int
    checks: list[HealthCheck]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def backlog_health(ws: Any, *, top: int = 10) -> HealthReport:
    """DEEP report: the top of the backlog is Ready, everything is estimated and ranked, and new evidence is seen."""
    dor = ws.get_setting("definition_of_ready")
    with ws.transaction() as s:
        stories = [st for st in load_stories(s) if st.status in ("draft", "approved")]
        last_review = s.scalar(select(func.max(StoryHistoryRow.at)).where(StoryHistoryRow.actor != "backlogsmith"))
        stmt = select(func.count(FeedbackRow.id)).where(FeedbackRow.duplicate_of.is_(None))
        new_items = s.scalar(stmt.where(FeedbackRow.created_at > last_review) if last_review else stmt) or 0
        unclustered = s.scalar(stmt.where(FeedbackRow.need_id.is_(None))) or 0
        need_ids = set(s.scalars(select(NeedRow.id).where(NeedRow.merged_into.is_(None))))
    covered_needs = {st.need_id for st in load_stories_any(ws)}
    ordered = sorted(stories, key=lambda st: st.value.inputs.get("rank", 10**6))
    head = ordered[:top]
    ready_head = [st for st in head if evaluate_ready(st, dor)[0]]
    estimated = [st for st in stories if st.points]
    ranked = [st for st in stories if st.priority and "rank" in st.value.inputs]
    needs_without = sorted(need_ids - covered_needs)
    checks = [
        HealthCheck(name="detailed_appropriately", ok=len(ready_head) == len(head),
                    detail=f"{len(ready_head)} of the top {len(head)} stories meet the Definition of Ready",
                    numbers={"top": len(head), "ready": len(ready_head),
                             "not_ready": [st.id for st in head if st not in ready_head]}),
        HealthCheck(name="estimated", ok=len(estimated) == len(stories),
                    detail=f"{len(estimated)} of {len(stories)} stories have a team estimate (suggested points do not count)",
                    numbers={"estimated": len(estimated), "total": len(stories)}),
        HealthCheck(name="emergent", ok=new_items == 0 and not needs_without,
                    detail=(f"{new_items} new feedback items since the last review"
                            + (f" ({last_review:%Y-%m-%d %H:%M} UTC)" if last_review else " (no review yet)")
                            + f"; {len(needs_without)} needs without a story; {unclustered} items not in a need"),
                    numbers={"new_items": new_items, "last_review": _iso(last_review), "needs_without_story": needs_without,
                             "unclustered_items": unclustered}),
        HealthCheck(name="prioritized", ok=len(ranked) == len(stories),
                    detail=f"{len(ranked)} of {len(stories)} stories have a priority and a rank",
                    numbers={"ranked": len(ranked), "total": len(stories)}),
    ]
    return HealthReport(stories=len(stories), checks=checks)


def load_stories_any(ws: Any) -> list[Story]:
    with ws.transaction() as s:
        return load_stories(s)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).isoformat()
