"""A story the PO writes by hand for a need: same lint, estimate, Ready check and citation check as a draft.

It cites the need's representative quotes (the PO can change criteria afterwards); its history names the PO, so
a re-draft keeps it like any story the PO touched.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from assistant.errors import QualityError
from assistant.models import Criterion, Story
from assistant.needs.edit import get_need
from assistant.repository import load_stories, save_story
from assistant.stories.evidence import check_citations
from assistant.stories.finish import finish_story
from assistant.tables import StoryRow
from assistant.textclean import clean_text


def handwritten_id(need_id: str, goal: str) -> str:
    """Stable per need and goal: writing the same story twice is refused instead of duplicated."""
    key = " ".join(goal.lower().split())
    return "st_" + hashlib.sha1(f"{need_id}|hand|{key}".encode()).hexdigest()[:12]


def write_story(ws: Any, need_id: str, *, role: str, goal: str, benefit: str, actor: str,
                criteria: list[dict[str, str]] | None = None) -> Story:
    """Create a draft story for a need from the PO's words; it cites the need's quotes (criteria too)."""
    role, goal, benefit = (" ".join(clean_text(v or "").split()) for v in (role, goal, benefit))
    missing = [name for name, v in (("role", role), ("goal", goal), ("benefit", benefit)) if not v]
    if missing:
        raise QualityError(f"A story needs a role, a goal and a benefit (missing: {', '.join(missing)}).")
    goal = goal if goal.lower().startswith("to ") else f"to {goal}"
    need = get_need(ws, need_id)
    evidence = list(need.quotes or need.item_ids[:3])
    if not evidence:
        raise QualityError(f"Need {need.name!r} has no feedback items to cite; add feedback to it first.")
    crits = [Criterion(given=c["given"].strip(), when=c["when"].strip(), then=c["then"].strip(), evidence=evidence[:2])
             for c in criteria or [] if all(str(c.get(k) or "").strip() for k in ("given", "when", "then"))]
    story = Story(id=handwritten_id(need.id, goal), need_id=need.id, role=role, goal=goal,
                  benefit=benefit.rstrip("."), evidence=evidence, acceptance_criteria=crits)
    dor = ws.get_setting("definition_of_ready")
    with ws.transaction() as s:
        if s.scalar(select(StoryRow.id).where(StoryRow.id == story.id)):
            raise QualityError(f"This need already has a story with the goal {goal!r}; edit that one instead.")
        others = [st for st in load_stories(s) if st.status != "rejected"]
        story = finish_story(story, dor, others)
        check_citations(s, story)
        return save_story(s, story, actor=actor, action="write")
