"""Optional LLM judge: scores drafted stories with the rubric prompt in prompts/ and keeps its reasons.

Only runs with a real provider (the offline engine cannot judge); it adds evidence, it never replaces the
deterministic graders.
"""

from __future__ import annotations

from typing import Any

from evals.harness import EvalContext, Unavailable, need_callable
from evals.models import JudgeScore

JUDGE_PROMPT = "judge_story_quality"
MAX_JUDGED = 12  # judging every story of a big run costs more than it tells


def judge_stories(ctx: EvalContext, stories: list[dict[str, Any]]) -> tuple[list[JudgeScore], str]:
    """Judge up to MAX_JUDGED stories; returns the scores and a note (why it did not run, or what failed)."""
    if not ctx.live:
        return [], "judge: skipped (needs a provider; the offline engine cannot judge)"
    try:
        contracts = need_callable("assistant.llm.contracts", "StoryJudgement")
    except Unavailable as exc:
        return [], f"judge: skipped ({exc})"
    from assistant.errors import LLMError

    scores: list[JudgeScore] = []
    failures = 0
    with ctx.workspace("judge") as ws:
        provider = ctx.get_provider(ws)
        for story in stories[:MAX_JUDGED]:
            try:
                generated = provider.generate(JUDGE_PROMPT, {"story": story["text"]}, contracts)
            except LLMError:
                failures += 1
                continue
            value = getattr(generated, "value", generated)
            dims = {k: v for k, v in value.model_dump().items() if isinstance(v, int) and not isinstance(v, bool)}
            score = sum(dims.values()) / len(dims) if dims else 0.0
            reasons = [value.rationale] + [f"{k}={v}" for k, v in dims.items()]
            scores.append(JudgeScore(subject=story.get("id", "?"), score=score, reasons=reasons))
    note = f"judge: {failures} story(ies) could not be judged (invalid judge output)" if failures else ""
    return scores, note
