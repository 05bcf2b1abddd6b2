"""PO review: edit, approve, reject. Every change goes through repository.save_story (history: who/when/what)
with an optimistic version check, and an edit is re-linted and re-checked against the Definition of Ready.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from assistant.errors import ConflictError, QualityError
from assistant.models import Criterion, FeedbackItem, Story
from assistant.repository import get_story, item_from_row, load_items, load_stories, save_story
from assistant.stories.brief import settle
from assistant.stories.evidence import check_citations, cited_ids
from assistant.stories.finish import finish_story
from assistant.stories.roles import inbox_people
from assistant.tables import FeedbackRow
from assistant.textclean import clean_text

EDITABLE = {"role", "goal", "benefit", "points", "evidence", "acceptance_criteria", "criterion"}
_AS_A = re.compile(r"^\s*as\s+an?\s+", re.I)


def _check_version(story: Story, expected_version: int | None) -> None:
    if expected_version is not None and story.version != expected_version:
        raise ConflictError(
            f"Story {story.id} was changed by someone else (now version {story.version}, you loaded "
            f"{expected_version}); reload it and apply your edit again."
        )


def _apply(story: Story, changes: dict[str, Any]) -> Story:
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise QualityError(f"Cannot edit {unknown[0]!r}; editable fields: {', '.join(sorted(EDITABLE))}.")
    changes = _cleaned(changes)
    update: dict[str, Any] = {}
    if changes.get("role") is not None:
        update["role"] = _AS_A.sub("", str(changes["role"])).strip().rstrip(",")
    if changes.get("goal") is not None:
        goal = re.sub(r"^\s*i\s+want\s+", "", str(changes["goal"]).strip(), flags=re.I).rstrip(",")
        update["goal"] = goal if goal.lower().startswith("to ") else f"to {goal}"
        if story.kind == "to_write" and goal.strip():
            update["kind"] = "story"  # the PO wrote the story the engine handed over; the brief stays for reference
    if changes.get("benefit") is not None:
        update["benefit"] = re.sub(r"^\s*so\s+that\s+", "", str(changes["benefit"]).strip(), flags=re.I).rstrip(".")
    if changes.get("points") is not None:
        points = int(changes["points"])
        if points <= 0:
            raise QualityError("Story points must be a positive number (1, 2, 3, 5, 8, 13).")
        update["points"] = points
    if changes.get("evidence") is not None:
        update["evidence"] = list(dict.fromkeys(changes["evidence"]))
    criteria = list(story.acceptance_criteria)
    if changes.get("acceptance_criteria") is not None:
        criteria = [Criterion.model_validate(c) for c in changes["acceptance_criteria"]]
    if changes.get("criterion") is not None:
        criteria = _edit_criterion(story, criteria, changes["criterion"])
    update["acceptance_criteria"] = criteria
    return story.model_copy(update=update)


def _cleaned(value: Any) -> Any:
    """PO input with control characters dropped (they would reach tracker titles and labels verbatim)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cleaned(v) for v in value]
    if isinstance(value, Criterion):
        return Criterion.model_validate(_cleaned(value.model_dump()))
    return value


def _edit_criterion(story: Story, criteria: list[Criterion], change: dict[str, Any]) -> list[Criterion]:
    """Change criterion N (1-based) or add one at len+1; a new criterion cites the story's evidence by default."""
    n = int(change.get("index", 0))
    if not 1 <= n <= len(criteria) + 1:
        raise QualityError(f"Criterion {n} does not exist; the story has {len(criteria)} (use {len(criteria) + 1} to add one).")
    if change.get("delete"):
        if n > len(criteria):
            raise QualityError(f"Criterion {n} does not exist.")
        return criteria[: n - 1] + criteria[n:]
    fields = {k: change[k] for k in ("given", "when", "then", "evidence") if change.get(k) is not None}
    if n == len(criteria) + 1:
        missing = [k for k in ("given", "when", "then") if not fields.get(k)]
        if missing:
            raise QualityError(f"A new criterion needs --given, --when and --then (missing: {', '.join(missing)}).")
        fields.setdefault("evidence", list(story.evidence[:5]))
        return [*criteria, Criterion.model_validate(fields)]
    old = criteria[n - 1]
    criteria[n - 1] = old.model_copy(update=fields)
    return criteria


