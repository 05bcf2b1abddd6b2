"""Citations are never invented: every evidence id on a story and its criteria must exist in the workspace."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from assistant.errors import QualityError
from assistant.models import Story
from assistant.repository import existing_item_ids


def cited_ids(story: Story) -> set[str]:
    """All item ids a story cites (story level and every criterion)."""
    ids = set(story.evidence)
    for c in story.acceptance_criteria:
        ids.update(c.evidence)
    return ids


def check_citations(session: Session, story: Story) -> None:
    """Raise QualityError naming the ids that do not exist (or a story/criterion that cites nothing)."""
    missing = sorted(cited_ids(story) - existing_item_ids(session, cited_ids(story)))
    if missing:
        raise QualityError(
            f"Story {story.id} cites feedback that does not exist: {', '.join(missing[:5])}"
            f"{' ...' if len(missing) > 5 else ''}. Cite only ingested items (`backlogsmith feedback list`)."
        )
    if not story.evidence:
        raise QualityError(f"Story {story.id} cites no feedback; every story must rest on at least one item.")
    bare = [i + 1 for i, c in enumerate(story.acceptance_criteria) if not c.evidence]
    if bare:
        raise QualityError(f"Story {story.id}: criterion {bare[0]} cites no feedback; add the item ids it rests on.")


def drop_invented(story: Story, known: Iterable[str]) -> tuple[Story, list[str]]:
    """Remove citations to unknown ids (used on LLM output); criteria left with none are dropped.

    Returns the cleaned story and the ids that were dropped, so the caller can say so.
    """
    known = set(known)
    dropped = sorted(cited_ids(story) - known)
    if not dropped:
        return story, []
    criteria = []
    for c in story.acceptance_criteria:
        ev = [i for i in c.evidence if i in known]
        if ev:
            criteria.append(c.model_copy(update={"evidence": ev}))
    evidence = [i for i in story.evidence if i in known]
    return story.model_copy(update={"evidence": evidence, "acceptance_criteria": criteria}), dropped
