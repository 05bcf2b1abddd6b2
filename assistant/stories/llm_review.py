"""LLM drafts through the verification gate, with critique-repair: a citation is a claim that is checked.

Every story a model drafts is verified against the items it cites (`assistant.verify`, draft mode: unsupported
citations are stripped, criteria left with no support dropped). A story whose goal none of its cited items
supports is dropped and reported: a model, or feedback that steers it, cannot add a story nobody asked for.
A story with blocking findings goes back to the model with the findings as input (the critique prompt) a bounded
number of times; what still has findings is kept with them and is not Ready (finish_stories runs the gate again
on every draft, so the findings the PO reads are the gate's own).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import LLMError
from assistant.models import FeedbackItem, QualityFinding, Story
from assistant.stories.evidence import drop_invented
from assistant.verify import verify_story
from assistant.verify.support import as_cached

MAX_CRITIQUE_ROUNDS = 2


@dataclass
class Reviewed:
    """The story after the gate and repair (None when dropped), its open findings, and what to tell the PO."""

    story: Story | None
    findings: list[QualityFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repairs: int = 0


def _gate(story: Story, items: dict[str, FeedbackItem], backlog: Sequence[Story], embed: Any,
          people: Sequence[str] = ()) -> tuple[Story, list[QualityFinding], bool]:
    """(cleaned story, every gate finding, whether any cited item supports its goal and a criterion is left)."""
    verified = verify_story(story, items, backlog=backlog, embed=embed, mode="draft", people=people)
    checked = verified.story
    # grounded: a cited item states the goal and is about its object and action (assistant.verify.about)
    return checked, verified.findings, verified.grounded and any(c.evidence for c in checked.acceptance_criteria)


def review_llm_story(provider: Any, story: Story, items: Sequence[FeedbackItem], *, backlog: Sequence[Story] = (),
                     embed: Any = None, rounds: int = MAX_CRITIQUE_ROUNDS, people: Sequence[str] = ()) -> Reviewed:
    """Gate one LLM draft; repair it with the critique prompt while it has blocking findings (at most `rounds`).
    `people`: what the inbox's stakeholders call its writers (the role check's plain role, as for offline drafts)."""
    from assistant.llm.steps import llm_repair_story  # only when an LLM is configured

    by_id = {it.id: it for it in items}
    embed = as_cached(embed)
    checked, findings, grounded = _gate(story, by_id, backlog, embed, people)
    if not grounded:
        return Reviewed(None, findings, [f"dropped an LLM story no cited feedback supports: '{_short(story)}'"])
    out = Reviewed(checked, findings)
    while any(f.severity != "info" for f in out.findings) and out.repairs < rounds:
        out.repairs += 1
        current: Story = out.story  # type: ignore[assignment]
        try:
            repaired = llm_repair_story(provider, current, out.findings, items)
        except LLMError as exc:
            out.notes.append(f"critique-repair of '{_short(current)}' stopped: {exc}")
            break
        repaired, _ = drop_invented(repaired, by_id)
        again, again_findings, ok = _gate(repaired, by_id, backlog, embed, people)
        if not ok:
            out.notes.append(f"a repair of '{_short(current)}' lost its support; kept the earlier draft")
            break
        out.story, out.findings = again, again_findings
    return out


def _short(story: Story, n: int = 90) -> str:
    text = story.text.split(", so that")[0]
    return text if len(text) <= n else text[: n - 1] + "…"
