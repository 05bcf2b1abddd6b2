"""After drafting or editing: lint (Quality User Story), estimate, and check the Definition of Ready."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from assistant.models import QualityFinding, Story
from assistant.readiness import evaluate_ready

log = logging.getLogger(__name__)


def lint(story: Story, backlog: Sequence[Story] = ()) -> list[QualityFinding]:
    """Findings from assistant.quality (imported lazily: the lint is its own module and may load a parser)."""
    try:
        from assistant.quality import lint_story
    except ImportError:  # pragma: no cover - only while the quality module is not installed
        log.warning("assistant.quality is not available; stories are stored without lint findings")
        return []
    return lint_story(story, backlog=backlog)


def finish_story(story: Story, dor: Sequence[str] | None, backlog: Sequence[Story] = ()) -> Story:
    """Lint, estimate when no points are set, and evaluate Ready."""
    from assistant.value import estimate_points

    story = story.model_copy(update={"quality": lint(story, backlog)})
    if not story.points:
        story = story.model_copy(update={"points": estimate_points(story)[0]})
    ready, _ = evaluate_ready(story, dor)
    return story.model_copy(update={"ready": ready})


def finish_stories(ws: Any, stories: Sequence[Story], backlog: Sequence[Story] = ()) -> list[Story]:
    """finish_story for a batch; each story is linted against the others and the existing backlog."""
    dor = ws.get_setting("definition_of_ready")
    everything = [*backlog, *stories]
    return [finish_story(st, dor, everything) for st in stories]
