"""Conversions between SQL rows and the pydantic contracts, plus the story write path with history.

Every step reads and writes through here, so the JSON shapes the CLI, UI and exports see stay identical.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from assistant.errors import ConflictError, NotFoundError
from assistant.models import Criterion, FeedbackItem, Need, NeedBrief, NeedCounts, Provenance, SourceRef, Story, StoryValue, Triage
from assistant.tables import CriterionRow, FeedbackRow, NeedRow, StoryHistoryRow, StoryRow, utcnow


def item_from_row(row: FeedbackRow) -> FeedbackItem:
    return FeedbackItem(
        id=row.id,
        text=row.text,
        kind=row.kind,  # type: ignore[arg-type]
        source=SourceRef(path=row.source_path, row=row.source_row, id=row.source_id),
        metadata=dict(row.meta or {}),
        duplicate_of=row.duplicate_of,
        triage=Triage.model_validate(row.triage) if row.triage else None,
        need_id=row.need_id,
        created_at=row.created_at,
    )


def load_items(session: Session, ids: Sequence[str] | None = None, *, include_duplicates: bool = True,
               kind: str | None = None) -> list[FeedbackItem]:
    """Items in ingest order (source, row); optionally only the given ids and/or one kind."""
    stmt = select(FeedbackRow).order_by(FeedbackRow.created_at, FeedbackRow.source_path, FeedbackRow.source_row)
    if ids is not None:
        stmt = stmt.where(FeedbackRow.id.in_(list(ids)))
    if kind is not None:
        stmt = stmt.where(FeedbackRow.kind == kind)
    if not include_duplicates:
        stmt = stmt.where(FeedbackRow.duplicate_of.is_(None))
    return [item_from_row(r) for r in session.scalars(stmt)]


def existing_item_ids(session: Session, ids: Iterable[str]) -> set[str]:
    """The subset of ids that exist: used to refuse invented citations."""
    wanted = list(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(session.scalars(select(FeedbackRow.id).where(FeedbackRow.id.in_(wanted[start : start + 500]))))
    return found


def need_from_row(row: NeedRow, item_ids: list[str]) -> Need:
    return Need(
        id=row.id,
        name=row.name,
        statement=row.statement,
        item_ids=item_ids,
        quotes=list(row.quotes or []),
        counts=NeedCounts.model_validate(row.counts or {}),
        name_edited=row.name_edited,
        loose=list((row.provenance or {}).get("loose") or []),
        set_aside=dict((row.provenance or {}).get("set_aside") or {}),
    )


def load_needs(session: Session) -> list[Need]:
    """Live needs (not merged away) with their member ids."""
    members: dict[str, list[str]] = {}
    for item_id, need_id in session.execute(
        select(FeedbackRow.id, FeedbackRow.need_id).where(FeedbackRow.need_id.is_not(None)).order_by(FeedbackRow.id)
    ):
        members.setdefault(need_id, []).append(item_id)
    rows = session.scalars(select(NeedRow).where(NeedRow.merged_into.is_(None)).order_by(NeedRow.id))
    return [need_from_row(r, members.get(r.id, [])) for r in rows]


def story_from_row(row: StoryRow) -> Story:
    return Story(
        id=row.id,
        need_id=row.need_id,
        kind=row.kind or "story",  # type: ignore[arg-type]
        brief=NeedBrief.model_validate(row.brief) if row.brief else None,
        role=row.role,
        goal=row.goal,
        benefit=row.benefit,
        acceptance_criteria=[
            Criterion(given=c.given, when=c.when, then=c.then, evidence=list(c.evidence or [])) for c in row.criteria
        ],
        evidence=list(row.evidence or []),
        status=row.status,  # type: ignore[arg-type]
        points=row.points,
        points_suggested=row.points_suggested,
        priority=row.priority,
        value=StoryValue.model_validate(row.value or {}),
        quality=[q for q in (row.quality or [])],
        ready=row.ready,
        version=row.version,
        provenance=Provenance.model_validate(row.provenance or {}),
    )


def load_stories(session: Session, *, status: str | None = None, need_id: str | None = None) -> list[Story]:
    stmt = select(StoryRow).options(selectinload(StoryRow.criteria)).order_by(StoryRow.position, StoryRow.id)
    if status:
        stmt = stmt.where(StoryRow.status == status)
    if need_id:
        stmt = stmt.where(StoryRow.need_id == need_id)
    return [story_from_row(r) for r in session.scalars(stmt)]


def get_story(session: Session, story_id: str) -> Story:
    row = session.get(StoryRow, story_id, options=[selectinload(StoryRow.criteria)])
    if row is None:
        raise NotFoundError(f"No story with id {story_id!r}; `backlogsmith stories list` shows the ids.")
    return story_from_row(row)


_STORY_FIELDS = ("need_id", "kind", "role", "goal", "benefit", "evidence", "status", "points", "priority", "ready")


def _snapshot(row: StoryRow) -> dict[str, Any]:
    snap = {f: getattr(row, f) for f in _STORY_FIELDS}
    snap["acceptance_criteria"] = [
        {"given": c.given, "when": c.when, "then": c.then, "evidence": list(c.evidence or [])} for c in row.criteria
    ]
    return snap


def save_story(
    session: Session,
    story: Story,
    *,
    actor: str,
    action: str,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Story:
    """Insert or update a story and append a history entry with what changed (before/after).

    expected_version guards against two people editing the same story: a stale version raises ConflictError.
    """
    row = session.get(StoryRow, story.id, options=[selectinload(StoryRow.criteria)])
    before: dict[str, Any] = {}
    if row is None:
        row = StoryRow(id=story.id)
        session.add(row)
    else:
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(
                f"Story {story.id} was changed by someone else (now version {row.version}, you loaded "
                f"{expected_version}); reload it and apply your edit again."
            )
        before = _snapshot(row)
    row.need_id = story.need_id
    row.role, row.goal, row.benefit = story.role, story.goal, story.benefit
    row.evidence = list(story.evidence)
    row.status = story.status
    row.points, row.priority, row.ready = story.points, story.priority, story.ready
    row.points_suggested, row.kind = story.points_suggested, story.kind
    row.brief = story.brief.model_dump() if story.brief else None
    row.value = story.value.model_dump()
    row.quality = [q.model_dump() for q in story.quality]
    row.provenance = story.provenance.model_dump()
    if reason is not None:
        row.status_reason = reason
    # Touch the row so an edit that only changes criteria (child rows) still bumps the version.
    row.updated_at = utcnow()
    row.criteria = [
        CriterionRow(position=i, given=c.given, when=c.when, then=c.then, evidence=list(c.evidence))
        for i, c in enumerate(story.acceptance_criteria)
    ]
    after = _snapshot(row)
    changes = {k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v}
    if reason:
        changes["reason"] = {"before": None, "after": reason}
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(f"Story {story.id} was changed by someone else meanwhile; reload and retry.") from None
    session.add(StoryHistoryRow(story_id=story.id, actor=actor, action=action, changes=changes))
    session.flush()
    return story_from_row(row)


def story_history(session: Session, story_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(StoryHistoryRow).where(StoryHistoryRow.story_id == story_id).order_by(StoryHistoryRow.id))
    return [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action, "changes": r.changes} for r in rows]
