"""Criteria suite: testable rate of drafted acceptance criteria, and the product's testability lint vs hand labels.

Cases with `inputs.items` are corpora: their stories are drafted (shared with the stories suite) and every
criterion is checked by the deterministic testability grader. Cases with `inputs.given/when/then` are single
hand-labelled criteria: the product's own `criteria_testable` lint must agree with the label.
"""

from __future__ import annotations

from typing import Any

from evals.cases import EvalCase
from evals.graders import is_testable
from assistant.models import Criterion, Story
from assistant.quality import lint_story
from evals.harness import EvalContext
from evals.models import Metric, SuiteResult
from evals.suites import grade_case
from evals.suites.stories import draft_corpus


def product_verdict(criterion: dict[str, Any]) -> tuple[bool, str, str]:
    """(testable, why, engine): the product's quality lint verdict on a one-criterion story."""
    story = Story(id="eval-criterion", role="user", goal="to check one criterion", benefit="the criterion is graded",
                  acceptance_criteria=[Criterion(**{k: criterion.get(k, "") for k in ("given", "when", "then")})])
    findings = [f for f in lint_story(story) if f.criterion == "criteria_testable"]
    return (not findings), "; ".join(f.message for f in findings) or "testable", "assistant.quality"


def run(ctx: EvalContext, cases: list[EvalCase]) -> SuiteResult:
    result = SuiteResult(suite="criteria")
    drafted_verdicts: list[bool] = []
    per_story: list[int] = []
    agree: list[bool] = []
    engine = ""
    all_stories: list[dict[str, Any]] = []
    for case in cases:
        if "items" in case.inputs:
            drafted = draft_corpus(ctx, case)
            all_stories += drafted.stories
            crits = [c for s in drafted.stories for c in s.get("acceptance_criteria") or []]
            drafted_verdicts += [is_testable(c)[0] for c in crits]
            per_story += [len(s.get("acceptance_criteria") or []) for s in drafted.stories]
            result.cases.append(grade_case(case, {"stories": drafted.stories}, {"criteria": len(crits)}))
        else:
            ok, why, engine = product_verdict(case.inputs)
            agree.append(ok == bool(case.expected.get("testable")))
            result.cases.append(grade_case(case, {"testable": ok, "why": why}, {"testable": ok, "why": why}))
    if drafted_verdicts:
        result.metrics.append(Metric(name="testable_rate", value=sum(drafted_verdicts) / len(drafted_verdicts),
                                     n=len(drafted_verdicts), note="drafted criteria passing the testability grader"))
        result.metrics.append(Metric(name="min2_criteria_rate", value=sum(n >= 2 for n in per_story) / len(per_story),
                                     n=len(per_story), note="stories with at least two criteria"))
    elif any("items" in c.inputs for c in cases):
        result.notes.append("no drafted criteria to grade")
    if ctx.judge and all_stories:
        from evals.judge import judge

        result.judge, note = judge(ctx, all_stories, "criteria")
        if note:
            result.notes.append(note)
        if result.judge:
            result.metrics.append(Metric(name="judge_score", value=sum(j.score for j in result.judge) / len(result.judge),
                                         n=len(result.judge), kind="score", note="LLM judge on criteria, 1..5 mean over rubric items"))
    if agree:
        result.metrics.append(Metric(name="lint_label_agreement", value=sum(agree) / len(agree), n=len(agree),
                                     note=f"testability verdict by {engine} vs hand labels"))
    return result
