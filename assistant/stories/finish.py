"""After drafting or editing: the verification gate, then lint (Quality User Story), a suggested estimate, and
the Definition of Ready. Every story passes here, offline or LLM drafted, and after every PO edit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.models import FeedbackItem, QualityFinding, Story
from assistant.readiness import evaluate_ready
from assistant.verify import GATE_CRITERIA, CachedEmbed, Verified, verify_stories

log = logging.getLogger(__name__)


def lint(story: Story, backlog: Sequence[Story] = ()) -> list[QualityFinding]:
    """Findings from assistant.quality (imported lazily: the lint is its own module and may load a parser)."""
    try:
        from assistant.quality import lint_story
    except ImportError:  # pragma: no cover - only while the quality module is not installed
        log.warning("assistant.quality is not available; stories are stored without lint findings")
        return []
    return lint_story(story, backlog=backlog)


def _complete(verified: Verified, dor: Sequence[str] | None, backlog: Sequence[Story]) -> Story:
    """Lint plus the gate's findings, a suggested estimate when the team set none, and Ready."""
    from assistant.value import estimate_points

    story = verified.story
    found = [f for f in lint(story, backlog) if f.criterion not in GATE_CRITERIA]
    story = story.model_copy(update={"quality": [*found, *verified.findings]})
    if not story.points and story.kind != "to_write":
        # a suggestion only (`points` is the team's estimate): the Definition of Ready's "estimated" waits for it
        story = story.model_copy(update={"points_suggested": estimate_points(story)[0]})
    ready, _ = evaluate_ready(story, dor)
    return story.model_copy(update={"ready": ready})


def finish_story(story: Story, dor: Sequence[str] | None, backlog: Sequence[Story] = (), *,
                 items: Mapping[str, FeedbackItem] | None = None, embed: Any = None,
                 mode: str = "review", pool: Sequence[FeedbackItem] | None = None,
                 people: Sequence[str] = ()) -> Story:
    """Gate, lint, suggest points when none are set, and evaluate Ready.

    mode='review' (PO edits) flags unsupported citations as warnings and keeps them; 'draft' strips them.
    Without `items` the evidence checks cannot run, so the story is flagged and never Ready. `pool`: items of the
    inbox to learn its everyday words and product noun from, as drafting did (a bare "can't uninstall it" is about
    "the app" only when the gate knows the inbox calls it that). `people`: what the inbox's stakeholders call its
    writers (assistant.stories.roles.inbox_people), which supports a plain role no message repeats.
    """
    if items is None:
        from assistant.verify.gate import gate_finding

        verified = Verified(story=story, findings=[gate_finding(
            "unsupported_evidence", "review", "the cited feedback was not available to check the citations")])
    else:
        verified = verify_stories([story], items, backlog=backlog, embed=embed, mode=mode,  # type: ignore[arg-type]
                                  pool=pool, people=people)[0]
    return _complete(verified, dor, backlog)


def finish_stories(ws: Any, stories: Sequence[Story], backlog: Sequence[Story] = (), *,
                   mode: str = "draft", embed: CachedEmbed | None = None) -> list[Story]:
    """The gate and finish_story for a batch of drafts; each is checked against the others and the backlog."""
    from assistant.repository import load_items
    from assistant.stories.roles import inbox_people
    from assistant.verify.gate import cited_in

    dor = ws.get_setting("definition_of_ready")
    everything = [*backlog, *stories]
    ids = list(dict.fromkeys(i for st in stories for i in cited_in(st)))
    with ws.transaction() as s:
        items = {i.id: i for i in load_items(s, ids)}
        pool = load_items(s, include_duplicates=False, kind="feedback")
        people = inbox_people(load_items(s, kind="stakeholder_ask"))
    embed = embed or CachedEmbed(ws.embedder)
    try:  # the index already holds every item's vector from the same model: no need to embed whole items again
        embed.seed({items[i].text: v for i, v in ws.index.get_vectors(list(items)).items() if i in items})
    except Exception as exc:  # noqa: BLE001 - a missing or remote index only costs time here
        log.info("item vectors not read from the index (%s); embedding them", exc)
    verified = verify_stories(stories, items, backlog=backlog, embed=embed, mode=mode,  # type: ignore[arg-type]
                              pool=pool or None, people=people)
    return [_complete(v, dor, everything) for v in verified]
