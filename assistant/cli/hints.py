"""Which command to run when a step's input is missing (no feedback, no needs, no stories)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from assistant.errors import NotFoundError
from assistant.tables import FeedbackRow, NeedRow, StoryRow

_STEPS = (
    ("needs", FeedbackRow, "No feedback in this workspace yet: run `backlogsmith ingest FILE` (or `--paste TEXT`) first."),
    ("draft", NeedRow, "No needs yet: run `backlogsmith needs` first (it triages the feedback and groups it into needs)."),
    ("stories", StoryRow, "No stories yet: run `backlogsmith draft` first."),
)


def missing_input(ws: Any, step: str) -> str | None:
    """The first earlier step whose output is missing for `step` (needs, draft, stories), as a hint; None when ready."""
    names = [name for name, _, _ in _STEPS]
    with ws.transaction() as s:
        for name, table, hint in _STEPS[: names.index(step) + 1]:
            query = select(func.count()).select_from(table)
            if table is NeedRow:
                query = query.where(NeedRow.merged_into.is_(None))
            if not s.scalar(query):
                return hint
    return None


def require_input(ws: Any, step: str) -> None:
    """Stop with the hint when the step has nothing to work on."""
    hint = missing_input(ws, step)
    if hint:
        raise NotFoundError(hint)