POOL_SAMPLE = 2000  # enough items to learn an inbox's everyday words from, without loading a 200k-row inbox per edit


def inbox_sample(session: Any) -> list[FeedbackItem]:
    """Customer items spread over the inbox (ids are hashes, so their order is no source's order)."""
    stmt = (select(FeedbackRow).where(FeedbackRow.kind == "feedback", FeedbackRow.duplicate_of.is_(None))
            .order_by(FeedbackRow.id).limit(POOL_SAMPLE))
    return [item_from_row(r) for r in session.scalars(stmt)]


def edit_story(ws: Any, story_id: str, changes: dict[str, Any], *, actor: str, expected_version: int | None) -> Story:
    """Apply a PO edit; re-lint, re-estimate if needed, re-check Ready; an approved story goes back to draft."""
    dor = ws.get_setting("definition_of_ready")
    with ws.transaction() as s:
        story = get_story(s, story_id)
        _check_version(story, expected_version)
        edited = _apply(story, changes)
        if edited.status == "approved":
            edited = edited.model_copy(update={"status": "draft"})
        others = [st for st in load_stories(s) if st.id != story_id and st.status != "rejected"]
        team_points = edited.points  # only the PO or team sets these; the engine's go to points_suggested
        cited = {i.id: i for i in load_items(s, sorted(cited_ids(edited)))}
        # the gate flags the PO's own citations and wording as warnings; it never removes what the PO wrote
        edited = finish_story(edited.model_copy(update={"points_suggested": None}), dor, others, items=cited,
                              embed=ws.embedder, mode="review", pool=inbox_sample(s),
                              people=inbox_people(load_items(s, kind="stakeholder_ask")))
        edited = settle(edited, dor, team_points)
        check_citations(s, edited)
        return save_story(s, edited, actor=actor, action="edit", expected_version=story.version)


def approve_story(ws: Any, story_id: str, *, actor: str, expected_version: int | None = None) -> Story:
    """Mark a story approved (history keeps who and when)."""
    with ws.transaction() as s:
        story = get_story(s, story_id)
        _check_version(story, expected_version)
        if story.status == "approved":
            return story
        if story.status == "exported":
            raise QualityError(f"Story {story_id} was already exported; edit it first if it needs another review.")
        if story.kind == "to_write":
            raise QualityError(f"Story {story_id} is a story to write: it has no goal yet. Write it first "
                               f"(`backlogsmith stories edit {story_id} --goal ...`), then approve it.")
        return save_story(s, story.model_copy(update={"status": "approved"}), actor=actor, action="approve",
                          expected_version=story.version)


def approve_all(ws: Any, *, actor: str, only_ready: bool = False) -> list[Story]:
    """Approve every draft (optionally only those that meet the Definition of Ready)."""
    with ws.transaction() as s:
        drafts = [st for st in load_stories(s, status="draft")
                  if st.kind != "to_write" and (st.ready or not only_ready)]
        return [save_story(s, st.model_copy(update={"status": "approved"}), actor=actor, action="approve",
                           expected_version=st.version) for st in drafts]


def reject_story(ws: Any, story_id: str, *, actor: str, reason: str, expected_version: int | None = None) -> Story:
    """Reject with a reason (it becomes the 'why' in stakeholder decisions)."""
    reason = clean_text(reason or "")
    if not reason.strip():
        raise QualityError("Say why the story is rejected (--reason), so the decision can be explained later.")
    with ws.transaction() as s:
        story = get_story(s, story_id)
        _check_version(story, expected_version)
        return save_story(s, story.model_copy(update={"status": "rejected"}), actor=actor, action="reject",
                          expected_version=story.version, reason=reason.strip())
