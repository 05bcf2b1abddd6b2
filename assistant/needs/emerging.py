"""Which needs grew since the PO last reviewed stories: the "emerging" count of the Needs page and `needs list`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from assistant.tables import FeedbackRow, StoryHistoryRow

DRAFTER = "backlogsmith"  # history rows the engine writes are not a review (assistant.stories.draft.SYSTEM_ACTOR)


def grown_since_review(ws: Any) -> dict[str, int]:
    """Items each need received since the PO last edited, approved or rejected a story; empty before any review."""
    with ws.transaction() as s:
        last = s.scalar(select(func.max(StoryHistoryRow.at)).where(StoryHistoryRow.actor != DRAFTER))
        if last is None:
            return {}
        stmt = (select(FeedbackRow.need_id, func.count())
                .where(FeedbackRow.duplicate_of.is_(None), FeedbackRow.need_id.is_not(None), FeedbackRow.created_at > last)
                .group_by(FeedbackRow.need_id))
        return dict(s.execute(stmt).all())
