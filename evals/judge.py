"""Optional LLM judge: scores drafted stories with the rubric prompts in prompts/ and keeps their reasons.

Only runs with a provider (the offline engine cannot judge); it adds evidence next to the deterministic
graders and never replaces them.
"""

from __future__ import annotations

from typing import Any

from assistant.llm.steps import llm_judge_criteria, llm_judge_story
from evals.harness import EvalContext
from evals.models import JudgeScore

MAX_JUDGED = 12  # judging every story of a big run costs more than it tells


def _scores(value: Any) -> tuple[float, list[str]]:
    dims = {k: v for k, v in value.model_dump().items() if isinstance(v, int) and not isinstance(v, bool)}
    reasons = [value.rationale] + [f"{k}={v}" for k, v in dims.items()]
    if getattr(value, "vague_terms", None):
        reasons.append("vague: " + ", ".join(value.vague_terms))
    return (sum(dims.values()) / len(dims) if dims else 0.0), reasons


def judge(ctx: EvalContext, stories: list[dict[str, Any]], what: str = "story") -> tuple[list[JudgeScore], str]:
    """Judge up to MAX_JUDGED stories (what='story') or their criteria (what='criteria'); scores and a note."""
    if not ctx.live:
        return [], "judge: skipped (needs a provider; the offline engine cannot judge)"
    from assistant.errors import LLMError
    from assistant.models import Story

    step = llm_judge_story if what == "story" else llm_judge_criteria
    scores: list[JudgeScore] = []
    failures = 0
    with ctx.workspace("judge") as ws:
        provider = ctx.get_provider(ws)
        with ctx.requests.capture():
            for data in stories[:MAX_JUDGED]:
                story = Story.model_validate({k: v for k, v in data.items() if k != "text"})
                try:
                    score, reasons = _scores(step(provider, story))
                except LLMError:
                    failures += 1
                    continue
                scores.append(JudgeScore(subject=f"{what}:{story.id}", score=score, reasons=reasons))
    note = f"judge: {failures} {what}(s) could not be judged (invalid judge output)" if failures else ""
    return scores, note


def judge_stories(ctx: EvalContext, stories: list[dict[str, Any]]) -> tuple[list[JudgeScore], str]:
    """The story rubric (judge_story_quality)."""
    return judge(ctx, stories, "story")
